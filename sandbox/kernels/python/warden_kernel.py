# Warden's Python kernel. It runs INSIDE a session's sandbox, started as
#   /usr/bin/python3 -S -B -c <this file>
# and talks to Warden over newline-delimited JSON: requests on its stdin, messages on its
# stdout (see sandbox/PROTOCOLS.md §4 and docs/sessions.md for the protocol). Once user code has run, nothing this process
# says can be trusted by the host, which parses every message defensively. What this file
# guards is the *channel*: user code, its subprocesses and forked children never write to it
# by accident (fd 1 and 2 are pipes the kernel forwards as `stream` messages; stdin is
# /dev/null), and a SIGINT only interrupts user code, never a half-written message.
import os
import sys

_PROTO_IN = os.dup(0)    # requests (non-inheritable: PEP 446)
_PROTO_OUT = os.dup(1)   # messages
_STDERR = os.dup(2)      # the sandbox's stderr, for the kernel's own last words

import binascii
import builtins
import errno
import fcntl
import importlib.machinery
import io
import select
import _signal as signal  # the signal module imports enum (~4 ms)
import stat as _stat
import struct
import _thread  # threading imports functools and collections
import time
import types
from _queue import SimpleQueue

# json, ast and linecache cost ~10 ms to import: they are loaded right after the kernel says it is
# ready (the reader thread and the main thread each import what they need; imports are locked).
json = None
ast = None
linecache = None

WORKSPACE = "/workspace"
PROTOCOL = 1
MAX_REQUEST = 8 << 20
MAX_MIME_BYTES = 8 << 20
MAX_TEXT_PLAIN = 1 << 20
MAX_SNAPSHOT = 20000
MAX_LIST = 10000
CHUNK = 256 << 10
FIONREAD = 0x541B
UPLOAD_PREFIX = ".warden-upload-"
_KERNEL_GLOBALS = globals()  # user code runs in its own namespace (user_ns), never in these
_MAIN_TID = _thread.get_ident()
_KERNEL_PID = os.getpid()


class _State:
    in_cell = False        # user code may be running on the main thread: SIGINT raises KeyboardInterrupt
    shield = 0             # >0 while the main thread writes a message: SIGINT waits
    pending_interrupt = False
    forked = False         # this process is a fork of the kernel made by user code
    cell_id = None         # request id of the running cell, for stream messages
    cell_budget = 0        # stream bytes the running cell may still send
    cell_truncated = False


_st = _State()


def _after_fork_in_child():
    # A child forked by user code (os.fork, multiprocessing) must never speak on the channel.
    _st.forked = True


os.register_at_fork(after_in_child=_after_fork_in_child)

_send_lock = _thread.allocate_lock()


def send(msg):
    if _st.forked:
        return
    data = json.dumps(msg, ensure_ascii=False, separators=(",", ":"), default=repr).encode("utf-8", "replace") + b"\n"
    on_main = _thread.get_ident() == _MAIN_TID
    if on_main:
        _st.shield += 1
    try:
        with _send_lock:
            view = memoryview(data)
            while view:
                try:
                    n = os.write(_PROTO_OUT, view)
                except InterruptedError:
                    continue
                view = view[n:]
    finally:
        if on_main:
            _st.shield -= 1
            if _st.shield == 0 and _st.pending_interrupt and _st.in_cell:
                _st.pending_interrupt = False
                raise KeyboardInterrupt


def _on_sigint(signum, frame):
    if not _st.in_cell or _st.forked:
        return
    if _st.shield:
        _st.pending_interrupt = True
        return
    raise KeyboardInterrupt


def fatal(text):
    try:
        os.write(_STDERR, ("warden kernel: " + text + "\n").encode("utf-8", "replace"))
    finally:
        os._exit(70)


# ---------------------------------------------------------------- output capture
# fd 1 and 2 become pipes; one thread forwards what arrives as `stream` messages of the running
# cell. sys.stdout/sys.stderr write to those fds too, so print(), os.write(1, ...) and child
# processes come out in the order they were written.

_out_r, _out_w = os.pipe()
_err_r, _err_w = os.pipe()
_null = os.open("/dev/null", os.O_RDWR)
os.dup2(_null, 0)
os.dup2(_out_w, 1)
os.dup2(_err_w, 2)
os.close(_out_w)
os.close(_err_w)
os.close(_null)
sys.stdin = io.TextIOWrapper(io.FileIO(0, "r", closefd=False), encoding="utf-8")
sys.stdout = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), encoding="utf-8", errors="backslashreplace", line_buffering=True, write_through=True)
sys.stderr = io.TextIOWrapper(io.FileIO(2, "w", closefd=False), encoding="utf-8", errors="backslashreplace", line_buffering=True, write_through=True)
sys.__stdin__, sys.__stdout__, sys.__stderr__ = sys.stdin, sys.stdout, sys.stderr
_our_streams = (sys.stdout, sys.stderr)

