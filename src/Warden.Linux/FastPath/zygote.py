# Warden's Python zygote. Runs inside a Warden sandbox (bubblewrap: its own user, pid, mount,
# net, ipc, uts and cgroup namespaces, read-only root, its own cgroup) with CAP_SYS_ADMIN,
# CAP_NET_ADMIN and CAP_SETPCAP *in its own user namespace only*, so that it can give each job
# fresh namespaces. It never runs user code itself.
#
# Per job ("prepare"), over the control socket on fd 5 (SOCK_SEQPACKET, JSON + SCM_RIGHTS):
#   zygote --fork--> A: unshare(mount, pid, net, ipc, uts); private tmpfs /workspace, /tmp,
#                       /dev/shm; hostname; loopback up; asks Warden to put it in the job's
#                       cgroup ("attach") and waits for "go"; unshare(cgroup); forks B; becomes
#                       `warden-helper wait` (only to reap B).
#                  B: pid 1 of the new pid namespace; fresh /proc; forks C; drops every
#                     capability and becomes `warden-helper wait`, the namespace's init, which
#                     reports C's end on the status pipe (as on the cold path).
#                  C: the program, pid 2: rlimits; every capability dropped (effective,
#                     permitted, inheritable, ambient, bounding); no_new_privs; Warden's
#                     seccomp filter; re-seeded random generators; says "R" (prepared) and
#                     blocks until the job arrives; runs it in-process (the interpreter and the
#                     preloaded modules are already warm); sends the collected files; exits.
import os, sys

CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWPID, CLONE_NEWNET, CLONE_NEWCGROUP = 0x20000, 0x04000000, 0x08000000, 0x20000000, 0x40000000, 0x02000000
MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REC, MS_PRIVATE = 2, 4, 8, 0x4000, 0x40000
PR_SET_NO_NEW_PRIVS, PR_CAPBSET_DROP, PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 38, 24, 47, 4, 22, 2
PR_SET_PDEATHSIG = 1

import ctypes, json, socket, struct, signal, io, traceback, fnmatch, stat, base64, errno, resource, builtins, random, importlib

libc = ctypes.CDLL(None, use_errno=True)

def check(rc, what):
    if rc != 0:
        e = ctypes.get_errno()
        raise OSError(e, f"{what}: {os.strerror(e)}")

def preload():
    # The standard library users reach for, and the scientific stack when installed.
    for m in ("json", "re", "math", "cmath", "random", "collections", "itertools", "functools", "operator",
              "datetime", "time", "decimal", "fractions", "statistics", "typing", "dataclasses", "enum",
              "string", "textwrap", "heapq", "bisect", "copy", "csv", "hashlib", "base64", "uuid",
              "subprocess", "pathlib", "tempfile", "shutil", "pprint", "array", "struct", "zlib", "gzip",
              "unicodedata", "locale", "abc", "contextlib", "threading", "queue", "asyncio", "argparse", "sqlite3"):
        try:
            importlib.import_module(m)
        except Exception:
            pass
    os.environ.setdefault("MPLBACKEND", "Agg")
    os.environ.setdefault("MPLCONFIGDIR", "/tmp/.matplotlib")
    for m in ("numpy", "pandas", "matplotlib", "matplotlib.pyplot"):
        try:
            importlib.import_module(m)
        except Exception:
            pass
    compile("x = 1\nprint(x)\n", "<warm>", "exec")  # the first compile() in a fresh fork costs ~2 ms

class Fprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

class CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

class CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]

def drop_all_capabilities():
    check(libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0), "clear ambient")
    for cap in range(64):
        if libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 and ctypes.get_errno() != errno.EINVAL:
            check(-1, "drop bounding cap")
    hdr = CapHeader(0x20080522, 0)
    data = (CapData * 2)()
    check(libc.capset(ctypes.byref(hdr), data), "capset")

