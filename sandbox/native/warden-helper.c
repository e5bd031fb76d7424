/*
 * warden-helper: the two steps of a sandbox launch that .NET cannot do, because they must
 * happen between fork and exec, or inside the sandbox.
 *
 *   warden-helper launch [--cgroup PROCS_FILE]... [--rlimit RES=SOFT:HARD]...
 *                        [--uid N --gid N] -- /usr/bin/bwrap ARGS...
 *     Runs outside the sandbox, started by Warden with an empty environment. In order:
 *     new session; default signal dispositions; joins every cgroup (writes its own pid);
 *     sets rlimits; when root, drops to the sandbox's unprivileged host uid/gid with no
 *     supplementary groups; then execs bubblewrap. So bubblewrap, and everything it starts,
 *     is inside the cgroup, under the rlimits and unprivileged before any user code runs.
 *     Any failure exits 125 with one line on stderr naming the failed step.
 *
 *   warden-helper jobns --disk BYTES --uid N --gid N --cgroups N
 *     Runs inside the Python zygote's sandbox, forked by nsfactory (below) for each job the
 *     zygote prepares, with the zygote's capabilities *in the zygote's own user namespace*. fd 3: a Unix socket to the zygote; fd 4: a pipe the zygote writes to once
 *     the job's program exists; fds 5..: the job's cgroup.procs files, opened by Warden.
 *     In order: joins the job's cgroups; unshares mount, pid, net, ipc and uts namespaces;
 *     makes every mount private and mounts size-limited tmpfs on /workspace, /tmp, /dev/shm;
 *     sets the hostname; brings loopback up; forks the job's init (pid 1 of the new pid
 *     namespace), sends the zygote descriptors of the job's namespaces and a pidfd of the init
 *     over fd 3 and exits. The init mounts the namespace's
 *     /proc, drops every capability, becomes undumpable, waits on fd 4 until the zygote has
 *     forked the program into the namespace (as pid 2), reaps orphans, and exits when the
 *     program ends (the kernel then kills whatever the program left behind).
 *
 *   warden-helper nsfactory
 *     Runs inside the Python zygote's sandbox: started once per zygote (in the pid namespace its
 *     jobs nest in), with a Unix seqpacket socket to the zygote on fd 0. Per job the zygote sends
 *     "job DISK UID GID NCG" with the job's descriptors (stderr, the socket and pipe of jobns
 *     mode, the cgroup.procs files); the factory forks, and the child runs jobns mode with them
 *     as fds 2, 3, 4, 5... A fork of this small process instead of an exec per job: in a VM the
 *     C library's start-up alone (CPUID, which traps to the hypervisor) costs ~0.25 ms of CPU.
 *     Ends when fd 0 closes (or with the zygote, PR_SET_PDEATHSIG).
 *
 *   warden-helper exec [--collect PATTERN]... [--collect-max-bytes N] [--collect-max-files N]
 *                      -- PROGRAM ARGS...
 *     Runs inside the sandbox as its pid 1 (after bubblewrap applied namespaces, mounts and
 *     seccomp), with a status pipe on fd 3. Forks PROGRAM, reports over fd 3 whether exec succeeded
 *     and how it ended (exit code or signal, with rusage), then sends the files of
 *     /workspace matching the patterns. The program never sees fd 3, and this process is
 *     not dumpable, so the program cannot forge the status through /proc.
 *
 * Status protocol on fd 3 (text headers, raw bytes for files; defined in sandbox/PROTOCOLS.md):
 *   S <pid>\n                         program started
 *   E <errno>\n                       exec failed
 *   X <code> <utime_us> <stime_us> <maxrss_kb>\n   exited
 *   K <sig> <utime_us> <stime_us> <maxrss_kb>\n    killed by signal
 *   F <size> <pathlen>\n<path><bytes> a collected file
 *   T <size> <pathlen>\n<path>        a matching file skipped (too large)
 *   D\n                               done
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include "warden-native.h"

#define STATUS_FD 3
#define MAX_PATTERNS 64
#define MAX_DEPTH 16

static void die(const char *step)
{
    char buf[512];
    int n = snprintf(buf, sizeof buf, "warden-helper: %s failed: %s\n", step, strerror(errno));
    if (n > 0) (void)!write(2, buf, (size_t)n);
    _exit(125);
}

/* Refuses a malformed command line: exit 125, one line naming the option (never its value). */
static void refuse(const char *option)
{
    char step[96];
    snprintf(step, sizeof step, "argument parsing (%s)", option);
    errno = EINVAL;
    die(step);
}

