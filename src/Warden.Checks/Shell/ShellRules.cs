namespace Warden.Checks.Shell;

/// <summary>The shell rules: ids, default severities and the safer alternative each offers.</summary>
internal static class ShellRules
{
    public const string RmRoot = "sh.rm-root";
    public const string RmVariable = "sh.rm-variable";
    public const string PipeToShell = "sh.pipe-to-shell";
    public const string DecodeExec = "sh.decode-exec";
    public const string StdinExec = "sh.stdin-exec";
    public const string EvalDynamic = "sh.eval-dynamic";
    public const string Eval = "sh.eval";
    public const string ForkBomb = "sh.fork-bomb";
    public const string DevTcp = "sh.dev-tcp";
    public const string ChmodRoot = "sh.chmod-root";
    public const string DiskWrite = "sh.disk-write";
    public const string SystemWrite = "sh.system-write";
    public const string NetcatExec = "sh.netcat-exec";
    public const string Network = "sh.network";
    public const string SensitivePath = "sh.sensitive-path";
    public const string Privilege = "sh.privilege";
    public const string DynamicCommand = "sh.dynamic-command";
    public const string KillAll = "sh.kill-all";

    public static readonly IReadOnlyList<RuleInfo> All =
    [
        new(RmRoot, "shell", Severity.Block, "Recursively deletes / or a top-level system directory (any flag spelling, --no-preserve-root, find / -delete)",
            "Delete only paths inside the workspace, e.g. rm -rf ./build."),
        new(RmVariable, "shell", Severity.Warn, "Recursively deletes a path that starts with a variable (\"$DIR/\" is / when DIR is empty)",
            "Use \"${DIR:?}/\" so an empty variable stops the script."),
        new(PipeToShell, "shell", Severity.Block, "Pipes a download (curl, wget) into a shell or interpreter, or runs one from a download",
            "Download to a file, check it, then run it."),
        new(DecodeExec, "shell", Severity.Block, "Runs decoded text (base64 -d, xxd -r, openssl enc -d) as code", "Ship the script as plain text."),
        new(StdinExec, "shell", Severity.Warn, "Pipes generated text into a shell or interpreter", "Run the commands directly."),
        new(EvalDynamic, "shell", Severity.Block, "eval or sh -c of text containing expansions ($var, $(...))", "Run the command directly with quoted arguments."),
        new(Eval, "shell", Severity.Warn, "eval or sh -c of literal text (its contents are checked too)", "Run the command directly."),
        new(ForkBomb, "shell", Severity.Block, "Defines a function that calls itself in a pipeline or in the background (fork bomb)", null),
        new(DevTcp, "shell", Severity.Block, "Uses /dev/tcp or /dev/udp (a reverse-shell idiom)", null),
        new(ChmodRoot, "shell", Severity.Block, "Changes permissions or ownership of / or system directories (chmod -R 777 /, chown -R)",
            "Change permissions only of workspace files."),
        new(DiskWrite, "shell", Severity.Block, "Writes raw block devices or makes file systems (dd of=/dev/sd*, mkfs, wipefs, > /dev/sda)", null),
        new(SystemWrite, "shell", Severity.Block, "Writes into /etc, /boot, /usr, /bin, /lib, /proc/sys or /sys", "Write only inside the workspace."),
        new(NetcatExec, "shell", Severity.Block, "Binds a program to a network socket (nc -e, ncat --exec, socat exec:)", null),
        new(Network, "shell", Severity.Warn, "Uses the network (curl, wget, nc, ssh, scp); the sandbox has no network by default", null),
        new(SensitivePath, "shell", Severity.Warn, "Names a host secret or raw device path (/etc/shadow, /proc/self/environ, ~/.ssh)",
            "Read only files inside the workspace."),
        new(Privilege, "shell", Severity.Warn, "Tries to gain privileges or change namespaces (sudo, su, doas, nsenter, unshare, mount, insmod)", null),
        new(DynamicCommand, "shell", Severity.Warn, "Runs a command whose name comes from an expansion", "Write the command name out."),
        new(KillAll, "shell", Severity.Warn, "Signals every process (kill -1, killall5, pkill -9 .)", null),
    ];
}
