# Warden's Python zygote. Runs inside a Warden sandbox (bubblewrap: its own user, pid, mount,
# net, ipc, uts and cgroup namespaces, read-only root, its own cgroup) with CAP_SYS_ADMIN,
# CAP_NET_ADMIN, CAP_SETPCAP and CAP_SYS_CHROOT *in its own user namespace only*, so that it can
# give each job fresh namespaces. It never runs user code itself.
#
# Python does only what needs Python: install the huge-page arena allocator of the native core
# (sandbox/native/warden-zygote.c, loaded from /workspace), import the modules users want warm, freeze
# the heap out of the GC, collapse it into huge pages, say "ready" — then hand the control socket
# to the native loop, which runs the zygote from then on (no Python runs in the zygote between
# jobs, so its memory stays shared and in huge pages). Per job ("prepare" + SCM_RIGHTS: the
# job's pipes and cgroup.procs files) the loop has `warden-helper nsfactory` fork a namespace helper (the job's
# namespaces, tmpfs mounts, loopback, init as pid 1), forks the program into them (pid 2), and
# in the program joins the cgroups, enters the namespaces, sets rlimits and stdio, closes every
# other descriptor, drops every capability, sets no_new_privs and installs Warden's seccomp
# filter, then returns here (job()): re-seed the random generators, say "R" (prepared), block
# until the job arrives, run it in-process, send the collected files and its exit record ("Q
# code"), let go of every descriptor, exit. Warden answers on that record; the loop reaps the
# program and reports how it ended on the job's status pipe once the job's init is gone too.
import os, sys

JOB_FD, COLLECT_FD = 3, 4  # in a job, as the native loop arranged them

import ctypes, json, socket, io, traceback, fnmatch, stat, base64, binascii, builtins, random, importlib
import _random, atexit

libc = ctypes.CDLL(None, use_errno=True)

class ArenaAllocator(ctypes.Structure):
    _fields_ = [("ctx", ctypes.c_void_p), ("alloc", ctypes.c_void_p), ("free", ctypes.c_void_p)]

def huge_page_arenas(core):
    # Before the imports: CPython's object arenas from one huge-page region (sandbox/native/warden-zygote.c),
    # so that our per-job fork copies few page-table entries. Optional: without it, forks cost more.
    try:
        if core.warden_arena_init(ctypes.c_size_t(64 << 30)) != 0:
            return False
        allocator = ArenaAllocator(None, ctypes.cast(core.warden_arena_alloc, ctypes.c_void_p).value,
                                   ctypes.cast(core.warden_arena_free, ctypes.c_void_p).value)
        ctypes.pythonapi.PyObject_SetArenaAllocator(ctypes.byref(allocator))  # copies the struct
        return True
    except (OSError, AttributeError):
        return False

def collapse_to_huge_pages(lib):
    # After the imports: turn our anonymous memory (arenas, malloc heap) into huge pages now
    # rather than whenever khugepaged gets to it. MADV_COLLAPSE needs Linux 6.1; errors are ignored.
    MADV_HUGEPAGE, MADV_COLLAPSE, HUGE = 14, 25, 2 << 20
    libc.madvise.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
    if lib is not None:
        lib.warden_arena_used_start.restype = lib.warden_arena_used_end.restype = ctypes.c_void_p
        arena_lo, arena_hi = lib.warden_arena_used_start() or 0, lib.warden_arena_used_end() or 0
    collapsed = 0
    with open("/proc/self/maps") as maps:
        regions = [line.split() for line in maps]
    for parts in regions:
        perms, path = parts[1], (parts[5] if len(parts) > 5 else "")
        if perms[:2] != "rw" or perms[3] != "p" or path not in ("", "[heap]"):
            continue
        lo, hi = (int(x, 16) for x in parts[0].split("-"))
        if lib is not None and lo <= arena_lo < hi:
            # The arena region: its used part (aligned, and reserved well beyond its end).
            lo, hi = arena_lo, (arena_hi + HUGE - 1) & ~(HUGE - 1)
        else:
            lo, hi = (lo + HUGE - 1) & ~(HUGE - 1), hi & ~(HUGE - 1)
        if hi - lo > (1 << 32):
            continue
        libc.madvise(lo, hi - lo, MADV_HUGEPAGE)
        for extent in range(lo, hi, HUGE):
            if libc.madvise(extent, HUGE, MADV_COLLAPSE) == 0:
                collapsed += HUGE
    return collapsed

