namespace Warden.Checks.Shell;

internal enum ShellSegmentKind
{
    /// <summary>Literal characters (after quote removal).</summary>
    Literal,
    /// <summary><c>$name</c> / <c>${name...}</c>; <see cref="ShellSegment.Text"/> is the name, empty when it cannot be told.</summary>
    Variable,
    /// <summary><c>$(...)</c>, backticks, <c>&lt;(...)</c>, <c>&gt;(...)</c>; <see cref="ShellSegment.Region"/> is the inner code.</summary>
    Command,
    /// <summary><c>$((...))</c>.</summary>
    Arithmetic,
}

/// <summary>A region of the original source (so nested code is reported at its real position).</summary>
internal readonly record struct SourceRegion(int Start, int End, int Line, int Column);

/// <summary>One piece of a shell word.</summary>
internal readonly record struct ShellSegment(ShellSegmentKind Kind, string Text, bool Quoted, SourceRegion Region = default);