_pump_lock = _thread.allocate_lock()
_pump_busy = False


def _pending(fd):
    buf = bytearray(4)
    try:
        fcntl.ioctl(fd, FIONREAD, buf)
    except OSError:
        return 0
    return struct.unpack("i", bytes(buf))[0]


def _pump():
    global _pump_busy
    import codecs
    decoders = {_out_r: codecs.getincrementaldecoder("utf-8")("replace"), _err_r: codecs.getincrementaldecoder("utf-8")("replace")}
    names = {_out_r: "stdout", _err_r: "stderr"}
    poller = select.poll()
    poller.register(_out_r, select.POLLIN)
    poller.register(_err_r, select.POLLIN)
    while True:
        try:
            ready = poller.poll()
        except InterruptedError:
            continue
        with _pump_lock:
            _pump_busy = True
        try:
            for fd, _ in ready:
                data = os.read(fd, 65536)
                if not data:
                    continue
                text = decoders[fd].decode(data)
                cid = _st.cell_id
                if cid is None or not text:
                    continue
                if _st.cell_budget <= 0:
                    if not _st.cell_truncated:
                        _st.cell_truncated = True
                        send({"id": cid, "type": "truncated"})
                    continue
                _st.cell_budget -= len(data)
                send({"id": cid, "type": "stream", "name": names[fd], "text": text})
        finally:
            with _pump_lock:
                _pump_busy = False


def _drain_output(timeout=1.0):
    """Waits until everything written to fd 1 and 2 so far has been forwarded."""
    if _st.forked:
        return  # a fork has no forwarding thread (and its locks may be held by threads that are gone)
    for s in _our_streams:
        try:
            s.flush()
        except Exception:
            pass
    deadline = time.monotonic() + timeout
    while True:
        # The pump sets busy (under the lock) before it reads: not busy and nothing in the pipes
        # means everything written so far has been sent.
        with _pump_lock:
            if not _pump_busy and not _pending(_out_r) and not _pending(_err_r):
                return
        if time.monotonic() >= deadline:
            return
        time.sleep(0.0002)


# ---------------------------------------------------------------- rich output

_REPRS = (
    ("_repr_html_", "text/html"),
    ("_repr_markdown_", "text/markdown"),
    ("_repr_svg_", "image/svg+xml"),
    ("_repr_png_", "image/png"),
    ("_repr_jpeg_", "image/jpeg"),
    ("_repr_latex_", "text/latex"),
    ("_repr_json_", "application/json"),
    ("_repr_javascript_", "application/javascript"),
)
_BINARY = ("image/png", "image/jpeg", "image/gif")


def _b64(data):
    return binascii.b2a_base64(data, newline=False).decode("ascii")


def _add(data, metadata, mime, value):
    if value is None or mime in data:
        return
    if isinstance(value, tuple) and len(value) == 2:
        value, md = value
        if isinstance(md, dict):
            metadata[mime] = md
    if mime in _BINARY:
        if isinstance(value, (bytes, bytearray, memoryview)):
            value = _b64(bytes(value))
        elif not isinstance(value, str):
            return
    elif mime == "application/json" or mime.endswith("+json"):
        try:
            if len(json.dumps(value, default=None)) > MAX_MIME_BYTES:
                return
        except (TypeError, ValueError):
            return
        data[mime] = value
        return
    elif isinstance(value, (bytes, bytearray)):
        value = bytes(value).decode("utf-8", "replace")
    elif not isinstance(value, str):
        return
    if len(value) > MAX_MIME_BYTES:
        return
    data[mime] = value


def _text_plain(obj):
    try:
        r = repr(obj)
    except Exception as e:  # a broken __repr__ must not lose the cell's other outputs
        r = "<unrepresentable %s: %s>" % (type(obj).__name__, e)
    if len(r) > MAX_TEXT_PLAIN:
        r = r[:MAX_TEXT_PLAIN] + "... [truncated]"
    return r


def mime_bundle(obj):
    data, metadata = {}, {}
    if not isinstance(obj, type):
        m = getattr(obj, "_repr_mimebundle_", None)
        if callable(m):
            try:
                r = m(include=None, exclude=None)
            except Exception:
                r = None
            if isinstance(r, tuple) and len(r) == 2:
                r, md = r
                if isinstance(md, dict):
                    metadata.update({k: v for k, v in md.items() if isinstance(k, str)})
            if isinstance(r, dict):
                for k, v in r.items():
                    if isinstance(k, str):
                        _add(data, metadata, k, v)
        for method, mime in _REPRS:
            if mime in data:
                continue
            f = getattr(obj, method, None)
            if not callable(f):
                continue
            try:
                _add(data, metadata, mime, f())
            except Exception:
                pass
    if "text/plain" not in data:
        data["text/plain"] = _text_plain(obj)
    return data, metadata