/* A decimal number in [min, max]: digits only (no sign, space or suffix), no overflow. Anything
 * else is refused: strtol/atoll would read "abc" as 0 (root's uid and gid) and "-1" as the
 * largest value (RLIM_INFINITY, uid "unchanged"). */
static long long number(const char *option, const char *s, long long min, long long max)
{
    long long v = 0;
    if (s == NULL || *s == 0) refuse(option);
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9') refuse(option);
        int d = *p - '0';
        if (v > (LLONG_MAX - d) / 10) refuse(option);
        v = v * 10 + d;
    }
    if (v < min || v > max) refuse(option);
    return v;
}

static void reset_signals(void)
{
    sigset_t all;
    sigemptyset(&all);
    sigprocmask(SIG_SETMASK, &all, NULL);
    for (int s = 1; s < NSIG; s++) {
        if (s == SIGKILL || s == SIGSTOP) continue;
        signal(s, SIG_DFL);
    }
}

static int parse_resource(const char *name)
{
    if (!strcmp(name, "cpu")) return RLIMIT_CPU;
    if (!strcmp(name, "fsize")) return RLIMIT_FSIZE;
    if (!strcmp(name, "nofile")) return RLIMIT_NOFILE;
    if (!strcmp(name, "core")) return RLIMIT_CORE;
    if (!strcmp(name, "nproc")) return RLIMIT_NPROC;
    if (!strcmp(name, "stack")) return RLIMIT_STACK;
    if (!strcmp(name, "memlock")) return RLIMIT_MEMLOCK;
    if (!strcmp(name, "msgqueue")) return RLIMIT_MSGQUEUE;
    return -1;
}

/* "NAME=SOFT:HARD" with a resource this helper knows and SOFT <= HARD (never infinity). */
static void parse_rlimit(const char *arg, int *res, struct rlimit *lim)
{
    const char *eq = strchr(arg, '='), *colon = eq ? strchr(eq + 1, ':') : NULL;
    char name[32], soft[24], hard[24];
    if (eq == NULL || colon == NULL || eq == arg || (size_t)(eq - arg) >= sizeof name ||
        (size_t)(colon - eq - 1) >= sizeof soft || strlen(colon + 1) >= sizeof hard)
        refuse("--rlimit");
    memcpy(name, arg, (size_t)(eq - arg)); name[eq - arg] = 0;
    memcpy(soft, eq + 1, (size_t)(colon - eq - 1)); soft[colon - eq - 1] = 0;
    strcpy(hard, colon + 1);
    if ((*res = parse_resource(name)) < 0) refuse("--rlimit");
    lim->rlim_cur = (rlim_t)number("--rlimit", soft, 0, LLONG_MAX);
    lim->rlim_max = (rlim_t)number("--rlimit", hard, 0, LLONG_MAX);
    if (lim->rlim_cur > lim->rlim_max) refuse("--rlimit");
}

/* Host uids and gids: 0-4294967294 ((uid_t)-1 means "unchanged" to setresuid). */
#define MAX_ID 4294967294LL

