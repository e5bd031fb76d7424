using Warden.Linux.Seccomp;

namespace Warden.Linux.Tests.Seccomp;

public sealed class BpfCompilerTests
{
    private const uint Allow = BpfCompiler.RetAllow, Kill = BpfCompiler.RetKillProcess;
    private static uint Errno(int e) => BpfCompiler.RetErrno | (uint)e;

    public static TheoryData<string> Tables => new() { "x86_64", "aarch64" };

    private static SyscallTable Table(string name) => name == "x86_64" ? SyscallTable.X86_64 : SyscallTable.Aarch64;

    private static IReadOnlyList<BpfInstruction> Program(SyscallTable t) => BpfCompiler.Compile(SeccompPolicy.Default, t);

    [Theory]
    [MemberData(nameof(Tables))]
    public void Compile_EveryDeniedSyscall_ReturnsEperm(string arch)
    {
        var t = Table(arch);
        var p = Program(t);
        var checkedCount = 0;
        foreach (var name in SeccompPolicy.DeniedOutright)
        {
            if (t.Number(name) is not { } nr) continue;
            Assert.Equal(Errno(SeccompPolicy.EPERM), BpfInterpreter.Run(p, t.AuditArch, nr));
            checkedCount++;
        }
        Assert.True(checkedCount >= 50, $"only {checkedCount} syscalls checked");
    }

    [Theory]
    [MemberData(nameof(Tables))]
    public void Compile_DesignListedSyscalls_AreAllCovered(string arch)
    {
        var t = Table(arch);
        string[] design = ["ptrace", "mount", "umount2", "unshare", "setns", "keyctl", "add_key", "request_key", "bpf", "perf_event_open",
            "io_uring_setup", "io_uring_enter", "io_uring_register", "userfaultfd", "kexec_load", "kexec_file_load", "init_module",
            "finit_module", "delete_module", "reboot", "swapon", "swapoff", "acct", "process_vm_readv", "process_vm_writev", "open_by_handle_at"];
        foreach (var name in design)
        {
            Assert.True(t.Number(name) is not null, $"{name} missing from the {arch} table");
            Assert.NotEqual(Allow, BpfInterpreter.Run(Program(t), t.AuditArch, t.Number(name)!.Value));
        }
    }

    [Theory]
    [MemberData(nameof(Tables))]
    public void Compile_OrdinarySyscalls_AreAllowed(string arch)
    {
        var t = Table(arch);
        var p = Program(t);
        // read, write, openat, mmap, exit_group... whatever their numbers, none is in the policy.
        var denied = SeccompPolicy.Default.Rules.Select(r => t.Number(r.Syscall)).Where(n => n is not null).Select(n => n!.Value).ToHashSet();
        for (var nr = 0; nr < 460; nr++)
            if (!denied.Contains(nr))
                Assert.Equal(Allow, BpfInterpreter.Run(p, t.AuditArch, nr));
    }

    [Fact]
    public void Compile_ForeignArchitecture_KillsTheProcess()
    {
        var p = Program(SyscallTable.X86_64);
        const uint auditArchI386 = 0x40000003, auditArchArm = 0x40000028;
        Assert.Equal(Kill, BpfInterpreter.Run(p, auditArchI386, 20));
        Assert.Equal(Kill, BpfInterpreter.Run(p, auditArchArm, 20));
        Assert.Equal(Kill, BpfInterpreter.Run(Program(SyscallTable.Aarch64), SyscallTable.X86_64.AuditArch, 0));
    }

    [Fact]
    public void Compile_X32Abi_KillsTheProcess()
    {
        var p = Program(SyscallTable.X86_64);
        Assert.Equal(Kill, BpfInterpreter.Run(p, SyscallTable.X86_64.AuditArch, 0x40000000 | 39));
        Assert.Equal(Kill, BpfInterpreter.Run(p, SyscallTable.X86_64.AuditArch, 0x40000000));
    }