def display(*objs, include=None, exclude=None, metadata=None, raw=False, **kwargs):
    """Shows objects as display_data outputs of the running cell (IPython's display())."""
    cid = _st.cell_id
    for obj in objs:
        if raw and isinstance(obj, dict):
            data, md = {}, {}
            for k, v in obj.items():
                if isinstance(k, str):
                    _add(data, md, k, v)
        else:
            data, md = mime_bundle(obj)
        if isinstance(metadata, dict):
            md.update(metadata)
        if cid is not None:
            _drain_output()
            send({"id": cid, "type": "display", "data": data, "metadata": md})


def _figure_png(fig):
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight")
    return buf.getvalue()


def show_figures(close=True):
    """Sends every open matplotlib figure as image/png display_data, then closes them."""
    plt = sys.modules.get("matplotlib.pyplot")
    if plt is None:
        return
    for num in plt.get_fignums():
        fig = plt.figure(num)
        data = {"image/png": _b64(_figure_png(fig)), "text/plain": _text_plain(fig)}
        cid = _st.cell_id
        if cid is not None:
            _drain_output()
            send({"id": cid, "type": "display", "data": data, "metadata": {}})
    if close:
        plt.close("all")


_MPL_BACKEND = '''
from matplotlib.backends.backend_agg import FigureCanvasAgg as FigureCanvas
from matplotlib.backend_bases import FigureManagerBase as FigureManager
import warden_kernel as _k

def show(*args, **kwargs):
    _k.show_figures()
'''

_IPYTHON_SHIM = '''
"""Warden's stand-in for IPython.display when IPython is not installed."""
from warden_kernel import display

def clear_output(wait=False):
    pass

class DisplayObject:
    _binary = False
    def __init__(self, data=None, url=None, filename=None, metadata=None):
        if filename is not None and data is None:
            with open(filename, "rb" if self._binary else "r") as f:
                data = f.read()
        self.data = data
        self.url = url
        self.metadata = metadata or {}
    def __repr__(self):
        return "<%s object>" % type(self).__name__

class HTML(DisplayObject):
    def _repr_html_(self): return self.data

class Markdown(DisplayObject):
    def _repr_markdown_(self): return self.data

class Latex(DisplayObject):
    def _repr_latex_(self): return self.data

class Math(DisplayObject):
    def _repr_latex_(self): return "$\\\\displaystyle %s$" % (self.data or "").strip("$")

class SVG(DisplayObject):
    def _repr_svg_(self): return self.data

class JSON(DisplayObject):
    def _repr_json_(self): return self.data

class Javascript(DisplayObject):
    def _repr_javascript_(self): return self.data

class Pretty(DisplayObject):
    def __repr__(self): return str(self.data)

class Image(DisplayObject):
    _binary = True
    def __init__(self, data=None, url=None, filename=None, format=None, metadata=None, **kwargs):
        super().__init__(data, url, filename, metadata)
        name = (filename or url or "").lower()
        self.format = (format or ("jpeg" if name.endswith((".jpg", ".jpeg")) else "png")).lower()
    def _repr_png_(self): return self.data if self.format == "png" else None
    def _repr_jpeg_(self): return self.data if self.format in ("jpg", "jpeg") else None
'''


class _SourceLoader:
    def __init__(self, source, package=False):
        self.source = source
        self.package = package

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        if self.package:
            module.__path__ = []
        exec(compile(self.source, "<warden:%s>" % module.__name__, "exec"), module.__dict__)


class _PatchingLoader:
    def __init__(self, real, patch):
        self.real = real
        self.patch = patch

    def create_module(self, spec):
        return self.real.create_module(spec)

    def exec_module(self, module):
        self.real.exec_module(module)
        self.patch(module)


def _patch_display(module):
    module.display = display


class _Finder:
    """Provides the matplotlib backend, routes IPython's display() here, or stands in for IPython."""
    _ipython_real = None

    @classmethod
    def find_spec(cls, name, path=None, target=None):
        m = importlib.machinery
        if name == "warden_inline":
            return m.ModuleSpec(name, _SourceLoader(_MPL_BACKEND))
        if name == "matplotlib" and os.environ.get("MPLBACKEND", "agg").lower() == "agg":
            # Figures shown or left open come back as image/png (python processes of commands keep Agg).
            spec = m.PathFinder.find_spec(name, path)
            if spec is not None and spec.loader is not None:
                spec.loader = _PatchingLoader(spec.loader, lambda mod: mod.use("module://warden_inline"))
            return spec
        if not name.startswith("IPython"):
            return None
        if cls._ipython_real is None:
            cls._ipython_real = os.environ.get("WARDEN_KERNEL_IPYTHON") != "shim" and m.PathFinder.find_spec("IPython") is not None
        if not cls._ipython_real:
            if name == "IPython":
                return m.ModuleSpec(name, _SourceLoader("from warden_kernel import display\n", package=True), is_package=True)
            if name == "IPython.display":
                return m.ModuleSpec(name, _SourceLoader(_IPYTHON_SHIM))
            return None
        if name == "IPython.core.display_functions":
            spec = m.PathFinder.find_spec(name, path)
            if spec is not None and spec.loader is not None:
                spec.loader = _PatchingLoader(spec.loader, _patch_display)
            return spec
        return None