static int launch(int argc, char **argv)
{
    long uid = -1, gid = -1;
    int i = 0;
    const char *cgroups[16];
    int ncg = 0;
    struct { int res; struct rlimit lim; } rl[16];
    int nrl = 0;
    unsigned int close_from = 0;

    for (; i < argc; i++) {
        if (!strcmp(argv[i], "--")) { i++; break; }
        if (i + 1 >= argc) refuse("missing value");
        if (!strcmp(argv[i], "--cgroup")) {
            if (ncg == 16) refuse("more than 16 --cgroup");
            cgroups[ncg++] = argv[++i];
        } else if (!strcmp(argv[i], "--rlimit")) {
            if (nrl == 16) refuse("more than 16 --rlimit");
            parse_rlimit(argv[++i], &rl[nrl].res, &rl[nrl].lim);
            nrl++;
        } else if (!strcmp(argv[i], "--uid")) {
            /* Never root's uid or group: the sandbox's host ids are unprivileged ones. */
            uid = (long)number("--uid", argv[++i], 1, MAX_ID);
        } else if (!strcmp(argv[i], "--gid")) {
            gid = (long)number("--gid", argv[++i], 1, MAX_ID);
        } else if (!strcmp(argv[i], "--close-from")) {
            close_from = (unsigned int)number("--close-from", argv[++i], 3, INT_MAX);
        } else {
            refuse("unknown option");
        }
    }
    if (i >= argc) refuse("missing command");

    /* Only 0-2 (stdio), 3 (status) and the descriptors bubblewrap is told about are open:
     * Warden passes exactly those; --close-from closes anything else that slipped through. */
    if (close_from >= 3 && syscall(SYS_close_range, close_from, ~0U, 0) < 0) die("close_range");
    if (setsid() < 0) die("setsid");
    reset_signals();

    for (int c = 0; c < ncg; c++) {
        int fd = open(cgroups[c], O_WRONLY | O_CLOEXEC);
        if (fd < 0) die("open cgroup.procs");
        if (write_all(fd, "0\n", 2) < 0) die("join cgroup");
        close(fd);
    }
    for (int r = 0; r < nrl; r++)
        if (setrlimit(rl[r].res, &rl[r].lim) < 0) die("setrlimit");

    if (gid >= 0) {
        gid_t g = (gid_t)gid;
        if (setgroups(0, NULL) < 0) die("setgroups");
        if (setresgid(g, g, g) < 0) die("setresgid");
    }
    if (uid >= 0) {
        uid_t u = (uid_t)uid;
        if (setresuid(u, u, u) < 0) die("setresuid");
        /* Belt and braces: we must never run bubblewrap as host root. */
        if (getuid() == 0 || geteuid() == 0 || setuid(0) == 0) { errno = EPERM; die("dropping root"); }
    }
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) die("no_new_privs");

    char *empty_env[] = { NULL };
    execve(argv[i], &argv[i], empty_env);
    die("exec bubblewrap");
    return 125;
}

/* ---- exec mode ---- */

static volatile pid_t child_pid;

/* Signals sent to pid 1 from outside (Warden's interrupt) go to the program. */
static void forward_signal(int sig)
{
    if (child_pid > 0) kill(child_pid, sig);
}

static void install_forwarding(void)
{
    static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 };
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = forward_signal;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) sigaction(sigs[i], &sa, NULL);
}

static const char *patterns[MAX_PATTERNS];
static int npatterns;
static long long collect_budget = 16LL << 20;
static int collect_files_left = 256;

static int matches(const char *rel)
{
    const char *base = strrchr(rel, '/');
    base = base ? base + 1 : rel;
    for (int i = 0; i < npatterns; i++) {
        if (fnmatch(patterns[i], rel, FNM_PATHNAME | FNM_PERIOD) == 0) return 1;
        if (!strchr(patterns[i], '/') && fnmatch(patterns[i], base, FNM_PERIOD) == 0) return 1;
    }
    return 0;
}

static void send_file(int dirfd, const char *name, const char *rel)
{
    char hdr[64];
    size_t plen = strlen(rel);
    int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) return;
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) { close(fd); return; }
    if (collect_files_left <= 0 || st.st_size > collect_budget) {
        int n = snprintf(hdr, sizeof hdr, "T %lld %zu\n", (long long)st.st_size, plen);
        write_all(STATUS_FD, hdr, (size_t)n);
        write_all(STATUS_FD, rel, plen);
        close(fd);
        return;
    }
    /* Read the whole file first so the size we announce is the size we send, even if
     * something in the sandbox is still writing to it. */
    long long size = st.st_size;
    char *buf = malloc(size > 0 ? (size_t)size : 1);
    if (!buf) { close(fd); return; }
    long long got = 0;
    while (got < size) {
        ssize_t n = read(fd, buf + got, (size_t)(size - got));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        got += n;
    }
    close(fd);
    int n = snprintf(hdr, sizeof hdr, "F %lld %zu\n", got, plen);
    write_all(STATUS_FD, hdr, (size_t)n);
    write_all(STATUS_FD, rel, plen);
    write_all(STATUS_FD, buf, (size_t)got);
    free(buf);
    collect_budget -= got;
    collect_files_left--;
}

