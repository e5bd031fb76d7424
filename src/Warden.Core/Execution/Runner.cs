using System.Runtime.CompilerServices;
using System.Text;
using System.Threading.Channels;
using Warden.Checks;
using Warden.Languages;
using Warden.Policy;
using Warden.Sandbox;

namespace Warden.Execution;

/// <summary>
/// The one-shot runner: resolves the language, validates the request, runs the compile step
/// (if any) and the program, each in its own fresh sandbox under the same limits, and builds
/// the result contract. Platform-neutral; the sandbox itself comes from an <see cref="ISandboxBackend"/>.
/// </summary>
public sealed class Runner : ISandboxRunner
{
    private readonly ISandboxBackend _backend;
    private readonly LanguageRegistry _languages;
    private readonly Limits _defaults;
    private readonly CodeCheck? _codeCheck;

    /// <summary>Creates a runner.</summary>
    /// <param name="backend">The sandbox backend.</param>
    /// <param name="languages">The language table.</param>
    /// <param name="defaultLimits">Limits used where a request is silent.</param>
    public Runner(ISandboxBackend backend, LanguageRegistry languages, Limits? defaultLimits = null)
        : this(backend, languages, defaultLimits, null)
    {
    }

    /// <summary>Creates a runner that can run the advisory code checks a request asks for.</summary>
    public Runner(ISandboxBackend backend, LanguageRegistry languages, Limits? defaultLimits, CodeCheck? codeCheck)
    {
        _codeCheck = codeCheck;
        _backend = backend;
        _languages = languages;
        _defaults = defaultLimits ?? Limits.Default;
    }

    /// <summary>The language table.</summary>
    public LanguageRegistry Languages => _languages;

