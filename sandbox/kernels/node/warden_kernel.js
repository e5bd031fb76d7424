// Warden's JavaScript kernel. It runs INSIDE a session's sandbox, started as
//   /bin/sh -c 'exec /usr/bin/node -e "$0" 3>&1 4<&0 </dev/null 1>&2' <this file>
// so that the protocol has fds of its own: requests on fd 4, messages on fd 3 (newline-delimited
// JSON, the same protocol as the Python kernel: sandbox/PROTOCOLS.md §4, docs/sessions.md). Cells run in one persistent vm
// context; console output of cells comes back as `stream` messages. Everything this process says is
// untrusted once user code has run: the host parses it defensively.
'use strict';
const fs = require('fs');
const path = require('path');
const vm = require('vm');
const util = require('util');
const childProcess = require('child_process');

const PROTO_OUT = 3;
const PROTO_IN = 4;
const WORKSPACE = '/workspace';
const MAX_REQUEST = 8 << 20;
const MAX_MIME = 8 << 20;
const MAX_SNAPSHOT = 20000;
const MAX_LIST = 10000;
const CHUNK = 256 << 10;
const UPLOAD_PREFIX = '.warden-upload-';
const C = fs.constants;

function send(msg) {
  const data = Buffer.from(JSON.stringify(msg) + '\n', 'utf8');
  let off = 0;
  while (off < data.length) {
    try {
      off += fs.writeSync(PROTO_OUT, data, off);
    } catch (e) {
      if (e.code !== 'EAGAIN') throw e;
    }
  }
}

// ------------------------------------------------------------------ cells

let cellId = null;
let cellBudget = 0;
let cellTruncated = false;

function stream(name, text) {
  if (cellId === null || !text) return;
  const bytes = Buffer.byteLength(text);
  if (cellBudget <= 0) {
    if (!cellTruncated) { cellTruncated = true; send({ id: cellId, type: 'truncated' }); }
    return;
  }
  cellBudget -= bytes;
  send({ id: cellId, type: 'stream', name, text });
}

function makeConsole() {
  const { Writable } = require('stream');
  const sink = (name) => new Writable({ decodeStrings: false, write(chunk, enc, cb) { stream(name, String(chunk)); cb(); } });
  return new console.Console({ stdout: sink('stdout'), stderr: sink('stderr') });
}

const REPRS = [
  ['_repr_html_', 'text/html'], ['_repr_markdown_', 'text/markdown'], ['_repr_svg_', 'image/svg+xml'],
  ['_repr_png_', 'image/png'], ['_repr_jpeg_', 'image/jpeg'], ['_repr_latex_', 'text/latex'],
  ['_repr_json_', 'application/json'], ['_repr_javascript_', 'application/javascript'],
];

function addMime(data, mime, value) {
  if (value === undefined || value === null || mime in data) return;
  if (mime === 'image/png' || mime === 'image/jpeg') {
    if (Buffer.isBuffer(value) || value instanceof Uint8Array) value = Buffer.from(value).toString('base64');
    else if (typeof value !== 'string') return;
  } else if (mime === 'application/json' || mime.endsWith('+json')) {
    try { if (JSON.stringify(value).length > MAX_MIME) return; } catch { return; }
    data[mime] = value;
    return;
  } else if (typeof value !== 'string') return;
  if (value.length > MAX_MIME) return;
  data[mime] = value;
}

function mimeBundle(value) {
  const data = {};
  if (value !== null && (typeof value === 'object' || typeof value === 'function')) {
    try {
      if (typeof value._repr_mimebundle_ === 'function') {
        const b = value._repr_mimebundle_();
        if (b && typeof b === 'object') for (const [k, v] of Object.entries(b)) addMime(data, k, v);
      }
    } catch { /* a broken repr must not lose the cell */ }
    for (const [method, mime] of REPRS) {
      try {
        if (typeof value[method] === 'function') addMime(data, mime, value[method]());
      } catch { /* idem */ }
    }
  }
  if (!('text/plain' in data)) {
    let text;
    try { text = typeof value === 'string' ? util.inspect(value) : util.inspect(value, { depth: 4, maxArrayLength: 200, breakLength: 100 }); }
    catch (e) { text = '<uninspectable: ' + e + '>'; }
    data['text/plain'] = text.length > (1 << 20) ? text.slice(0, 1 << 20) + '... [truncated]' : text;
  }
  return data;
}