static void walk(int dirfd, const char *prefix, int depth)
{
    if (depth > MAX_DEPTH) return;
    int fd = dup(dirfd);
    if (fd < 0) return;
    DIR *d = fdopendir(fd);
    if (!d) { close(fd); return; }
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        char rel[PATH_MAX];
        int n = snprintf(rel, sizeof rel, "%s%s", prefix, e->d_name);
        if (n <= 0 || n >= (int)sizeof rel - 1) continue;
        struct stat st;
        if (fstatat(dirfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) continue;
        if (S_ISDIR(st.st_mode)) {
            int sub = openat(dirfd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (sub < 0) continue;
            rel[n] = '/';
            rel[n + 1] = 0;
            walk(sub, rel, depth + 1);
            close(sub);
        } else if (S_ISREG(st.st_mode) && matches(rel)) {
            send_file(dirfd, e->d_name, rel);
        }
    }
    closedir(d);
}

/* Whether a writable tmpfs of the sandbox is full (less than 64 KiB left) now that the program
 * has ended: reported as "U" for the result's limitsReached ("disk"). A write that failed with
 * ENOSPC leaves its tmpfs full unless the program deleted files afterwards. */
static int tmpfs_full(void)
{
    static const char *const dirs[] = { "/workspace", "/tmp", "/dev/shm" };
    for (size_t k = 0; k < sizeof dirs / sizeof dirs[0]; k++) {
        struct statvfs sv;
        if (statvfs(dirs[k], &sv) == 0 && sv.f_blocks > 0 &&
            (unsigned long long)sv.f_bavail * sv.f_frsize < (64ULL << 10))
            return 1;
    }
    return 0;
}

static int report_status(int status, const struct rusage *ru)
{
    char line[128];
    int n, code;
    long long ut = (long long)ru->ru_utime.tv_sec * 1000000 + ru->ru_utime.tv_usec;
    long long stt = (long long)ru->ru_stime.tv_sec * 1000000 + ru->ru_stime.tv_usec;
    if (WIFSIGNALED(status)) {
        code = 128 + WTERMSIG(status);
        n = snprintf(line, sizeof line, "K %d %lld %lld %ld\n", WTERMSIG(status), ut, stt, ru->ru_maxrss);
    } else {
        code = WEXITSTATUS(status);
        n = snprintf(line, sizeof line, "X %d %lld %lld %ld\n", code, ut, stt, ru->ru_maxrss);
    }
    write_all(STATUS_FD, line, (size_t)n);
    return code;
}

static int exec_mode(int argc, char **argv)
{
    int i = 0;
    for (; i < argc; i++) {
        if (!strcmp(argv[i], "--")) { i++; break; }
        if (i + 1 >= argc) refuse("missing value");
        if (!strcmp(argv[i], "--collect")) {
            if (npatterns == MAX_PATTERNS) refuse("more than 64 --collect");
            patterns[npatterns++] = argv[++i];
        } else if (!strcmp(argv[i], "--collect-max-bytes")) {
            collect_budget = number("--collect-max-bytes", argv[++i], 0, 1LL << 40);
        } else if (!strcmp(argv[i], "--collect-max-files")) {
            collect_files_left = (int)number("--collect-max-files", argv[++i], 0, INT_MAX);
        } else {
            refuse("unknown option");
        }
    }
    if (i >= argc) refuse("missing program");

    /* Not dumpable: /proc/<this>/fd is then closed to the program, so it cannot reach fd 3. */
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0) die("PR_SET_DUMPABLE");
    if (fcntl(STATUS_FD, F_SETFD, FD_CLOEXEC) < 0) die("status fd");

    int errpipe[2];
    if (pipe2(errpipe, O_CLOEXEC) < 0) die("pipe");
    pid_t pid = fork();
    if (pid < 0) die("fork");
    if (pid == 0) {
        close(errpipe[0]);
        /* The program's own session and process group (as on the fast path): its kill(0, ...),
         * killpg and setpriority(PRIO_PGRP, ...) reach only itself and its children, not us. */
        if (setsid() < 0) {
            int e = errno;
            (void)!write(errpipe[1], &e, sizeof e);
            _exit(127);
        }
        execvp(argv[i], &argv[i]);
        int e = errno;
        (void)!write(errpipe[1], &e, sizeof e);
        _exit(127);
    }
    close(errpipe[1]);
    child_pid = pid;
    install_forwarding();
    /* The program's stdio belongs to it alone from here on. */
    int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (devnull >= 0) { dup2(devnull, 0); dup2(devnull, 1); dup2(devnull, 2); close(devnull); }

    char line[128];
    int e = 0;
    ssize_t r;
    do r = read(errpipe[0], &e, sizeof e); while (r < 0 && errno == EINTR);
    if (r < 0) r = 0;
    close(errpipe[0]);
    if (r == (ssize_t)sizeof e) {
        int n = snprintf(line, sizeof line, "E %d\n", e);
        write_all(STATUS_FD, line, (size_t)n);
        waitpid(pid, NULL, 0);
        return 127;
    }
    int n = snprintf(line, sizeof line, "S %d\n", (int)pid);
    write_all(STATUS_FD, line, (size_t)n);

    /* We are the sandbox's pid 1 (bubblewrap --as-pid-1): the kernel drops signals sent to us
     * from inside the sandbox, so the program cannot kill its own supervisor, and we reap
     * every orphan until the program itself ends. When we exit, the kernel kills whatever is
     * left in the pid namespace. */
    int status;
    struct rusage ru;
    for (;;) {
        pid_t w = wait4(-1, &status, 0, &ru);
        if (w == pid) break;
        if (w < 0 && errno != EINTR) die("wait4");
    }
    if (tmpfs_full()) write_all(STATUS_FD, "U\n", 2);
    int code = report_status(status, &ru);

    if (npatterns > 0) {
        int ws = open("/workspace", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (ws >= 0) { walk(ws, "", 0); close(ws); }
    }
    write_all(STATUS_FD, "D\n", 2);
    return code;
}

/* ---- jobns mode ---- */

static void drop_capabilities(void)
{
    const char *failed = drop_all_capabilities();
    if (failed != NULL) die(failed);
}

static void mount_tmpfs(const char *target, const char *options)
{
    if (mount("tmpfs", target, "tmpfs", MS_NOSUID | MS_NODEV, options) < 0) die(target);
}

static void loopback_up(void)
{
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0) die("socket for loopback");
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    strcpy(ifr.ifr_name, "lo");
    if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0) die("SIOCGIFFLAGS lo");
    ifr.ifr_flags |= IFF_UP;
    if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0) die("SIOCSIFFLAGS lo");
    close(s);
}

