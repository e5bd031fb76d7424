namespace Warden.Checks.Analysis;

/// <summary>
/// Everything one name is bound to in a file, kept so that looking a use up is cheap however
/// often the name is rebound: how many bindings there are, the first one, and the bindings to
/// modules or functions in source order (searched by binary search).
/// </summary>
internal sealed class NameBindings
{
    private readonly List<(int Index, Value Value)> _symbolic = [];
    private Value _first = Value.Unknown;
    private int _count;

    public void Add(int index, Value value)
    {
        if (_count++ == 0) _first = value;
        if (value.Symbol is null) return;
        // Bindings arrive in source order; keep the list sorted if one ever does not.
        var at = _symbolic.Count;
        while (at > 0 && _symbolic[at - 1].Index > index) at--;
        _symbolic.Insert(at, (index, value));
    }

    /// <summary>
    /// What a use at <paramref name="index"/> sees: a name ever bound to a module or function is
    /// taken to be that (the latest such binding before the use, else the first after it: the
    /// dangerous reading wins); a name bound once to a string is that string; anything else is unknown.
    /// </summary>
    public Value At(int index)
    {
        if (_symbolic.Count > 0)
        {
            int lo = 0, hi = _symbolic.Count - 1, found = -1;
            while (lo <= hi)
            {
                var mid = (lo + hi) / 2;
                if (_symbolic[mid].Index < index) { found = mid; lo = mid + 1; }
                else hi = mid - 1;
            }
            return _symbolic[found >= 0 ? found : 0].Value;
        }
        return _count == 1 ? _first : Value.Unknown;
    }
}
