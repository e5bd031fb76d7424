# Warden eval driver: judges one HumanEval-style sample inside its sandbox.
#
# Protocol (sandbox/PROTOCOLS.md §5, docs/eval.md): the first line of stdin is a per-run nonce. It is read
# before any code of the sample runs, and stdin is then pointed at /dev/null. The problem's
# own code (prompt + test) runs first, in a namespace of its own with a private copy of the
# builtins, so the `check` that is called is the problem's, whatever the sample deletes or
# rebinds. The sample (prompt + completion + test, as HumanEval runs it) runs next, in a
# module of its own. Only when `check(candidate)` returns does the driver write the nonce
# line to fd 1 and leave with os._exit(0); any other way out (an exception, sys.exit,
# os._exit, a signal, a timeout) is not a pass.
#
# Every name the driver uses after the sample has started is bound to a local first,
# because the sample can rebind builtins and module attributes.
import builtins
import os
import sys
import types

_PASS = b"__WARDEN_EVAL_PASS__ "
_PROBLEM = b"__WARDEN_EVAL_PROBLEM_ERROR__ "


def _main():
    _write, _exit, _read, _open, _close, _dup2, _unlink = (
        os.write, os._exit, os.read, os.open, os.close, os.dup2, os.unlink)
    _type, _len, _str, _repr = type, len, str, repr
    _base_exception, _exception = BaseException, Exception

    nonce = b""
    while b"\n" not in nonce and _len(nonce) < 256:
        chunk = _read(0, 256 - _len(nonce))
        if not chunk:
            break
        nonce += chunk
    nonce = nonce.split(b"\n", 1)[0].strip()
    try:
        fd = _open(os.devnull, os.O_RDONLY)
        _dup2(fd, 0)
        _close(fd)
    except OSError:
        _close(0)

    entry_point = sys.argv[1]
    # A test of plain return values is on unless the harness passed --any-return.
    plain_only = _len(sys.argv) < 3 or sys.argv[2] != "--any-return"
    with open("trusted.py", encoding="utf-8") as f:
        trusted_source = f.read()
    with open("sample.py", encoding="utf-8") as f:
        sample_source = f.read()
    # The sample need not read the test (or this driver) from disk.
    for name in ("trusted.py", "sample.py", "main.py"):
        try:
            _unlink(name)
        except OSError:
            pass

    pass_marker, builtins_dict = _PASS, builtins.__dict__
    pristine = dict(builtins_dict)

    def fail(exc, marker=b""):
        line = "error"
        try:
            line = _type(exc).__name__
            # The sample may have broken builtins that traceback needs.
            builtins_dict.update(pristine)
            import linecache
            import traceback
            lines = sample_source.splitlines(True)
            linecache.cache["sample.py"] = (_len(sample_source), None, lines, "sample.py")
            text = "".join(traceback.format_exception(_type(exc), exc, exc.__traceback__, limit=20))
            line = "".join(traceback.format_exception_only(_type(exc), exc)).strip().splitlines()[-1]
            _write(2, text.encode("utf-8", "replace"))
        except _base_exception:
            pass
        if marker:
            _write(1, b"\n" + marker + nonce + b" " + line.encode("utf-8", "replace")[:500] + b"\n")
            _exit(3)
        _write(2, b"\n" + line.encode("utf-8", "replace")[:2000] + b"\n")
        _exit(1)

    # The problem's own code, before any of the sample's.
    trusted = {"__name__": "__warden_problem__", "__builtins__": pristine}
    try:
        exec(compile(trusted_source, "test.py", "exec"), trusted)
        check = trusted["check"]
    except _base_exception as exc:
        fail(exc, _PROBLEM)
    # The modules the test uses are seen by `check` through snapshots taken now, so that
    # patching math.fabs (say) from the sample changes nothing for the checks: those bound at
    # the test's top level, and those it imports inside `check` (imported here, ahead of the
    # sample, and served from the snapshots by the problem's own __import__).
    snapshots = {}

    def snapshot(module):
        copy = snapshots.get(module.__name__)
        if copy is None:
            copy = types.ModuleType(module.__name__)
            copy.__dict__.update(module.__dict__)
            snapshots[module.__name__] = copy
        return copy

    for line in trusted_source.splitlines():
        words = line.strip().replace(",", " ").split()
        names = []
        if _len(words) > 1 and words[0] == "import":
            names = [w for i, w in enumerate(words[1:]) if w != "as" and (i == 0 or words[i] != "as")]
        elif _len(words) > 3 and words[0] == "from" and words[2] == "import" and not words[1].startswith("."):
            names = [words[1]]
        for name in names:
            try:
                snapshot(__import__(name.partition(".")[0]))
            except _base_exception:
                pass
    for key, value in list(trusted.items()):
        if isinstance(value, types.ModuleType):
            trusted[key] = snapshot(value)
    real_import = __import__

    def problem_import(name, globals=None, locals=None, fromlist=(), level=0):
        if level == 0:
            copy = snapshots.get(name if fromlist else name.partition(".")[0])
            if copy is not None:
                return copy
        return real_import(name, globals, locals, fromlist, level)

    pristine["__import__"] = problem_import

    plain_scalars = (_type(None), bool, int, float, complex, str, bytes)
    sequences = (list, tuple, set, frozenset)
    _typeerror, _dict = TypeError, dict

    def not_plain(value):
        # The type of the first value that is not built of exact built-in types, or None.
        stack = [value]
        seen = 0
        while stack:
            item = stack.pop()
            t = _type(item)
            seen += 1
            if seen > 1_000_000 or t in plain_scalars:
                continue
            if t in sequences:
                stack.extend(item)
            elif t is _dict:
                stack.extend(item.keys())
                stack.extend(item.values())
            else:
                return t
        return None

    module = types.ModuleType("__warden_sample__")
    sys.modules["__warden_sample__"] = module
    namespace = module.__dict__
    try:
        exec(compile(sample_source, "sample.py", "exec"), namespace)
        if entry_point not in namespace:
            raise NameError("entry point '" + entry_point + "' is not defined")
        candidate = namespace[entry_point]

        def guarded(*args, **kwargs):
            result = candidate(*args, **kwargs)
            if plain_only:
                bad = not_plain(result)
                if bad is not None:
                    raise _typeerror("the candidate returned a value of type " + _repr(bad.__name__)
                                     + "; only values built of exact built-in types are judged")
            return result

        judged = guarded if plain_only else candidate
        # As in HumanEval, where the test shares the sample's module, the entry point's name
        # means the candidate inside the checks too (HumanEval/33 compares against it).
        trusted[entry_point] = judged
        check(judged)
    except _base_exception as exc:
        fail(exc)
    _write(1, b"\n" + pass_marker + nonce + b"\n")
    _exit(0)


_main()
