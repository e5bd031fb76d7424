using System.Text;

namespace Warden.Execution;

/// <summary>Validates a <see cref="RunRequest"/> before anything starts. Every error names the field.</summary>
public static class RunRequestValidator
{
    /// <summary>Most files a request may carry.</summary>
    public const int MaxFiles = 256;
    /// <summary>Most bytes of code, files and stdin together.</summary>
    public const long MaxInputBytes = 32L << 20;
    /// <summary>Most environment variables.</summary>
    public const int MaxEnv = 128;
    /// <summary>Most program arguments.</summary>
    public const int MaxArgs = 256;
    /// <summary>Most collect patterns.</summary>
    public const int MaxCollect = 64;

    private static readonly HashSet<string> ReservedEnv = new(StringComparer.Ordinal) { "LD_PRELOAD", "LD_LIBRARY_PATH", "LD_AUDIT" };

    /// <summary>Checks the request's shape; throws <see cref="InvalidRequestException"/> naming the field.</summary>
    public static void Validate(RunRequest r)
    {
        if (r.Language is not null) NoNul("language", r.Language);
        if (r.Code is null && (r.Files is null || r.Files.Count == 0))
            throw new InvalidRequestException("code", "Either code or files must be given.");
        long total = 0;
        if (r.Code is not null) { NoNul("code", r.Code); total += Encoding.UTF8.GetByteCount(r.Code); }
        if (r.Stdin is not null) { total += Encoding.UTF8.GetByteCount(r.Stdin); }
        if (r.Files is { } files)
        {
            if (files.Count > MaxFiles) throw new InvalidRequestException("files", $"At most {MaxFiles} files.");
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < files.Count; i++)
            {
                var f = files[i];
                var field = $"files[{i}]";
                var path = ValidateRelativePath(field + ".path", f.Path);
                if (!seen.Add(path)) throw new InvalidRequestException(field + ".path", $"Duplicate file path '{path}'.");
                if ((f.Content is null) == (f.ContentBase64 is null))
                    throw new InvalidRequestException(field, "Give exactly one of content or contentBase64.");
                if (f.Content is not null) total += Encoding.UTF8.GetByteCount(f.Content);
                if (f.ContentBase64 is not null)
                {
                    var buf = new byte[(f.ContentBase64.Length * 3 / 4) + 3];
                    if (!Convert.TryFromBase64String(f.ContentBase64, buf, out var n))
                        throw new InvalidRequestException(field + ".contentBase64", "Not valid base64.");
                    total += n;
                }
            }
        }
        if (total > MaxInputBytes) throw new InvalidRequestException("code", $"Code, files and stdin together must be at most {MaxInputBytes} bytes.");
        if (r.Entry is not null) ValidateRelativePath("entry", r.Entry);
        ValidateEnv(r.Env);
        if (r.Args is { } args)
        {
            if (args.Count > MaxArgs) throw new InvalidRequestException("args", $"At most {MaxArgs} arguments.");
            for (var i = 0; i < args.Count; i++) NoNul($"args[{i}]", args[i]);
        }
        if (r.Collect is { } collect)
        {
            if (collect.Count > MaxCollect) throw new InvalidRequestException("collect", $"At most {MaxCollect} patterns.");
            for (var i = 0; i < collect.Count; i++) ValidateRelativePath($"collect[{i}]", collect[i], allowGlob: true);
        }
        if (r.Limits is { } limits) limits.Resolve();
        Checks.CheckModes.Parse(r.Check, "check");
    }

    /// <summary>
    /// Checks environment variables a caller asks for: at most <see cref="MaxEnv"/>, names without
    /// <c>=</c>, spaces or control characters, not the dynamic loader's variables, values without NUL.
    /// </summary>
    public static void ValidateEnv(IReadOnlyDictionary<string, string>? env, string field = "env")
    {
        if (env is null) return;
        if (env.Count > MaxEnv) throw new InvalidRequestException(field, $"At most {MaxEnv} variables.");
        foreach (var (k, v) in env)
        {
            if (k.Length == 0 || k.Length > 256 || k.Contains('=') || k.Any(c => c == '\0' || char.IsControl(c) || c == ' '))
                throw new InvalidRequestException(field, $"Invalid variable name '{Printable(k)}'.");
            if (ReservedEnv.Contains(k)) throw new InvalidRequestException(field + "." + k, $"{k} may not be set.");
            if (v is null) throw new InvalidRequestException(field + "." + k, "Value is missing.");
            NoNul(field + "." + k, v);
            if (v.Length > 32_768) throw new InvalidRequestException(field + "." + k, "Value longer than 32768 characters.");
        }
    }

    /// <summary>
    /// Accepts a path relative to /workspace: not empty, not absolute, no <c>..</c> or <c>.</c>
    /// segments, no NUL or control characters, at most 255 bytes per segment and 4096 in all.
    /// Returns the normalized path.
    /// </summary>
    public static string ValidateRelativePath(string field, string? path, bool allowGlob = false)
    {
        if (string.IsNullOrEmpty(path)) throw new InvalidRequestException(field, "Path is empty.");
        if (path.Length > 4096) throw new InvalidRequestException(field, "Path is longer than 4096 characters.");
        if (path.Any(c => c == '\0' || char.IsControl(c))) throw new InvalidRequestException(field, "Path contains NUL or control characters.");
        if (path.StartsWith('/')) throw new InvalidRequestException(field, "Path must be relative to /workspace, not absolute.");
        if (path.Contains('\\')) throw new InvalidRequestException(field, "Path may not contain backslashes.");
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length == 0) throw new InvalidRequestException(field, "Path is empty.");
        foreach (var s in segments)
        {
            if (s is ".." or ".") throw new InvalidRequestException(field, "Path may not contain '.' or '..' segments.");
            if (Encoding.UTF8.GetByteCount(s) > 255) throw new InvalidRequestException(field, "A path segment is longer than 255 bytes.");
            if (!allowGlob && s.IndexOfAny(['*', '?', '[']) >= 0 && s.Length == 1) throw new InvalidRequestException(field, "Path may not be a wildcard.");
        }
        return string.Join('/', segments);
    }

    private static void NoNul(string field, string value)
    {
        if (value.Contains('\0')) throw new InvalidRequestException(field, $"{field} contains a NUL character.");
    }

    private static string Printable(string s) => new(s.Where(c => !char.IsControl(c)).Take(40).ToArray());
}
