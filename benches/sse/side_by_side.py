#!/usr/bin/env python3
"""Time an SSE event spends inside pocketcode's opencode proxy, beside Caddy's.

One run, one opencode (pocketcode's own, with the scripted model), two
proxies in front of it at the same time: pocketcode and Debian's Caddy
(`reverse_proxy` with `flush_interval -1`). For each of N chat worktrees
the bench opens opencode's `GET /event` four times, all kept open together:
a lead stream (direct; it pays for waking a sleeping reader), a direct one,
one through pocketcode and one through Caddy (which of the two proxies
subscribes first alternates by directory). Prompts to the scripted model
make opencode stream events; every event carries a unique `evt_` id.

A packet capture on `lo` (AF_PACKET, kernel receive times; needs root)
sees every event on every socket: opencode -> each proxy's upstream
socket, each proxy -> this client, opencode -> the direct stream. Per event:
  time inside the proxy = proxy's write to the client - its upstream socket's receipt
  added delay           = arrival through the proxy - arrival on the direct stream
RSS of both proxies is read from /proc before the streams open (idle, once
settled: pocketcode gives back what start-up mapped within 10 s of
serving) and at its peak while they stream. Python 3 standard library only, Linux only.

With --breakdown, `perf` (Linux's perf tool, run as root) also records both
proxies' syscalls and scheduling while the capture runs, and each event's
time inside is split into steps: upstream segment -> epoll_wait's return ->
the read that returned the event -> the write that carried it on -> the
client's segment, with the tail's steps told by what their thread was doing
(breakdown.py).
"""
import argparse
import base64
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

import breakdown
from capture import Capture, socket_ports
from clients import Stream, http, login, wait_healthy, wait_healthy_direct
from report import print_table, summarise

SCENARIO = "[scenario:slow chunks={chunks} ms={ms}]"
# pocketcode finds the pinned opencode in the checkout's node_modules.
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return None


# pocketcode's thread that serves the scripted model (the stand-in for a
# remote provider, not pocketcode's work): left out of its CPU.
STAND_IN_THREADS = {"scripted-model"}


def schedstat_threads(pid):
    """CPU time, run-queue wait (ns) and times scheduled of `pid`'s threads,
    summed per thread name (tokio's workers share one)."""
    by_name = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/comm") as f:
                comm = f.read().strip()
            with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                values = [int(v) for v in f.read().split()[:3]]
        except OSError:
            continue
        total = by_name.setdefault(comm, [0, 0, 0])
        for i, v in enumerate(values):
            total[i] += v
    return by_name


def since(before, after):
    """Per thread name: what `after` adds to `before` (a thread new since then counts whole)."""
    return {comm: [b - a_ for a_, b in zip(before.get(comm, [0, 0, 0]), now)] for comm, now in after.items()}


def without_stand_in(by_name):
    """The sum of every thread's figures but the model stand-in's (for either proxy)."""
    total = [0, 0, 0]
    for comm, values in by_name.items():
        if comm not in STAND_IN_THREADS:
            total = [t + v for t, v in zip(total, values)]
    return total


CPU_CGROUP = "/sys/fs/cgroup/cpu"  # cgroup v1's cpu controller


def stand_in_apart(pid, name, threads):
    """Moves `pid`'s threads named in `threads` (the stand-in's, and maybe the
    gateway's) into a cpu cgroup of their own, so the scheduler shares the
    CPU between them and pocketcode as between two processes (as if the
    model ran elsewhere). Returns the cgroup's path."""
    path = os.path.join(CPU_CGROUP, name)
    os.makedirs(path, exist_ok=True)
    for tid in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{tid}/comm") as f:
            if f.read().strip() in threads:
                with open(os.path.join(path, "tasks"), "w") as out:
                    out.write(tid)
    return path


def descendants(pid):
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        kids = []
        try:  # each thread's children are listed under that thread
            for tid in os.listdir(f"/proc/{p}/task"):
                kids += open(f"/proc/{p}/task/{tid}/children").read().split()
        except OSError:
            pass
        out += [int(k) for k in kids]
        todo += [int(k) for k in kids]
    return out


def find_opencode(pocketcode_pid):
    """opencode's pid, port and password, read from its command line and environment."""
    for pid in descendants(pocketcode_pid):
        try:
            argv = open(f"/proc/{pid}/cmdline", "rb").read().split(b"\0")
        except OSError:
            continue
        if b"serve" not in argv or b"--port" not in argv:
            continue
        port = int(argv[argv.index(b"--port") + 1])
        env = open(f"/proc/{pid}/environ", "rb").read().split(b"\0")
        password = next((e.split(b"=", 1)[1].decode() for e in env
                         if e.startswith(b"OPENCODE_SERVER_PASSWORD=")), "")
        return pid, port, password
    sys.exit("bench: pocketcode started no `opencode serve`")


