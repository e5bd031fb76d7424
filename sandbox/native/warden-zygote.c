/*
 * warden-zygote.so: the native core of the Python zygote (sandbox/zygote/zygote.py), loaded with
 * ctypes.PyDLL (the GIL stays held; the zygote has no other Python thread).
 *
 * 1. An arena allocator for CPython's small-object allocator (pymalloc), installed before the
 *    zygote imports anything heavy. The zygote forks once per job; the fork copies one
 *    page-table entry per 4 KiB page of its ~60 MB of anonymous memory and the job's exit tears
 *    them down again: the largest cost of a job (docs/decisions.md §10). CPython 3.11 takes
 *    1 MiB arenas from mmap one by one; they land between the shared libraries the imports map
 *    and never form the 2 MiB-aligned runs a transparent huge page needs. Here every arena comes
 *    from one 2 MiB-aligned reserved region marked MADV_HUGEPAGE, so the heap can live in huge
 *    pages, and a fork copies one entry per 2 MiB instead of 512. CPython calls these with the
 *    GIL held; arenas are all one size (1 MiB in 3.11). Freed arenas are reused first; those a
 *    job allocated itself give their memory back (MADV_DONTNEED). Outside the region
 *    (exhausted, or an arena allocated before this was installed) it behaves like CPython.
 *
 * 2. The zygote's event loop (warden_zygote_serve), in C so that the zygote runs no Python
 *    between jobs: every Python object it touched would be copied on write after each fork
 *    (and its huge page split). Per job it asks `warden-helper nsfactory` (started once, next to
 *    the reaper) for a namespace helper, which builds the job's namespaces and init and hands
 *    back their descriptors; forks the program
 *    into them; reaps the program and reports how it ended. In the program, before returning
 *    to Python: cgroups joined, namespaces entered, rlimits, stdio, every other descriptor
 *    closed, every capability dropped, no_new_privs, seccomp.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "warden-native.h"

/* ---- 1. arenas ---- */

#define HUGE_PAGE (2UL << 20)

static char *region, *next_free, *region_end;
static void *reuse;     /* freed arenas of the region, linked through their first word */
static size_t reuse_size;
/* Arenas below this address keep their memory when freed: in the zygote, giving back half of a
 * huge page splits it (and the next fork copies 512 entries again); in a job, they are the
 * zygote's, shared copy-on-write. Only arenas a job allocated itself are given back. */
static char *release_from;

int warden_arena_init(size_t reserve)
{
    char *p = mmap(NULL, reserve + HUGE_PAGE, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) return -1;
    region = (char *)(((uintptr_t)p + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1));
    next_free = region;
    region_end = region + reserve;
    release_from = region_end;
    (void)madvise(region, reserve, MADV_HUGEPAGE);
    return 0;
}

/* The end of the region's used part (the zygote collapses [region, end) into huge pages). */
void *warden_arena_used_start(void) { return region; }
void *warden_arena_used_end(void) { return next_free; }

void *warden_arena_alloc(void *ctx, size_t size)
{
    (void)ctx;
    if (reuse != NULL && size == reuse_size) {
        void *a = reuse;
        reuse = *(void **)a;
        *(void **)a = NULL;
        return a;
    }
    if (region != NULL && (size & 4095) == 0 && (size_t)(region_end - next_free) >= size) {
        void *a = next_free;
        next_free += size;
        return a;
    }
    void *a = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return a == MAP_FAILED ? NULL : a;
}

void warden_arena_free(void *ctx, void *ptr, size_t size)
{
    (void)ctx;
    char *p = ptr;
    if (region != NULL && p >= region && p < region_end) {
        if (reuse != NULL && size != reuse_size) return; /* never: arenas are one size */
        if (p >= release_from) (void)madvise(p, size, MADV_DONTNEED);
        *(void **)p = reuse;
        reuse = p;
        reuse_size = size;
        return;
    }
    (void)munmap(ptr, size);
}

/* ---- 2. the event loop ---- */

#define JOB_FDS 5          /* the job's pipes: jobs (read end), stdout, stderr, status, collect */
#define MAX_CGROUPS 16
#define MAX_PENDING 128
#define MAX_RUNNING 4096
#define HIGH_FD 1000