    [Theory]
    [InlineData(0x10000000u)] // CLONE_NEWUSER
    [InlineData(0x20000000u)] // CLONE_NEWPID
    [InlineData(0x40000000u)] // CLONE_NEWNET
    [InlineData(0x00020000u)] // CLONE_NEWNS
    [InlineData(0x08000000u)] // CLONE_NEWIPC
    [InlineData(0x04000000u)] // CLONE_NEWUTS
    [InlineData(0x02000000u)] // CLONE_NEWCGROUP
    public void Compile_CloneWithNamespaceFlag_IsDenied(uint flag)
    {
        var t = SyscallTable.X86_64;
        Assert.Equal(Errno(SeccompPolicy.EPERM), BpfInterpreter.Run(Program(t), t.AuditArch, 56, flag | 17));
    }

    [Fact]
    public void Compile_CloneForThreadsAndFork_IsAllowed()
    {
        var t = SyscallTable.X86_64;
        const ulong threadFlags = 0x3D0F00; // CLONE_VM|FS|FILES|SIGHAND|THREAD|SYSVSEM|SETTLS|PARENT_SETTID|CHILD_CLEARTID
        Assert.Equal(Allow, BpfInterpreter.Run(Program(t), t.AuditArch, 56, threadFlags));
        Assert.Equal(Allow, BpfInterpreter.Run(Program(t), t.AuditArch, 56, 0x01200011)); // fork(): CHILD_SETTID|CHILD_CLEARTID|SIGCHLD
        // The high half of a 64-bit flags word is not looked at by the kernel; neither do we.
        Assert.Equal(Allow, BpfInterpreter.Run(Program(t), t.AuditArch, 56, 0xFFFFFFFF00000011));
    }

    [Fact]
    public void Compile_Clone3_ReturnsEnosysSoLibcFallsBackToClone()
    {
        var t = SyscallTable.X86_64;
        Assert.Equal(Errno(SeccompPolicy.ENOSYS), BpfInterpreter.Run(Program(t), t.AuditArch, 435));
    }

    [Theory]
    [InlineData(16u, 3u, false)]          // AF_NETLINK
    [InlineData(16u, 2u, false)]          // AF_NETLINK, SOCK_DGRAM (not raw: the family alone is denied)
    [InlineData(17u, 3u, false)]          // AF_PACKET
    [InlineData(40u, 1u, false)]          // AF_VSOCK, SOCK_STREAM
    [InlineData(40u, 5u, false)]          // AF_VSOCK, SOCK_SEQPACKET
    [InlineData(40u, 0x80001u, false)]    // AF_VSOCK, SOCK_STREAM|SOCK_CLOEXEC
    [InlineData(38u, 5u, false)]          // AF_ALG
    [InlineData(44u, 3u, false)]          // AF_XDP
    [InlineData(0u, 1u, false)]           // AF_UNSPEC
    [InlineData(0xFFFFFFFFu, 1u, false)]  // -1
    [InlineData(2u, 3u, false)]           // AF_INET, SOCK_RAW
    [InlineData(2u, 0x80803u, false)]     // SOCK_RAW|SOCK_CLOEXEC|SOCK_NONBLOCK
    [InlineData(2u, 10u, false)]          // SOCK_PACKET
    [InlineData(1u, 3u, false)]           // AF_UNIX, SOCK_RAW
    [InlineData(2u, 1u, true)]            // AF_INET, SOCK_STREAM
    [InlineData(2u, 2u, true)]            // AF_INET, SOCK_DGRAM
    [InlineData(10u, 2u, true)]           // AF_INET6, SOCK_DGRAM
    [InlineData(10u, 0x80801u, true)]     // AF_INET6, SOCK_STREAM|SOCK_CLOEXEC|SOCK_NONBLOCK
    [InlineData(1u, 0x80001u, true)]      // AF_UNIX, SOCK_STREAM|SOCK_CLOEXEC
    [InlineData(1u, 5u, true)]            // AF_UNIX, SOCK_SEQPACKET
    public void Compile_SocketAndSocketpair_AllowOnlyListedFamiliesAndNoRawTypes(uint domain, uint type, bool allowed)
    {
        foreach (var t in new[] { SyscallTable.X86_64, SyscallTable.Aarch64 })
        {
            var expected = allowed ? Allow : Errno(SeccompPolicy.EAFNOSUPPORT);
            Assert.Equal(expected, BpfInterpreter.Run(Program(t), t.AuditArch, t.Number("socket")!.Value, domain, type, 0));
            Assert.Equal(expected, BpfInterpreter.Run(Program(t), t.AuditArch, t.Number("socketpair")!.Value, domain, type, 0, 0x7ffd0000));
        }
    }