def make_worktrees(data_dir, n):
    """Chat-like worktrees of the workspace repo (so opencode files their
    sessions under the workspace's project, which pocketcode lists at start
    to choose the directories it relays on /pocket/events)."""
    repo = os.path.join(data_dir, "workspace")
    os.makedirs(repo)
    git = ["git", "-c", "user.email=bench@localhost", "-c", "user.name=bench"]
    subprocess.run(git + ["init", "-q", "-b", "main", repo], check=True)
    with open(os.path.join(repo, "README"), "w") as f:
        f.write("bench\n")
    subprocess.run(git + ["-C", repo, "add", "README"], check=True)
    subprocess.run(git + ["-C", repo, "commit", "-qm", "init"], check=True)
    root = os.path.join(data_dir, "worktrees")
    os.makedirs(root, exist_ok=True)
    dirs = []
    for i in range(1, n + 1):
        path = os.path.join(root, f"bench__sse__wt{i:02d}")
        subprocess.run(git + ["-C", repo, "worktree", "add", "-q", "-b", f"wt{i:02d}", path], check=True)
        dirs.append(os.path.realpath(path))
    return dirs


def create_sessions(direct, basic, dirs):
    headers = {"Authorization": f"Basic {basic}"}
    return [json.loads(http("POST", f"{direct}/session?directory={d}", headers, {})[1])["id"] for d in dirs]


def run_prompts(direct, basic, dirs, sessions, streams, prompts, text):
    """Per directory: a warm-up prompt, then `prompts` measured ones, each
    sent after the previous one's session.idle. Returns the time when the
    warm-ups were all done."""
    headers = {"Authorization": f"Basic {basic}"}
    barrier = threading.Barrier(len(dirs) + 1)
    errors = []

    def one_dir(i):
        try:
            for k in range(prompts + 1):
                seen = streams[i].idle
                http("POST", f"{direct}/session/{sessions[i]}/prompt_async?directory={dirs[i]}", headers,
                     {"parts": [{"type": "text", "text": text}]})
                if not streams[i].wait_idle_after(seen, 120):
                    errors.append(f"{dirs[i]}: no session.idle within 120 s")
                    return
                if k == 0:
                    barrier.wait()
        except Exception as err:  # reported, and the barrier must not hang
            errors.append(f"{dirs[i]}: {err}")
            barrier.abort()

    threads = [threading.Thread(target=one_dir, args=(i,)) for i in range(len(dirs))]
    for t in threads:
        t.start()
    try:
        barrier.wait()
    except threading.BrokenBarrierError:
        pass
    window_start = time.monotonic_ns()
    for t in threads:
        t.join()
    if errors:
        sys.exit("bench: " + "; ".join(errors))
    return window_start


class Pocketcode:
    """pocketcode started on a data dir, and its opencode."""

    def __init__(self, binary, env, log):
        self.proc = subprocess.Popen([binary], env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                     start_new_session=True, cwd=REPO)
        self.pid = self.proc.pid
        wait_healthy(f"http://{env['POCKETCODE_LISTEN']}/admin/health")
        self.oc_pid, self.oc_port, oc_password = find_opencode(self.pid)
        self.basic = base64.b64encode(f"opencode:{oc_password}".encode()).decode()
        self.direct = f"http://127.0.0.1:{self.oc_port}"
        wait_healthy_direct(self.direct, self.basic)

    def stop(self):
        os.killpg(self.pid, signal.SIGTERM)
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(self.pid, signal.SIGKILL)
            self.proc.wait()