# ---------------------------------------------------------------- files

class FileError(Exception):
    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC


def _parts(path, allow_root=False):
    if path is None or path == "":
        if allow_root:
            return []
        raise FileError("invalid-path", "Path is empty.")
    if not isinstance(path, str) or len(path) > 4096 or "\0" in path or path.startswith("/"):
        raise FileError("invalid-path", "Path must be relative to /workspace.")
    parts = [p for p in path.split("/") if p]
    if any(p in (".", "..") for p in parts) or (not parts and not allow_root):
        raise FileError("invalid-path", "Path may not contain '.' or '..' segments.")
    return parts


def _oserror(e, what):
    if e.errno == errno.ELOOP:
        return FileError("symlink", "%s is a symbolic link; links are never followed." % what)
    if e.errno == errno.ENOENT:
        return FileError("not-found", "%s does not exist." % what)
    if e.errno == errno.ENOTDIR:
        return FileError("not-a-directory", "A parent of %s is not a directory." % what)
    if e.errno == errno.EISDIR:
        return FileError("is-a-directory", "%s is a directory." % what)
    if e.errno == errno.ENOSPC or e.errno == errno.EFBIG or e.errno == errno.EDQUOT:
        return FileError("no-space", "The workspace is full.")
    if e.errno == errno.ENOTEMPTY:
        return FileError("not-empty", "%s is a directory that is not empty." % what)
    return FileError("io-error", "%s: %s" % (what, os.strerror(e.errno or 0)))


def _open_dir(parts, create=False):
    """An fd of the directory /workspace/<parts>, walked one component at a time, never through a link."""
    fd = os.open(WORKSPACE, _DIR_FLAGS)
    i = 0
    try:
        for i, p in enumerate(parts):
            try:
                nfd = os.open(p, _DIR_FLAGS, dir_fd=fd)
            except FileNotFoundError:
                if not create:
                    raise FileError("not-found", "%s does not exist." % "/".join(parts[: i + 1]))
                try:
                    os.mkdir(p, 0o755, dir_fd=fd)
                except FileExistsError:
                    pass
                nfd = os.open(p, _DIR_FLAGS, dir_fd=fd)
            os.close(fd)
            fd = nfd
        return fd
    except OSError as e:
        err = _oserror(e, "/".join(parts) or "the workspace")
        if e.errno in (errno.ENOTDIR, errno.ELOOP) and i < len(parts):
            # O_DIRECTORY|O_NOFOLLOW on a link fails with ENOTDIR: say which it was.
            try:
                if _stat.S_ISLNK(os.stat(parts[i], dir_fd=fd, follow_symlinks=False).st_mode):
                    err = FileError("symlink", "%s is a symbolic link; links are never followed." % "/".join(parts[: i + 1]))
            except OSError:
                pass
        os.close(fd)
        raise err
    except BaseException:
        os.close(fd)
        raise


def _kind(mode):
    if _stat.S_ISREG(mode):
        return "file"
    if _stat.S_ISDIR(mode):
        return "directory"
    if _stat.S_ISLNK(mode):
        return "symlink"
    return "other"


def _entry(path, st):
    return {"path": path, "type": _kind(st.st_mode), "size": st.st_size, "mtimeNs": st.st_mtime_ns}


_uploads = {}
_reads = {}


def op_upload_open(req):
    parts = _parts(req.get("path"))
    dfd = _open_dir(parts[:-1], create=True)
    name = parts[-1]
    try:
        try:
            st = os.stat(name, dir_fd=dfd, follow_symlinks=False)
            if _stat.S_ISDIR(st.st_mode):
                raise FileError("is-a-directory", "%s is a directory." % req["path"])
        except FileNotFoundError:
            pass
        tmp = "%s%s-%s" % (UPLOAD_PREFIX, req["id"], binascii.hexlify(os.urandom(6)).decode())
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644, dir_fd=dfd)
    except OSError as e:
        os.close(dfd)
        raise _oserror(e, req["path"])
    except BaseException:
        os.close(dfd)
        raise
    _uploads[req["id"]] = {"dfd": dfd, "fd": fd, "tmp": tmp, "name": name, "path": "/".join(parts),
                           "written": 0, "max": int(req.get("maxBytes") or (1 << 62))}
    return "ignore"  # the only answer is `done` or `fail`, after upload-close


def _upload_discard(u):
    try:
        os.close(u["fd"])
    except OSError:
        pass
    try:
        os.unlink(u["tmp"], dir_fd=u["dfd"])
    except OSError:
        pass
    os.close(u["dfd"])