def install_seccomp(program):
    buf = ctypes.create_string_buffer(program, len(program))
    prog = Fprog(len(program) // 8, ctypes.cast(buf, ctypes.c_void_p))
    check(libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs")
    check(libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(prog), 0, 0), "seccomp")

def mount(src, target, fstype, flags, data):
    check(libc.mount(src.encode() if src else None, target.encode(), fstype.encode() if fstype else None,
                     ctypes.c_ulong(flags), data.encode() if data else None), f"mount {target}")

def loopback_up():
    import fcntl
    SIOCGIFFLAGS, SIOCSIFFLAGS, IFF_UP = 0x8913, 0x8914, 1
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        ifr = struct.pack("16sH14s", b"lo", 0, b"\0" * 14)
        flags = struct.unpack("16sH14s", fcntl.ioctl(s, SIOCGIFFLAGS, ifr))[1]
        fcntl.ioctl(s, SIOCSIFFLAGS, struct.pack("16sH14s", b"lo", flags | IFF_UP, b"\0" * 14))
    finally:
        s.close()

def read_exact(fd, n):
    out = bytearray()
    while len(out) < n:
        chunk = os.read(fd, n - len(out))
        if not chunk:
            raise EOFError("job channel closed")
        out += chunk
    return bytes(out)

def read_line(fd):
    out = bytearray()
    while True:
        c = os.read(fd, 1)
        if not c:
            raise EOFError("job channel closed")
        if c == b"\n":
            return bytes(out)
        out += c

def write_all(fd, data):
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        view = view[n:]

# ---------------------------------------------------------------- B: the job

def collect(col_fd, patterns, budget, max_files=256):
    def matches(rel):
        base = rel.rsplit("/", 1)[-1]
        for p in patterns:
            if fnmatch.fnmatchcase(rel, p) or ("/" not in p and fnmatch.fnmatchcase(base, p)):
                return True
        return False
    def walk(dir_fd, prefix, depth):
        nonlocal budget, max_files
        if depth > 16:
            return
        for name in sorted(os.listdir(dir_fd)):
            rel = prefix + name
            try:
                st = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
            except OSError:
                continue
            if stat.S_ISDIR(st.st_mode):
                try:
                    sub = os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=dir_fd)
                except OSError:
                    continue
                try:
                    walk(sub, rel + "/", depth + 1)
                finally:
                    os.close(sub)
            elif stat.S_ISREG(st.st_mode) and matches(rel):
                path = rel.encode()
                try:
                    fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=dir_fd)
                except OSError:
                    continue
                try:
                    if not stat.S_ISREG(os.fstat(fd).st_mode):
                        continue
                    if max_files <= 0 or st.st_size > budget:
                        write_all(col_fd, b"T %d %d\n" % (st.st_size, len(path)) + path)
                        continue
                    data = bytearray()
                    while len(data) < st.st_size:
                        chunk = os.read(fd, st.st_size - len(data))
                        if not chunk:
                            break
                        data += chunk
                    write_all(col_fd, b"F %d %d\n" % (len(data), len(path)) + path + bytes(data))
                    budget -= len(data)
                    max_files -= 1
                finally:
                    os.close(fd)
    try:
        ws = os.open("/workspace", os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except OSError:
        return
    try:
        walk(ws, "", 0)
    finally:
        os.close(ws)

def run_job(job, col_fd):
    os.chdir("/workspace")
    for f in job.get("files", []):
        path = "/workspace/" + f["path"]
        os.makedirs(os.path.dirname(path), exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o755 if f.get("exec") else 0o644)
        try:
            write_all(fd, base64.b64decode(f["b64"]))
        finally:
            os.close(fd)
    stdin = base64.b64decode(job.get("stdin", ""))
    mfd = os.memfd_create("stdin")
    write_all(mfd, stdin)
    os.lseek(mfd, 0, 0)
    os.dup2(mfd, 0)
    os.close(mfd)
    os.environ.clear()
    os.environ.update(job.get("env", {}))
    entry = job["entry"]
    sys.argv = [entry] + list(job.get("args", []))
    sys.path[0] = "/workspace"
    sys.stdin = io.TextIOWrapper(io.FileIO(0, "r", closefd=False), encoding="utf-8")
    sys.stdout = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), encoding="utf-8", errors="backslashreplace", write_through=True)
    sys.stderr = io.TextIOWrapper(io.FileIO(2, "w", closefd=False), encoding="utf-8", errors="backslashreplace", write_through=True)
    write_all(col_fd, b"S\n")
    rc = 0
    try:
        with open(entry, "rb") as fh:
            source = fh.read()
        code = compile(source, "/workspace/" + entry, "exec")
        g = {"__name__": "__main__", "__file__": "/workspace/" + entry, "__builtins__": builtins}
        exec(code, g)
    except SystemExit as e:
        c = e.code
        if c is None:
            rc = 0
        elif isinstance(c, int):
            rc = c & 0xFF
        else:
            print(c, file=sys.stderr)
            rc = 1
    except BaseException as e:
        tb = e.__traceback__
        # Hide this file's frame: the traceback starts in the user's program, as under python3.
        while tb is not None and tb.tb_frame.f_code.co_filename == __file__:
            tb = tb.tb_next
        traceback.print_exception(type(e), e, tb)
        rc = 1
    try:
        import threading, atexit
        threading._shutdown()
        atexit._run_exitfuncs()
    except BaseException:
        pass
    for s in (sys.stdout, sys.stderr):
        try:
            s.flush()
        except BaseException:
            pass
    if job.get("collect"):
        collect(col_fd, job["collect"], int(job.get("collectMax", 16 << 20)))
    os._exit(rc)

def become_waiter(helper, pid, status_fd):
    # Keep nothing of the job but the status descriptor (as fd 3) and become the small static
    # helper, which waits for `pid` and reports its end there.
    null = os.open("/dev/null", os.O_RDWR)
    os.dup2(null if status_fd is None else status_fd, 3)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.closerange(4, 1 << 16)
    os.execv(helper, [helper, "wait", str(pid)])

def preparation_failed(err_fd):
    try:
        os.write(err_fd, ("warden zygote: preparing a sandbox failed: " + traceback.format_exc()).encode())
    finally:
        os._exit(125)

