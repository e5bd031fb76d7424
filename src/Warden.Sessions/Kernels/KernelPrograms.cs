using System.Collections.Concurrent;
using System.Text;
using Warden.Policy;
using Warden.Sandbox;

namespace Warden.Sessions.Kernels;

/// <summary>
/// The command lines that start each kernel. Where a language can be compiled ahead (Python: a
/// marshalled code object), the kernel's own source is compiled once per manager, in a sandbox like
/// any other program, by the same interpreter the sessions use; when that fails, kernels start from
/// source.
/// </summary>
internal sealed class KernelPrograms(ISandboxBackend backend)
{
    private const int MaxCompiledChars = 120_000; // one argv string must stay under the kernel's 128 KiB
    private readonly ConcurrentDictionary<string, Lazy<Task<string[]>>> _argv = new(StringComparer.Ordinal);

    public Task<string[]> ArgvAsync(KernelLanguage language) =>
        language.CompileArgv is null || language.CompiledArgv is null
            ? Task.FromResult(language.Argv(language.Source))
            : _argv.GetOrAdd(language.Id, _ => new Lazy<Task<string[]>>(() => CompileAsync(language))).Value;

    private async Task<string[]> CompileAsync(KernelLanguage language)
    {
        try
        {
            var outcome = await backend.ExecuteAsync(new SandboxSpec
            {
                Argv = language.CompileArgv!,
                Stdin = Encoding.UTF8.GetBytes(language.Source),
                Env = language.Env,
                Limits = new Limits { TimeoutMs = 30_000, MemoryMb = 256, Pids = 8 },
                Phase = "compile",
            }, null, CancellationToken.None).ConfigureAwait(false);
            var code = outcome.Stdout.Trim();
            if (outcome.ExitCode == 0 && code.Length is > 0 and < MaxCompiledChars && code.All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '/' or '='))
                return language.CompiledArgv!(code);
        }
        catch (Exception ex) when (ex is WardenException or IOException)
        {
            // Fall back to the source below.
        }
        return language.Argv(language.Source);
    }
}