def preload(scientific):
    # The standard library users reach for, and (the scientific zygote) numpy, pandas and
    # matplotlib when installed. The standard zygote stops at the standard library: forking and
    # tearing down its ~130 mappings costs a quarter of the scientific one's ~700.
    for m in ("json", "re", "math", "cmath", "random", "collections", "itertools", "functools", "operator",
              "datetime", "time", "decimal", "fractions", "statistics", "typing", "dataclasses", "enum",
              "string", "textwrap", "heapq", "bisect", "copy", "csv", "hashlib", "base64", "uuid",
              "subprocess", "pathlib", "tempfile", "shutil", "pprint", "array", "struct", "zlib", "gzip",
              "unicodedata", "locale", "abc", "contextlib", "threading", "queue", "asyncio", "argparse", "sqlite3"):
        try:
            importlib.import_module(m)
        except Exception:
            pass
    if not scientific:
        return
    os.environ.setdefault("MPLBACKEND", "Agg")
    os.environ.setdefault("MPLCONFIGDIR", "/tmp/.matplotlib")
    for m in ("numpy", "pandas", "matplotlib", "matplotlib.pyplot"):
        try:
            importlib.import_module(m)
        except Exception:
            pass
    if "matplotlib.pyplot" in sys.modules:
        # A first figure loads fonts, builds the text layout caches and the Agg/PNG path: ~40 ms
        # that every child would otherwise pay again.
        try:
            plt = sys.modules["matplotlib.pyplot"]
            fig = plt.figure()
            plt.plot([1, 2])
            plt.title("warm")
            fig.savefig(io.BytesIO(), format="png")
            plt.close("all")
            # The cached font objects keep their font files open; a job must inherit no open
            # file of ours (its descriptors are arranged by the native loop), so let them go.
            sys.modules["matplotlib.font_manager"]._get_font.cache_clear()
            import gc
            gc.collect()
        except Exception:
            pass

def warm_compiler():
    compile("x = 1\nprint(x)\n", "<warm>", "exec")  # the first compile() in a fresh fork costs ~2 ms

def detach_fork_hooks():
    # PyOS_AfterFork_Child (which every job calls first) runs the hooks modules registered with
    # os.register_at_fork: threading's and logging's re-create locks another thread might have
    # held at the fork, concurrent.futures' re-initialises a lock its own "before" hook took, and
    # random's reseeds. None of that has anything to do here — the native loop forks on the main
    # thread, inside a ctypes call, with no other Python thread alive and no Python lock held
    # (a raw fork runs no "before" hook) — yet running them touched ~175 pages of our heap per job,
    # each then copied on write (a third of a print(1)'s faults). So they are taken out of the
    # interpreter's list here (found as the one list referring to threading's hook, before
    # gc.freeze hides it from get_referrers) and put back in the job right after
    # PyOS_AfterFork_Child, so that a fork the user's program makes runs all of them as usual.
    # random is reseeded by the job itself. A hook we do not know stays in the list and runs.
    # Returns (the list, its full contents), or None when it cannot be done safely.
    import threading, gc
    if threading.active_count() != 1 or len(sys._current_frames()) != 1:
        return None
    lists = [o for o in gc.get_referrers(threading._after_fork) if type(o) is list]
    if len(lists) != 1:
        return None
    hooks = lists[0]
    logging = sys.modules.get("logging")
    def needless(h):
        if h is threading._after_fork or (logging is not None and h is getattr(logging, "_after_at_fork_child_reinit_locks", None)):
            return True
        owner = getattr(h, "__self__", None)
        if owner is random._inst and getattr(h, "__name__", "") == "seed":
            return True
        # a lock's own _at_fork_reinit (no thread can hold it at our fork)
        return getattr(h, "__name__", "") == "_at_fork_reinit" and type(owner).__name__ in ("lock", "RLock")
    full = list(hooks)
    hooks[:] = [h for h in full if not needless(h)]
    return hooks, full

def reseed():
    # Children of one zygote share its memory image: give each its own random state (the C
    # generator's seed from os.urandom; what random.seed() does, without its Python wrapper).
    _random.Random.seed(random._inst)
    random._inst.gauss_next = None
    if "numpy" in sys.modules:
        try:
            sys.modules["numpy"].random.seed(int.from_bytes(os.urandom(4), "little"))
        except Exception:
            pass

def read_exact(fd, n):
    first = os.read(fd, n)  # (usually all of it: no buffer to build, fewer pages touched)
    if len(first) == n:
        return first
    if not first:
        raise EOFError("job channel closed")
    out = bytearray(first)
    while len(out) < n:
        chunk = os.read(fd, n - len(out))
        if not chunk:
            raise EOFError("job channel closed")
        out += chunk
    return bytes(out)

def write_all(fd, data):
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        view = view[n:]

