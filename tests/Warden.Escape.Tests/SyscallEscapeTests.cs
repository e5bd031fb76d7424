using Warden.Execution;
using Warden.Policy;
using Warden.TestSupport;
using Warden.Tests;

namespace Warden.Escape.Tests;

/// <summary>
/// Privileged and dangerous syscalls, called directly through ctypes or C from inside the
/// sandbox: each must fail (EPERM/ENOSYS/EAFNOSUPPORT), and foreign ABIs must kill the process.
/// </summary>
public abstract class SyscallEscapeTests(EngineFixture engine)
{
    private const string Prelude = """
        import ctypes, os
        libc = ctypes.CDLL(None, use_errno=True)
        libc.syscall.restype = ctypes.c_long
        def call(nr, *args):
            ctypes.set_errno(0)
            r = libc.syscall(ctypes.c_long(nr), *[ctypes.c_long(a) for a in args])
            return r, ctypes.get_errno()

        """;

    // x86_64 numbers; the sandbox runs on the same machine as the test.
    [HostTheory(HostNeed.X86_64)]
    [InlineData("ptrace PTRACE_TRACEME", "101, 0, 0, 0, 0", 1)]
    [InlineData("mount tmpfs", "165, 0, 0, 0, 0", 1)]
    [InlineData("umount2", "166, 0, 0", 1)]
    [InlineData("unshare CLONE_NEWUSER", "272, 0x10000000", 1)]
    [InlineData("unshare CLONE_NEWNS", "272, 0x00020000", 1)]
    [InlineData("setns", "308, 0, 0", 1)]
    [InlineData("keyctl", "250, 0, 0, 0, 0, 0", 1)]
    [InlineData("add_key", "248, 0, 0, 0, 0, 0", 1)]
    [InlineData("bpf", "321, 0, 0, 0", 1)]
    [InlineData("perf_event_open", "298, 0, 0, -1, -1, 0", 1)]
    [InlineData("io_uring_setup", "425, 8, 0", 1)]
    [InlineData("userfaultfd", "323, 0", 1)]
    [InlineData("kexec_load", "246, 0, 0, 0, 0", 1)]
    [InlineData("init_module", "175, 0, 0, 0", 1)]
    [InlineData("reboot", "169, 0, 0, 0, 0", 1)]
    [InlineData("swapon", "167, 0, 0", 1)]
    [InlineData("acct", "163, 0", 1)]
    [InlineData("process_vm_readv", "310, 1, 0, 0, 0, 0, 0", 1)]
    [InlineData("open_by_handle_at", "304, 0, 0, 0", 1)]
    [InlineData("fsopen", "430, 0, 0", 1)]
    [InlineData("pivot_root", "155, 0, 0", 1)]
    [InlineData("chroot", "161, 0", 1)]
    [InlineData("clone3 (falls back to clone)", "435, 0, 0", 38)]
    [InlineData("clone with CLONE_NEWUSER|SIGCHLD", "56, 0x10000011, 0, 0, 0, 0", 1)]
    [InlineData("clone with CLONE_NEWNET|SIGCHLD", "56, 0x40000011, 0, 0, 0, 0", 1)]
    public async Task Syscall_Dangerous_IsDenied(string what, string args, int expectedErrno)
    {
        _ = what;
        var (r, marker) = await engine.RunAsync("python", Prelude + $"print(*call({args}))\n");
        Assert.True(r.Reason == RunReason.Exited, $"{r.Reason}: {r.Stderr}");
        Assert.Equal($"-1 {expectedErrno}\n", r.Stdout);
        Leftovers.AssertNone(engine.Backend, marker);
    }

    [HostTheory(HostNeed.X86_64)]
    [InlineData("AF_NETLINK", "16, 3, 0")]
    [InlineData("AF_PACKET", "17, 3, 0")]
    [InlineData("AF_INET SOCK_RAW", "2, 3, 1")]
    [InlineData("AF_INET SOCK_RAW|SOCK_CLOEXEC", "2, 0x80003, 1")]
    [InlineData("AF_INET6 SOCK_RAW", "10, 3, 58")]
    public async Task Socket_RawPacketAndNetlink_AreDenied(string what, string args)
    {
        _ = what;
        var (r, marker) = await engine.RunAsync("python", Prelude + $"print(*call(41, {args}))\nprint(*[x >= 0 for x in call(41, 2, 1, 0)][:1])\n");
        Assert.StartsWith("-1 97\n", r.Stdout); // EAFNOSUPPORT from the filter
        Assert.EndsWith("True\n", r.Stdout);    // ordinary TCP sockets still work (on loopback only)
        Leftovers.AssertNone(engine.Backend, marker);
    }

