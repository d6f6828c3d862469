"""`perf record` of the proxies for `--breakdown` (breakdown.py): two
sessions started disabled and switched on with the capture, the syscalls
they trace, an fd snapshot that maps fds to TCP ports, and the kernel's
TCP counters."""
import os
import select
import signal
import subprocess
import time

from perf_trace import SYSCALLS, Trace

TRACEFS = "/sys/kernel/tracing/events/syscalls"


def _fifo(path):
    os.mkfifo(path)
    return path


class Recorder:
    """The two `perf record`s, started disabled, and the fd snapshot."""

    def __init__(self, pids, tmp, others=None):
        self.pids = dict(pids)  # name -> pid
        self.others = dict(others or {})  # name -> pid, not recorded but named in what the CPUs ran
        self.dir = os.path.join(tmp, "perf")
        os.makedirs(self.dir)
        tids = [t for pid in self.pids.values() for t in os.listdir(f"/proc/{pid}/task")]
        calls = [n for n in SYSCALLS if os.path.isdir(f"{TRACEFS}/sys_enter_{n}")]
        own = []
        for name in calls:
            own += ["-e", f"syscalls:sys_enter_{name}", "-e", f"syscalls:sys_exit_{name}"]
        own += ["-e", "sched:sched_switch"]  # in the task's context: its switches out
        pid_list = ",".join(str(p) for p in self.pids.values())
        woken = " || ".join(f"pid == {t}" for t in tids)
        # Every switch on the machine: what ran while a proxy's thread waited.
        others = ["-a", "-e", "sched:sched_wakeup", "--filter", woken, "-e", "sched:sched_switch"]
        self.sessions = [self._start("own", own + ["-p", pid_list]), self._start("others", others)]
        self.fds = {}
        self.t_snapshot = None

    def _start(self, label, args):
        ctl, ack = _fifo(os.path.join(self.dir, f"{label}.ctl")), _fifo(os.path.join(self.dir, f"{label}.ack"))
        out = os.path.join(self.dir, f"{label}.data")
        log = open(os.path.join(self.dir, f"{label}.log"), "wb")
        proc = subprocess.Popen(["perf", "record", "-q", "-k", "mono", "-m", "16M", "-D", "-1",
                                 "--control", f"fifo:{ctl},{ack}", "-o", out] + args,
                                stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True)
        return {"label": label, "proc": proc, "ctl": ctl, "ack": ack, "data": out, "log": log.name}

    def enable(self):
        for s in self.sessions:
            _command(s, b"enable")
        self.tcp_before = tcp_counters()

    def snapshot(self):
        """Each proxy's fds (call while the streams are open)."""
        self.t_snapshot = time.monotonic_ns()
        self.fds = {name: fd_table(pid) for name, pid in self.pids.items()}

    def stop(self):
        if getattr(self, "tcp_before", None) is not None and getattr(self, "tcp_after", None) is None:
            self.tcp_after = tcp_counters()
        for s in self.sessions:
            if s["proc"].poll() is None:
                s["proc"].send_signal(signal.SIGINT)
        for s in self.sessions:
            try:
                s["proc"].wait(60)
            except subprocess.TimeoutExpired:
                s["proc"].kill()
                s["proc"].wait()

    def records(self):
        """Parsed records of both sessions, in time order, and perf's complaints."""
        lines, notes = [], []
        for s in self.sessions:
            with open(s["log"], "rb") as f:
                notes += [ln.strip() for ln in f.read().decode(errors="replace").splitlines()
                          if "lost" in ln.lower() or "error" in ln.lower()]
            out = subprocess.run(["perf", "script", "-i", s["data"], "--ns", "-F",
                                  "comm,pid,tid,cpu,time,event,trace", "--show-lost-events"],
                                 capture_output=True, check=False)
            text = out.stdout.decode(errors="replace")
            notes += [ln.strip() for ln in text.splitlines() if "LOST" in ln][:5]
            lines.append(text)
        return Trace.parse("\n".join(lines)), notes


def _command(session, word, timeout=20):
    """Sends `word` on perf's control fifo and waits for its ack."""
    end = time.monotonic() + timeout
    while True:  # the fifo has no reader until perf has started
        try:
            fd = os.open(session["ctl"], os.O_WRONLY | os.O_NONBLOCK)
            break
        except OSError:
            if time.monotonic() > end or session["proc"].poll() is not None:
                raise RuntimeError(f"perf ({session['label']}) did not start; see {session['log']}")
            time.sleep(0.05)
    os.write(fd, word + b"\n")
    os.close(fd)
    ack = os.open(session["ack"], os.O_RDONLY | os.O_NONBLOCK)
    try:
        while time.monotonic() < end:
            if select.select([ack], [], [], 0.2)[0] and b"ack" in os.read(ack, 64):
                return
        raise RuntimeError(f"perf ({session['label']}) did not acknowledge {word!r}")
    finally:
        os.close(ack)


# The machine's TCP counters (all sockets, not only the bench's) that tell a
# segment was held, dropped or sent again.
TCP_COUNTERS = ("RetransSegs", "TCPLossProbes", "TCPTimeouts", "DelayedACKs", "TCPBacklogDrop", "TCPRcvQDrop",
                "TCPZeroWindowDrop", "TCPToZeroWindowAdv", "TCPDSACKRecv", "PruneCalled", "TCPOFOQueue")


def tcp_counters():
    values = {}
    for path in ("/proc/net/snmp", "/proc/net/netstat"):
        with open(path) as f:
            lines = f.read().splitlines()
        for names, nums in zip(lines[::2], lines[1::2]):
            for k, v in zip(names.split()[1:], nums.split()[1:]):
                if k in TCP_COUNTERS:
                    values[k] = int(v)
    return values


def fd_table(pid):
    """fd -> ("tcp", local port, remote port) for IPv4 TCP sockets, else
    (kind, readlink target)."""
    targets, inodes = {}, {}
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        targets[int(fd)] = target
        if target.startswith("socket:["):
            inodes[target[8:-1]] = int(fd)
    table = {fd: ("other", t) for fd, t in targets.items()}
    for proto in ("tcp", "tcp6"):
        try:
            f = open(f"/proc/{pid}/net/{proto}")
        except OSError:
            continue
        with f:
            next(f)
            for line in f:
                cols = line.split()
                fd = inodes.get(cols[9])
                if fd is not None:
                    local, remote = (int(c.rsplit(":", 1)[1], 16) for c in cols[1:3])
                    table[fd] = ("tcp", local, remote)
    return table