# ---------------------------------------------------------------- the job

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

def stdio():
    # A job's sys.stdin, stdout and stderr: as `python3 -u` (unbuffered, text written through).
    return (io.TextIOWrapper(io.FileIO(0, "r", closefd=False), encoding="utf-8"),
            io.TextIOWrapper(io.FileIO(1, "w", closefd=False), encoding="utf-8", errors="backslashreplace", write_through=True),
            io.TextIOWrapper(io.FileIO(2, "w", closefd=False), encoding="utf-8", errors="backslashreplace", write_through=True))

def prepare_stdio():
    # The three wrappers made once here rather than in every job (their codecs, encoders and
    # decoders touched ~40 pages per job). A wrapper holds no data until used and knows of its
    # descriptor only what it asked at creation (seekable? readable? the position), so they are
    # made only when our descriptors are of the kinds a job's are: stdin an unread memfd (our
    # own stdin, a pipe nobody writes to, is replaced by one), stdout and stderr pipes. Nothing
    # writes to or reads from them here.
    try:
        mfd = os.memfd_create("stdin")
        os.dup2(mfd, 0)
        os.close(mfd)
        if not (stat.S_ISFIFO(os.fstat(1).st_mode) and stat.S_ISFIFO(os.fstat(2).st_mode)):
            return None
    except OSError:
        return None
    return stdio()

def run_job(job, col_fd):
    os.chdir("/workspace")
    for f in job.get("files", []):
        path = "/workspace/" + f["path"]
        if "/" in f["path"]:  # (makedirs of /workspace itself would raise and catch EEXIST)
            os.makedirs(os.path.dirname(path), exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o755 if f.get("exec") else 0o644)
        try:
            write_all(fd, binascii.a2b_base64(f["b64"]))
        finally:
            os.close(fd)
    stdin = job.get("stdin")
    mfd = os.memfd_create("stdin")  # (empty or not: as on the cold path)
    if stdin:
        write_all(mfd, binascii.a2b_base64(stdin))
        os.lseek(mfd, 0, 0)
    os.dup2(mfd, 0)
    os.close(mfd)
    env = job.get("env", {})
    if env != JOB_ENV:  # (a plain dict comparison; os.environ's own methods touch far more)
        os.environ.clear()
        os.environ.update(env)
    entry = job["entry"]
    sys.argv = [entry] + list(job.get("args", []))
    sys.path[0] = "/workspace"
    sys.stdin, sys.stdout, sys.stderr = JOB_STDIO or stdio()
    sys.__stdin__, sys.__stdout__, sys.__stderr__ = sys.stdin, sys.stdout, sys.stderr
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
        # As the interpreter's own exit: join non-daemon threads and run threading's exit
        # callbacks, then atexit's. (threading's part is skipped when there is nothing to join
        # or call — _shutdown_locks always holds the main thread's own lock — it would only
        # touch pages before our _exit.)
        threading = sys.modules.get("threading")
        if threading is not None and (len(threading._shutdown_locks) > 1 or threading._threading_atexits):
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
    # A full tmpfs (less than 64 KiB left) is reported as "U": the result's limitsReached "disk".
    for d in ("/workspace", "/tmp", "/dev/shm"):
        try:
            sv = os.statvfs(d)
            if sv.f_blocks and sv.f_bavail * sv.f_frsize < 65536:
                write_all(col_fd, b"U\n")
                break
        except Exception:  # the program may have broken os; the report must still go out
            pass
    # The exit code, then every descriptor let go: Warden answers once this record is in and its
    # pipes are at end of file (it kills what is left of the job first), not after the kernel has
    # torn down this process's copy of the zygote's address space (~2 ms). A daemon still holding
    # a pipe only means Warden waits for the job's end as before.
    try:
        write_all(col_fd, b"Q %d\n" % rc)
    except OSError:
        pass
    os.closerange(0, 1 << 20)
    os._exit(rc)

# A prepared JavaScript sandbox: node started ahead of the request, behind every layer the native
# loop set up, waiting for its job on fd 3 (same frame as a Python job). It says "R" once node is
# up, "S" before the program, and runs the entry as node would (Module.runMain). Requests with
# stdin or files to collect do not come here (Warden runs them cold).
# The loader is its own file (sandbox/zygote/node_loader.js), shipped beside this one; it is read
# once here and handed to node with -e (a job's /workspace is its own, not the zygote's).
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "node_loader.js"), encoding="utf-8") as _loader:
    NODE_LOADER = _loader.read()