def op_upload_chunk(req):
    u = _uploads.get(req.get("target"))
    if u is None:
        return "ignore"  # the upload already failed and said so
    data = binascii.a2b_base64(req.get("data") or "")
    u["written"] += len(data)
    try:
        if u["written"] > u["max"]:
            raise FileError("too-large", "The upload is larger than %d bytes." % u["max"])
        view = memoryview(data)
        while view:
            n = os.write(u["fd"], view)
            view = view[n:]
    except BaseException as e:
        del _uploads[req["target"]]
        _upload_discard(u)
        err = e if isinstance(e, FileError) else (_oserror(e, u["path"]) if isinstance(e, OSError) else FileError("io-error", str(e)))
        send({"id": req["target"], "type": "fail", "code": err.code, "message": str(err)})
    return "ignore"


def op_upload_close(req):
    u = _uploads.pop(req.get("target"), None)
    if u is None:
        return "ignore"
    try:
        os.close(u["fd"])
        u["fd"] = -1
        os.rename(u["tmp"], u["name"], src_dir_fd=u["dfd"], dst_dir_fd=u["dfd"])
        st = os.stat(u["name"], dir_fd=u["dfd"], follow_symlinks=False)
        os.close(u["dfd"])
        send({"id": req["target"], "type": "done", "entry": _entry(u["path"], st)})
    except OSError as e:
        _upload_discard(u)
        err = _oserror(e, u["path"])
        send({"id": req["target"], "type": "fail", "code": err.code, "message": str(err)})
    return "ignore"


def op_upload_abort(req):
    u = _uploads.pop(req.get("target"), None)
    if u is not None:
        _upload_discard(u)
    return "ignore"


def op_read_open(req):
    parts = _parts(req.get("path"))
    dfd = _open_dir(parts[:-1])
    try:
        fd = os.open(parts[-1], os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC | os.O_NOCTTY, dir_fd=dfd)
    except OSError as e:
        raise _oserror(e, req["path"])
    finally:
        os.close(dfd)
    st = os.fstat(fd)
    if not _stat.S_ISREG(st.st_mode):
        os.close(fd)
        raise FileError("not-a-file", "%s is not a regular file." % req["path"])
    limit = int(req.get("maxBytes") or (1 << 62))
    if st.st_size > limit:
        os.close(fd)
        raise FileError("too-large", "%s is %d bytes, more than the limit of %d." % (req["path"], st.st_size, limit))
    if len(_reads) >= 64:
        os.close(fd)
        raise FileError("busy", "Too many open downloads.")
    _reads[req["id"]] = {"fd": fd, "left": limit}
    return {"type": "file", "entry": _entry("/".join(parts), st)}


def op_read(req):
    r = _reads.get(req.get("target"))
    if r is None:
        raise FileError("closed", "The download is not open.")
    want = max(0, min(int(req.get("length") or CHUNK), CHUNK, r["left"] + 1))
    data = os.read(r["fd"], want)
    r["left"] -= len(data)
    if r["left"] < 0:
        raise FileError("too-large", "The file grew past the limit while it was read.")
    return {"type": "chunk", "b64": _b64(data), "eof": len(data) == 0}


def op_read_close(req):
    r = _reads.pop(req.get("target"), None)
    if r is not None:
        os.close(r["fd"])
    return "ignore"


def op_list(req):
    parts = _parts(req.get("path"), allow_root=True)
    recursive = bool(req.get("recursive"))
    limit = min(int(req.get("maxEntries") or MAX_LIST), MAX_LIST)
    out = []
    prefix = "/".join(parts)
    if parts:
        dfd = _open_dir(parts[:-1])
        try:
            st = os.stat(parts[-1], dir_fd=dfd, follow_symlinks=False)
        except OSError as e:
            os.close(dfd)
            raise _oserror(e, req["path"])
        os.close(dfd)
        if not _stat.S_ISDIR(st.st_mode):
            return {"type": "entries", "entries": [_entry(prefix, st)], "truncated": False}
    fd = _open_dir(parts)
    truncated = _list_dir(fd, prefix, recursive, out, limit, 0)
    return {"type": "entries", "entries": out, "truncated": truncated}


def _list_dir(fd, prefix, recursive, out, limit, depth):
    try:
        with os.scandir(fd) as it:
            names = sorted(e.name for e in it)
        for name in names:
            if name.startswith(UPLOAD_PREFIX):
                continue
            if len(out) >= limit:
                return True
            try:
                st = os.stat(name, dir_fd=fd, follow_symlinks=False)
            except OSError:
                continue
            path = prefix + "/" + name if prefix else name
            out.append(_entry(path, st))
            if recursive and _stat.S_ISDIR(st.st_mode) and depth < 32:
                try:
                    sub = os.open(name, _DIR_FLAGS, dir_fd=fd)
                except OSError:
                    continue
                if _list_dir(sub, path, True, out, limit, depth + 1):
                    return True
        return False
    finally:
        os.close(fd)