    [Theory]
    [MemberData(nameof(Tables))]
    public void Compile_Socket_EveryFamilyButTheAllowListIsDenied(string arch)
    {
        var t = Table(arch);
        var p = Program(t);
        Assert.Equal(new uint[] { 1, 2, 10 }, SeccompPolicy.AllowedSocketFamilies.Order());
        for (uint family = 0; family < 256; family++)
            foreach (var type in new uint[] { 1, 2, 5 })
            {
                var expected = SeccompPolicy.AllowedSocketFamilies.Contains(family) ? Allow : Errno(SeccompPolicy.EAFNOSUPPORT);
                Assert.Equal(expected, BpfInterpreter.Run(p, t.AuditArch, t.Number("socket")!.Value, family, type, 0));
                Assert.Equal(expected, BpfInterpreter.Run(p, t.AuditArch, t.Number("socketpair")!.Value, family, type, 0, 0x7ffd0000));
            }
        // The kernel reads the family as an int: the high half of the register is not looked at (by either).
        Assert.Equal(Allow, BpfInterpreter.Run(p, t.AuditArch, t.Number("socket")!.Value, 0xFFFFFFFF00000001, 1, 0));
        Assert.Equal(Errno(SeccompPolicy.EAFNOSUPPORT), BpfInterpreter.Run(p, t.AuditArch, t.Number("socket")!.Value, 0x0000000100000028, 1, 0));
    }

    [Fact]
    public void Compile_IoctlTiocsti_IsDeniedButOtherIoctlsAllowed()
    {
        var t = SyscallTable.X86_64;
        Assert.Equal(Errno(SeccompPolicy.EPERM), BpfInterpreter.Run(Program(t), t.AuditArch, 16, 0, SeccompPolicy.TIOCSTI));
        // The kernel reads the command as an unsigned int: high bits must not smuggle TIOCSTI past us.
        Assert.Equal(Errno(SeccompPolicy.EPERM), BpfInterpreter.Run(Program(t), t.AuditArch, 16, 0, 0xFFFFFFFF00000000 | SeccompPolicy.TIOCSTI));
        Assert.Equal(Allow, BpfInterpreter.Run(Program(t), t.AuditArch, 16, 0, 0x5401)); // TCGETS
    }

    [Fact]
    public void ToBytes_LaysOutStructSockFilter()
    {
        var bytes = BpfCompiler.ToBytes([new BpfInstruction(0x15, 1, 2, 0x01020304)]);
        Assert.Equal(new byte[] { 0x15, 0x00, 1, 2, 0x04, 0x03, 0x02, 0x01 }, bytes);
    }

    [Fact]
    public void Compile_ProgramFitsTheKernelLimitAndJumpsStayInside()
    {
        foreach (var t in new[] { SyscallTable.X86_64, SyscallTable.Aarch64 })
        {
            var p = Program(t);
            Assert.InRange(p.Count, 10, 4096);
            for (var i = 0; i < p.Count; i++)
                if (p[i].Code is BpfCompiler.JeqK or BpfCompiler.JgeK or BpfCompiler.JsetK)
                    Assert.True(i + 1 + Math.Max(p[i].Jt, p[i].Jf) < p.Count);
            Assert.Equal(BpfCompiler.RetK, p[^1].Code);
        }
    }
}