static int jobns_mode(int argc, char **argv)
{
    long long disk = -1;
    long uid = -1, gid = -1, ncg = -1;
    for (int i = 0; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--disk")) disk = number("--disk", argv[i + 1], 1, 1LL << 50);
        else if (!strcmp(argv[i], "--uid")) uid = (long)number("--uid", argv[i + 1], 0, MAX_ID);
        else if (!strcmp(argv[i], "--gid")) gid = (long)number("--gid", argv[i + 1], 0, MAX_ID);
        else if (!strcmp(argv[i], "--cgroups")) ncg = (long)number("--cgroups", argv[i + 1], 0, 16);
        else refuse("unknown option");
    }
    if (disk <= 0 || uid < 0 || gid < 0 || ncg < 0 || ncg > 16) { errno = EINVAL; die("argument parsing"); }
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0) die("PR_SET_DUMPABLE");
    /* A session of our own (the job's init inherits it; the program makes its own): nothing of
     * the job shares a process group with the zygote, its reaper or the factory. */
    if (setsid() < 0) die("setsid");
    reset_signals();
    /* Nothing but our own descriptors (the zygote passes only these; this is belt and braces). */
    if (syscall(SYS_close_range, 5 + (unsigned int)ncg, ~0U, 0) < 0) die("close_range");

    /* The job's cgroups first: the init and (through the zygote) the program are inside
     * them before anything of the job runs. */
    for (int c = 0; c < ncg; c++) {
        if (write_all(5 + c, "0\n", 2) < 0) die("join cgroup");
        close(5 + c);
    }
    if (unshare(CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS) < 0) die("unshare");
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) die("making mounts private");
    char opts[128];
    snprintf(opts, sizeof opts, "size=%lld,mode=0755,uid=%ld,gid=%ld", disk, uid, gid);
    mount_tmpfs("/workspace", opts);
    snprintf(opts, sizeof opts, "size=%lld,mode=1777", disk);
    mount_tmpfs("/tmp", opts);
    mount_tmpfs("/dev/shm", opts);
    if (sethostname("sandbox", 7) < 0) die("sethostname");
    loopback_up();

    /* The job's namespaces (ours, and the pid namespace our init will be pid 1 of), for the
     * zygote, which forks the program into them. Opened here, by their creator, before the
     * init's /proc hides ours; the init is undumpable, so nobody could open them through it. */
    static const char *const names[] = { "self/ns/mnt", "self/ns/net", "self/ns/ipc", "self/ns/uts", "self/ns/pid_for_children" };
    int nsfds[6] = { -1, -1, -1, -1, -1, -1 }; /* mnt net ipc uts pid, and a pidfd of the init */
    /* Our /proc (the zygote's), still reachable through this descriptor once the init covers it. */
    int procfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (procfd < 0) die("open /proc");
    for (int k = 0; k < 4; k++)
        if ((nsfds[k] = openat(procfd, names[k], O_RDONLY | O_CLOEXEC)) < 0) die(names[k]);
    int mounted[2];
    if (pipe2(mounted, O_CLOEXEC) < 0) die("pipe");
    pid_t init = fork();
    if (init < 0) die("fork");
    if (init == 0) {
        /* The job's pid 1. Signals from inside the namespace cannot kill it (no handlers). */
        close(mounted[0]);
        for (int k = 0; k < 6; k++) if (nsfds[k] >= 0) close(nsfds[k]);
        close(procfd);
        close(3);
        if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0) die("mount /proc");
        if (write_all(mounted[1], "m", 1) < 0) die("reporting /proc");
        close(mounted[1]);
        drop_capabilities();
        if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0) die("PR_SET_DUMPABLE");
        int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
        if (devnull >= 0) { dup2(devnull, 0); dup2(devnull, 1); dup2(devnull, 2); close(devnull); }
        /* Orphans are reaped by the kernel: nothing is left as a zombie in the job's cgroup. */
        signal(SIGCHLD, SIG_IGN);
        char b;
        ssize_t r;
        do r = read(4, &b, 1); while (r < 0 && errno == EINTR);
        close(4);
        if (r != 1) _exit(0);
        int pidfd = (int)syscall(SYS_pidfd_open, 2, 0);
        if (pidfd < 0) _exit(0);
        struct pollfd p = { pidfd, POLLIN, 0 };
        while (poll(&p, 1, -1) < 0 && errno == EINTR) { }
        _exit(0);
    }
    close(4);
    close(mounted[1]);
    /* The new pid namespace can be opened once its init exists. */
    if ((nsfds[4] = openat(procfd, names[4], O_RDONLY | O_CLOEXEC)) < 0) die(names[4]);
    close(procfd);
    /* The zygote reports the job's end once the init is gone: by then the kernel has killed and
     * reaped everything else in the namespace, so Warden finds the cgroup empty. */
    if ((nsfds[5] = (int)syscall(SYS_pidfd_open, init, 0)) < 0) die("pidfd_open of the init");
    /* Report only once the namespace's /proc is in place: the program may run right after. */
    char m;
    ssize_t got;
    do got = read(mounted[0], &m, 1); while (got < 0 && errno == EINTR);
    if (got != 1) { errno = ECHILD; die("the job's init"); }
    char ok = 'k';
    ssize_t sent = send_with_fds(3, &ok, 1, nsfds, 6);
    if (sent != 1) die("handing over the namespaces");
    return 0;
}