def op_delete(req):
    import shutil
    parts = _parts(req.get("path"))
    dfd = _open_dir(parts[:-1])
    try:
        st = os.stat(parts[-1], dir_fd=dfd, follow_symlinks=False)
        if _stat.S_ISDIR(st.st_mode):
            if req.get("recursive"):
                shutil.rmtree(parts[-1], dir_fd=dfd)
            else:
                os.rmdir(parts[-1], dir_fd=dfd)
        else:
            os.unlink(parts[-1], dir_fd=dfd)
    except OSError as e:
        raise _oserror(e, req["path"])
    finally:
        os.close(dfd)
    return {"type": "done"}


def snapshot():
    """(size, mtime_ns, kind) of every non-directory entry under /workspace, bounded."""
    out = {}
    stack = [(WORKSPACE, "", 0)]
    while stack:
        path, rel, depth = stack.pop()
        try:
            with os.scandir(path) as it:
                for e in it:
                    if len(out) >= MAX_SNAPSHOT:
                        return out
                    name = e.name
                    if name.startswith(UPLOAD_PREFIX):
                        continue
                    r = rel + name
                    try:
                        if e.is_dir(follow_symlinks=False):
                            if depth < 32:
                                stack.append((e.path, r + "/", depth + 1))
                            continue
                        st = e.stat(follow_symlinks=False)
                    except OSError:
                        continue
                    out[r] = (st.st_size, st.st_mtime_ns, _kind(st.st_mode))
        except OSError:
            continue
    return out


def changed_files(before, after):
    changes = []
    for path, info in after.items():
        old = before.get(path)
        if old is None:
            changes.append({"path": path, "size": info[0], "type": info[2], "change": "created"})
        elif old != info:
            changes.append({"path": path, "size": info[0], "type": info[2], "change": "modified"})
    for path, info in before.items():
        if path not in after:
            changes.append({"path": path, "size": 0, "type": info[2], "change": "deleted"})
    changes.sort(key=lambda c: c["path"])
    return changes


# ---------------------------------------------------------------- commands

_commands = {}


def run_command(req):
    rid = req["id"]
    try:
        _run_command(req)
    except BaseException as e:  # never leave the host waiting
        send({"id": rid, "type": "exit", "exitCode": None, "signal": None, "error": "%s: %s" % (type(e).__name__, e)})
    finally:
        _commands.pop(rid, None)


def _run_command(req):
    import codecs
    import subprocess
    rid = req["id"]
    argv = req.get("argv") or ["/bin/sh", "-c", req.get("command") or ""]
    env = dict(os.environ)
    env.update(req.get("env") or {})
    cwd = WORKSPACE
    if req.get("cwd"):
        cwd = WORKSPACE + "/" + "/".join(_parts(req["cwd"]))
    timeout = max(0.001, (req.get("timeoutMs") or 60000) / 1000.0)
    budget = int(req.get("maxOutputBytes") or (1 << 20))
    stdin_data = req.get("stdin")
    started = time.monotonic()
    try:
        p = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             stdin=subprocess.PIPE if stdin_data is not None else subprocess.DEVNULL,
                             start_new_session=True, close_fds=True)
    except OSError as e:
        send({"id": rid, "type": "exit", "exitCode": None, "signal": None, "error": "cannot start: " + os.strerror(e.errno or 0)})
        return
    state = {"timedOut": False, "cancelled": False, "truncated": False}
    _commands[rid] = (p, state)

    def kill():
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except OSError:
            pass

    state["kill"] = kill
    if stdin_data is not None:
        def feed():
            try:
                p.stdin.write(stdin_data.encode("utf-8"))
            except OSError:
                pass
            finally:
                try:
                    p.stdin.close()
                except OSError:
                    pass
        _thread.start_new_thread(feed, ())
    fds = {p.stdout.fileno(): "stdout", p.stderr.fileno(): "stderr"}
    decoders = {fd: codecs.getincrementaldecoder("utf-8")("replace") for fd in fds}
    used = {"stdout": 0, "stderr": 0}
    poller = select.poll()
    for fd in fds:
        poller.register(fd, select.POLLIN)
    deadline = started + timeout
    exited_at = None
    while fds:
        now = time.monotonic()
        if not state["timedOut"] and now >= deadline:
            state["timedOut"] = True
            kill()
        if exited_at is None and p.poll() is not None:
            exited_at = now
        if exited_at is not None and now - exited_at > 0.25:
            break  # a background process keeps the pipes open: stop waiting for it
        try:
            ready = poller.poll(50)
        except InterruptedError:
            continue
        for fd, _ in ready:
            data = os.read(fd, 65536)
            if not data:
                poller.unregister(fd)
                del fds[fd]
                continue
            name = fds[fd]
            if used[name] + len(data) > budget:
                data = data[: max(0, budget - used[name])]
                if not state["truncated"]:
                    state["truncated"] = True
                    kill()
            used[name] += len(data)
            text = decoders[fd].decode(data)
            if text:
                send({"id": rid, "type": "stream", "name": name, "text": text})
    rc = p.wait()
    p.stdout.close()
    p.stderr.close()
    send({"id": rid, "type": "exit", "exitCode": rc if rc >= 0 else None, "signal": -rc if rc < 0 else None,
          "timedOut": state["timedOut"], "cancelled": state["cancelled"], "truncated": state["truncated"],
          "wallMs": (time.monotonic() - started) * 1000.0})