function display(...values) {
  for (const v of values) if (cellId !== null) send({ id: cellId, type: 'display', data: mimeBundle(v), metadata: {} });
}
display.html = (s) => display({ _repr_html_: () => String(s) });
display.svg = (s) => display({ _repr_svg_: () => String(s) });
display.markdown = (s) => display({ _repr_markdown_: () => String(s) });
display.png = (b) => display({ _repr_png_: () => b });
display.json = (o) => display({ _repr_json_: () => o });

let context = null;

function newContext() {
  const sandbox = {
    console: makeConsole(), display, require, process, Buffer, setTimeout, clearTimeout, setInterval, clearInterval,
    setImmediate, clearImmediate, queueMicrotask, URL, URLSearchParams, TextEncoder, TextDecoder, structuredClone,
    fetch: globalThis.fetch, AbortController, performance: globalThis.performance,
  };
  sandbox.globalThis = sandbox;
  context = vm.createContext(sandbox, { name: 'warden' });
}

function formatError(e) {
  if (e === null || typeof e !== 'object') return { ename: 'Error', evalue: String(e), traceback: [String(e)] };
  let stack = typeof e.stack === 'string' ? e.stack : String(e);
  const lines = stack.split('\n').filter((l) => !/\(node:|\[eval\]|warden_kernel|node:internal|at Script\.runInContext/.test(l));
  return { ename: e.name || 'Error', evalue: e.message !== undefined ? String(e.message) : String(e), traceback: lines };
}

function compileCell(code, filename) {
  try {
    return { script: new vm.Script(code, { filename }), wrapped: false };
  } catch (e) {
    // Top-level await: run the cell as the body of an async function (its declarations are then
    // local to the cell; assign to globalThis to keep them).
    if (e instanceof SyntaxError && /await/.test(code)) {
      // First try to return the last line's value, then run the body as it is.
      const lines = code.trimEnd().split('\n');
      const last = lines.pop();
      const attempts = [lines.join('\n') + '\nreturn (' + last.replace(/;\s*$/, '') + ');', code];
      for (const body of attempts) {
        try {
          return { script: new vm.Script('(async () => {\n' + body + '\n})()', { filename }), wrapped: true };
        } catch { /* next */ }
      }
    }
    throw e;
  }
}

async function runCell(req) {
  const id = req.id;
  const before = snapshot();
  cellId = id;
  cellBudget = Number(req.maxOutputBytes) || (1 << 20);
  cellTruncated = false;
  let status = 'ok';
  let reason = null;
  try {
    const filename = req.count != null ? `<cell-${req.count}>` : '<init>';
    const { script } = compileCell(String(req.code || ''), filename);
    let value = script.runInContext(context, { breakOnSigint: true, displayErrors: false });
    if (value && typeof value.then === 'function') value = await value;
    if (value !== undefined && !req.silent && !String(req.code).trimEnd().endsWith(';')) {
      context._ = value;
      send({ id, type: 'result', data: mimeBundle(value), metadata: {} });
    }
  } catch (e) {
    status = 'error';
    reason = e && e.code === 'ERR_SCRIPT_EXECUTION_INTERRUPTED' ? 'interrupted' : 'exception';
    const err = reason === 'interrupted' ? { ename: 'KeyboardInterrupt', evalue: '', traceback: ['KeyboardInterrupt: the cell was interrupted'] } : formatError(e);
    send(Object.assign({ id, type: 'error' }, err));
  }
  send({ id, type: 'done', status, reason, changedFiles: changedFiles(before, snapshot()) });
  cellId = null;
}

// ------------------------------------------------------------------ files

class FileError extends Error {
  constructor(code, message) { super(message); this.code = code; }
}

function parts(p, allowRoot) {
  if (p === undefined || p === null || p === '') {
    if (allowRoot) return [];
    throw new FileError('invalid-path', 'Path is empty.');
  }
  if (typeof p !== 'string' || p.length > 4096 || p.includes('\0') || p.startsWith('/')) throw new FileError('invalid-path', 'Path must be relative to /workspace.');
  const ps = p.split('/').filter((x) => x.length > 0);
  if (ps.some((x) => x === '.' || x === '..') || (!ps.length && !allowRoot)) throw new FileError('invalid-path', "Path may not contain '.' or '..' segments.");
  return ps;
}

function fileError(e, what) {
  switch (e.code) {
    case 'ELOOP': return new FileError('symlink', `${what} is a symbolic link; links are never followed.`);
    case 'ENOENT': return new FileError('not-found', `${what} does not exist.`);
    case 'ENOTDIR': return new FileError('not-a-directory', `A parent of ${what} is not a directory.`);
    case 'EISDIR': return new FileError('is-a-directory', `${what} is a directory.`);
    case 'ENOSPC': case 'EFBIG': case 'EDQUOT': return new FileError('no-space', 'The workspace is full.');
    case 'ENOTEMPTY': return new FileError('not-empty', `${what} is not empty.`);
    default: return e instanceof FileError ? e : new FileError('io-error', `${what}: ${e.code || e.message}`);
  }
}

// Node has no openat: each directory on the way is checked with lstat (never a link), then the
// final entry is opened with O_NOFOLLOW. Everything here happens inside the sandbox.
function resolveDir(ps, create) {
  let cur = WORKSPACE;
  for (let i = 0; i < ps.length; i++) {
    cur = cur + '/' + ps[i];
    let st;
    try {
      st = fs.lstatSync(cur);
    } catch (e) {
      if (e.code === 'ENOENT' && create) { fs.mkdirSync(cur, { mode: 0o755 }); continue; }
      throw fileError(e, ps.slice(0, i + 1).join('/'));
    }
    if (st.isSymbolicLink()) throw new FileError('symlink', `${ps.slice(0, i + 1).join('/')} is a symbolic link; links are never followed.`);
    if (!st.isDirectory()) throw new FileError('not-a-directory', `${ps.slice(0, i + 1).join('/')} is not a directory.`);
  }
  return cur;
}

function kind(st) {
  return st.isFile() ? 'file' : st.isDirectory() ? 'directory' : st.isSymbolicLink() ? 'symlink' : 'other';
}

function entry(p, st) {
  return { path: p, type: kind(st), size: Number(st.size), mtimeNs: Number(st.mtimeNs) };
}

const uploads = new Map();
const reads = new Map();

const ops = {
  'upload-open'(req) {
    const ps = parts(req.path);
    const dir = resolveDir(ps.slice(0, -1), true);
    const target = dir + '/' + ps[ps.length - 1];
    try { if (fs.lstatSync(target).isDirectory()) throw new FileError('is-a-directory', `${req.path} is a directory.`); } catch (e) { if (e.code !== 'ENOENT') throw fileError(e, req.path); }
    const tmp = `${dir}/${UPLOAD_PREFIX}${req.id}-${process.hrtime.bigint()}`;
    const fd = fs.openSync(tmp, C.O_WRONLY | C.O_CREAT | C.O_EXCL | C.O_NOFOLLOW, 0o644);
    uploads.set(req.id, { fd, tmp, target, path: ps.join('/'), written: 0, max: Number(req.maxBytes) || Number.MAX_SAFE_INTEGER });
    return 'ignore';
  },
  'upload-chunk'(req) {
    const u = uploads.get(req.target);
    if (!u) return 'ignore';
    const data = Buffer.from(req.data || '', 'base64');
    try {
      u.written += data.length;
      if (u.written > u.max) throw new FileError('too-large', `The upload is larger than ${u.max} bytes.`);
      fs.writeSync(u.fd, data);
    } catch (e) {
      uploads.delete(req.target);
      discard(u);
      const err = fileError(e, u.path);
      send({ id: req.target, type: 'fail', code: err.code, message: err.message });
    }
    return 'ignore';
  },
  'upload-close'(req) {
    const u = uploads.get(req.target);
    if (!u) return 'ignore';
    uploads.delete(req.target);
    try {
      fs.closeSync(u.fd);
      u.fd = -1;
      fs.renameSync(u.tmp, u.target);
      send({ id: req.target, type: 'done', entry: entry(u.path, fs.lstatSync(u.target, { bigint: true })) });
    } catch (e) {
      discard(u);
      const err = fileError(e, u.path);
      send({ id: req.target, type: 'fail', code: err.code, message: err.message });
    }
    return 'ignore';
  },
  'upload-abort'(req) {
    const u = uploads.get(req.target);
    if (u) { uploads.delete(req.target); discard(u); }
    return 'ignore';
  },
  'read-open'(req) {
    const ps = parts(req.path);
    const file = resolveDir(ps.slice(0, -1), false) + '/' + ps[ps.length - 1];
    let fd;
    try { fd = fs.openSync(file, C.O_RDONLY | C.O_NOFOLLOW | C.O_NONBLOCK | C.O_NOCTTY); } catch (e) { throw fileError(e, req.path); }
    const st = fs.fstatSync(fd, { bigint: true });
    if (!st.isFile()) { fs.closeSync(fd); throw new FileError('not-a-file', `${req.path} is not a regular file.`); }
    const limit = Number(req.maxBytes) || Number.MAX_SAFE_INTEGER;
    if (Number(st.size) > limit) { fs.closeSync(fd); throw new FileError('too-large', `${req.path} is larger than the limit.`); }
    if (reads.size >= 64) { fs.closeSync(fd); throw new FileError('busy', 'Too many open downloads.'); }
    reads.set(req.id, { fd, left: limit });
    return { type: 'file', entry: entry(ps.join('/'), st) };
  },
  read(req) {
    const r = reads.get(req.target);
    if (!r) throw new FileError('closed', 'The download is not open.');
    const want = Math.max(0, Math.min(Number(req.length) || CHUNK, CHUNK, r.left + 1));
    const buf = Buffer.alloc(want);
    const n = want ? fs.readSync(r.fd, buf, 0, want, null) : 0;
    r.left -= n;
    if (r.left < 0) throw new FileError('too-large', 'The file grew past the limit while it was read.');
    return { type: 'chunk', b64: buf.subarray(0, n).toString('base64'), eof: n === 0 };
  },
  'read-close'(req) {
    const r = reads.get(req.target);
    if (r) { reads.delete(req.target); fs.closeSync(r.fd); }
    return 'ignore';
  },
  list(req) {
    const ps = parts(req.path, true);
    const limit = Math.min(Number(req.maxEntries) || MAX_LIST, MAX_LIST);
    const prefix = ps.join('/');
    if (ps.length) {
      const p = resolveDir(ps.slice(0, -1), false) + '/' + ps[ps.length - 1];
      let st;
      try { st = fs.lstatSync(p, { bigint: true }); } catch (e) { throw fileError(e, req.path); }
      if (!st.isDirectory()) return { type: 'entries', entries: [entry(prefix, st)], truncated: false };
    }
    const out = [];
    const truncated = listDir(resolveDir(ps, false), prefix, !!req.recursive, out, limit, 0);
    return { type: 'entries', entries: out, truncated };
  },
  delete(req) {
    const ps = parts(req.path);
    const p = resolveDir(ps.slice(0, -1), false) + '/' + ps[ps.length - 1];
    try {
      const st = fs.lstatSync(p);
      if (st.isDirectory()) {
        if (req.recursive) fs.rmSync(p, { recursive: true, force: false });
        else fs.rmdirSync(p);
      } else fs.unlinkSync(p);
    } catch (e) { throw fileError(e, req.path); }
    return { type: 'done' };
  },
  cancel(req) {
    const c = commands.get(req.target);
    if (c) { c.cancelled = true; c.kill(); }
    return 'ignore';
  },
};

function discard(u) {
  try { if (u.fd >= 0) fs.closeSync(u.fd); } catch { /* gone */ }
  try { fs.unlinkSync(u.tmp); } catch { /* gone */ }
}

function listDir(dir, prefix, recursive, out, limit, depth) {
  const names = fs.readdirSync(dir).sort();
  for (const name of names) {
    if (name.startsWith(UPLOAD_PREFIX)) continue;
    if (out.length >= limit) return true;
    let st;
    try { st = fs.lstatSync(dir + '/' + name, { bigint: true }); } catch { continue; }
    const p = prefix ? prefix + '/' + name : name;
    out.push(entry(p, st));
    if (recursive && st.isDirectory() && depth < 32 && listDir(dir + '/' + name, p, true, out, limit, depth + 1)) return true;
  }
  return false;
}

function snapshot() {
  const out = new Map();
  const stack = [[WORKSPACE, '', 0]];
  while (stack.length) {
    const [dir, rel, depth] = stack.pop();
    let ents;
    try { ents = fs.readdirSync(dir, { withFileTypes: true }); } catch { continue; }
    for (const e of ents) {
      if (out.size >= MAX_SNAPSHOT) return out;
      if (e.name.startsWith(UPLOAD_PREFIX)) continue;
      const r = rel + e.name;
      if (e.isDirectory()) { if (depth < 32) stack.push([dir + '/' + e.name, r + '/', depth + 1]); continue; }
      try {
        const st = fs.lstatSync(dir + '/' + e.name, { bigint: true });
        out.set(r, [Number(st.size), String(st.mtimeNs), kind(st)]);
      } catch { /* vanished */ }
    }
  }
  return out;
}

function changedFiles(before, after) {
  const changes = [];
  for (const [p, info] of after) {
    const old = before.get(p);
    if (!old) changes.push({ path: p, size: info[0], type: info[2], change: 'created' });
    else if (old[0] !== info[0] || old[1] !== info[1] || old[2] !== info[2]) changes.push({ path: p, size: info[0], type: info[2], change: 'modified' });
  }
  for (const [p, info] of before) if (!after.has(p)) changes.push({ path: p, size: 0, type: info[2], change: 'deleted' });
  return changes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

// ------------------------------------------------------------------ commands

const commands = new Map();

function runCommand(req) {
  const id = req.id;
  const argv = Array.isArray(req.argv) && req.argv.length ? req.argv : ['/bin/sh', '-c', String(req.command || '')];
  const cwd = req.cwd ? WORKSPACE + '/' + parts(req.cwd).join('/') : WORKSPACE;
  const env = Object.assign({}, process.env, req.env || {});
  const budget = Number(req.maxOutputBytes) || (1 << 20);
  const started = process.hrtime.bigint();
  const state = { timedOut: false, cancelled: false, truncated: false, used: { stdout: 0, stderr: 0 } };
  let child;
  try {
    child = childProcess.spawn(argv[0], argv.slice(1), { cwd, env, detached: true, stdio: [req.stdin != null ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
  } catch (e) {
    send({ id, type: 'exit', exitCode: null, signal: null, error: 'cannot start: ' + e.message });
    return;
  }
  state.kill = () => { try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ } };
  commands.set(id, state);
  const timer = setTimeout(() => { state.timedOut = true; state.kill(); }, Math.max(1, Number(req.timeoutMs) || 60000));
  const forward = (name) => (chunk) => {
    let data = chunk;
    if (state.used[name] + data.length > budget) {
      data = data.subarray(0, Math.max(0, budget - state.used[name]));
      if (!state.truncated) { state.truncated = true; state.kill(); }
    }
    state.used[name] += data.length;
    if (data.length) send({ id, type: 'stream', name, text: data.toString('utf8') });
  };
  child.stdout.on('data', forward('stdout'));
  child.stderr.on('data', forward('stderr'));
  if (req.stdin != null) { child.stdin.on('error', () => {}); child.stdin.end(String(req.stdin)); }
  child.on('error', (e) => {
    clearTimeout(timer);
    commands.delete(id);
    send({ id, type: 'exit', exitCode: null, signal: null, error: 'cannot start: ' + (e.code || e.message) });
  });
  child.on('close', (code, signal) => {
    clearTimeout(timer);
    if (!commands.has(id)) return;
    commands.delete(id);
    const signals = require('os').constants.signals;
    send({
      id, type: 'exit', exitCode: signal ? null : code, signal: signal ? signals[signal] : null,
      timedOut: state.timedOut, cancelled: state.cancelled, truncated: state.truncated,
      wallMs: Number(process.hrtime.bigint() - started) / 1e6,
    });
  });
}

// ------------------------------------------------------------------ requests

const queue = [];
let running = false;

async function pump() {
  if (running) return;
  running = true;
  while (queue.length) {
    const req = queue.shift();
    if (req.op === 'execute') await runCell(req);
    else if (req.op === 'restart') restart();
    else if (req.op === 'shutdown') process.exit(0);
  }
  running = false;
}

function restart() {
  // Every other process of the sandbox dies (kill(-1) spares pid 1 and us); state starts afresh.
  try { process.kill(-1, 'SIGKILL'); } catch { /* none */ }
  for (const k of Object.keys(require.cache)) delete require.cache[k];
  newContext();
  ready();
}

function handle(line) {
  let req;
  try { req = JSON.parse(line); } catch { fatal('malformed request'); }
  const op = req && req.op;
  if (op === 'execute' || op === 'restart' || op === 'shutdown') { queue.push(req); pump(); return; }
  if (op === 'command') { try { runCommand(req); } catch (e) { send({ id: req.id, type: 'exit', exitCode: null, signal: null, error: String(e.message) }); } return; }
  try {
    const handler = ops[op];
    if (!handler) throw new FileError('unknown-op', 'Unknown operation.');
    let reply = handler(req);
    if (reply === 'ignore') return;
    reply = Object.assign(reply || { type: 'ok' }, { id: req.id });
    send(reply);
  } catch (e) {
    const err = e instanceof FileError ? e : fileError(e, req.path || 'the file');
    send({ id: req.id, type: 'fail', code: err.code, message: err.message });
  }
}

function fatal(text) {
  try { fs.writeSync(2, 'warden kernel: ' + text + '\n'); } finally { process.exit(70); }
}

function ready() {
  send({ type: 'ready', protocol: 1, language: 'javascript', version: process.versions.node, pid: process.pid });
}

process.on('SIGINT', () => { /* only a running cell is interrupted (breakOnSigint) */ });
process.on('uncaughtException', (e) => { stream('stderr', 'Uncaught ' + (e && e.stack ? e.stack : String(e)) + '\n'); });
process.on('unhandledRejection', (e) => { stream('stderr', 'Unhandled rejection: ' + (e && e.stack ? e.stack : String(e)) + '\n'); });

newContext();
const input = fs.createReadStream(null, { fd: PROTO_IN, highWaterMark: 1 << 16 });
let pending = Buffer.alloc(0);
input.on('data', (chunk) => {
  pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
  let nl;
  while ((nl = pending.indexOf(10)) >= 0) {
    const line = pending.subarray(0, nl).toString('utf8');
    pending = pending.subarray(nl + 1);
    handle(line);
  }
  if (pending.length > MAX_REQUEST) fatal('request too long');
});
input.on('end', () => process.exit(0));
ready();
