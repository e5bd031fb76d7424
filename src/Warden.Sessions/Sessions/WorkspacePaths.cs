using Warden.Execution;

namespace Warden.Sessions;

/// <summary>Paths relative to /workspace, checked with the same rules as run requests.</summary>
internal static class WorkspacePaths
{
    /// <summary>The normalized path, or null when it is not an acceptable relative path (for what the kernel reports).</summary>
    public static string? Normalize(string? path)
    {
        if (path is null) return null;
        try
        {
            return RunRequestValidator.ValidateRelativePath("path", path);
        }
        catch (InvalidRequestException)
        {
            return null;
        }
    }

    /// <summary>The normalized path; throws <see cref="InvalidRequestException"/> naming <paramref name="field"/> (for what callers send).</summary>
    public static string Validate(string? path, string field = "path") => RunRequestValidator.ValidateRelativePath(field, path);
}
