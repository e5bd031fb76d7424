using System.Diagnostics;
using System.Text;
using Warden.Sandbox;

namespace Warden.Linux.Isolation;

/// <summary>
/// DEVELOPMENT ONLY: runs the command as a plain child process in a temporary directory, with
/// no isolation at all (only the timeout, the output cap and an empty environment). Exists so
/// that toolchain problems can be told apart from sandbox problems. Selected only by an
/// explicit flag; every run prints a warning; the server refuses it unless configured.
/// </summary>
public sealed class UnsandboxedBackend : ISandboxBackend
{
    /// <summary>The warning printed for every run.</summary>
    public const string Warning = "WARNING: --unsafe-no-isolation: this code runs WITHOUT ANY SANDBOX, as your user, with your files and network. Never use it for untrusted code.";

    /// <inheritdoc />
    public string Name => "none";

    /// <inheritdoc />
    public void EnsureAvailable() { }

    /// <inheritdoc />
    public bool CanExecute(string hostPath) => File.Exists(hostPath);

    /// <inheritdoc />
    public Task<IInteractiveSandbox> StartAsync(SandboxSpec spec, Func<OutputChunk, ValueTask>? onStderr, CancellationToken cancellationToken) =>
        throw new SandboxException("Sessions are not available without isolation.");

    /// <inheritdoc />
    public async Task<SandboxOutcome> ExecuteAsync(SandboxSpec spec, Func<OutputChunk, ValueTask>? onOutput, CancellationToken cancellationToken)
    {
        var dir = Directory.CreateTempSubdirectory("warden-unsafe-").FullName;
        try
        {
            foreach (var f in spec.Files)
            {
                var path = Path.Combine(dir, f.Path);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                await File.WriteAllBytesAsync(path, f.Content.ToArray(), cancellationToken).ConfigureAwait(false);
                if (f.Executable) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
            var psi = new ProcessStartInfo(spec.Argv[0]) { WorkingDirectory = dir, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in spec.Argv.Skip(1)) psi.ArgumentList.Add(a.Replace("/workspace", dir, StringComparison.Ordinal));
            psi.Environment.Clear();
            foreach (var (k, v) in spec.Env) psi.Environment[k] = v.Replace("/workspace", dir, StringComparison.Ordinal);
            var sw = Stopwatch.StartNew();
            using var p = Process.Start(psi) ?? throw new SandboxException("could not start the process");
            await p.StandardInput.BaseStream.WriteAsync(spec.Stdin, cancellationToken).ConfigureAwait(false);
            p.StandardInput.Close();
            var timedOut = false;
            var outTask = ReadCapped(p.StandardOutput.BaseStream, spec.Limits.OutputBytes);
            var errTask = ReadCapped(p.StandardError.BaseStream, spec.Limits.OutputBytes);
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                timeout.CancelAfter(spec.Limits.TimeoutMs);
                try { await p.WaitForExitAsync(timeout.Token).ConfigureAwait(false); }
                catch (OperationCanceledException)
                {
                    p.Kill(entireProcessTree: true);
                    await p.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
                    cancellationToken.ThrowIfCancellationRequested();
                    timedOut = true;
                }
            }
            var (o, ot) = await outTask.ConfigureAwait(false);
            var (e, et) = await errTask.ConfigureAwait(false);
            if (onOutput is not null)
            {
                if (o.Length > 0) await onOutput(new OutputChunk(false, o)).ConfigureAwait(false);
                if (e.Length > 0) await onOutput(new OutputChunk(true, e)).ConfigureAwait(false);
            }
            var files = new List<CollectedFile>();
            foreach (var pattern in spec.Collect)
                foreach (var path in Directory.EnumerateFiles(dir, Path.GetFileName(pattern), SearchOption.AllDirectories))
                    if (new FileInfo(path).LinkTarget is null)
                        files.Add(new CollectedFile(Path.GetRelativePath(dir, path), new FileInfo(path).Length, await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false), null));
            return new SandboxOutcome
            {
                Started = true,
                ExitCode = timedOut ? null : p.ExitCode,
                Signal = timedOut ? 9 : null,
                TimedOut = timedOut,
                Stdout = o, Stderr = e, StdoutTruncated = ot, StderrTruncated = et,
                WallMs = sw.Elapsed.TotalMilliseconds,
                Files = files,
            };
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task<(string, bool)> ReadCapped(Stream s, long cap)
    {
        var ms = new MemoryStream();
        var buf = new byte[65536];
        var truncated = false;
        int n;
        while ((n = await s.ReadAsync(buf).ConfigureAwait(false)) > 0)
        {
            var take = (int)Math.Min(n, cap - ms.Length);
            if (take > 0) ms.Write(buf, 0, take);
            if (take < n) truncated = true;
        }
        return (Encoding.UTF8.GetString(ms.ToArray()), truncated);
    }
}
