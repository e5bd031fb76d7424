using Warden.Execution;

namespace Warden.Cli.Commands;

/// <summary>
/// Writes files brought back from a sandbox into a directory the user named, safely: paths are
/// re-validated (relative, no ..), no directory on the way may be a symlink, and an existing file
/// is never overwritten (the sandbox must not be able to clobber host files).
/// </summary>
internal static class CollectedFiles
{
    public static void Write(DirectoryInfo dir, IReadOnlyList<OutputFile> files)
    {
        Directory.CreateDirectory(dir.FullName);
        var root = Path.GetFullPath(dir.FullName);
        foreach (var f in files)
        {
            if (f.ContentBase64 is null)
            {
                Console.Error.WriteLine($"warden: skipped {f.Path} ({f.Skipped}, {f.SizeBytes} bytes)");
                continue;
            }
            var rel = RunRequestValidator.ValidateRelativePath("file", f.Path);
            var target = Path.GetFullPath(Path.Combine(root, rel));
            if (!target.StartsWith(root + "/", StringComparison.Ordinal)) continue;
            for (var d = Path.GetDirectoryName(target)!; d.Length > root.Length; d = Path.GetDirectoryName(d)!)
                if (new DirectoryInfo(d).LinkTarget is not null) throw new InvalidRequestException("--out-dir", $"{d} is a symlink; refusing to write through it.");
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            if (File.Exists(target) || Directory.Exists(target) || new FileInfo(target).LinkTarget is not null)
            {
                Console.Error.WriteLine($"warden: not overwriting existing {target}");
                continue;
            }
            using var fs = new FileStream(target, FileMode.CreateNew, FileAccess.Write);
            fs.Write(Convert.FromBase64String(f.ContentBase64));
            Console.Error.WriteLine($"warden: wrote {target} ({f.SizeBytes} bytes)");
        }
    }
}