    [Fact]
    public async Task Socket_Vsock_IsDenied()
    {
        // On a VM host AF_VSOCK reaches the hypervisor side, whatever the network namespace.
        var (r, marker) = await engine.RunAsync("python", """
            import socket
            for kind in (socket.SOCK_STREAM, socket.SOCK_SEQPACKET, socket.SOCK_STREAM | socket.SOCK_CLOEXEC):
                try:
                    s = socket.socket(40, kind)  # AF_VSOCK
                    s.bind((0xFFFFFFFF, 1234))   # VMADDR_CID_ANY
                    print('bound', end=' ')
                except OSError as e:
                    print(e.errno, end=' ')
            """);
        Assert.Equal("97 97 97 ", r.Stdout); // EAFNOSUPPORT from the filter
        Leftovers.AssertNone(engine.Backend, marker);
    }

    [Fact]
    public async Task Socket_EveryFamilyOutsideTheAllowList_IsDenied()
    {
        var (r, marker) = await engine.RunAsync("python", SocketFamilies.Probe);
        SocketFamilies.AssertOnlyAllowListed(r);
        Leftovers.AssertNone(engine.Backend, marker);
    }

    [HostFact(HostNeed.X86_64)]
    public async Task Ioctl_TerminalInjection_IsDenied()
    {
        var (r, marker) = await engine.RunAsync("python", Prelude + "print(*call(16, 0, 0x5412, 0))\n");
        Assert.Equal("-1 1\n", r.Stdout);
        Leftovers.AssertNone(engine.Backend, marker);
    }

    /// <summary>
    /// The property: the i386 ABI cannot reach a syscall the filter would deny. Where the host
    /// runs i386 calls (probed outside the sandbox with a harmless getpid), only the filter stands
    /// between them and the kernel, and it must kill the process with SIGSYS. Where the host itself
    /// refuses them (no IA-32 entry: some VM kernels answer SIGSEGV), the strongest thing to assert
    /// is that the program still does not survive the call.
    /// </summary>
    [HostFact(HostNeed.X86_64)]
    public async Task ForeignAbi_I386Int80_KillsTheProcess()
    {
        const string code = """
            #include <stdio.h>
            int main(void) {
                long ret;
                fflush(stdout);
                __asm__ volatile ("int $0x80" : "=a"(ret) : "a"(20) : "memory"); /* i386 getpid */
                printf("survived %ld\n", ret);
                return 0;
            }
            """;
        var host = HostFeatures.I386;
        var (r, marker) = await engine.RunAsync("c", code);
        Assert.True(r.Reason == RunReason.Signaled, $"{r.Reason} {r.Signal} {r.Stdout}; host probe: {host.Detail}");
        Assert.DoesNotContain("survived", r.Stdout);
        if (host.Outcome == I386Outcome.Runs)
            Assert.Equal("SIGSYS", r.Signal); // the filter, not the host, stopped it
        else // the filter's SIGSYS, or the host's own refusal (the signal its probe died of), nothing else
            Assert.Contains(r.Signal, new[] { "SIGSYS", host.SignalName });
        Leftovers.AssertNone(engine.Backend, marker);
    }

    [HostFact(HostNeed.X86_64)]
    public async Task ForeignAbi_X32Syscall_KillsTheProcess()
    {
        const string code = """
            #include <stdio.h>
            #include <unistd.h>
            #include <sys/syscall.h>
            int main(void) {
                fflush(stdout);
                long r = syscall(0x40000000 | 39); /* x32 getpid */
                printf("survived %ld\n", r);
                return 0;
            }
            """;
        var (r, marker) = await engine.RunAsync("c", code);
        Assert.Equal(RunReason.Signaled, r.Reason);
        Assert.Equal("SIGSYS", r.Signal);
        Leftovers.AssertNone(engine.Backend, marker);
    }