struct warden_limits { long long disk, cpu_soft, cpu_hard, fsize, nofile; int kind; };

struct pending {
    int used, sync, go, ncg;
    int fds[JOB_FDS];
    int procs[MAX_CGROUPS];
    struct warden_limits lim;
};

/* A program: its pid and pidfd until it ends (then pid is 0 and `report` holds how it ended),
 * and its init's pidfd: the report goes out when the init is gone too. */
struct running { pid_t pid; int pidfd; int init_pidfd; int status_fd; char report[128]; };

/* In a job: what the program becomes (0: Python runs the job in the zygote's image; 1: it execs
 * node with Warden's loader, ahead of the request). */
int warden_job_kind;

static void (*after_fork_child)(void);
static struct pending pending[MAX_PENDING];
static struct running running[MAX_RUNNING];

static int nrunning;
static int home_pidns = -1, reaper_hold = -1, factory = -1, factory_lost;
static const char *helper;
static struct sock_fprog filter;

static void say(int fd, const char *what)
{
    char line[512];
    int n = snprintf(line, sizeof line, "warden zygote: preparing a sandbox failed: %s: %s\n", what, strerror(errno));
    if (n > 0) (void)write_all(fd, line, (size_t)n);
}

static void close_pending(struct pending *p)
{
    for (int i = 0; i < JOB_FDS; i++) if (p->fds[i] >= 0) close(p->fds[i]);
    for (int i = 0; i < p->ncg; i++) if (p->procs[i] >= 0) close(p->procs[i]);
    if (p->sync >= 0) close(p->sync);
    if (p->go >= 0) close(p->go);
    memset(p, 0, sizeof *p);
}

/* Spawns (vfork + exec: our memory is not copied) the helper with `sources` as its fds 0.. */
static pid_t spawn(char *const argv[], const int *sources, int n)
{
    int high[8 + MAX_CGROUPS];
    pid_t pid = -1;
    int made = 0, rc;
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    sigset_t none;
    char *envp[] = { NULL };
    for (; made < n; made++)
        if ((high[made] = fcntl(sources[made], F_DUPFD_CLOEXEC, HIGH_FD)) < 0) goto out;
    posix_spawn_file_actions_init(&fa);
    for (int i = 0; i < n; i++) posix_spawn_file_actions_adddup2(&fa, high[i], i);
    posix_spawnattr_init(&attr);
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&attr, &none);
    /* Its own session: nothing that shares a process group with a job (none does: each job
     * calls setsid first) could signal or renice it through the group. */
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSID);
    rc = posix_spawn(&pid, helper, &fa, &attr, argv, envp);
    posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) { errno = rc; pid = -1; }
out:
    for (int i = 0; i < made; i++) close(high[i]);
    return pid;
}

/* Asks the namespace factory for the job's namespace helper; it reports back on p->sync. */
static void start_job(struct pending *p)
{
    int sv[2] = { -1, -1 }, go[2] = { -1, -1 };
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0 || pipe2(go, O_CLOEXEC) < 0) {
        say(p->fds[2], "pipes");
        goto fail;
    }
    int sources[3 + MAX_CGROUPS] = { p->fds[2], sv[1], go[0] };
    for (int i = 0; i < p->ncg; i++) sources[3 + i] = p->procs[i];
    char line[128];
    int n = snprintf(line, sizeof line, "job %lld %u %u %d", p->lim.disk, (unsigned)getuid(), (unsigned)getgid(), p->ncg);
    ssize_t sent = send_with_fds(factory, line, (size_t)n, sources, 3 + p->ncg);
    if (sent != n) {
        factory_lost = 1; /* the zygote cannot prepare anything without it: the loop ends */
        say(p->fds[2], "asking the namespace factory");
        goto fail;
    }
    close(sv[1]);
    close(go[0]);
    p->sync = sv[0];
    p->go = go[1];
    return;
fail:
    for (int i = 0; i < 2; i++) { if (sv[i] >= 0) close(sv[i]); if (go[i] >= 0) close(go[i]); }
    close_pending(p);
}