/* nsfactory mode (see the top of this file). */
static int nsfactory_mode(void)
{
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0) die("PR_SET_DUMPABLE");
    if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0) die("PR_SET_PDEATHSIG");
    reset_signals();
    signal(SIGCHLD, SIG_IGN); /* the jobns children are reaped by the kernel */
    for (;;) {
        char buf[128];
        int fds[3 + 16];
        int nfds = 0;
        ssize_t r = recv_with_fds(0, buf, sizeof buf - 1, fds, (int)(sizeof fds / sizeof fds[0]), &nfds);
        if (r < 0) die("recvmsg");
        if (r == 0) return 0;
        buf[r] = 0;
        long long disk;
        long uid, gid, ncg;
        if (sscanf(buf, "job %lld %ld %ld %ld", &disk, &uid, &gid, &ncg) == 4 && ncg >= 0 && ncg <= 16 && nfds == 3 + ncg) {
            pid_t pid = fork();
            if (pid == 0) {
                /* The job's descriptors as 2, 3, 4, 5..., /dev/null as 0 and 1 (our socket goes). */
                int high[3 + 16];
                for (int i = 0; i < nfds; i++)
                    if ((high[i] = fcntl(fds[i], F_DUPFD, 100)) < 0) _exit(125);
                int null = open("/dev/null", O_RDWR);
                if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0) _exit(125);
                for (int i = 0; i < nfds; i++)
                    if (dup2(high[i], 2 + i) < 0) _exit(125);
                char sd[32], su[24], sg[24], sn[8];
                snprintf(sd, sizeof sd, "%lld", disk);
                snprintf(su, sizeof su, "%ld", uid);
                snprintf(sg, sizeof sg, "%ld", gid);
                snprintf(sn, sizeof sn, "%ld", ncg);
                char *args[] = { "--disk", sd, "--uid", su, "--gid", sg, "--cgroups", sn, NULL };
                _exit(jobns_mode(8, args));
            }
            if (pid < 0 && nfds > 0) {
                static const char m[] = "warden-helper: nsfactory: fork failed\n";
                (void)!write(fds[0], m, sizeof m - 1);
            }
        }
        for (int i = 0; i < nfds; i++) close(fds[i]);
    }
}

