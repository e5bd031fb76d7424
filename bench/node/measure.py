#!/usr/bin/env python3
"""Does a fast path for JavaScript pay off? (issue 3: "measure before deciding")

Measures, in one run: a fresh node and a fresh python3 (bare, and in bubblewrap with minimal
flags), and a node that is already started being handed its code over a pipe — what a prepared
node sandbox would cost per request once the sandbox and node's start-up happen ahead.
A fork-server (zygote) is not an option for node: V8 and libuv run threads, and a forked V8 is
not supported. Writes bench/results/<date>-node-start.md.

    /usr/bin/python3 bench/node/measure.py [N]
"""
import datetime, os, platform, subprocess, sys, time

N = int(sys.argv[1]) if len(sys.argv) > 1 else 40
BWRAP = ["bwrap", "--unshare-all", "--ro-bind", "/usr", "/usr", "--symlink", "usr/lib", "/lib",
         "--symlink", "usr/lib64", "/lib64", "--symlink", "usr/bin", "/bin", "--ro-bind", "/etc", "/etc",
         "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"]
LOADER = "let b='';process.stdin.on('data',d=>b+=d).on('end',()=>{(0,eval)(b);})"


def stats(xs):
    xs = sorted(xs)
    return xs[len(xs) // 2], xs[min(len(xs) - 1, int(len(xs) * 0.95))]


def fresh(cmd):
    def run():
        s = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        return (time.perf_counter() - s) * 1000
    return run


def prepared():
    p = subprocess.Popen(["/usr/bin/node", "-e", LOADER], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    time.sleep(0.15)  # started ahead of the request
    s = time.perf_counter()
    out, _ = p.communicate(b"console.log(1)\n")
    assert out == b"1\n", out
    return (time.perf_counter() - s) * 1000


variants = [
    ("node, fresh, bare", fresh(["/usr/bin/node", "-e", "console.log(1)"])),
    ("python3, fresh, bare", fresh(["/usr/bin/python3", "-c", "print(1)"])),
    ("node, fresh, in bubblewrap (minimal flags)", fresh(BWRAP + ["/usr/bin/node", "-e", "console.log(1)"])),
    ("python3, fresh, in bubblewrap (minimal flags)", fresh(BWRAP + ["/usr/bin/python3", "-c", "print(1)"])),
    ("node already started, code over a pipe, until it exits", prepared),
]
samples = {name: [] for name, _ in variants}
for i in range(N + 3):  # interleaved round-robin; the first 3 rounds warm the page cache
    for name, run in variants:
        time.sleep(0.02)
        ms = run()
        if i >= 3:
            samples[name].append(ms)

node = subprocess.run(["/usr/bin/node", "--version"], capture_output=True, text=True).stdout.strip()
lines = [
    "# Does a JavaScript fast path pay off?",
    "",
    f"- Date: {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC; load average: {open('/proc/loadavg').read().strip()}",
    f"- Machine: {os.cpu_count()} vCPU, Linux {platform.release()}, node {node}, python {platform.python_version()} (/usr/bin/python3)",
    f"- {N} runs each, interleaved, 20 ms pause before each; wall time until the process has exited. `console.log(1)` / `print(1)`.",
    "",
    "| variant | n | p50 ms | p95 ms |",
    "|---|---|---|---|",
]
for name, _ in variants:
    p50, p95 = stats(samples[name])
    lines.append(f"| {name} | {len(samples[name])} | {p50:.1f} | {p95:.1f} |")
out = os.path.join(os.path.dirname(__file__), "..", "results", f"{datetime.datetime.utcnow():%Y-%m-%d}-node-start.md")
with open(out, "w") as f:
    f.write("\n".join(lines) + "\n")
print("\n".join(lines))