def become_node():
    # Only the job's own descriptors (0-4) are open here; node inherits them.
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/workspace", "LANG": "C.UTF-8"}
    os.execve("/usr/bin/node", ["node", "-e", NODE_LOADER], env)

# Made in the zygote (main) for every job: Warden's default environment, json's scanner, the
# stdio wrappers (or None), and the interpreter's own stdio objects, which a job replaces as
# sys.__stdin__ and co. and which must never be freed there (freeing one would close the
# descriptor under it, by then the job's).
JOB_ENV = {}
SCAN_JSON = None
JOB_STDIO = None
INTERPRETER_STDIO = None

def job(job_kind, fork_hooks):
    # In the program (pid 2 of the job's namespaces, cgroups joined, rlimits, no capabilities,
    # no_new_privs, seccomp, PyOS_AfterFork_Child: all done by the native loop before it
    # returned here).
    try:
        if fork_hooks is not None:
            fork_hooks[0][:] = fork_hooks[1]  # the user's own forks run every hook (detach_fork_hooks)
        if job_kind.value == 1:
            become_node()  # never returns
        reseed()
        os.write(COLLECT_FD, b"R\n")  # (a blocking pipe takes two bytes at once)
        n = int.from_bytes(read_exact(JOB_FD, 4), "little")
        if n > (64 << 20):
            os._exit(125)
        payload = read_exact(JOB_FD, n)
        os.close(JOB_FD)
        # json's C scanner straight away (json.loads' Python layers and regexes touch more pages).
        text = payload.decode("utf-8")
        spec, end = SCAN_JSON(text, 0)
        if type(spec) is not dict or end != len(text):
            os._exit(125)
    except BaseException:
        try:
            os.write(2, ("warden zygote: preparing a sandbox failed: " + traceback.format_exc()).encode())
        finally:
            os._exit(125)
    run_job(spec, COLLECT_FD)

def main():
    control = socket.socket(fileno=int(sys.argv[1]))
    hello, _, _, _ = socket.recv_fds(control, 1 << 20, 0)
    config = json.loads(hello)
    seccomp = base64.b64decode(config["seccomp"])
    core = ctypes.PyDLL(config["core"], use_errno=True)  # PyDLL: the GIL stays held in its calls
    # A job's pipes become its fds 3 and 4: keep them taken here, so that no file an import
    # opens and keeps (a Python object owning the descriptor) can sit there in a job.
    null = os.open("/dev/null", os.O_RDWR)
    for fd in (JOB_FD, COLLECT_FD):
        if fd != null:
            os.dup2(null, fd, inheritable=False)
    scientific = config.get("preload") == "scientific"
    # What a job reads through ctypes, looked up here once rather than (dlsym, new objects,
    # copy-on-write) in every job.
    job_kind = ctypes.c_int.in_dll(core, "warden_job_kind")
    huge = huge_page_arenas(core)
    preload(scientific)
    warm_compiler()
    global JOB_ENV, SCAN_JSON, JOB_STDIO, INTERPRETER_STDIO
    INTERPRETER_STDIO = (sys.__stdin__, sys.__stdout__, sys.__stderr__)
    # The environment every job gets unless it asks for more (Warden's default for Python): the
    # zygote takes it on now (its own variables were for its start and imports), and a job whose
    # environment is that one changes nothing.
    os.environ.clear()
    os.environ.update(config.get("jobEnv", {}))
    JOB_ENV = dict(os.environ)
    SCAN_JSON = json.decoder.JSONDecoder().scan_once
    JOB_STDIO = prepare_stdio()
    fork_hooks = detach_fork_hooks()
    import gc
    gc.collect()
    gc.freeze()  # keep the preloaded heap out of the children's garbage collections (fewer COW faults)
    collapsed = collapse_to_huge_pages(core if huge else None)
    control.send(json.dumps({"op": "ready", "pid": os.getpid(), "hugeArenas": huge, "hugeBytes": collapsed,
                             "forkHooksDetached": fork_hooks is not None, "stdioPrepared": JOB_STDIO is not None,
                             "modules": sorted(m for m in ("numpy", "pandas", "matplotlib") if m in sys.modules),
                             "stdlib": sorted(sys.stdlib_module_names)}).encode())
    core.warden_zygote_serve.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_uint]
    rc = core.warden_zygote_serve(control.fileno(), config["helper"].encode(), seccomp, len(seccomp))
    if rc == 1:
        job(job_kind, fork_hooks)  # never returns
    if rc < 0:
        e = ctypes.get_errno()
        print(f"warden zygote: the native loop failed: {os.strerror(e)}", file=sys.stderr)
    os._exit(0 if rc == 0 else 1)

if __name__ == "__main__":
    main()