def start_caddy(tmp, caddy_bin, cport, pc):
    caddyfile = os.path.join(tmp, "Caddyfile")
    with open(caddyfile, "w") as f:
        f.write("{\n  admin off\n  auto_https off\n}\n"
                f":{cport} {{\n  bind 127.0.0.1\n  reverse_proxy 127.0.0.1:{pc.oc_port} {{\n"
                f"    flush_interval -1\n    header_up Authorization \"Basic {pc.basic}\"\n  }}\n}}\n")
    env = dict(os.environ, HOME=tmp, XDG_DATA_HOME=tmp, XDG_CONFIG_HOME=tmp)
    caddy = subprocess.Popen([caddy_bin, "run", "--config", caddyfile, "--adapter", "caddyfile"], env=env,
                             stdout=subprocess.DEVNULL, stderr=open(os.path.join(tmp, "caddy.log"), "wb"),
                             start_new_session=True)
    wait_healthy(f"http://127.0.0.1:{cport}/global/health")
    return caddy


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", required=True, help="the pocketcode binary")
    ap.add_argument("--site-root", default="target/site")
    ap.add_argument("--dirs", type=int, default=5)
    ap.add_argument("--prompts", type=int, default=3, help="measured prompts per directory")
    ap.add_argument("--chunks", type=int, default=100)
    ap.add_argument("--ms", type=int, default=20, help="the scripted model's pause between chunks")
    ap.add_argument("--pocket-clients", type=int, default=1, help="clients on /pocket/events")
    ap.add_argument("--json-out", help="also write the numbers here")
    ap.add_argument("--breakdown", action="store_true",
                    help="also record both proxies' syscalls and scheduling with perf (-k mono) and split each "
                         "event's time inside into steps (breakdown.py)")
    ap.add_argument("--timelines", type=int, default=3, help="with --breakdown: tail events printed in full")
    ap.add_argument("--model-apart", action="store_true",
                    help="put pocketcode's scripted-model thread (the stand-in for a remote provider) in a cpu "
                         "cgroup of its own (cgroup v1), so its CPU does not count against pocketcode's share")
    ap.add_argument("--gateway-apart", action="store_true",
                    help="the same for pocketcode's model gateway thread (it relays the model's stream, which "
                         "Caddy does not do here); with --model-apart both share that cgroup")
    ap.add_argument("--relay-only", action="store_true",
                    help="open no GET /event through pocketcode (Caddy's, the direct and the lead ones as before): "
                         "pocketcode only relays /pocket/events, so its time there is its own, not shared with "
                         "proxying the same events")
    return ap.parse_args()


def main():
    a = parse_args()
    if os.geteuid() != 0:
        sys.exit("bench: the packet capture on lo needs root")
    caddy_bin = shutil.which("caddy") or sys.exit("bench: needs Debian's caddy (apt-get install caddy)")
    tmp = tempfile.mkdtemp(prefix="pocketcode-bench-sse-")
    data = os.path.join(tmp, "data")
    port, cport = free_port(), free_port()
    password = "bench-" + base64.b32encode(os.urandom(10)).decode().lower()
    env = dict(os.environ, AUTH_PASSWORD=password, POCKETCODE_LISTEN=f"127.0.0.1:{port}",
               POCKETCODE_DATA_DIR=data, LEPTOS_SITE_ROOT=a.site_root)
    # At 20 directories opencode passes the default 1 GB budget between two
    # prompts, and pocketcode restarts it mid-run: the bench is not about that.
    env.setdefault("POCKETCODE_OPENCODE_MEMORY_MB", "16384")
    log = open(os.path.join(tmp, "pocketcode.log"), "wb")
    pc = caddy = cgroup = None
    try:
        dirs = make_worktrees(data, a.dirs)
        pc = Pocketcode(a.bin, env, log)
        sessions = create_sessions(pc.direct, pc.basic, dirs)
        # Started again, pocketcode relays the directories that have sessions.
        pc.stop()
        pc = Pocketcode(a.bin, env, log)
        caddy = start_caddy(tmp, caddy_bin, cport, pc)
        if a.model_apart or a.gateway_apart:
            apart = (STAND_IN_THREADS if a.model_apart else set()) | ({"gateway"} if a.gateway_apart else set())
            cgroup = stand_in_apart(pc.pid, f"pocketcode-bench-model-{pc.pid}", apart)
        result = measure(a, pc, caddy, port, cport, login(port, password), dirs, sessions, tmp)
        print_table(result)
        if "breakdown" in result:
            results, flows, notes = result["breakdown"]
            print("\n".join(["", "breakdown:"] + [f"  {n}" for n in notes] + [
                f"  bytes the capture saw again (retransmitted, left out): "
                f"{result['setup']['capture_retransmitted_bytes']}"]))
            breakdown.report(results, flows, a.timelines)
            result["breakdown"] = breakdown.as_json(results)
        if a.json_out:
            with open(a.json_out, "w") as f:
                json.dump(result, f, indent=1)
        return 0 if not any(result["missing"].values()) and not result["pocket"]["missing"] else 2
    except BaseException:
        log.flush()
        with open(log.name, "rb") as f:
            sys.stderr.write(f.read()[-3000:].decode(errors="replace"))
        raise
    finally:
        if caddy:
            caddy.terminate()
            caddy.wait()
        if pc:
            pc.stop()
        if cgroup:
            os.rmdir(cgroup)  # empty once pocketcode has ended
        shutil.rmtree(tmp, ignore_errors=True)


def measure(a, pc, caddy, port, cport, cookie, dirs, sessions, tmp):
    time.sleep(12)  # both proxies settle; pocketcode trims at 1 s and 10 s
    pids = {"pocketcode": pc.pid, "caddy": caddy.pid}
    idle = {name: rss_mb(pid) for name, pid in pids.items()}
    others = {"opencode": pc.oc_pid, "bench": os.getpid()}
    recorder = breakdown.Recorder(pids, tmp, others) if a.breakdown else None
    try:
        return measure_recorded(a, pc, port, cport, cookie, dirs, sessions, pids, idle, recorder)
    finally:
        if recorder:
            recorder.stop()


