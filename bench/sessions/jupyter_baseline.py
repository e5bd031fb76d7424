"""The Jupyter baseline of bench/sessions: a real ipykernel driven by jupyter_client (Debian's
python3-ipykernel and python3-jupyter-client), measured from inside this process so the pipe to the
C# harness is not counted. Commands, one per line on stdin, answer one line on stdout:
  cell CODE   run CODE in the persistent kernel; answers the round trip in ms (execute_request sent ->
              iopub status idle and execute_reply received, i.e. every output delivered; blocking
              reads on the channels, the fastest way jupyter_client offers)
  start       start a fresh kernel until it answers kernel_info, then shut it down; answers ms
  rss         the persistent kernel's resident memory, kB
  version     versions of ipykernel and jupyter_client
"""
import sys
import time

from jupyter_client.manager import KernelManager


def start_kernel():
    km = KernelManager(kernel_name="python3")
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=60)
    return km, kc


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


def main():
    km, kc = start_kernel()
    for line in sys.stdin:
        cmd, _, arg = line.rstrip("\n").partition(" ")
        if cmd == "cell":
            t = time.perf_counter()
            msg_id = kc.execute(arg.replace("\\n", "\n"))
            while True:
                m = kc.get_iopub_msg(timeout=60)
                if (m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "status"
                        and m["content"]["execution_state"] == "idle"):
                    break
            reply = kc.get_shell_msg(timeout=60)
            ms = (time.perf_counter() - t) * 1000
            ok = reply["content"]["status"] == "ok"
            print("%.4f" % ms if ok else "error", flush=True)
        elif cmd == "start":
            t = time.perf_counter()
            km2, kc2 = start_kernel()
            ms = (time.perf_counter() - t) * 1000
            kc2.stop_channels()
            km2.shutdown_kernel(now=True)
            print("%.4f" % ms, flush=True)
        elif cmd == "rss":
            print(rss_kb(km.provisioner.process.pid), flush=True)
        elif cmd == "version":
            import ipykernel
            import jupyter_client
            print("ipykernel %s, jupyter_client %s" % (ipykernel.__version__, jupyter_client.__version__), flush=True)
    kc.stop_channels()
    km.shutdown_kernel(now=True)


main()
