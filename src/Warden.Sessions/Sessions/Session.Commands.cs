using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using Warden.Execution;
using Warden.Sandbox;
using Warden.Sessions.Protocol;

namespace Warden.Sessions;

internal sealed partial class Session
{
    private const int MaxCommandBytes = 1 << 20;

    /// <summary>How long past its own timeout the host waits for a command's end before giving up on it.</summary>
    private static readonly TimeSpan CommandBackstop = TimeSpan.FromSeconds(10);

    public async IAsyncEnumerable<CommandEvent> RunCommandAsync(CommandRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var timeoutMs = ValidateCommand(request);
        var conn = LiveConnection();
        if (!_commandSlots.Wait(0))
            throw new WardenException("too-many-commands", $"At most {_options.MaxConcurrentCommands} commands may run at once in a session.");
        using var slot = new SlotRelease(_commandSlots);
        using var activity = BeginActivity();
        using var op = conn.Begin();
        var started = Stopwatch.GetTimestamp();
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        long outBytes = 0, errBytes = 0;
        var truncated = false;
        var finished = false;
        using var backstop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        backstop.CancelAfter(TimeSpan.FromMilliseconds(timeoutMs) + CommandBackstop);
        CommandResult? result = null;
        try
        {
            try
            {
                await conn.SendAsync(new KernelRequest
                {
                    Op = "command", Id = op.Id, Command = request.Command, Argv = request.Argv, Cwd = request.Cwd is null ? null : WorkspacePaths.Validate(request.Cwd, "cwd"),
                    Env = request.Env, Stdin = request.Stdin, TimeoutMs = timeoutMs, MaxOutputBytes = Limits.OutputBytes,
                }, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is KernelGoneException or KernelRestartedException)
            {
                throw Translate(ex);
            }
            while (result is null)
            {
                KernelMessage? m = null;
                try
                {
                    m = await op.ReadAsync(backstop.Token).ConfigureAwait(false);
                }
                catch (KernelGoneException gone)
                {
                    OnKernelEnded(conn, gone.End);
                    result = Ended(RunReason.Killed, "The session ended while the command ran.");
                }
                catch (KernelRestartedException)
                {
                    result = Ended(RunReason.Killed, "The session's kernel was restarted while the command ran.");
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    result = Ended(RunReason.Timeout, "The command did not end after its timeout.");
                }
                if (m is null) continue;
                if (m.Type == "stream" && m.Name is "stdout" or "stderr" && !string.IsNullOrEmpty(m.Text))
                {
                    var isOut = m.Name == "stdout";
                    var bytes = Encoding.UTF8.GetByteCount(m.Text);
                    if ((isOut ? outBytes : errBytes) + bytes > Limits.OutputBytes)
                    {
                        truncated = true;
                        continue;
                    }
                    if (isOut) outBytes += bytes;
                    else errBytes += bytes;
                    (isOut ? stdout : stderr).Append(m.Text);
                    yield return new CommandOutputEvent(m.Name, m.Text);
                }
                else if (m.Type == "exit")
                {
                    finished = true;
                    result = Exited(m);
                }
            }
        }
        finally
        {
            if (!finished) await TrySendAsync(conn, new KernelRequest { Op = "cancel", Target = op.Id }).ConfigureAwait(false);
        }
        yield return new CommandCompletedEvent(result with { Stdout = stdout.ToString(), Stderr = stderr.ToString(), OutputTruncated = result.OutputTruncated || truncated });

        CommandResult Ended(RunReason reason, string message) =>
            new() { Reason = reason, Message = message, WallMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds };

        CommandResult Exited(KernelMessage m)
        {
            var wall = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (m.Error is not null)
                return new CommandResult { Reason = RunReason.SandboxError, Message = "The command could not be started.", WallMs = wall };
            var reason = m.TimedOut == true ? RunReason.Timeout
                : m.Truncated == true ? RunReason.OutputLimit
                : m.Cancelled == true ? RunReason.Killed
                : m.Signal is not null ? RunReason.Signaled
                : RunReason.Exited;
            return new CommandResult
            {
                Reason = reason,
                ExitCode = m.Signal is null ? m.ExitCode : null,
                Signal = m.Signal is { } s and > 0 and < 65 ? OutcomeClassifier.SignalName(s) : null,
                OutputTruncated = m.Truncated == true,
                WallMs = wall,
            };
        }
    }

    private int ValidateCommand(CommandRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if ((request.Command is null) == (request.Argv is null or { Count: 0 }))
            throw new InvalidRequestException("command", "Give exactly one of command or argv.");
        if (request.Command is { } c)
        {
            if (Encoding.UTF8.GetByteCount(c) > MaxCommandBytes) throw new InvalidRequestException("command", $"At most {MaxCommandBytes} bytes.");
            if (c.Contains('\0', StringComparison.Ordinal)) throw new InvalidRequestException("command", "command contains a NUL character.");
        }
        if (request.Argv is { } argv)
        {
            if (argv.Count > RunRequestValidator.MaxArgs) throw new InvalidRequestException("argv", $"At most {RunRequestValidator.MaxArgs} arguments.");
            for (var i = 0; i < argv.Count; i++)
                if (argv[i] is null || argv[i].Contains('\0', StringComparison.Ordinal)) throw new InvalidRequestException($"argv[{i}]", "An argument is missing or contains a NUL character.");
            if (argv.Sum(a => (long)Encoding.UTF8.GetByteCount(a)) > MaxCommandBytes) throw new InvalidRequestException("argv", $"At most {MaxCommandBytes} bytes in all.");
        }
        if (request.Cwd is not null) WorkspacePaths.Validate(request.Cwd, "cwd");
        RunRequestValidator.ValidateEnv(request.Env);
        if (request.Stdin is { } stdin && Encoding.UTF8.GetByteCount(stdin) > RunRequestValidator.MaxInputBytes)
            throw new InvalidRequestException("stdin", $"At most {RunRequestValidator.MaxInputBytes} bytes.");
        var timeout = request.TimeoutMs ?? Limits.TimeoutMs;
        if (timeout < Policy.LimitsRequest.Bounds.MinTimeoutMs || timeout > Policy.LimitsRequest.Bounds.MaxTimeoutMs)
            throw new InvalidRequestException("timeoutMs", $"timeoutMs must be between {Policy.LimitsRequest.Bounds.MinTimeoutMs} and {Policy.LimitsRequest.Bounds.MaxTimeoutMs}.");
        return timeout;
    }

    /// <summary>Releases one slot of a semaphore when disposed.</summary>
    private readonly struct SlotRelease(SemaphoreSlim semaphore) : IDisposable
    {
        public void Dispose() => semaphore.Release();
    }
}
