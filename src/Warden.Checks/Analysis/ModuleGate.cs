namespace Warden.Checks.Analysis;

/// <summary>What the policy says about one imported module.</summary>
internal enum ModuleVerdict { Fine, Denied, NotAllowed }

/// <summary>
/// The policy's module lists for one language. A module matches a list entry when the entry is
/// the module itself or one of its parent packages (<c>os</c> covers <c>os.path</c>; <c>fs</c>
/// covers <c>fs/promises</c>). An allow-list, when present, admits only its modules, and a
/// module it names explicitly is exempt from the deny list.
/// </summary>
internal sealed class ModuleGate(IEnumerable<string> deny, IEnumerable<string>? allow, char separator)
{
    private readonly HashSet<string> _deny = new(deny, StringComparer.Ordinal);
    private readonly HashSet<string>? _allow = allow is null ? null : new(allow, StringComparer.Ordinal);

    public ModuleVerdict Check(string module)
    {
        var candidates = Candidates(module).ToList();
        var allowed = _allow is not null && candidates.Any(_allow.Contains);
        if (_allow is not null && !allowed) return ModuleVerdict.NotAllowed;
        return !allowed && candidates.Any(_deny.Contains) ? ModuleVerdict.Denied : ModuleVerdict.Fine;
    }

    /// <summary>The module and each parent package, longest first.</summary>
    public IEnumerable<string> Candidates(string module)
    {
        var m = module;
        while (true)
        {
            yield return m;
            var cut = m.LastIndexOf(separator);
            if (cut <= 0) yield break;
            m = m[..cut];
        }
    }
}
