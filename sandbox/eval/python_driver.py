# Warden eval driver: judges one HumanEval-style sample inside its sandbox.
#
# Two processes (protocol: sandbox/PROTOCOLS.md §5; why: docs/eval.md, "How a Python sample is judged"):
#
# - The judge (this process, the sandbox's program) makes itself non-dumpable, reads the
#   per-run nonce from stdin, reads and deletes the problem's files, runs the problem's own
#   code (prompt + test) and calls its `check` with a proxy for the candidate. Only when
#   `check` returns does it write the nonce line to fd 1 and leave with exit 0.
# - The candidate is a fresh interpreter (fork + exec, so it holds nothing of the judge's
#   memory: not the nonce, not the test) in a session of its own, with stdin on /dev/null
#   and stdout on the sandbox's stderr. It runs the sample (prompt + completion + test, as
#   HumanEval runs it) and answers each call of the proxy.
#
# They talk over two pipes in frames (4-byte big-endian length, then the data) that hold only
# plain values, tagged so that each side rebuilds them as exact built-in types: no object of
# the candidate's, and so no `__eq__` of its, ever reaches the checks. The judge sends marshal
# (the candidate may trust the judge); the candidate answers in JSON, which the judge parses
# with the json module and checks tag by tag (it never unmarshals, unpickles or evaluates
# anything the candidate wrote). The
# candidate cannot read, trace or signal its way into the judge: ptrace and process_vm_* are
# denied by seccomp, /proc/<judge>/mem, fd and environ need the judge to be dumpable, and a
# signal can only stop or kill it, which is never a pass. Whatever the candidate does, the
# verdict is what the judge saw.
import os
import signal
import sys

_PASS = b"__WARDEN_EVAL_PASS__ "
_PROBLEM = b"__WARDEN_EVAL_PROBLEM_ERROR__ "
_MAX_FRAME = 64 << 20