/* In the program, right after the fork: everything but the code. Exits 125 on any failure. */
static void become_job(struct pending *p, const int *nsfds)
{
    static const int kinds[4] = { CLONE_NEWNS, CLONE_NEWNET, CLONE_NEWIPC, CLONE_NEWUTS };
    int err = p->fds[2];
    sigset_t none;
    release_from = next_free;  /* arenas allocated from here on are the job's own */
    warden_job_kind = p->lim.kind;
    if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0) { say(err, "PR_SET_PDEATHSIG"); _exit(125); }
    /* A session and process group of its own before anything of the job runs: a pid namespace
     * does not bound a process group, so without this kill(0, ...), killpg and
     * setpriority(PRIO_PGRP, ...) from the job would reach the zygote, its reaper and namespace
     * factory, and every other job (they all shared the zygote's group). */
    if (setsid() < 0) { say(err, "setsid"); _exit(125); }
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    for (int i = 0; i < p->ncg; i++)
        if (write_all(p->procs[i], "0\n", 2) < 0) { say(err, "joining the job's cgroup"); _exit(125); }
    for (int i = 0; i < 4; i++)
        if (setns(nsfds[i], kinds[i]) < 0) { say(err, "entering the job's namespaces"); _exit(125); }
    /* Now in the job's cgroup: a cgroup namespace rooted there hides every other cgroup. */
    if (unshare(CLONE_NEWCGROUP) < 0) { say(err, "unshare cgroup"); _exit(125); }
    if (chdir("/workspace") < 0) { say(err, "chdir /workspace"); _exit(125); }
    /* stdio, then the job pipe as 3 and the collect pipe as 4, and nothing else. */
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    int job = fcntl(p->fds[0], F_DUPFD, HIGH_FD), col = fcntl(p->fds[4], F_DUPFD, HIGH_FD);
    int out = fcntl(p->fds[1], F_DUPFD, HIGH_FD), e = fcntl(p->fds[2], F_DUPFD, HIGH_FD);
    if (null < 0 || job < 0 || col < 0 || out < 0 || e < 0 ||
        dup2(null, 0) < 0 || dup2(out, 1) < 0 || dup2(e, 2) < 0 || dup2(job, 3) < 0 || dup2(col, 4) < 0) {
        say(err, "arranging descriptors");
        _exit(125);
    }
    if (syscall(SYS_close_range, 5, ~0U, 0) < 0) { say(2, "close_range"); _exit(125); }
    struct { int res; rlim_t soft, hard; } rl[] = {
        { RLIMIT_CPU, (rlim_t)p->lim.cpu_soft, (rlim_t)p->lim.cpu_hard },
        { RLIMIT_FSIZE, (rlim_t)p->lim.fsize, (rlim_t)p->lim.fsize },
        { RLIMIT_NOFILE, (rlim_t)p->lim.nofile, (rlim_t)p->lim.nofile },
        { RLIMIT_CORE, 0, 0 },
    };
    for (size_t i = 0; i < sizeof rl / sizeof rl[0]; i++) {
        struct rlimit r = { rl[i].soft, rl[i].hard };
        if (setrlimit(rl[i].res, &r) < 0) { say(2, "setrlimit"); _exit(125); }
    }
    const char *failed = drop_all_capabilities();
    if (failed != NULL) { say(2, failed); _exit(125); }
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) { say(2, "no_new_privs"); _exit(125); }
    if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &filter, 0, 0) < 0) { say(2, "seccomp"); _exit(125); }
}

/* The helper handed over the job's namespaces: fork the program into them. Returns 1 in the
 * program, 0 in the zygote, -1 when the zygote cannot go on. */
