namespace Warden.Sessions;

/// <summary>An entry of a session's workspace.</summary>
/// <param name="Path">Relative to /workspace.</param>
/// <param name="Type"><c>file</c>, <c>directory</c>, <c>symlink</c> (never followed) or <c>other</c> (FIFO, socket).</param>
/// <param name="Size">Bytes.</param>
/// <param name="ModifiedAt">Last modification.</param>
public sealed record FileEntry(string Path, string Type, long Size, DateTimeOffset ModifiedAt);
