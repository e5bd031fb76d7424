// Warden's loader for a prepared JavaScript sandbox: the Python zygote's child execs
// node -e <this file> (sandbox/zygote/zygote.py, become_node). It says R on fd 4 once node is up,
// reads the job frame on fd 3 (sandbox/PROTOCOLS.md §3), writes the job's files, says S and
// runs the entry as node would.
'use strict';
const fs = require('fs'), path = require('path'), Module = require('module');
fs.writeSync(4, 'R\n');
function readExact(n) {
  const b = Buffer.alloc(n);
  let o = 0;
  while (o < n) {
    let r;
    try { r = fs.readSync(3, b, o, n - o, null); } catch (e) { if (e.code === 'EAGAIN' || e.code === 'EINTR') continue; throw e; }
    if (r === 0) process.exit(125);
    o += r;
  }
  return b;
}
const n = readExact(4).readUInt32LE(0);
if (n > (64 << 20)) process.exit(125);
const job = JSON.parse(readExact(n).toString('utf8'));
fs.closeSync(3);
process.chdir('/workspace');
for (const f of job.files || []) {
  const p = path.join('/workspace', f.path);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, Buffer.from(f.b64, 'base64'), { mode: f.exec ? 0o755 : 0o644 });
}
for (const k of Object.keys(process.env)) delete process.env[k];
Object.assign(process.env, job.env || {});
process.argv = [process.execPath, path.resolve('/workspace', job.entry), ...(job.args || [])];
process.execArgv = [];
fs.writeSync(4, 'S\n');
fs.closeSync(4);
Module.runMain();