def op_configure(req):
    # A prepared kernel (started before its session was asked for) takes the session's variables:
    # cells see them in os.environ and commands and child processes inherit them.
    env = req.get("env") or {}
    for k, v in env.items():
        if isinstance(k, str) and isinstance(v, str):
            os.environ[k] = v
    return None


def op_cancel(req):
    c = _commands.get(req.get("target"))
    if c is not None:
        c[1]["cancelled"] = True
        c[1]["kill"]()
    return "ignore"


# ---------------------------------------------------------------- cells

_main = types.ModuleType("__main__")
_main.__dict__.update({"__builtins__": builtins, "display": display, "Out": {}, "In": [""]})
user_ns = _main.__dict__
_kernel_api = types.ModuleType("warden_kernel")
_kernel_api.display = display
_kernel_api.show_figures = show_figures
_kernel_api.mime_bundle = mime_bundle
sys.modules["warden_kernel"] = _kernel_api
_loop = None


def _user_traceback(tb):
    # Which frames are the kernel's is told by their globals, not their file name (user code may
    # exec() strings, which share the kernel's "<string>" when it runs from source). Before the
    # cell's first frame everything is the kernel's (and ast's, compiling the cell); after it, the
    # kernel's own frames can still appear: its SIGINT handler raising KeyboardInterrupt, its
    # stream writer raising a deferred one, display() calling a _repr_ method. Only those go.
    frames = []
    while tb is not None:
        frames.append(tb)
        tb = tb.tb_next
    i = 0
    while i < len(frames) and (frames[i].tb_frame.f_globals is _KERNEL_GLOBALS or frames[i].tb_frame.f_code.co_filename == ast.__file__):
        i += 1
    kept = None
    for t in reversed(frames[i:]):
        if t.tb_frame.f_globals is not _KERNEL_GLOBALS:
            kept = types.TracebackType(kept, t.tb_frame, t.tb_lasti, t.tb_lineno)
    return kept


def _format_error(e):
    import traceback
    seen, todo = set(), [e]
    while todo:  # the exception, its causes and contexts, and the members of exception groups
        x = todo.pop()
        if x is None or id(x) in seen:
            continue
        seen.add(id(x))
        x.__traceback__ = _user_traceback(x.__traceback__)
        todo += [x.__cause__, x.__context__] + list(getattr(x, "exceptions", None) or [])
    lines = traceback.format_exception(type(e), e, e.__traceback__)
    try:
        evalue = str(e)
    except Exception:
        evalue = "<unprintable %s>" % type(e).__name__
    return {"ename": type(e).__name__, "evalue": evalue, "traceback": [l.rstrip("\n") for l in lines]}


def _run_code(code_obj):
    global _loop
    r = eval(code_obj, user_ns)
    if code_obj.co_flags & 0x80:  # CO_COROUTINE: top-level await
        import asyncio
        if _loop is None:
            _loop = asyncio.new_event_loop()
        r = _loop.run_until_complete(r)
    return r


def exec_cell(code, count, silent, cid):
    filename = "<cell-%s>" % count if count is not None else "<init>"
    linecache.cache[filename] = (len(code), None, code.splitlines(True), filename)
    tree = ast.parse(code, filename, "exec")
    last = None
    if tree.body and isinstance(tree.body[-1], ast.Expr) and not code.rstrip().endswith(";"):
        last = ast.Expression(tree.body.pop().value)
    flags = ast.PyCF_ALLOW_TOP_LEVEL_AWAIT
    if tree.body:
        _run_code(compile(tree, filename, "exec", flags=flags))
    if last is not None:
        value = _run_code(compile(last, filename, "eval", flags=flags))
        if value is not None and not silent:
            user_ns["_"] = value
            user_ns["Out"][count] = value
            data, md = mime_bundle(value)
            _drain_output()
            send({"id": cid, "type": "result", "data": data, "metadata": md})
    show_figures()


