using System.Text.Json;

namespace Warden.Sessions.Protocol;

/// <summary>
/// Any message a kernel sends (one JSON object per line). Which fields are set depends on
/// <see cref="Type"/>; the host checks what it uses. Everything here is untrusted input.
/// </summary>
internal sealed class KernelMessage
{
    public string? Type { get; set; }
    public string? Id { get; set; }
    // stream
    public string? Name { get; set; }
    public string? Text { get; set; }
    // result, display
    public Dictionary<string, JsonElement>? Data { get; set; }
    public Dictionary<string, JsonElement>? Metadata { get; set; }
    // error
    public string? Ename { get; set; }
    public string? Evalue { get; set; }
    public List<string>? Traceback { get; set; }
    // done
    public string? Status { get; set; }
    public string? Reason { get; set; }
    public List<KernelChangedFile>? ChangedFiles { get; set; }
    // files
    public KernelEntry? Entry { get; set; }
    public List<KernelEntry>? Entries { get; set; }
    public bool? Truncated { get; set; }
    public string? B64 { get; set; }
    public bool? Eof { get; set; }
    // fail
    public string? Code { get; set; }
    public string? Message { get; set; }
    // exit (commands)
    public int? ExitCode { get; set; }
    public int? Signal { get; set; }
    public bool? TimedOut { get; set; }
    public bool? Cancelled { get; set; }
    public double? WallMs { get; set; }
    public string? Error { get; set; }
    // ready
    public int? Protocol { get; set; }
    public string? Language { get; set; }
    public string? Version { get; set; }
    public int? Pid { get; set; }
}

/// <summary>A changed file as the kernel reports it.</summary>
internal sealed class KernelChangedFile
{
    public string? Path { get; set; }
    public long Size { get; set; }
    public string? Type { get; set; }
    public string? Change { get; set; }
}

/// <summary>A workspace entry as the kernel reports it.</summary>
internal sealed class KernelEntry
{
    public string? Path { get; set; }
    public string? Type { get; set; }
    public long Size { get; set; }
    public long MtimeNs { get; set; }
}