/* reaper mode: pid 1 of the pid namespace the zygote starts its namespace helpers in (jobs'
 * pid namespaces are nested in it). Reaps orphans (the jobs' inits, once their helper has
 * exited) and exits when fd 0 (the zygote holds the other end) closes; the kernel then kills
 * every process of the namespace, nested jobs included. */
static int reaper_mode(void)
{
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0) die("PR_SET_DUMPABLE");
    if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0) die("PR_SET_PDEATHSIG");
    reset_signals();
    signal(SIGCHLD, SIG_IGN);
    drop_capabilities();
    char b;
    ssize_t r;
    do r = read(0, &b, 1); while (r > 0 || (r < 0 && errno == EINTR));
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && !strcmp(argv[1], "reaper")) return reaper_mode();
    if (argc >= 2 && !strcmp(argv[1], "nsfactory")) return nsfactory_mode();
    if (argc >= 2 && !strcmp(argv[1], "launch")) return launch(argc - 2, argv + 2);
    if (argc >= 2 && !strcmp(argv[1], "exec")) return exec_mode(argc - 2, argv + 2);
    static const char usage[] = "usage: warden-helper launch|exec|nsfactory|reaper ... (internal to Warden)\n";
    (void)!write(2, usage, sizeof usage - 1);
    return 2;
}
