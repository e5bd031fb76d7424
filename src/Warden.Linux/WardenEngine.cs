using Warden.Execution;
using Warden.Languages;
using Warden.Linux.Isolation;
using Warden.Policy;

namespace Warden.Linux;

/// <summary>Builds the default engine: the Linux sandbox backend, the built-in languages and the runner.</summary>
public static class WardenEngine
{
    private static readonly Lazy<(LinuxSandboxBackend Backend, Runner Runner)> Shared = new(() =>
    {
        var backend = new LinuxSandboxBackend();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => backend.Dispose();
        return (backend, CreateRunner(backend));
    });

    /// <summary>A process-wide runner with default options (created on first use, disposed at exit).</summary>
    public static Runner CreateRunner() => Shared.Value.Runner;

    /// <summary>The process-wide backend behind <see cref="CreateRunner()"/>.</summary>
    public static LinuxSandboxBackend SharedBackend => Shared.Value.Backend;

    /// <summary>A runner over <paramref name="backend"/>; default limits: the backend's (<see cref="EngineOptions.DefaultLimits"/>).</summary>
    public static Runner CreateRunner(LinuxSandboxBackend backend, Limits? defaultLimits = null, IEnumerable<LanguageDefinition>? languages = null, CodeCheck? codeCheck = null) =>
        new(backend, new LanguageRegistry(languages ?? LanguageRegistry.BuiltIn(), backend.CanExecute), defaultLimits ?? backend.Options.DefaultLimits, codeCheck);
}