# The candidate's side, run with `python3 -I -u -c`. fd 3 reads the judge's frames, fd 4
# writes the answers. Nothing here is a secret: the candidate may read or rewrite all of it.
_CANDIDATE = r'''
import marshal, os, sys
_MAX = 64 << 20
_read, _write = os.read, os.write
# -S skips site (its start-up is most of an interpreter's): exit() and quit() come from it.
import builtins, _sitebuiltins
builtins.exit = _sitebuiltins.Quitter("exit", "Ctrl-D (i.e. EOF)")
builtins.quit = _sitebuiltins.Quitter("quit", "Ctrl-D (i.e. EOF)")

def recv_exact(n):
    parts, got = [], 0
    while got < n:
        chunk = _read(3, min(n - got, 1 << 20))
        if not chunk:
            os._exit(0)
        parts.append(chunk)
        got += len(chunk)
    return b"".join(parts)

def recv():
    # The judge's frames: marshal of plain values (the judge is trusted; the other way is JSON).
    return marshal.loads(recv_exact(int.from_bytes(recv_exact(4), "big")))

def emit(x, out):
    # JSON of what encode() builds: null, booleans, ints, lists, and strings that are tags or
    # hex digits only, so no escaping is needed (and no json module, whose import is slow).
    if x is None:
        out.append("null")
    elif x is True:
        out.append("true")
    elif x is False:
        out.append("false")
    elif type(x) is int:
        out.append(str(x))
    elif type(x) is str:
        out.append('"' + x + '"')
    else:
        out.append("[")
        for i, v in enumerate(x):
            if i:
                out.append(",")
            emit(v, out)
        out.append("]")

def send(message):
    out = []
    emit(message, out)
    data = "".join(out).encode("ascii")
    data = len(data).to_bytes(4, "big") + data
    while data:
        data = data[_write(4, data):]

def hexs(s):
    return s.encode("utf-8", "surrogatepass").hex()

_BIG = 1 << 62

def encode(value, plain):
    t = type(value)
    if value is None or t is bool:
        return value
    if t is int:
        return value if -_BIG < value < _BIG else ["i", format(value, "x")]
    if t is float:
        return ["f", value.hex()]
    if t is complex:
        return ["c", value.real.hex(), value.imag.hex()]
    if t is str:
        return ["u", hexs(value)]
    if t is bytes:
        return ["b", value.hex()]
    if t is list:
        return ["l"] + [encode(v, plain) for v in value]
    if t is tuple:
        return ["t"] + [encode(v, plain) for v in value]
    if t is set:
        return ["s"] + [encode(v, plain) for v in value]
    if t is frozenset:
        return ["z"] + [encode(v, plain) for v in value]
    if t is dict:
        out = ["d"]
        for k, v in value.items():
            out.append(encode(k, plain))
            out.append(encode(v, plain))
        return out
    if not plain:
        # --any-return: subclasses of the built-in types (Counter, OrderedDict, namedtuple,
        # numpy's float64) and numpy values cross as their plain equivalent.
        for base in (bool, int, float, complex, str, bytes, dict, list, tuple, frozenset, set):
            if isinstance(value, base):
                return encode(base(value.items() if base is dict else value), plain)
        if getattr(t, "tolist", None) is not None and getattr(t, "__module__", "").startswith("numpy"):
            return encode(value.tolist(), plain)
    raise TypeError("the candidate returned a value of type " + repr(t.__name__)
                    + "; only values built of exact built-in types are judged")

def decode(x):
    t = type(x)
    if x is None or t is bool or t is int or t is str:
        return x
    tag, items = x[0], x[1:]
    if tag == "i":
        return int(items[0], 16)
    if tag == "f":
        return float.fromhex(items[0])
    if tag == "c":
        return complex(float.fromhex(items[0]), float.fromhex(items[1]))
    if tag == "b":
        return bytes.fromhex(items[0])
    if tag == "l":
        return [decode(v) for v in items]
    if tag == "t":
        return tuple(decode(v) for v in items)
    if tag == "s":
        return set(decode(v) for v in items)
    if tag == "z":
        return frozenset(decode(v) for v in items)
    if tag == "d":
        return {decode(items[i]): decode(items[i + 1]) for i in range(0, len(items), 2)}
    raise ValueError("bad value")

def error(exc):
    text, line, name = "", "error", "Exception"
    try:
        import linecache, traceback
        linecache.cache["sample.py"] = (len(SOURCE), None, SOURCE.splitlines(True), "sample.py")
        text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__, limit=20))
        line = "".join(traceback.format_exception_only(type(exc), exc)).strip().splitlines()[-1]
        name = type(exc).__name__
    except BaseException:
        pass
    return ["error", hexs(str(name)[:200]), hexs(str(line)[:2000]), hexs(str(text)[-20000:])]

send(["hello"])
first = recv()
SOURCE, entry, plain = first["source"], first["entry"], first["plain"]
sys.path[:] = first["path"]
module = type(sys)("__warden_sample__")
sys.modules["__warden_sample__"] = module
try:
    exec(compile(SOURCE, "sample.py", "exec"), module.__dict__)
    if entry not in module.__dict__:
        raise NameError("entry point '" + entry + "' is not defined")
    candidate = module.__dict__[entry]
    answer = ["ready"]
except BaseException as exc:
    answer = error(exc)
del first
send(answer)
while True:
    request = recv()
    try:
        args = [decode(a) for a in request[0]]
        kwargs = {k: decode(v) for k, v in request[1].items()}
        answer = ["ok", encode(candidate(*args, **kwargs), plain)]
    except BaseException as exc:
        answer = error(exc)
    send(answer)
'''


class _CandidateFailed(BaseException):
    """The candidate left, broke the channel or raised what only ends a program (SystemExit):
    the sample failed with `line`. A BaseException, so no `except Exception` of a test hides it."""

    def __init__(self, line, text=""):
        super().__init__(line)
        self.line, self.text = line, text


class _CandidateRaised(Exception):
    """An exception the candidate raised whose type is not a built-in one."""


class _ProblemError(BaseException):
    """The problem cannot be judged this way (its checks pass the candidate a value that cannot cross)."""