static int namespaces_ready(struct pending *p)
{
    int nsfds[6] = { -1, -1, -1, -1, -1, -1 }, got = 0, result = 0;
    char ok = 0;
    ssize_t r = recv_with_fds(p->sync, &ok, 1, nsfds, 6, &got);
    if (r != 1 || ok != 'k' || got != 6) goto done; /* the helper wrote why to the job's stderr */
    if (nrunning == MAX_RUNNING) { errno = EAGAIN; say(p->fds[2], "too many jobs"); goto done; }
    /* The program is forked into the job's pid namespace, as pid 2 under the job's init. */
    if (setns(nsfds[4], CLONE_NEWPID) < 0) { say(p->fds[2], "setns pid"); goto done; }
    pid_t pid = fork();
    if (pid == 0) {
        become_job(p, nsfds);
        /* The interpreter's own after-fork work (its locks, thread states, the hooks left in
         * its list: zygote.py's detach_fork_hooks), here rather than through ctypes in Python. */
        after_fork_child();
        return 1;
    }
    if (setns(home_pidns, CLONE_NEWPID) < 0) result = -1;
    if (pid < 0) { say(p->fds[2], "fork"); goto done; }
    /* Its end wakes our poll through a pidfd (SIGCHLD may go to any of our threads: numpy's
     * OpenBLAS starts some). */
    running[nrunning].pid = pid;
    running[nrunning].pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
    running[nrunning].init_pidfd = nsfds[5];
    nsfds[5] = -1;
    running[nrunning].report[0] = 0;
    running[nrunning].status_fd = p->fds[3];
    nrunning++;
    p->fds[3] = -1;
    (void)!write(p->go, "g", 1);
done:
    for (int i = 0; i < 6; i++) if (nsfds[i] >= 0) close(nsfds[i]);
    close_pending(p);
    return result;
}

static void finish(int i)
{
    (void)write_all(running[i].status_fd, running[i].report, strlen(running[i].report));
    close(running[i].status_fd);
    if (running[i].init_pidfd >= 0) close(running[i].init_pidfd);
    running[i] = running[--nrunning];
}

/* Reaps every child that has ended: a program's report waits for its init to be gone (namespace
 * helpers just go). */
static void reap(void)
{
    for (;;) {
        int status;
        struct rusage ru;
        pid_t pid = wait4(-1, &status, WNOHANG, &ru);
        if (pid <= 0) break;
        for (int i = 0; i < nrunning; i++) {
            if (running[i].pid != pid) continue;
            long long ut = (long long)ru.ru_utime.tv_sec * 1000000 + ru.ru_utime.tv_usec;
            long long st = (long long)ru.ru_stime.tv_sec * 1000000 + ru.ru_stime.tv_usec;
            if (WIFSIGNALED(status))
                snprintf(running[i].report, sizeof running[i].report, "K %d %lld %lld %ld\nD\n", WTERMSIG(status), ut, st, ru.ru_maxrss);
            else
                snprintf(running[i].report, sizeof running[i].report, "X %d %lld %lld %ld\nD\n", WEXITSTATUS(status), ut, st, ru.ru_maxrss);
            running[i].pid = 0;
            if (running[i].pidfd >= 0) close(running[i].pidfd);
            running[i].pidfd = -1;
            break;
        }
    }
    for (int i = 0; i < nrunning; i++) {
        if (running[i].pid != 0) continue;
        struct pollfd gone = { running[i].init_pidfd, POLLIN, 0 };
        if (running[i].init_pidfd < 0 || poll(&gone, 1, 0) != 0) finish(i--);
    }
}

static int setup(void)
{
    /* Our children get a pid namespace of our own (whose owner we have capabilities over, so we
     * can return to it after forking into a job's): its pid 1 is the helper's reaper; the
     * namespace helpers run in it and the jobs' pid namespaces nest under it, so when we end,
     * the reaper ends and the kernel kills them all. */
    if (unshare(CLONE_NEWPID) < 0) return -1;
    int hold[2];
    if (pipe2(hold, O_CLOEXEC) < 0) return -1;
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null < 0) return -1;
    int sources[3] = { hold[0], null, 2 };
    char *argv[] = { (char *)helper, "reaper", NULL };
    pid_t pid = spawn(argv, sources, 3);
    close(hold[0]);
    close(null);
    if (pid < 0) return -1;
    reaper_hold = hold[1];
    /* The namespace factory, in the same pid namespace: it forks one namespace helper per job. */
    int fsv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fsv) < 0) return -1;
    int fsources[3] = { fsv[1], -1, 2 };
    if ((fsources[1] = open("/dev/null", O_RDWR | O_CLOEXEC)) < 0) return -1;
    char *fargv[] = { (char *)helper, "nsfactory", NULL };
    pid = spawn(fargv, fsources, 3);
    close(fsv[1]);
    close(fsources[1]);
    if (pid < 0) return -1;
    factory = fsv[0];
    if ((home_pidns = open("/proc/self/ns/pid_for_children", O_RDONLY | O_CLOEXEC)) < 0) return -1;
    return 0;
}