def run_cell(req):
    cid = req["id"]
    code = req.get("code") or ""
    count = req.get("count")
    silent = bool(req.get("silent"))
    before = snapshot()
    _st.cell_budget = int(req.get("maxOutputBytes") or (1 << 20))
    _st.cell_truncated = False
    _st.cell_id = cid
    status, reason = "ok", None
    try:
        _st.pending_interrupt = False
        _st.in_cell = True
        try:
            if not silent:
                user_ns["In"].append(code)
            exec_cell(code, count, silent, cid)
        finally:
            _st.in_cell = False
    except BaseException as e:
        _st.in_cell = False
        if _st.forked:
            os._exit(1)
        status = "error"
        reason = "interrupted" if isinstance(e, KeyboardInterrupt) else "exception"
        try:
            _drain_output()
            send(dict(_format_error(e), id=cid, type="error"))
        except Exception as e2:
            send({"id": cid, "type": "error", "ename": type(e).__name__, "evalue": "", "traceback": [repr(e2)]})
        finally:
            e = None
    if _st.forked:
        # A copy of the kernel forked by user code ran off the end of the cell: it must not go on
        # as a second kernel (it has no reader and must never answer).
        os._exit(1 if status == "error" else 0)
    _drain_output()
    after = snapshot()
    send({"id": cid, "type": "done", "status": status, "reason": reason, "changedFiles": changed_files(before, after)})
    _st.cell_id = None


def restart():
    # Kill every other process of the sandbox (kill(-1) spares the sandbox's pid 1 and us), then
    # become a fresh kernel in the same sandbox: same limits, same workspace.
    try:
        os.kill(-1, signal.SIGKILL)
    except OSError:
        pass
    # Reap our own children now (they are dying), so no zombie outlives the kernel that made it.
    deadline = time.monotonic() + 2.0
    while time.monotonic() < deadline:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            break
        if pid == 0:
            time.sleep(0.005)
    os.dup2(_PROTO_IN, 0)
    os.dup2(_PROTO_OUT, 1)
    os.dup2(_STDERR, 2)
    os.execv(sys.executable, sys.orig_argv)


# ---------------------------------------------------------------- requests

_INLINE = {
    "upload-open": op_upload_open, "upload-chunk": op_upload_chunk, "upload-close": op_upload_close,
    "upload-abort": op_upload_abort, "read-open": op_read_open, "read": op_read, "read-close": op_read_close,
    "list": op_list, "delete": op_delete, "cancel": op_cancel, "configure": op_configure,
}

_queue = SimpleQueue()


def _load_modules():
    global json, ast, linecache
    import json as _j
    import ast as _a
    import linecache as _l
    json, ast, linecache = _j, _a, _l


def _reader():
    _load_modules()
    f = os.fdopen(_PROTO_IN, "rb", buffering=1 << 16, closefd=False)
    while True:
        line = f.readline(MAX_REQUEST + 1)
        if not line:
            os._exit(0)  # Warden closed our stdin: the session is over
        if len(line) > MAX_REQUEST or not line.endswith(b"\n"):
            fatal("request too long")
        try:
            req = json.loads(line)
            op = req["op"]
        except (ValueError, KeyError, TypeError):
            fatal("malformed request")
        if op in ("execute", "restart", "shutdown"):
            _queue.put(req)
        elif op == "command":
            _thread.start_new_thread(run_command, (req,))
        else:
            handler = _INLINE.get(op)
            try:
                if handler is None:
                    raise FileError("unknown-op", "Unknown operation.")
                reply = handler(req)
                if reply == "ignore":
                    continue
                reply = reply or {"type": "ok"}
                reply["id"] = req.get("id")
                send(reply)
            except FileError as e:
                send({"id": req.get("id"), "type": "fail", "code": e.code, "message": str(e)})
            except OSError as e:
                err = _oserror(e, req.get("path") or "the file")
                send({"id": req.get("id"), "type": "fail", "code": err.code, "message": str(err)})
            except Exception as e:
                send({"id": req.get("id"), "type": "fail", "code": "error", "message": "%s: %s" % (type(e).__name__, e)})


def main():
    sys.meta_path.insert(0, _Finder)
    sys.modules["__main__"] = _main
    signal.signal(signal.SIGINT, _on_sigint)
    # Helper threads never take SIGINT: it must interrupt the main thread's system calls.
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    _thread.start_new_thread(_pump, ())
    _thread.start_new_thread(_reader, ())
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    # Said before the slow imports (json is not loaded yet): requests wait in the pipe meanwhile.
    ready = '{"type":"ready","protocol":%d,"language":"python","version":"%s","pid":%d}\n' % (PROTOCOL, sys.version.split()[0], os.getpid())
    os.write(_PROTO_OUT, ready.encode())
    _load_modules()
    import site  # after ready: started with -S so the sandbox comes up faster
    try:
        site.main()
    except Exception:
        pass
    while True:
        try:
            req = _queue.get()
        except KeyboardInterrupt:
            continue
        op = req.get("op")
        if op == "execute":
            try:
                run_cell(req)
            except KeyboardInterrupt:
                # An interrupt landed in the kernel's own bookkeeping: still answer the cell.
                _st.in_cell = False
                send({"id": req["id"], "type": "done", "status": "error", "reason": "interrupted", "changedFiles": []})
        elif op == "restart":
            restart()
        elif op == "shutdown":
            os._exit(0)


try:
    main()
except BaseException as e:  # the kernel itself failed: say why on the sandbox's stderr
    import traceback
    fatal("".join(traceback.format_exception(type(e), e, e.__traceback__)))