def _main():
    _write, _exit, _read = os.write, os._exit, os.read
    # A signal from the candidate may stop or kill the judge, never raise inside the checks.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    # Not dumpable: the candidate (same uid) cannot open /proc/<judge>/mem, fd or environ,
    # nor take its descriptors with pidfd_getfd. Done before anything secret is read.
    try:
        import ctypes
        if ctypes.CDLL(None, use_errno=True).prctl(4, 0, 0, 0, 0) != 0:  # PR_SET_DUMPABLE
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_DUMPABLE)")
        dumpable_error = None
    except BaseException as exc:  # (reported with the nonce below, as Warden's own failure)
        dumpable_error = exc

    nonce = b""
    while b"\n" not in nonce and len(nonce) < 256:
        chunk = _read(0, 256 - len(nonce))
        if not chunk:
            break
        nonce += chunk
    nonce = nonce.split(b"\n", 1)[0].strip()
    try:
        fd = os.open(os.devnull, os.O_RDONLY)
        os.dup2(fd, 0)
        os.close(fd)
    except OSError:
        os.close(0)

    def problem_error(message):
        _write(1, b"\n" + _PROBLEM + nonce + b" " + message.encode("utf-8", "replace")[:500] + b"\n")
        _exit(3)

    if dumpable_error is not None:
        problem_error("the judge could not make itself non-dumpable: " + str(dumpable_error))

    entry_point = sys.argv[1]
    plain_only = len(sys.argv) < 3 or sys.argv[2] != "--any-return"
    with open("trusted.py", encoding="utf-8") as f:
        trusted_source = f.read()
    with open("sample.py", encoding="utf-8") as f:
        sample_source = f.read()
    for name in ("trusted.py", "sample.py", "main.py"):
        try:
            os.unlink(name)
        except OSError:
            pass

    import builtins
    import json
    import marshal
    import time
    import traceback

    def fail(line, text=""):
        if text:
            _write(2, text.encode("utf-8", "replace"))
        _write(2, b"\n" + line.encode("utf-8", "replace")[:2000] + b"\n")
        _exit(1)

    # The problem's own code, in the judge only: the candidate never sees the test.
    trusted = {"__name__": "__warden_problem__"}
    try:
        exec(compile(trusted_source, "test.py", "exec"), trusted)
        check = trusted["check"]
        # HumanEval runs prompt + completion + test as one module, so a name the test imports
        # at its top level is seen by the completion too: the top-level import statements of
        # prompt + test (and nothing else of the test) follow the sample in the candidate's process.
        import ast
        imports = [ast.unparse(node) for node in ast.parse(trusted_source).body
                   if isinstance(node, (ast.Import, ast.ImportFrom))]
    except BaseException as exc:
        text = "".join(traceback.format_exception_only(type(exc), exc)).strip().splitlines()[-1]
        problem_error(text)
    if imports:
        sample_source += "\n" + "\n".join(imports) + "\n"

    # The candidate can write to /workspace, /tmp and /dev/shm: the judge must never import or
    # read from there once it runs (a check's own `import colorsys` would otherwise run a
    # module the candidate planted, inside the judge). Only read-only places stay on the path.
    writable = ("/workspace", "/tmp", "/dev/shm")
    sys.path[:] = [p for p in sys.path if p and os.path.isabs(p) and not any(
        p == w or p.startswith(w + "/") for w in writable) and os.path.isdir(p)]
    sys.path_importer_cache.clear()

    # The candidate's process: a fresh interpreter in a session of its own (so that kill(0)
    # and killpg reach only its own processes), stdin on /dev/null, stdout on our stderr.
    to_candidate_r, to_candidate_w = os.pipe()
    from_candidate_r, from_candidate_w = os.pipe()
    try:
        pid = os.fork()
    except OSError as exc:
        problem_error("the judge could not start the candidate's process: " + str(exc))
    if pid == 0:
        try:
            os.setsid()
            null = os.open(os.devnull, os.O_RDONLY)
            os.dup2(null, 0)
            os.dup2(2, 1)
            os.dup2(to_candidate_r, 3)
            os.dup2(from_candidate_w, 4)
            os.closerange(5, 1 << 16)
            for fd in (0, 1, 2, 3, 4):
                os.set_inheritable(fd, True)
            os.execv(sys.executable or "/usr/bin/python3", ["python3", "-I", "-S", "-u", "-c", _CANDIDATE])
        finally:
            _exit(127)
    os.close(to_candidate_r)
    os.close(from_candidate_w)
    os.chdir("/")

    def end_candidate():
        try:
            os.killpg(pid, signal.SIGKILL)
        except OSError:
            pass
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass

    def how_it_ended():
        # The candidate's process closed the channel: how it ended, or why it was ended.
        status = None
        for _ in range(50):
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            time.sleep(0.01)
        else:
            end_candidate()
            os.waitpid(pid, 0)
            return "closed the judge's channel before the checks finished"
        if os.WIFSIGNALED(status):
            try:
                return "killed by " + signal.Signals(os.WTERMSIG(status)).name
            except ValueError:
                return "killed by signal " + str(os.WTERMSIG(status))
        code = os.WEXITSTATUS(status)
        return "exited before the checks finished" if code == 0 else "exit code " + str(code)

    def send(message):
        data = marshal.dumps(message)
        data = len(data).to_bytes(4, "big") + data
        try:
            while data:
                data = data[os.write(to_candidate_w, data):]
        except OSError:
            raise _CandidateFailed(how_it_ended()) from None

    def recv_exact(n):
        parts, got = [], 0
        while got < n:
            chunk = _read(from_candidate_r, min(n - got, 1 << 20))
            if not chunk:
                raise _CandidateFailed(how_it_ended())
            parts.append(chunk)
            got += len(chunk)
        return b"".join(parts)

    def recv():
        n = int.from_bytes(recv_exact(4), "big")
        if n > _MAX_FRAME:
            raise _CandidateFailed("the candidate's answer is larger than " + str(_MAX_FRAME) + " bytes")
        try:
            return json.loads(recv_exact(n).decode("ascii"))
        except (ValueError, RecursionError) as exc:
            raise _CandidateFailed("the candidate's answer is not valid: " + type(exc).__name__) from None

    scalars = (type(None), bool, str)
    big = 1 << 62

    def encode(value):
        # What the checks pass to the candidate: built by the problem's code, so a value that
        # cannot cross is the problem's, not the sample's.
        t = type(value)
        if t in scalars:
            return value
        if t is int:
            return value if -big < value < big else ["i", format(value, "x")]
        if t is float:
            return ["f", value.hex()]
        if t is complex:
            return ["c", value.real.hex(), value.imag.hex()]
        if t is bytes:
            return ["b", value.hex()]
        if t is list or t is tuple or t is set or t is frozenset:
            return [{list: "l", tuple: "t", set: "s", frozenset: "z"}[t]] + [encode(v) for v in value]
        if t is dict:
            out = ["d"]
            for k, v in value.items():
                out.append(encode(k))
                out.append(encode(v))
            return out
        raise _ProblemError("the checks pass the candidate a value of type " + repr(t.__name__)
                            + ", which cannot be sent to the candidate's process")

    def decode(x):
        # What the candidate answers, rebuilt from exact built-in types only; anything else
        # is a malformed answer and fails the sample.
        t = type(x)
        if x is None or t is bool or t is int or t is str:
            return x
        if t is not list or not x or type(x[0]) is not str:
            raise ValueError("not a value")
        tag, items = x[0], x[1:]
        if tag in ("i", "f", "b", "u") and len(items) == 1 and type(items[0]) is str:
            s = items[0]
            if tag == "u":
                return bytes.fromhex(s).decode("utf-8", "surrogatepass")
            return int(s, 16) if tag == "i" else float.fromhex(s) if tag == "f" else bytes.fromhex(s)
        if tag == "c" and len(items) == 2 and type(items[0]) is str and type(items[1]) is str:
            return complex(float.fromhex(items[0]), float.fromhex(items[1]))
        if tag == "l":
            return [decode(v) for v in items]
        if tag == "t":
            return tuple([decode(v) for v in items])
        if tag == "s":
            return set([decode(v) for v in items])
        if tag == "z":
            return frozenset([decode(v) for v in items])
        if tag == "d" and len(items) % 2 == 0:
            return {decode(items[i]): decode(items[i + 1]) for i in range(0, len(items), 2)}
        raise ValueError("not a value")

    def raised(name, line, text):
        # What the candidate raised, as the checks would have seen it in one process: a
        # built-in exception type by name (so a test's `except ValueError` still works), else a
        # stand-in. Only the type's name and its message cross. SystemExit and the other
        # exceptions that are not Exceptions end the program in HumanEval: a failure.
        cls = getattr(builtins, name, None)
        if not (isinstance(cls, type) and issubclass(cls, BaseException)):
            cls = _CandidateRaised
        elif not issubclass(cls, Exception):
            raise _CandidateFailed(line, text)
        message = line[len(name) + 2:] if line.startswith(name + ": ") else ""
        try:
            exc = cls(message) if message else cls()
        except BaseException:
            exc = _CandidateRaised(message)
        exc._warden_line, exc._warden_text = line, text
        return exc

    broken = []

    def answer(reply):
        if type(reply) is list and len(reply) == 2 and reply[0] == "ok":
            try:
                return decode(reply[1])
            except (ValueError, TypeError, OverflowError, RecursionError, UnicodeError) as exc:
                raise _CandidateFailed("the candidate's answer is not valid: " + type(exc).__name__) from None
        if (type(reply) is list and len(reply) == 4 and reply[0] == "error"
                and all(type(s) is str for s in reply[1:])):
            try:
                name, line, text = [bytes.fromhex(s).decode("utf-8", "replace") for s in reply[1:]]
            except ValueError:
                raise _CandidateFailed("the candidate's answer is not valid") from None
            raise raised(name, line, text)
        raise _CandidateFailed("the candidate's answer is not valid")

    def candidate(*args, **kwargs):
        if broken:
            raise broken[0]
        try:
            message = [[encode(a) for a in args], {str(k): encode(v) for k, v in kwargs.items()}]
        except RecursionError:
            # (Possibly a value the candidate returned: the sample's failure, never the problem's.)
            raise _CandidateFailed("RecursionError: a value passed to the candidate is nested too deeply") from None
        try:
            send(message)
            return answer(recv())
        except _CandidateFailed as exc:
            # Latched: a check that swallows it (a bare `except:`) still cannot pass.
            broken.append(exc)
            raise

    try:
        if recv() != ["hello"]:
            raise _CandidateFailed("the candidate's process did not start")
    except _CandidateFailed as exc:
        # No code of the sample has run yet: the interpreter did not start.
        problem_error("the candidate's interpreter did not start: " + exc.line)

    try:
        send({"source": sample_source, "entry": entry_point, "plain": plain_only, "path": list(sys.path)})
        ready = recv()
        if ready != ["ready"]:
            reason = answer(ready)
            raise reason if isinstance(reason, BaseException) else _CandidateFailed("the candidate's answer is not valid")
        # As in HumanEval, where the test shares the sample's module, the entry point's name
        # means the candidate inside the checks too (HumanEval/33 compares against it).
        trusted[entry_point] = candidate
        check(candidate)
        if broken:
            raise broken[0]
    except _ProblemError as exc:
        end_candidate()
        problem_error(str(exc))
    except _CandidateFailed as exc:
        end_candidate()
        fail(exc.line, exc.text)
    except BaseException as exc:
        end_candidate()
        line = getattr(exc, "_warden_line", None)
        text = getattr(exc, "_warden_text", "")
        if type(line) is not str:
            line = "error"
            try:
                text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__, limit=20))
                line = "".join(traceback.format_exception_only(type(exc), exc)).strip().splitlines()[-1]
            except BaseException:
                text = ""
        fail(line, text)
    end_candidate()
    _write(1, b"\n" + _PASS + nonce + b"\n")
    _exit(0)


_main()