def measure_recorded(a, pc, port, cport, cookie, dirs, sessions, pids, idle, recorder):
    if recorder:
        # Before the capture starts: a socket open from before counts its
        # bytes from the capture's start on both sides.
        recorder.enable()
    capture = Capture({port, cport, pc.oc_port})
    counted_from = time.monotonic_ns()
    capture.start()
    streams, flows = open_streams(dirs, port, cport, pc.oc_port, pc.basic, cookie, a.relay_only)
    pocket = [Stream(port, "/pocket/events", {"Cookie": cookie, "Origin": f"http://127.0.0.1:{port}"})
              for _ in range(a.pocket_clients)]
    flows["pocket"] = [s.local_port for s in pocket]
    peak, sampling = dict(idle), threading.Event()

    def sample():
        while not sampling.wait(0.2):
            for name, pid in pids.items():
                peak[name] = max(peak[name], rss_mb(pid) or 0)
    threading.Thread(target=sample, daemon=True).start()
    time.sleep(1)
    flows["upstream"] = {name: socket_ports(pid, pc.oc_port) for name, pid in pids.items()}
    if recorder:
        recorder.snapshot()
    text = SCENARIO.format(chunks=a.chunks, ms=a.ms)
    sched0 = {name: schedstat_threads(pid) for name, pid in pids.items()}
    window = run_prompts(pc.direct, pc.basic, dirs, sessions, [s["direct"] for s in streams], a.prompts, text)
    window_s = (time.monotonic_ns() - window) / 1e9
    threads = {name: since(sched0[name], schedstat_threads(pid)) for name, pid in pids.items()}
    sched = {name: without_stand_in(by_name) for name, by_name in threads.items()}
    time.sleep(1)
    sampling.set()
    packets = capture.stop()
    if recorder:
        recorder.stop()
    for st in pocket + [st for s in streams for st in s.values()]:
        st.close()
    result = summarise(packets, flows, window, pc.oc_port, {"pocketcode": port, "caddy": cport})
    result["rss"] = {name: (idle[name], peak[name]) for name in idle}
    result["sched"] = {name: {"cpu_ms": run / 1e6, "wakeups_per_s": n / window_s,
                              "runqueue_wait_us": wait / n / 1e3 if n else None}
                       for name, (run, wait, n) in sched.items()}
    result["sched_threads"] = {name: {comm: {"cpu_ms": run / 1e6, "scheduled_per_s": n / window_s}
                                      for comm, (run, _, n) in by_name.items()}
                               for name, by_name in threads.items()}
    result["setup"] = {"dirs": a.dirs, "prompts": a.prompts, "chunks": a.chunks, "ms": a.ms,
                       "pocket_clients": a.pocket_clients, "model_apart": a.model_apart, "gateway_apart": a.gateway_apart, "relay_only": a.relay_only, "loadavg": os.getloadavg(),
                       "capture_drops": capture.drops, "capture_retransmitted_bytes": capture.retransmitted}
    if recorder:
        result["breakdown"] = breakdown.breakdown(recorder, packets, flows, oc_port=pc.oc_port,
                                                  proxy_ports={"pocketcode": port, "caddy": cport},
                                                  window_start=window, counted_from=counted_from)
    return result


def open_streams(dirs, port, cport, oc_port, basic, cookie, relay_only=False):
    """Per directory: lead, direct, then the two proxies in alternating order
    (only Caddy with `relay_only`)."""
    auth = {"Authorization": f"Basic {basic}"}
    base = f"http://127.0.0.1:{port}"
    through = {"pocketcode": (port, {"Cookie": cookie, "Origin": base}), "caddy": (cport, {})}
    streams, flows = [], {"direct": {}, "lead": {}, "client": {"pocketcode": {}, "caddy": {}}}
    for i, d in enumerate(dirs):
        path = f"/event?directory={urllib.parse.quote(d)}"
        s = {"lead": Stream(oc_port, path, auth), "direct": Stream(oc_port, path, auth, watch_idle=True)}
        flows["lead"][s["lead"].local_port] = i
        for name in (("pocketcode", "caddy") if i % 2 == 0 else ("caddy", "pocketcode")):
            if relay_only and name == "pocketcode":
                continue
            p, h = through[name]
            s[name] = Stream(p, path, h)
            flows["client"][name][s[name].local_port] = i
        flows["direct"][s["direct"].local_port] = i
        streams.append(s)
    return streams, flows


if __name__ == "__main__":
    sys.exit(main())
