namespace Warden.Sessions;

/// <summary>A file under /workspace that a cell created, modified or deleted (<see cref="Change"/>).</summary>
/// <param name="Path">Relative to /workspace.</param>
/// <param name="Size">Size after the cell, bytes (0 when deleted).</param>
/// <param name="Type"><c>file</c>, <c>symlink</c> or <c>other</c>.</param>
/// <param name="Change"><c>created</c>, <c>modified</c> or <c>deleted</c>.</param>
public sealed record ChangedFile(string Path, long Size, string Type, string Change);