def child_b(cmd, job_fd, out_fd, err_fd, st_fd, col_fd, seccomp, helper):
    # B: pid 1 of the job's pid namespace. It mounts the namespace's /proc, forks C (the
    # program), and becomes `warden-helper wait`: as init it reaps orphans, reports C's end on
    # the status pipe, and the program (C) has ordinary, non-init signal semantics.
    try:
        check(libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0), "pdeathsig")
        mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, None)
        pid = os.fork()
        if pid == 0:
            os.close(st_fd)
            child_c(cmd, job_fd, out_fd, err_fd, col_fd, seccomp)
        drop_all_capabilities()
        become_waiter(helper, pid, st_fd)
    except BaseException:
        preparation_failed(err_fd)

def child_c(cmd, job_fd, out_fd, err_fd, col_fd, seccomp):
    try:
        check(libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0), "pdeathsig")
        for name, (soft, hard) in cmd["rlimits"].items():
            resource.setrlimit(getattr(resource, "RLIMIT_" + name.upper()), (soft, hard))
        null = os.open("/dev/null", os.O_RDWR)
        os.dup2(null, 0)
        os.dup2(out_fd, 1)
        os.dup2(err_fd, 2)
        keep = {0, 1, 2, job_fd, col_fd}
        for fd in [int(x) for x in os.listdir("/proc/self/fd")]:
            if fd not in keep:
                try:
                    os.close(fd)
                except OSError:
                    pass
        drop_all_capabilities()
        install_seccomp(seccomp)
        # Children of one zygote share its memory image: give each its own random state.
        random.seed(os.urandom(32))
        if "numpy" in sys.modules:
            try:
                sys.modules["numpy"].random.seed(int.from_bytes(os.urandom(4), "little"))
            except Exception:
                pass
        write_all(col_fd, b"R\n")
        n = struct.unpack("<I", read_exact(job_fd, 4))[0]
        if n > (64 << 20):
            os._exit(125)
        job = json.loads(read_exact(job_fd, n))
        os.close(job_fd)
        run_job(job, col_fd)
    except BaseException:
        try:
            os.write(2, traceback.format_exc().encode())
        finally:
            os._exit(125)

# ---------------------------------------------------------------- A: the job's supervisor

def child_a(control, cmd, fds, seccomp, helper):
    job_fd, out_fd, err_fd, st_fd, col_fd = fds
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        check(libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0), "pdeathsig")
        check(libc.unshare(CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS), "unshare")
        mount(None, "/", None, MS_REC | MS_PRIVATE, None)
        disk = cmd["diskBytes"]
        mount("tmpfs", "/workspace", "tmpfs", MS_NOSUID | MS_NODEV, f"size={disk},mode=0755,uid={os.getuid()},gid={os.getgid()}")
        mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, f"size={disk},mode=1777")
        mount("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, f"size={disk},mode=1777")
        check(libc.sethostname(b"sandbox", 7), "sethostname")
        loopback_up()
        control.send(json.dumps({"op": "attach", "id": cmd["id"], "pid": os.getpid()}).encode())
        control.close()
        if read_line(job_fd) != b"go":
            os._exit(125)
        # Now in the job's cgroup: a cgroup namespace rooted there hides every other cgroup.
        check(libc.unshare(CLONE_NEWCGROUP), "unshare cgroup")
        pid = os.fork()
        if pid == 0:
            child_b(cmd, job_fd, out_fd, err_fd, st_fd, col_fd, seccomp, helper)
        # A only reaps B; its report goes nowhere (B's own waiter reports the program's end).
        check(libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0), "clear ambient")
        become_waiter(helper, pid, None)
    except BaseException:
        preparation_failed(err_fd)

# ---------------------------------------------------------------- the zygote

def main():
    control = socket.socket(fileno=int(sys.argv[1]))
    hello, _, _, _ = socket.recv_fds(control, 1 << 20, 0)
    config = json.loads(hello)
    seccomp = base64.b64decode(config["seccomp"])
    helper = config["helper"]
    preload()
    import gc
    gc.collect()
    gc.freeze()  # keep the preloaded heap out of the children's garbage collections (fewer COW faults)
    control.send(json.dumps({"op": "ready", "pid": os.getpid(), "modules": sorted(m for m in ("numpy", "pandas", "matplotlib") if m in sys.modules)}).encode())
    # Children are reaped by the kernel as they exit: a job's supervisor must not linger as a
    # zombie in the job's cgroup (cgroup v1 refuses to remove a cgroup until it is reaped).
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    while True:
        try:
            msg, fds, _, _ = socket.recv_fds(control, 1 << 16, 8)
        except InterruptedError:
            continue
        if not msg:
            break
        cmd = json.loads(msg)
        if cmd["op"] == "exit":
            break
        if cmd["op"] == "prepare":
            if len(fds) != 5:
                for fd in fds:
                    os.close(fd)
                continue
            pid = os.fork()
            if pid == 0:
                child_a(control, cmd, fds, seccomp, helper)
                os._exit(125)
            for fd in fds:
                os.close(fd)

if __name__ == "__main__":
    main()
