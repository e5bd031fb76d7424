using System.Reflection;
using System.Text.Json;
using Warden.Json;

namespace Warden.Languages;

/// <summary>
/// The languages Warden knows and whether each is usable here. A language whose toolchain
/// is missing is reported with the reason, never faked.
/// </summary>
public sealed class LanguageRegistry
{
    private readonly Dictionary<string, LanguageDefinition> _byName = new(StringComparer.OrdinalIgnoreCase);
    private readonly Func<string, bool> _executableBySandbox;

    /// <summary>Creates a registry over <paramref name="definitions"/>.</summary>
    /// <param name="definitions">The language data.</param>
    /// <param name="executableBySandbox">Whether a host path exists and the sandbox's identity can execute it.</param>
    public LanguageRegistry(IEnumerable<LanguageDefinition> definitions, Func<string, bool>? executableBySandbox = null)
    {
        _executableBySandbox = executableBySandbox ?? (p => File.Exists(p));
        foreach (var d in definitions)
        {
            Definitions.Add(d);
            _byName[d.Id] = d;
            foreach (var a in d.Aliases) _byName[a] = d;
        }
    }

    /// <summary>Every known language, in file order.</summary>
    public List<LanguageDefinition> Definitions { get; } = [];

    /// <summary>The built-in language table.</summary>
    public static IReadOnlyList<LanguageDefinition> BuiltIn()
    {
        using var s = Assembly.GetExecutingAssembly().GetManifestResourceStream("Warden.languages.json")
            ?? throw new InvalidOperationException("languages.json resource missing");
        var list = JsonSerializer.Deserialize(s, WardenJsonContext.Default.ListLanguageDefinition)
            ?? throw new InvalidOperationException("languages.json is empty");
        return list.Select(Normalize).ToList();
    }

    /// <summary>
    /// JSON leaves absent init-only collections null (the source generator sets every init
    /// property); give them their documented empty defaults.
    /// </summary>
    public static LanguageDefinition Normalize(LanguageDefinition d) => d with
    {
        Aliases = d.Aliases ?? [],
        Extensions = d.Extensions ?? [],
        Artifacts = d.Artifacts ?? [],
        Env = d.Env ?? new Dictionary<string, string>(),
        Binds = d.Binds ?? [],
    };

    /// <summary>Finds a language by id or alias.</summary>
    public LanguageDefinition? Find(string name) => _byName.GetValueOrDefault(name.Trim());

    /// <summary>Finds the language for a file extension such as <c>.py</c>.</summary>
    public LanguageDefinition? FindByExtension(string extension) =>
        Definitions.FirstOrDefault(d => d.Extensions.Contains(extension, StringComparer.OrdinalIgnoreCase));

    /// <summary>Whether <paramref name="d"/> can run here, and why not.</summary>
    public LanguageStatus Status(LanguageDefinition d)
    {
        foreach (var tool in d.Requires)
        {
            if (!File.Exists(tool))
                return new(d, false, $"{tool} is not installed");
            if (!_executableBySandbox(tool))
                return new(d, false, $"{tool} is not readable and executable by the sandbox user (is it under a private home directory?)");
        }
        return new(d, true, null);
    }

    /// <summary>Resolves a request's language or throws a clear error.</summary>
    /// <exception cref="LanguageUnavailableException">Unknown, or its toolchain is missing.</exception>
    public LanguageDefinition Require(string name)
    {
        var d = Find(name) ?? throw new LanguageUnavailableException(name,
            $"Unknown language '{Sanitize(name)}'. Known: {string.Join(", ", Definitions.Select(x => x.Id))}.");
        var status = Status(d);
        if (!status.Available)
            throw new LanguageUnavailableException(d.Id, $"Language '{d.Id}' is not available on this host: {status.Reason}.");
        return d;
    }

    /// <summary>A name a caller gave, fit for an error message: no control characters, at most 40 characters.</summary>
    internal static string Sanitize(string s)
    {
        var t = new string(s.Where(c => !char.IsControl(c)).Take(40).ToArray());
        return t.Length < s.Length ? t + "…" : t;
    }
}