    /// <inheritdoc />
    public async Task<RunResult> RunAsync(RunRequest request, CancellationToken cancellationToken = default) =>
        await RunCoreAsync(request, null, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async IAsyncEnumerable<RunEvent> StreamAsync(RunRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // Bounded: a program that floods output slows down instead of growing our memory.
        var channel = Channel.CreateBounded<RunEvent>(new BoundedChannelOptions(256) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var run = Task.Run(async () =>
        {
            try
            {
                var result = await RunCoreAsync(request, channel.Writer, linked.Token).ConfigureAwait(false);
                await channel.Writer.WriteAsync(new RunCompleted(result), linked.Token).ConfigureAwait(false);
                channel.Writer.TryComplete();
            }
            catch (Exception ex)
            {
                channel.Writer.TryComplete(ex);
            }
        }, CancellationToken.None);
        try
        {
            await foreach (var e in channel.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
                yield return e;
        }
        finally
        {
            // The consumer stopped early (or finished): kill the run and wait until it is reaped.
            await linked.CancelAsync().ConfigureAwait(false);
            try { await run.ConfigureAwait(false); } catch { /* surfaced through the channel */ }
        }
        cancellationToken.ThrowIfCancellationRequested();
    }

    private async Task<RunResult> RunCoreAsync(RunRequest request, ChannelWriter<RunEvent>? events, CancellationToken ct)
    {
        RunRequestValidator.Validate(request);
        var (lang, languageSource) = ResolveLanguage(request);
        var limits = (request.Limits ?? new LimitsRequest()).Resolve(_defaults);
        if (limits.MemoryMb < lang.MinMemoryMb)
            throw new InvalidRequestException("limits.memoryMb", $"{lang.Id} needs at least {lang.MinMemoryMb} MiB of memory.");
        IReadOnlyList<Finding> findings = [];
        if (CheckModes.Parse(request.Check, "check") is not CheckMode.Off and var mode && request.Code is not null)
        {
            if (_codeCheck is null) throw new InvalidRequestException("check", "Code checks are not available in this host.");
            var report = _codeCheck(lang.Id, request.Code, mode);
            if (report.Blocked) throw new CodeCheckBlockedException(report);
            findings = report.Findings;
        }
        _backend.EnsureAvailable();

        var files = BuildFiles(request, lang, out var entry);
        var env = EnvironmentFor(lang, request.Env);
        var subst = new Dictionary<string, string>
        {
            ["{source}"] = entry,
            ["{memoryMb}"] = limits.MemoryMb.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["{memoryBytes}"] = ((long)limits.MemoryMb << 20).ToString(System.Globalization.CultureInfo.InvariantCulture),
        };

        RunResult? compileResult = null;
        if (lang.Compile is { } compileCmd)
        {
            var compileSpec = new SandboxSpec
            {
                Argv = Substitute(compileCmd, subst),
                Files = files,
                Env = env,
                Limits = limits,
                Collect = lang.Artifacts,
                CollectMaxBytes = (long)limits.DiskMb << 20,
                ExtraBinds = lang.Binds,
                ExtraPids = lang.ExtraPids + 16,
                Phase = "compile",
            };
            if (events is not null) await events.WriteAsync(new RunStarted("compile"), ct).ConfigureAwait(false);
            var compiled = await _backend.ExecuteAsync(compileSpec, Forward(events, "compile", ct), ct).ConfigureAwait(false);
            compileResult = ToResult(lang, languageSource, limits, compiled, null);
            if (compileResult.Reason != RunReason.Exited || compileResult.ExitCode != 0)
            {
                var reason = compileResult.Reason == RunReason.SandboxError ? RunReason.SandboxError : RunReason.CompileError;
                return compileResult with
                {
                    Reason = reason,
                    ExitCode = null,
                    Signal = null,
                    Stdout = "",
                    Stderr = "",
                    Files = [],
                    Compile = compileResult,
                    Message = reason == RunReason.CompileError ? "Compilation failed; see compile.stderr." : compileResult.Message,
                };
            }
            var artifacts = compiled.Files.Where(f => f.Content is not null)
                .Select(f => new SandboxFile(f.Path, f.Content, Executable: true)).ToList();
            if (artifacts.Count == 0)
                return compileResult with { Reason = RunReason.CompileError, Compile = compileResult, Message = "The compiler produced no program." };
            files = [.. files.Where(f => artifacts.All(a => a.Path != f.Path)), .. artifacts];
            compileResult = compileResult with { Files = [] };
        }

        var argv = Substitute(lang.Run, subst);
        if (request.Args is { } args) argv = [.. argv, .. args];
        var spec = new SandboxSpec
        {
            Argv = argv,
            Files = files,
            Stdin = request.Stdin is null ? ReadOnlyMemory<byte>.Empty : Encoding.UTF8.GetBytes(request.Stdin),
            Env = env,
            Limits = limits,
            Collect = request.Collect ?? [],
            ExtraBinds = lang.Binds,
            ExtraPids = lang.ExtraPids,
            Phase = "run",
            FastPath = lang.FastPath is { } kind ? new FastPathHint(kind, entry, request.Args ?? []) : null,
        };
        if (events is not null) await events.WriteAsync(new RunStarted("run"), ct).ConfigureAwait(false);
        var outcome = await _backend.ExecuteAsync(spec, Forward(events, "run", ct), ct).ConfigureAwait(false);
        return ToResult(lang, languageSource, limits, outcome, compileResult) with { Findings = findings };
    }

    /// <summary>
    /// The language a request named, or (absent or <c>auto</c>) the one <see cref="LanguageDetector"/>
    /// tells from the program, and how it was chosen. Refuses what detection cannot tell.
    /// </summary>
    private (LanguageDefinition Language, string Source) ResolveLanguage(RunRequest request)
    {
        if (!LanguageDetector.IsAuto(request.Language))
            return (_languages.Require(request.Language!), LanguageSources.Request);
        string program, name;
        if (request.Code is not null)
        {
            program = request.Code;
            name = request.SourceName ?? "";
        }
        else
        {
            if (request.Entry is null)
                throw new InvalidRequestException("entry", "Without code or a language, set entry to the program's file so its language can be told.");
            name = RunRequestValidator.ValidateRelativePath("entry", request.Entry);
            var file = request.Files!.FirstOrDefault(f => RunRequestValidator.ValidateRelativePath("files.path", f.Path) == name)
                ?? throw new InvalidRequestException("entry", $"No file named {name} among files; set entry to the program's file.");
            program = file.Content ?? Encoding.UTF8.GetString(Convert.FromBase64String(file.ContentBase64!));
        }
        var detected = LanguageDetector.Detect(program, name.Length == 0 ? null : name, _languages.Definitions);
        if (detected.Language is null && detected.Unsupported)
            throw new LanguageUnavailableException(LanguageDetector.Auto, detected.Reason + " Set the language explicitly if it is one Warden runs.");
        if (detected.Language is null)
        {
            var known = string.Join(", ", _languages.Definitions.Where(d => d.Extensions.Count > 0).Select(d => d.Id));
            throw new LanguageAmbiguousException(detected.Candidates, detected.Candidates.Count > 0
                ? $"Cannot tell the language for sure: {detected.Reason} Set the language explicitly; candidates: {string.Join(", ", detected.Candidates)}."
                : $"Cannot tell the language: {detected.Reason} Set the language explicitly; known: {known}.");
        }
        return (_languages.Require(detected.Language.Id), detected.Source!);
    }

    private static Func<OutputChunk, ValueTask>? Forward(ChannelWriter<RunEvent>? events, string phase, CancellationToken ct) =>
        events is null ? null : chunk => events.WriteAsync(new RunOutput(phase, chunk.IsStderr ? "stderr" : "stdout", chunk.Text), ct);

    private static RunResult ToResult(LanguageDefinition lang, string languageSource, Limits limits, SandboxOutcome o, RunResult? compile)
    {
        var reason = OutcomeClassifier.Classify(o);
        return new RunResult
        {
            Language = lang.Id,
            LanguageSource = languageSource,
            Reason = reason,
            LimitsReached = OutcomeClassifier.LimitsReached(o),
            ExitCode = o.Started && o.Signal is null ? o.ExitCode : null,
            Signal = o.Started && o.Signal is { } s ? OutcomeClassifier.SignalName(s) : null,
            Stdout = o.Stdout,
            Stderr = o.Stderr,
            StdoutTruncated = o.StdoutTruncated,
            StderrTruncated = o.StderrTruncated,
            WallMs = Math.Round(o.WallMs, 2),
            CpuMs = Math.Round(o.CpuMs, 2),
            PeakMemoryBytes = o.PeakMemoryBytes,
            Compile = compile,
            Files = o.Files.Select(f => new OutputFile
            {
                Path = f.Path,
                SizeBytes = f.Size,
                ContentBase64 = f.Content is null ? null : Convert.ToBase64String(f.Content),
                Skipped = f.Skipped,
            }).ToList(),
            Message = OutcomeClassifier.Explain(reason, o, limits),
            Diagnostic = o.Diagnostic,
            Path = o.Path,
            Limits = limits,
        };
    }

    private static List<SandboxFile> BuildFiles(RunRequest r, LanguageDefinition lang, out string entry)
    {
        var files = new List<SandboxFile>();
        if (r.Files is { } given)
            foreach (var f in given)
            {
                var path = RunRequestValidator.ValidateRelativePath("files.path", f.Path);
                var bytes = f.Content is not null ? Encoding.UTF8.GetBytes(f.Content) : Convert.FromBase64String(f.ContentBase64!);
                files.Add(new SandboxFile(path, bytes, f.Executable));
            }
        if (r.Code is not null)
        {
            var source = lang.SourceFile;
            entry = source;
            if (files.Any(f => f.Path == source))
                throw new InvalidRequestException("files", $"A file named {entry} conflicts with code; give one or the other.");
            files.Insert(0, new SandboxFile(entry, Encoding.UTF8.GetBytes(r.Code)));
        }
        else
        {
            entry = r.Entry is null ? lang.SourceFile : RunRequestValidator.ValidateRelativePath("entry", r.Entry);
            var e = entry;
            if (!files.Any(f => f.Path == e))
                throw new InvalidRequestException("entry", $"No file named {entry} among files; set entry to the program's file.");
        }
        return files;
    }

    /// <summary>The environment a run of <paramref name="lang"/> gets: Warden's base, the language's, then the request's.</summary>
    public static Dictionary<string, string> EnvironmentFor(LanguageDefinition lang, IReadOnlyDictionary<string, string>? requested)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PATH"] = "/usr/local/bin:/usr/bin:/bin",
            ["HOME"] = "/workspace",
            ["LANG"] = "C.UTF-8",
            ["TMPDIR"] = "/tmp",
        };
        foreach (var (k, v) in lang.Env) env[k] = v;
        if (requested is not null)
            foreach (var (k, v) in requested) env[k] = v;
        return env;
    }

    private static List<string> Substitute(IReadOnlyList<string> argv, Dictionary<string, string> subst) =>
        argv.Select(a =>
        {
            foreach (var (k, v) in subst) a = a.Replace(k, v, StringComparison.Ordinal);
            return a;
        }).ToList();
}
