namespace Warden.Linux.Seccomp;

/// <summary>
/// What the sandbox's seccomp filter denies. Default action: allow (the other layers —
/// namespaces, no capabilities, no_new_privs — are what make most syscalls harmless); this
/// filter removes the kernel attack surface and escape primitives that those layers leave
/// reachable from an unprivileged user namespace, and every foreign syscall ABI.
/// </summary>
internal sealed record SeccompPolicy(IReadOnlyList<SyscallRule> Rules)
{
    public const int EPERM = 1, ENOSYS = 38, EAFNOSUPPORT = 97, EPROTONOSUPPORT = 93;

    // Namespace-creating clone flags (CLONE_NEWTIME, 0x80, is not checked for clone(): that
    // bit is part of the exit-signal field there; unshare/clone3 are denied outright).
    public const uint CloneNamespaceFlags = 0x00020000 /*NEWNS*/ | 0x02000000 /*NEWCGROUP*/ | 0x04000000 /*NEWUTS*/
        | 0x08000000 /*NEWIPC*/ | 0x10000000 /*NEWUSER*/ | 0x20000000 /*NEWPID*/ | 0x40000000 /*NEWNET*/;

    public const uint AF_UNIX = 1, AF_INET = 2, AF_INET6 = 10, SOCK_RAW = 3, SOCK_PACKET = 10, SOCK_TYPE_MASK = 0xF;

    /// <summary>
    /// The only address families socket() and socketpair() may create; every other family fails
    /// with EAFNOSUPPORT, the errno a kernel without that family gives, so programs take their
    /// usual fallback. AF_UNIX: pipes between a program's own processes. AF_INET, AF_INET6: the
    /// sandbox's loopback (its network namespace has nothing else), and later a relay to the egress
    /// proxy. Not AF_NETLINK, AF_PACKET (the host's network stack), not AF_VSOCK (on a VM host it
    /// reaches the hypervisor side whatever the network namespace), and not the ~40 others (AF_ALG,
    /// AF_XDP, AF_TIPC, AF_RDS, Bluetooth, CAN, ...): kernel code no sandboxed program needs, where
    /// local privilege escalations have been found. A list, not a deny-list, so a family a newer
    /// kernel adds is denied until someone decides otherwise.
    /// </summary>
    public static readonly uint[] AllowedSocketFamilies = [AF_UNIX, AF_INET, AF_INET6];
    public const uint TIOCSTI = 0x5412, TIOCLINUX = 0x541C, TIOCSETD = 0x5423;

    /// <summary>The syscalls denied outright with EPERM (docs/threat-model.md plus the usual hardening list).</summary>
    public static readonly string[] DeniedOutright =
    [
        // debugging other processes and reading their memory
        "ptrace", "process_vm_readv", "process_vm_writev", "kcmp", "pidfd_getfd",
        // mounts and root changes
        "mount", "umount2", "pivot_root", "chroot", "move_mount", "open_tree", "fsopen", "fsconfig", "fsmount", "fspick", "mount_setattr",
        // namespaces
        "unshare", "setns",
        // kernel keyring
        "keyctl", "add_key", "request_key",
        // kernel attack surface
        "bpf", "perf_event_open", "io_uring_setup", "io_uring_enter", "io_uring_register", "userfaultfd",
        // the machine itself
        "kexec_load", "kexec_file_load", "init_module", "finit_module", "delete_module", "create_module",
        "get_kernel_syms", "query_module", "reboot", "swapon", "swapoff", "acct", "syslog",
        "settimeofday", "clock_settime", "clock_adjtime", "adjtimex", "sethostname", "setdomainname",
        "quotactl", "quotactl_fd", "nfsservctl", "lookup_dcookie", "vhangup", "uselib", "ustat", "sysfs", "_sysctl",
        "iopl", "ioperm", "modify_ldt", "fanotify_init", "memfd_secret",
        // file handles bypass path-based checks
        "open_by_handle_at", "name_to_handle_at",
    ];

    private static readonly ArgCondition[] SocketConditions =
    [
        new(0, ArgOp.NotOneOf, 0, Values: AllowedSocketFamilies),
        new(1, ArgOp.MaskedEquals, SOCK_RAW, SOCK_TYPE_MASK),
        new(1, ArgOp.MaskedEquals, SOCK_PACKET, SOCK_TYPE_MASK),
    ];

    /// <summary>The default policy.</summary>
    public static SeccompPolicy Default { get; } = new(
    [
        .. DeniedOutright.Select(n => new SyscallRule(n, EPERM, [])),
        // clone3 passes its flags in memory a filter cannot read: make it "not implemented" so
        // libc falls back to clone(), whose flags we can check.
        new SyscallRule("clone3", ENOSYS, []),
        new SyscallRule("clone", EPERM, [new ArgCondition(0, ArgOp.AnyBitSet, CloneNamespaceFlags)]),
        // Sockets: an allowed family, and not raw or packet within it (crafted packets).
        new SyscallRule("socket", EAFNOSUPPORT, SocketConditions),
        new SyscallRule("socketpair", EAFNOSUPPORT, SocketConditions),
        // Terminal injection and line-discipline loading.
        new SyscallRule("ioctl", EPERM,
        [
            new ArgCondition(1, ArgOp.Equals, TIOCSTI),
            new ArgCondition(1, ArgOp.Equals, TIOCLINUX),
            new ArgCondition(1, ArgOp.Equals, TIOCSETD),
        ]),
    ]);
}

/// <summary>Deny <see cref="Syscall"/> with <see cref="Errno"/>: always when there are no conditions, else when any condition holds.</summary>
internal sealed record SyscallRule(string Syscall, int Errno, IReadOnlyList<ArgCondition> AnyOf);

/// <summary>
/// How an argument is compared (on its low 32 bits: every argument we check is an int or unsigned
/// int in the kernel). <see cref="NotOneOf"/> holds when the argument is none of the condition's
/// <see cref="ArgCondition.Values"/>: the shape of an allow-list.
/// </summary>
internal enum ArgOp { Equals, MaskedEquals, AnyBitSet, NotOneOf }

/// <summary>A test on one syscall argument.</summary>
internal sealed record ArgCondition(int ArgIndex, ArgOp Op, uint Value, uint Mask = 0xFFFFFFFF, IReadOnlyList<uint>? Values = null);
