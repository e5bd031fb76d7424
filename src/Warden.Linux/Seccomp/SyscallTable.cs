namespace Warden.Linux.Seccomp;

/// <summary>
/// Syscall numbers for the architectures Warden supports, for the syscalls its policy names.
/// Taken from the kernel's uapi headers (asm/unistd_64.h for x86_64, asm-generic/unistd.h
/// for aarch64). A name missing on an architecture does not exist there.
/// </summary>
internal sealed class SyscallTable
{
    private readonly Dictionary<string, int> _numbers;

    private SyscallTable(string name, uint auditArch, uint? foreignAbiBit, Dictionary<string, int> numbers)
    {
        Name = name;
        AuditArch = auditArch;
        ForeignAbiBit = foreignAbiBit;
        _numbers = numbers;
    }

    /// <summary>Architecture name.</summary>
    public string Name { get; }
    /// <summary>The AUDIT_ARCH_* value the kernel reports in seccomp_data.arch for the native ABI.</summary>
    public uint AuditArch { get; }
    /// <summary>A bit in the syscall number that selects another ABI on the same arch (x32 on x86_64).</summary>
    public uint? ForeignAbiBit { get; }

    /// <summary>The number of <paramref name="syscall"/>, or null when it does not exist here.</summary>
    public int? Number(string syscall) => _numbers.TryGetValue(syscall, out var n) ? n : null;

    /// <summary>The table for the machine we run on.</summary>
    public static SyscallTable Current => System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture switch
    {
        System.Runtime.InteropServices.Architecture.X64 => X86_64,
        System.Runtime.InteropServices.Architecture.Arm64 => Aarch64,
        var a => throw new PlatformNotSupportedException($"No seccomp syscall table for {a}."),
    };

    /// <summary>x86_64, native ABI only (i386 and x32 are foreign).</summary>
    public static SyscallTable X86_64 { get; } = new("x86_64", 0xC000003E, 0x40000000, new()
    {
        ["ioctl"] = 16, ["socket"] = 41, ["socketpair"] = 53, ["clone"] = 56, ["ptrace"] = 101, ["syslog"] = 103, ["uselib"] = 134,
        ["personality"] = 135, ["ustat"] = 136, ["sysfs"] = 139, ["vhangup"] = 153, ["modify_ldt"] = 154,
        ["pivot_root"] = 155, ["_sysctl"] = 156, ["adjtimex"] = 159, ["chroot"] = 161, ["acct"] = 163,
        ["settimeofday"] = 164, ["mount"] = 165, ["umount2"] = 166, ["swapon"] = 167, ["swapoff"] = 168,
        ["reboot"] = 169, ["sethostname"] = 170, ["setdomainname"] = 171, ["iopl"] = 172, ["ioperm"] = 173,
        ["create_module"] = 174, ["init_module"] = 175, ["delete_module"] = 176, ["get_kernel_syms"] = 177,
        ["query_module"] = 178, ["quotactl"] = 179, ["nfsservctl"] = 180, ["lookup_dcookie"] = 212,
        ["clock_settime"] = 227, ["kexec_load"] = 246, ["add_key"] = 248, ["request_key"] = 249, ["keyctl"] = 250,
        ["unshare"] = 272, ["perf_event_open"] = 298, ["fanotify_init"] = 300, ["name_to_handle_at"] = 303,
        ["open_by_handle_at"] = 304, ["clock_adjtime"] = 305, ["setns"] = 308, ["process_vm_readv"] = 310,
        ["process_vm_writev"] = 311, ["kcmp"] = 312, ["finit_module"] = 313, ["kexec_file_load"] = 320,
        ["bpf"] = 321, ["userfaultfd"] = 323, ["io_uring_setup"] = 425, ["io_uring_enter"] = 426,
        ["io_uring_register"] = 427, ["open_tree"] = 428, ["move_mount"] = 429, ["fsopen"] = 430,
        ["fsconfig"] = 431, ["fsmount"] = 432, ["fspick"] = 433, ["clone3"] = 435, ["pidfd_getfd"] = 438,
        ["mount_setattr"] = 442, ["quotactl_fd"] = 443, ["memfd_secret"] = 447,
    });

    /// <summary>aarch64 (the generic syscall table); AArch32 compat is foreign.</summary>
    public static SyscallTable Aarch64 { get; } = new("aarch64", 0xC00000B7, null, new()
    {
        ["lookup_dcookie"] = 18, ["ioctl"] = 29, ["umount2"] = 39, ["mount"] = 40, ["pivot_root"] = 41,
        ["nfsservctl"] = 42, ["chroot"] = 51, ["vhangup"] = 58, ["quotactl"] = 60, ["acct"] = 89,
        ["personality"] = 92, ["unshare"] = 97, ["kexec_load"] = 104, ["init_module"] = 105,
        ["delete_module"] = 106, ["clock_settime"] = 112, ["syslog"] = 116, ["ptrace"] = 117, ["reboot"] = 142,
        ["sethostname"] = 161, ["setdomainname"] = 162, ["settimeofday"] = 170, ["adjtimex"] = 171,
        ["socket"] = 198, ["socketpair"] = 199, ["add_key"] = 217, ["request_key"] = 218, ["keyctl"] = 219, ["clone"] = 220,
        ["swapon"] = 224, ["swapoff"] = 225, ["perf_event_open"] = 241, ["fanotify_init"] = 262,
        ["name_to_handle_at"] = 264, ["open_by_handle_at"] = 265, ["clock_adjtime"] = 266, ["setns"] = 268,
        ["process_vm_readv"] = 270, ["process_vm_writev"] = 271, ["kcmp"] = 272, ["finit_module"] = 273,
        ["bpf"] = 280, ["userfaultfd"] = 282, ["kexec_file_load"] = 294, ["io_uring_setup"] = 425,
        ["io_uring_enter"] = 426, ["io_uring_register"] = 427, ["open_tree"] = 428, ["move_mount"] = 429,
        ["fsopen"] = 430, ["fsconfig"] = 431, ["fsmount"] = 432, ["fspick"] = 433, ["clone3"] = 435,
        ["pidfd_getfd"] = 438, ["mount_setattr"] = 442, ["quotactl_fd"] = 443, ["memfd_secret"] = 447,
    });
}