    [Fact]
    public async Task Threads_StillWork_BecauseCloneWithoutNamespaceFlagsIsAllowed()
    {
        var (r, marker) = await engine.RunAsync("python", """
            import threading, subprocess
            out = []
            t = threading.Thread(target=lambda: out.append(1)); t.start(); t.join()
            print(out, subprocess.run(["/bin/echo", "child"], capture_output=True, text=True).stdout.strip())
            """, new LimitsRequest());
        Assert.Equal("[1] child\n", r.Stdout);
        Leftovers.AssertNone(engine.Backend, marker);
    }
}

/// <summary>The suite on the cold path: a fresh bubblewrap sandbox per run.</summary>
[Collection(EngineCollection.Name)]
public sealed class SyscallEscapeTestsOnColdPath(EngineFixture engine) : SyscallEscapeTests(engine);

/// <summary>The suite with Python on the fast path: prepared zygote children (the standard zygote for what imports only the standard library).</summary>
[Collection(EngineCollection.Name)]
public sealed class SyscallEscapeTestsOnZygotePath(ZygoteEngineFixture engine) : SyscallEscapeTests(engine);

/// <summary>The suite with Python on the scientific zygote's children (numpy, pandas, matplotlib already imported).</summary>
[Collection(EngineCollection.Name)]
public sealed class SyscallEscapeTestsOnScientificZygotePath(ScientificZygoteEngineFixture engine) : SyscallEscapeTests(engine);

/// <summary>
/// The socket-family probe: socket() and socketpair() for every address family the kernel numbers
/// (0..63) and the stream, datagram, raw and seqpacket types. Only AF_UNIX, AF_INET and AF_INET6 may
/// get past the filter; every other family must fail with the filter's EAFNOSUPPORT, whether or
/// not the host's kernel has it (on this host AF_VSOCK and AF_ALG exist and would be created).
/// </summary>
internal static class SocketFamilies
{
    public const string Probe = """
        import errno, json, socket
        def attempt(make):
            try:
                for s in make():
                    s.close()
                return 'created'
            except OSError as e:
                return errno.errorcode.get(e.errno, str(e.errno))
        other = {}
        for fam in range(64):
            if fam in (1, 2, 10):
                continue
            for kind in (1, 2, 3, 5):  # stream, datagram, raw, seqpacket
                for name, make in (('socket', lambda: [socket.socket(fam, kind)]), ('socketpair', lambda: socket.socketpair(fam, kind))):
                    got = attempt(make)
                    if got != 'EAFNOSUPPORT':
                        other[f'{name}({fam},{kind})'] = got
        allowed = [attempt(lambda: [socket.socket(f, k)]) for f, k in ((1, 1), (1, 2), (1, 5), (2, 1), (2, 2), (10, 1), (10, 2))]
        allowed += [attempt(lambda: socket.socketpair(1, k)) for k in (1, 2, 5)]
        print(json.dumps({'other': other, 'allowed': allowed}))
        """;

    public static void AssertOnlyAllowListed(RunResult r)
    {
        Assert.True(r.Reason == RunReason.Exited && r.ExitCode == 0, $"{r.Reason} {r.ExitCode}: {r.Stderr}");
        var o = System.Text.Json.JsonDocument.Parse(r.Stdout).RootElement;
        Assert.Equal("{}", o.GetProperty("other").GetRawText());
        Assert.All(o.GetProperty("allowed").EnumerateArray(), a => Assert.Equal("created", a.GetString()));
    }
}

/// <summary>
/// The socket-family probe on the prepared node path: the sandbox that exec'd node ahead of the
/// request runs it in a child (the filter is inherited; node has no socket API for other families).
/// </summary>
[Collection(EngineCollection.Name)]
public sealed class SocketFamilyEscapeTestsOnPreparedNodePath(ZygoteEngineFixture engine)
{
    [HostFact(HostNeed.Node)]
    public async Task Socket_EveryFamilyOutsideTheAllowList_IsDeniedInAPreparedNodeSandbox()
    {
        await engine.EnsurePreparedNodeAsync();
        var code = "process.stdout.write(require('child_process').execFileSync('/usr/bin/python3', ['-c', "
            + System.Text.Json.JsonSerializer.Serialize(SocketFamilies.Probe) + "]))";
        var (r, marker) = await engine.RunAsync("javascript", code);
        Assert.Equal("node-prepared", r.Path);
        SocketFamilies.AssertOnlyAllowListed(r);
        Leftovers.AssertNone(engine.Backend, marker);
    }
}
