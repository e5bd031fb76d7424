using System.CommandLine;
using System.Globalization;
using Warden.Policy;

namespace Warden.Cli.Commands;

/// <summary>
/// The limit flags every command that starts a sandbox takes (<c>warden run</c>, <c>warden
/// session</c>), read into one <see cref="LimitsRequest"/>. Defaults shown in help come from
/// <see cref="Limits.Defaults"/>; absent flags leave the field to the engine's defaults.
/// </summary>
internal sealed class LimitOptions
{
    private readonly Option<double?> _timeout = new("--timeout", "-t") { Description = $"Wall-clock timeout in seconds (of each cell, in a session) (default {Limits.Defaults.TimeoutMs / 1000})." };
    private readonly Option<string?> _memory = new("--memory", "-m") { Description = $"Memory of the whole sandbox, MiB or with a k/m/g suffix (default {Limits.Defaults.MemoryMb}m)." };
    private readonly Option<int?> _pids = new("--pids") { Description = $"Maximum tasks of the whole sandbox (default {Limits.Defaults.Pids})." };
    private readonly Option<double?> _cpus = new("--cpus") { Description = $"CPU cores (default {Limits.Defaults.Cpus.ToString(CultureInfo.InvariantCulture)})." };
    private readonly Option<string?> _output = new("--output") { Description = $"Bytes kept per output stream, with optional k/m suffix (default {Limits.Defaults.OutputBytes >> 20}m)." };
    private readonly Option<string?> _disk = new("--disk") { Description = $"Size of /workspace and of /tmp, MiB or with a suffix (default {Limits.Defaults.DiskMb}m)." };
    private readonly Option<int?> _openFiles = new("--open-files") { Description = $"Open files per process (default {Limits.Defaults.OpenFiles})." };

    /// <summary>Every flag, to add to a command.</summary>
    public IEnumerable<Option> All => [_timeout, _memory, _pids, _cpus, _output, _disk, _openFiles];

    /// <summary>Adds every flag to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        foreach (var o in All) command.Options.Add(o);
    }

    /// <summary>The limits the flags ask for; bounds are checked where the request is resolved.</summary>
    /// <exception cref="InvalidRequestException">A size is not a size.</exception>
    /// <exception cref="OverflowException">A value does not fit its field.</exception>
    public LimitsRequest Read(ParseResult parse) => new()
    {
        TimeoutMs = parse.GetValue(_timeout) is { } t ? checked((int)Math.Round(t * 1000)) : null,
        MemoryMb = Size(parse.GetValue(_memory), "--memory", 1 << 20) is { } m ? checked((int)(m >> 20)) : null,
        Pids = parse.GetValue(_pids),
        Cpus = parse.GetValue(_cpus),
        OutputBytes = Size(parse.GetValue(_output), "--output", 1),
        DiskMb = Size(parse.GetValue(_disk), "--disk", 1 << 20) is { } d ? checked((int)(d >> 20)) : null,
        OpenFiles = parse.GetValue(_openFiles),
    };

    /// <summary>"512m", "1g", "64k" or a bare number of <paramref name="unit"/>s, in bytes.</summary>
    internal static long? Size(string? text, string field, long unit)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var t = text.Trim().ToLowerInvariant();
        long mult = unit;
        if (t.EndsWith('k')) { mult = 1 << 10; t = t[..^1]; }
        else if (t.EndsWith('m')) { mult = 1 << 20; t = t[..^1]; }
        else if (t.EndsWith('g')) { mult = 1 << 30; t = t[..^1]; }
        if (!double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || v < 0 || double.IsNaN(v))
            throw new InvalidRequestException(field, $"{field} must be a non-negative size such as 512m; got '{text}'.");
        return checked((long)(v * mult));
    }
}