/* Warden's control messages: "prepare ..." with the job's descriptors, or "exit" (sandbox/PROTOCOLS.md §2). */
static void on_control(int control, int *stop)
{
    char buf[512];
    int fds[JOB_FDS + MAX_CGROUPS];
    int nfds = 0;
    ssize_t n = recv_with_fds(control, buf, sizeof buf - 1, fds, JOB_FDS + MAX_CGROUPS, &nfds);
    if (n < 0) { if (errno != EAGAIN) *stop = 1; return; }
    if (n == 0) { *stop = 1; return; }
    buf[n] = 0;
    struct pending *p = NULL;
    struct warden_limits lim;
    int ncg = -1;
    if (!strncmp(buf, "exit", 4)) *stop = 1;
    else if (sscanf(buf, "prepare %lld %d %lld %lld %lld %lld %d", &lim.disk, &ncg, &lim.cpu_soft, &lim.cpu_hard,
                    &lim.fsize, &lim.nofile, &lim.kind) == 7 && ncg >= 0 && ncg <= MAX_CGROUPS && nfds == JOB_FDS + ncg && lim.disk > 0)
        for (int i = 0; i < MAX_PENDING && p == NULL; i++)
            if (!pending[i].used) p = &pending[i];
    if (p == NULL) {
        for (int i = 0; i < nfds; i++) close(fds[i]);
        return;
    }
    p->used = 1;
    p->sync = p->go = -1;
    p->ncg = ncg;
    p->lim = lim;
    memcpy(p->fds, fds, sizeof p->fds);
    memcpy(p->procs, fds + JOB_FDS, (size_t)ncg * sizeof(int));
    start_job(p);
}

/*
 * The zygote's loop. Returns 0 when Warden says "exit" or closes the control socket, -1 when
 * the zygote cannot go on (errno), and 1 in a job: the program, ready for its code, with the job
 * pipe on fd 3 and the collect pipe on fd 4, PyOS_AfterFork_Child already called.
 */
int warden_zygote_serve(int control, const char *helper_path, const unsigned char *bpf, unsigned int bpf_len)
{
    /* We are loaded into the interpreter (ctypes.PyDLL), which exports its C API. */
    after_fork_child = (void (*)(void))dlsym(RTLD_DEFAULT, "PyOS_AfterFork_Child");
    if (after_fork_child == NULL) { errno = ENOSYS; return -1; }
    helper = helper_path;
    filter.len = (unsigned short)(bpf_len / sizeof(struct sock_filter));
    filter.filter = (struct sock_filter *)bpf;
    if (bpf_len == 0 || bpf_len % sizeof(struct sock_filter) != 0) { errno = EINVAL; return -1; }
    if (setup() < 0) return -1;
    int stop = 0;
    static struct pollfd pfd[1 + MAX_PENDING + MAX_RUNNING];
    static struct pending *which[1 + MAX_PENDING];
    while (!stop) {
        int n = 0;
        pfd[n].fd = control; pfd[n].events = POLLIN; which[n++] = NULL;
        for (int i = 0; i < MAX_PENDING; i++)
            if (pending[i].used && pending[i].sync >= 0) {
                pfd[n].fd = pending[i].sync;
                pfd[n].events = POLLIN;
                which[n++] = &pending[i];
            }
        int first_running = n;
        for (int i = 0; i < nrunning; i++) {
            pfd[n].fd = running[i].pid != 0 ? running[i].pidfd : running[i].init_pidfd;
            pfd[n++].events = POLLIN;
        }
        /* With a pidfd per program, a timeout only matters for the namespace helpers' zombies. */
        if (poll(pfd, (nfds_t)n, 1000) < 0 && errno != EINTR) return -1;
        reap();
        for (int i = 1; i < first_running; i++)
            if (pfd[i].revents) {
                int r = namespaces_ready(which[i]);
                if (r != 0) return r;
            }
        if (pfd[0].revents) on_control(control, &stop);
        if (factory_lost) { errno = EPIPE; return -1; }
    }
    return 0;
}
