using System.Text;

namespace Warden.Sessions;

/// <summary>The last few KiB a kernel wrote to its stderr.</summary>
internal sealed class StderrTail
{
    private const int Max = 4096;
    private readonly StringBuilder _text = new();

    public void Append(string text)
    {
        lock (_text)
        {
            _text.Append(text);
            if (_text.Length > Max) _text.Remove(0, _text.Length - Max);
        }
    }

    public string Text
    {
        get
        {
            lock (_text) return _text.ToString();
        }
    }
}
