using System.Text;
using Warden.Sessions.Protocol;

namespace Warden.Sessions;

/// <summary>
/// Collects a cell's outputs from the kernel's messages, enforcing the session's limits (stream
/// bytes, rich-output bytes) on the host whatever the kernel does, and merges consecutive stream
/// chunks for the final result.
/// </summary>
internal sealed class CellAccumulator(int executionCount, long maxStreamBytes, long maxRichBytes)
{
    private readonly List<CellOutput> _outputs = [];
    private StringBuilder? _stream;
    private string? _streamName;
    private long _streamBytes, _richBytes;

    public bool Truncated { get; set; }

    /// <summary>Turns one message into an output (null when it is dropped or is not an output).</summary>
    public CellOutput? Add(KernelMessage m)
    {
        switch (m.Type)
        {
            case "stream" when m.Name is "stdout" or "stderr" && !string.IsNullOrEmpty(m.Text):
                {
                    var text = m.Text;
                    var bytes = Encoding.UTF8.GetByteCount(text);
                    if (_streamBytes + bytes > maxStreamBytes)
                    {
                        Truncated = true;
                        var room = (int)Math.Max(0, maxStreamBytes - _streamBytes);
                        if (room == 0) return null;
                        text = text[..Math.Min(text.Length, room)];
                        bytes = Encoding.UTF8.GetByteCount(text);
                    }
                    _streamBytes += bytes;
                    AppendStream(m.Name, text);
                    return new StreamOutput(m.Name, text);
                }
            case "display" or "result":
                {
                    var (data, size) = MimeBundles.Clean(m.Data);
                    if (data.Count == 0) return null;
                    if (_richBytes + size > maxRichBytes)
                    {
                        Truncated = true;
                        return null;
                    }
                    _richBytes += size;
                    var metadata = MimeBundles.CleanMetadata(m.Metadata);
                    CellOutput o = m.Type == "result"
                        ? new ExecuteResultOutput(executionCount, data, metadata)
                        : new DisplayDataOutput(data, metadata);
                    Append(o);
                    return o;
                }
            case "error":
                {
                    var o = MimeBundles.Error(m.Ename, m.Evalue, m.Traceback);
                    Append(o);
                    return o;
                }
            case "truncated":
                Truncated = true;
                return null;
            default:
                return null;
        }
    }

    private void AppendStream(string name, string text)
    {
        if (_stream is not null && _streamName != name) Flush();
        _stream ??= new StringBuilder();
        _streamName = name;
        _stream.Append(text);
    }

    private void Append(CellOutput o)
    {
        Flush();
        _outputs.Add(o);
    }

    private void Flush()
    {
        if (_stream is null) return;
        _outputs.Add(new StreamOutput(_streamName!, _stream.ToString()));
        _stream = null;
        _streamName = null;
    }

    /// <summary>The outputs in order, streams merged.</summary>
    public IReadOnlyList<CellOutput> Outputs()
    {
        Flush();
        return _outputs;
    }
}
