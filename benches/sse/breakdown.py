"""Where an event's time inside a proxy goes, seen from the kernel (`--breakdown`).

While the capture runs, `perf record -k mono` (CLOCK_MONOTONIC, the
capture's clock) records the proxies' syscalls that move bytes or wait
(reads, writes, epoll, futex, and the accepts/sockets/closes that start and
end an fd), their threads' switches off the CPU (one `perf` attached to
the processes, so threads started later are followed) and their wake-ups
and switches onto the CPU (a second, system-wide `perf` filtered by thread
id: these happen in other tasks' context). A snapshot of each proxy's fds,
taken while the streams are open, maps an fd to its TCP ports, so to the
capture's flows.

An fd's reads (or writes) add up to a byte offset in its flow, as the
capture's segments do, so the read that returned an event's `evt_` id and
the write that carried it on are known. Per event on each stream:
  1. the capture's upstream segment -> the first epoll_wait to return after it
     (or the read itself, if the task read again without waiting),
  2. -> the read's return,
  3. -> the write (enter) to the client's socket,
  4. -> the capture's segment on the client's flow.
The tail (events over the p90 of the total) is broken down by what the
thread of each step was doing, and a few tail events are printed in full.
"""
import bisect
import os
import re
import select
import signal
import subprocess
import time

READS = ("recvfrom", "read", "readv", "recvmsg")
WRITES = ("writev", "write", "sendto", "sendmsg")
WAITS = ("epoll_wait", "epoll_pwait", "epoll_pwait2")
OPENS = ("accept4", "socket")
SYSCALLS = READS + WRITES + WAITS + OPENS + ("close", "futex")
TRACEFS = "/sys/kernel/tracing/events/syscalls"
EVENT_ID = re.compile(rb"evt_[0-9A-Za-z]+")
STEPS = ("upstream -> epoll", "epoll -> read", "read -> write", "write -> client", "total")


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


SAME_SWITCH = 5_000  # ns: one switch recorded by both sessions
LINE = re.compile(r"^\s*(.*?)\s+(\d+)/(\d+)\s+\[(\d+)\]\s+(\d+)\.(\d{9}):\s+(\S+):\s?(.*)$")
FIELD = re.compile(r"(\w+)(?:: |=)(\S+?)(?:,|\s|$)")


def _signed(value):
    v = int(value, 16)
    return v - (1 << 64) if v >= 1 << 63 else v


class Call:
    __slots__ = ("pid", "tid", "name", "enter", "exit", "fd", "ret", "op")

    def __init__(self, pid, tid, name, enter, exit_, fd, ret, op):
        self.pid, self.tid, self.name, self.enter, self.exit = pid, tid, name, enter, exit_
        self.fd, self.ret, self.op = fd, ret, op


class Trace:
    """Syscalls (paired enter/exit), switches and wake-ups, by time."""

    def __init__(self):
        self.calls = []      # Call, by enter time
        self.switches = []   # (t, cpu, prev_tid, prev_comm, prev_state, next_tid, next_comm)
        self.wakeups = []    # (t, waker_tid, waker_comm, woken_tid)
        self.pid_of = {}     # tid -> pid
        self.comm = {}       # tid -> comm

    @classmethod
    def parse(cls, text):
        trace, pending, seen_switch = cls(), {}, {}
        rows = []
        for line in text.splitlines():
            m = LINE.match(line)
            if m:
                comm, pid, tid, cpu, sec, ns, event, rest = m.groups()
                rows.append((int(sec) * 1_000_000_000 + int(ns), int(cpu), int(pid), int(tid), comm, event, rest))
        rows.sort(key=lambda r: r[0])
        for t, cpu, pid, tid, comm, event, rest in rows:
            kind, _, name = event.partition(":")
            if kind == "syscalls":
                trace.pid_of[tid] = pid
                trace.comm.setdefault(tid, comm)
                if name.startswith("sys_enter_"):
                    fields = dict(FIELD.findall(rest))
                    fd = fields.get("fd", fields.get("epfd"))  # epoll's: the epoll instance
                    fd = int(fd, 16) if fd is not None else None
                    op = int(fields["op"], 16) & 0x7F if "op" in fields else None
                    pending[tid] = (name[10:], t, fd, op)
                elif name.startswith("sys_exit_"):
                    start = pending.pop(tid, None)
                    if start and start[0] == name[9:]:
                        trace.calls.append(Call(pid, tid, start[0], start[1], t, start[2], _signed(rest.strip()),
                                                start[3]))
            elif name == "sched_switch":
                trace.pid_of.setdefault(tid, pid)  # the task switched out is the current one
                f = dict(FIELD.findall(rest))
                # Seen by both sessions, each stamping it a little apart.
                key = (cpu, f["prev_pid"], f["next_pid"])
                if t - seen_switch.get(key, -SAME_SWITCH) < SAME_SWITCH:
                    continue
                seen_switch[key] = t
                trace.switches.append((t, cpu, int(f["prev_pid"]), f["prev_comm"], f["prev_state"],
                                       int(f["next_pid"]), rest.split("next_comm=", 1)[1].split(" next_pid=")[0]))
            elif name == "sched_wakeup":
                f = dict(FIELD.findall(rest))
                trace.wakeups.append((t, tid, comm, int(f["pid"])))
        trace.calls.sort(key=lambda c: c.enter)
        return trace


class FdBytes:
    """Per fd of a process, the reads and writes of the socket it held at
    `t_snapshot`, each with the flow's byte offset it reached. An fd opened
    before `counted_from` (the capture's start) counts from there."""

    def __init__(self, trace, pid, t_snapshot, counted_from):
        self.reads, self.writes = {}, {}
        live = {}  # fd -> [opened at, closed at, reads, writes, opened before counted_from]
        done = []
        for c in trace.calls:
            if c.pid != pid:
                continue
            if c.name in OPENS and c.ret >= 0:
                if c.ret in live:
                    done.append((c.ret, live.pop(c.ret)))
                live[c.ret] = [c.exit, None, [], [], False]
            elif c.name == "close" and c.fd in live:
                g = live.pop(c.fd)
                g[1] = c.enter
                done.append((c.fd, g))
            elif (c.name in READS or c.name in WRITES) and c.ret > 0 and c.fd is not None:
                g = live.setdefault(c.fd, [None, None, [], [], True])
                if g[4] and c.enter < counted_from:
                    continue
                g[2 if c.name in READS else 3].append(c)
        for fd, g in done + list(live.items()):
            opened, closed = g[0], g[1]
            if (opened is None or opened <= t_snapshot) and (closed is None or closed > t_snapshot):
                self.reads[fd] = _offsets(g[2])
                self.writes[fd] = _offsets(g[3])


def _offsets(calls):
    ends, acc = [], 0
    for c in calls:
        acc += c.ret
        ends.append(acc)
    return ends, calls


def covering(offsets, offset):
    """The call whose bytes include `offset` (the end of an id), else None."""
    ends, calls = offsets
    i = bisect.bisect_left(ends, offset)
    return calls[i] if i < len(calls) else None


class Flows:
    """The capture, per flow: payload, segment ends, and where each event id
    first ends (offset, time)."""

    def __init__(self, packets):
        by_flow = {}
        for t, sport, dport, payload in packets:
            by_flow.setdefault((sport, dport), []).append((t, payload))
        self.data, self.ids = {}, {}
        self.segments = by_flow
        for flow, segs in by_flow.items():
            ends, acc = [], 0
            for _, p in segs:
                acc += len(p)
                ends.append(acc)
            data = b"".join(p for _, p in segs)
            self.data[flow] = data
            ids = {}
            for m in EVENT_ID.finditer(data):
                if m.group() not in ids:
                    ids[m.group()] = (m.end(), segs[bisect.bisect_left(ends, m.end())][0])
            self.ids[flow] = ids


def percentile(values, p):
    s = sorted(values)
    if not s:
        return None
    k = (len(s) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


class Process:
    """One proxy's trace: calls by thread, epoll returns, thread states."""

    def __init__(self, trace, pid):
        self.pid = pid
        self.tids = {t for t, p in trace.pid_of.items() if p == pid}
        self.calls = [c for c in trace.calls if c.pid == pid]
        # Per epoll instance (a runtime of its own, such as a thread that
        # serves something else, has its own): the calls that returned events.
        self.waits, self.wait_exits, self.epfds, self.blocked, self._merged = {}, {}, {}, {}, {}
        for c in sorted((c for c in self.calls if c.name in WAITS), key=lambda c: c.exit):
            self.blocked.setdefault(c.fd, []).append((c.enter, c.exit))
            counts = self.epfds.setdefault(c.tid, {})
            counts[c.fd] = counts.get(c.fd, 0) + 1
            if c.ret > 0:
                self.waits.setdefault(c.fd, []).append(c)
                self.wait_exits.setdefault(c.fd, []).append(c.exit)
        points = {tid: [] for tid in self.tids}  # (t, order, what, payload)
        for c in self.calls:
            points[c.tid].append((c.enter, 1, "enter", c))
            points[c.tid].append((c.exit, 0, "exit", c))
        for t, _cpu, prev, _pc, state, nxt, ncomm in trace.switches:
            if prev in points:
                points[prev].append((t, 2, "out", (state, ncomm)))
            if nxt in points:
                points[nxt].append((t, 3, "in", None))
        for t, _waker, _wc, woken in trace.wakeups:
            if woken in points:
                points[woken].append((t, 2, "woken", None))
        self.states = {tid: _states(p) for tid, p in points.items()}
        self.comm = {tid: trace.comm.get(tid, "?") for tid in self.tids}

    def epfd_of(self, tids):
        """The epoll instance the threads `tids` wait on most."""
        counts = {}
        for tid in tids:
            for fd, n in self.epfds.get(tid, {}).items():
                counts[fd] = counts.get(fd, 0) + n
        return max(counts, key=counts.get, default=None)

    def waiting_spans(self, epfd):
        """When at least one thread was inside epoll_wait on `epfd`, as
        disjoint (start, end) spans."""
        if epfd not in self._merged:
            merged = []
            for enter, exit_ in sorted(self.blocked.get(epfd, [])):
                if merged and enter <= merged[-1][1]:
                    merged[-1][1] = max(merged[-1][1], exit_)
                else:
                    merged.append([enter, exit_])
            self._merged[epfd] = merged
        return self._merged[epfd]

    def waiting_at(self, epfd, t):
        """Whether a thread was inside epoll_wait on `epfd` at `t` (so data
        arriving then wakes it)."""
        spans = self.waiting_spans(epfd)
        i = bisect.bisect_right(spans, [t, float("inf")]) - 1
        return i >= 0 and spans[i][0] <= t <= spans[i][1]

    def first_wait_return(self, epfd, after):
        exits = self.wait_exits.get(epfd, [])
        i = bisect.bisect_left(exits, after)
        return self.waits[epfd][i] if i < len(exits) else None


def _states(points):
    """A thread's time as (start, end, state) intervals from its records,
    state one of ("cpu", call or None) running (in a syscall or in user
    space), ("runnable", call or None, who took the CPU, if it was taken
    from this thread) off the CPU but ready, ("asleep", call or None)."""
    points.sort(key=lambda p: (p[0], p[1]))
    out, on_cpu, call, ready, taker, last = [], True, None, False, None, None
    for t, _o, what, payload in points:
        if last is not None and t > last:
            state = ("cpu", call) if on_cpu else (("runnable", call, taker) if ready else ("asleep", call))
            out.append((last, t, state))
        last = t
        if what == "enter":
            call, on_cpu = payload, True
        elif what == "exit":
            call, on_cpu = None, True
        elif what == "out":
            on_cpu, ready = False, payload[0].startswith("R")
            taker = re.sub(r"/[0-9:]+\w*$", "", payload[1]) if ready else None
        elif what == "in":
            on_cpu, ready = True, False
        elif what == "woken":
            ready, taker = True, None
    return out


class Occupancy:
    """What each CPU ran, from every switch on the machine."""

    def __init__(self, trace, names):
        self.cpus = {}
        for t, cpu, _prev, _pc, _state, nxt, ncomm in trace.switches:
            self.cpus.setdefault(cpu, ([], []))
            self.cpus[cpu][0].append(t)
            self.cpus[cpu][1].append(names(nxt, ncomm))

    def between(self, a, b, into):
        """Adds to `into` {name: ns} what ran on every CPU between a and b."""
        for times, who in self.cpus.values():
            i = max(bisect.bisect_right(times, a) - 1, 0)
            while i < len(times) and times[i] < b:
                end = times[i + 1] if i + 1 < len(times) else b
                overlap = min(end, b) - max(times[i], a)
                if overlap > 0:
                    into[who[i]] = into.get(who[i], 0) + overlap
                i += 1


def time_in_states(intervals, a, b, label):
    """{label: ns} of a thread's states between a and b."""
    spent = {}
    starts = [iv[0] for iv in intervals]
    i = max(bisect.bisect_right(starts, a) - 1, 0)
    while i < len(intervals) and intervals[i][0] < b:
        s, e, state = intervals[i]
        overlap = min(e, b) - max(s, a)
        if overlap > 0:
            key = label(state)
            spent[key] = spent.get(key, 0) + overlap
        i += 1
    return spent


class Stream:
    """An upstream fd and flow whose events go out on a client fd and flow."""

    def __init__(self, name, up_fd, up_flow, out_fd, out_flow, up_name=None):
        self.name, self.up_fd, self.up_flow, self.out_fd, self.out_flow = name, up_fd, up_flow, out_fd, out_flow
        self.up_name = up_name or name


class Labels:
    """Names for a proxy's fds: what each stream's sockets are."""

    def __init__(self, table, streams):
        self.names = {}
        for fd, info in table.items():
            if info[0] == "tcp":
                self.names[fd] = f"tcp :{info[1]}<->:{info[2]}"
            else:
                target = info[1]
                self.names[fd] = target.split(":", 1)[-1].strip("[]") if target.startswith("anon_inode") else target
        for s in streams:
            self.names[s.up_fd] = f"{s.up_name} upstream"
            self.names[s.out_fd] = f"{s.name} client"

    def kind(self, fd, stream):
        """A label that groups like fds: this stream's own, or another's."""
        if fd is None:
            return ""
        if fd == stream.up_fd:
            return "this upstream"
        if fd == stream.out_fd:
            return "this client"
        name = self.names.get(fd, f"fd {fd}")
        for word in ("upstream", "client"):
            if name.endswith(word):
                return f"another {name.split(' #')[0].split()[0]} {word}"
        return name


def call_text(c, labels, stream=None):
    what = labels.kind(c.fd, stream) if stream else labels.names.get(c.fd, f"fd {c.fd}")
    if c.name == "futex":
        return f"futex {'wake' if c.op == 1 else 'wait' if c.op in (0, 9) else c.op}"
    if c.fd is None:
        return c.name
    return f"{c.name}({what})"


def analyse(name, trace, proc, table, t_snapshot, counted_from, flows, streams, window_start, labels=None):
    """The four steps of every event on `streams` of process `proc`."""
    pid = proc.pid
    fdb = FdBytes(trace, pid, t_snapshot, counted_from)
    labels = labels or Labels(table, streams)
    events, unmatched, epfds = [], {"no read": 0, "no write": 0, "out of order": 0}, {}
    for s in streams:
        up_ids, out_ids = flows.ids.get(s.up_flow, {}), flows.ids.get(s.out_flow, {})
        reads = fdb.reads.get(s.up_fd, ([], []))
        writes = fdb.writes.get(s.out_fd, ([], []))
        epfd = proc.epfd_of({c.tid for c in reads[1]})
        epfds[epfd] = epfds.get(epfd, 0) + 1
        for eid, (out_off, t3) in out_ids.items():
            if eid not in up_ids or t3 < window_start:
                continue
            up_off, t0 = up_ids[eid]
            read, write = covering(reads, up_off), covering(writes, out_off)
            if read is None:
                unmatched["no read"] += 1
                continue
            if write is None:
                unmatched["no write"] += 1
                continue
            if not (t0 <= read.exit <= write.enter <= t3 + 50_000):
                unmatched["out of order"] += 1
                continue
            wait = proc.first_wait_return(epfd, t0)
            t_wait = read.enter if wait is None or wait.exit > read.enter else wait.exit
            events.append({"stream": s, "id": eid, "t0": t0, "wait": wait if t_wait != read.enter else None,
                           "polled": proc.waiting_at(epfd, t0),
                           "t_wait": t_wait, "read": read, "write": write, "t3": t3,
                           "steps": (t_wait - t0, read.exit - t_wait, write.enter - read.exit,
                                     t3 - write.enter, t3 - t0)})
    return {"name": name, "proc": proc, "labels": labels, "events": events, "unmatched": unmatched,
            "trace": trace, "streams": streams, "window": window_start,
            "epfd": max(epfds, key=epfds.get, default=None)}


def facts(r):
    """Lines on the process over the window: its threads' CPU, how often a
    write to a client was followed by the thread losing its CPU, and how
    long the runtime's epoll went without a thread waiting in it."""
    proc, w0 = r["proc"], r["window"]
    end = max((c.exit for c in proc.calls), default=w0)
    lines = []
    cpu = {}
    for tid, intervals in proc.states.items():
        for start, stop, state in intervals:
            if state[0] == "cpu" and stop > w0:
                cpu[tid] = cpu.get(tid, 0) + stop - max(start, w0)
    top = sorted(cpu.items(), key=lambda kv: -kv[1])[:6]
    lines.append("on CPU in the window (ms): " + ", ".join(f"{proc.comm[t]}/{t} {ns / 1e6:.0f}" for t, ns in top))
    clients = {s.out_fd for s in r["streams"]}
    writes = preempted = 0
    takers = {}
    for tid, intervals in proc.states.items():
        starts = [iv[0] for iv in intervals]
        mine = [c for c in proc.calls if c.tid == tid and c.enter >= w0]
        for i, c in enumerate(mine):
            if c.name in WRITES and c.fd in clients:
                writes += 1
                until = mine[i + 1].enter if i + 1 < len(mine) else c.exit + 1_000_000
                j = bisect.bisect_left(starts, c.exit)
                while j < len(intervals) and intervals[j][0] < until:
                    state = intervals[j][2]
                    if state[0] == "runnable" and state[2]:
                        preempted += 1
                        takers[state[2]] = takers.get(state[2], 0) + 1
                        break
                    j += 1
    who = ", ".join(f"{k} {n}" for k, n in sorted(takers.items(), key=lambda kv: -kv[1])[:3])
    lines.append(f"writes to these clients: {writes}, {preempted} followed by the thread preempted before its "
                 f"next syscall (by {who or 'nobody'})")
    spans = [sp for sp in proc.waiting_spans(r["epfd"]) if sp[1] > w0]
    gaps = [b[0] - a[1] for a, b in zip(spans, spans[1:])]
    returns = [c for c in proc.waits.get(r["epfd"], []) if c.exit >= w0]
    lines.append(f"the runtime's epoll (fd {r['epfd']}): no thread waiting in it for {sum(gaps) / 1e6:.0f} ms of "
                 f"{(end - w0) / 1e6:.0f} (longest {max(gaps, default=0) / 1e6:.1f} ms); "
                 f"{len(returns)} returns with events, {sum(c.ret for c in returns) / max(len(returns), 1):.1f} "
                 "events each")
    return lines


def step_table(result):
    ev = result["events"]
    rows = {}
    for p in (50, 90, 99):
        rows[f"p{p}"] = [percentile([e["steps"][k] for e in ev], p) for k in range(5)]
    p90 = rows["p90"][4]
    tail = [e for e in ev if p90 is not None and e["steps"][4] > p90]
    rows["tail mean"] = [sum(e["steps"][k] for e in tail) / len(tail) if tail else None for k in range(5)]
    return rows, tail


def tail_attribution(result, tail):
    """For the tail's events, what the thread of each step was doing, summed
    (ms over all tail events) per step: step 1 the thread whose epoll_wait
    returned (else the reader), 2-3 the reader, 4 the writer."""
    proc, labels = result["proc"], result["labels"]
    per_step = [{} for _ in range(4)]
    meanwhile = [{} for _ in range(4)]  # what the CPUs ran while the step's thread was runnable
    occupancy = result["occupancy"]
    for e in tail:
        s = e["stream"]

        def label(state, s=s):
            kind, call = state[:2]
            what = call_text(call, labels, s) if call else ("user space" if kind == "cpu" else "")
            if kind == "cpu":
                return f"on CPU: {what}"
            if kind == "runnable":
                return f"preempted by {state[2]}" if state[2] else "woken, waiting for a CPU"
            return f"asleep in {what}" if what else "asleep"
        bounds = [e["t0"], e["t_wait"], e["read"].exit, e["write"].enter, e["t3"]]
        threads = [e["wait"].tid if e["wait"] else e["read"].tid, e["read"].tid, e["read"].tid, e["write"].tid]
        for k in range(4):
            intervals = proc.states.get(threads[k], [])
            spent = time_in_states(intervals, bounds[k], bounds[k + 1], label)
            for key, ns in spent.items():
                per_step[k][key] = per_step[k].get(key, 0) + ns
            for start, stop, state in intervals:
                if state[0] == "runnable" and stop > bounds[k] and start < bounds[k + 1]:
                    occupancy.between(max(start, bounds[k]), min(stop, bounds[k + 1]), meanwhile[k])
    return per_step, meanwhile


def timeline(result, e, flows, margin=100_000, limit=80):
    """Everything the proxy's threads did around one event, as lines."""
    proc, labels, s = result["proc"], result["labels"], e["stream"]
    a, b = e["t0"] - margin, e["t3"] + 20_000
    items = []
    for c in proc.calls:
        if c.enter > b:
            break
        if c.exit >= a and c.name != "close":
            mark = " <- the event's read" if c is e["read"] else " <- the event's write" if c is e["write"] else ""
            items.append((c.enter, c.tid, f"{call_text(c, labels)} = {c.ret}, {(c.exit - c.enter) / 1e3:.0f} us{mark}"))
    for t, cpu, prev, _pc, state, nxt, ncomm in result["trace"].switches:
        if a <= t <= b:
            if prev in proc.tids:
                items.append((t, prev, f"off CPU {cpu} ({state}), {ncomm}/{nxt} runs"))
            if nxt in proc.tids:
                items.append((t, nxt, f"on CPU {cpu}"))
    for t, waker, wcomm, woken in result["trace"].wakeups:
        if a <= t <= b and woken in proc.tids:
            items.append((t, woken, f"woken by {wcomm}/{waker}"))
    for flow, t, side in ((s.up_flow, e["t0"], "upstream"), (s.out_flow, e["t3"], "client")):
        items.append((t, 0, f"capture: the event on the {side} flow :{flow[0]} -> :{flow[1]}"))
    items.sort(key=lambda i: i[0])
    if len(items) > limit:
        cut = len(items) - limit
        items = items[:limit // 2] + [(None, 0, f"... {cut} lines left out ...")] + items[-limit // 2:]
    lines = []
    for t, tid, text in items:
        who = f"{proc.comm.get(tid, '?')}/{tid}" if tid else "wire"
        at = "" if t is None else f"{(t - e['t0']) / 1e3:+9.1f} us"
        lines.append(f"  {at:>12}  {who:<22} {text}")
    return lines


def ms(v):
    return "-" if v is None else f"{v / 1e6:.3f}"


def report(results, flows, n_timelines=3):
    """Printed tables: the steps' percentiles, the tail's attribution and a
    few tail events in full."""
    for r in results:
        rows, tail = step_table(r)
        print(f"\n### {r['name']}: where an event's time inside goes ({len(r['events'])} events; "
              f"not matched: {r['unmatched']})\n")
        print("| ms | " + " | ".join(STEPS) + " |")
        print("|" + "---|" * (len(STEPS) + 1))
        for label, vals in rows.items():
            print(f"| {label} | " + " | ".join(ms(v) for v in vals) + " |")
        print("\n".join(facts(r)))
        no_wait = sum(1 for e in r["events"] if e["wait"] is None)
        print(f"\nread without an epoll_wait return after the upstream segment: {no_wait} of {len(r['events'])}")
        polled = sum(1 for e in r["events"] if e["polled"])
        tail_polled = sum(1 for e in tail if e["polled"])
        print(f"a thread was inside epoll_wait when the upstream segment came: {polled} of {len(r['events'])} "
              f"events, {tail_polled} of the tail's {len(tail)}")
        if not tail:
            continue
        largest = [0] * 4
        for e in tail:
            largest[max(range(4), key=lambda k: e["steps"][k])] += 1
        print("tail events whose largest step is: " + ", ".join(f"{STEPS[k]} {n}" for k, n in enumerate(largest)))
        print(f"\nthe tail ({len(tail)} events over p90): what the step's thread was doing, "
              "ms summed over the tail's events (share of the step)")
        per_step, meanwhile = tail_attribution(r, tail)
        for k, spent in enumerate(per_step):
            total = sum(spent.values()) or 1
            top = sorted(spent.items(), key=lambda kv: -kv[1])[:6]
            print(f"  {STEPS[k]}: " + "; ".join(f"{key} {ns / 1e6:.1f} ({100 * ns / total:.0f} %)" for key, ns in top))
            if meanwhile[k]:
                total = sum(meanwhile[k].values())
                top = sorted(meanwhile[k].items(), key=lambda kv: -kv[1])[:6]
                print("      while it was runnable the CPUs ran: "
                      + ", ".join(f"{key} {100 * ns / total:.0f} %" for key, ns in top))
        worst = sorted(tail, key=lambda e: -e["steps"][4])
        picks = worst[:1] + worst[len(worst) // 2:len(worst) // 2 + 1] + worst[-1:]
        for e in picks[:n_timelines]:
            st = " / ".join(ms(v) for v in e["steps"])
            print(f"\n{r['name']} event {e['id'].decode()} on {e['stream'].name}: steps {st} ms")
            print("\n".join(timeline(r, e, flows)))


def as_json(results):
    out = {}
    for r in results:
        rows, tail = step_table(r)
        out[r["name"]] = {"steps": STEPS, "rows_ms": {k: [None if v is None else v / 1e6 for v in vals]
                                                      for k, vals in rows.items()},
                          "events": len(r["events"]), "unmatched": r["unmatched"],
                          "tail_ms": [{key: ns / 1e6 for key, ns in spent.items()}
                                      for spent in tail_attribution(r, tail)[0]]}
    return out


def _fd_of(table, local, remote):
    return next((fd for fd, info in table.items() if info == ("tcp", local, remote)), None)


def proxy_streams(name, table, flows, up_ports, client_ports, listen, oc_port):
    """The proxied `GET /event` streams of one proxy: each client's flow with
    the upstream flow that carries the same events."""
    ups = [p for p in up_ports if flows.data.get((p, oc_port), b"").startswith(b"GET /event")]
    streams = []
    for port, i in sorted(client_ports.items(), key=lambda kv: kv[1]):
        out_flow = (listen, port)
        ids = flows.ids.get(out_flow, {})
        best = max(ups, key=lambda p: len(ids.keys() & flows.ids.get((oc_port, p), {}).keys()), default=None)
        if best is None:
            continue
        streams.append(Stream(f"/event #{i + 1}", _fd_of(table, best, oc_port), (oc_port, best),
                              _fd_of(table, listen, port), out_flow))
    return streams


def pocket_streams(table, flows, up_ports, pocket_ports, listen, oc_port):
    """`/pocket/events`: pocketcode's `GET /global/event` socket (its
    upstream socket that is not a proxied `GET /event` and carries the most
    events) to each client."""
    others = [p for p in up_ports if not flows.data.get((p, oc_port), b"").startswith(b"GET /event")]
    glob = max(others, key=lambda p: len(flows.ids.get((oc_port, p), {})), default=None)
    if glob is None:
        return []
    return [Stream(f"/pocket/events #{k + 1}", _fd_of(table, glob, oc_port), (oc_port, glob),
                   _fd_of(table, listen, port), (listen, port), "/global/event") for k, port in enumerate(pocket_ports)]


def breakdown(recorder, packets, flows_by_port, oc_port, proxy_ports, window_start, counted_from):
    """The analyses: each proxy's `GET /event` streams, and /pocket/events."""
    keep = os.environ.get("BENCH_SSE_KEEP")
    if keep:  # everything `python3 breakdown.py DIR` needs to analyse it again
        import pickle
        import shutil
        os.makedirs(keep, exist_ok=True)
        for s in recorder.sessions:
            shutil.copy(s["data"], keep)
        with open(os.path.join(keep, "run.pickle"), "wb") as f:
            pickle.dump({"packets": packets, "flows": flows_by_port, "oc_port": oc_port, "proxy_ports": proxy_ports,
                         "window_start": window_start, "counted_from": counted_from, "fds": recorder.fds,
                         "pids": recorder.pids, "others": recorder.others, "t_snapshot": recorder.t_snapshot}, f)
    trace, notes = recorder.records()
    known = dict(getattr(recorder, "others", {}), **recorder.pids)
    own = {tid: name for name, pid in known.items() for tid, p in trace.pid_of.items() if p == pid}

    def names(tid, comm):
        if tid == 0:
            return "idle"
        comm = re.sub(r"/[0-9:]+\w*$", "", comm)
        return f"{own[tid]}:{comm}" if tid in own else comm
    occupancy = Occupancy(trace, names)
    before, after = getattr(recorder, "tcp_before", None), getattr(recorder, "tcp_after", None)
    if before and after:
        moved = {k: after[k] - before.get(k, 0) for k in after if after[k] != before.get(k, 0)}
        notes.append("TCP counters while recording (whole machine): "
                     + (", ".join(f"{k} +{v}" for k, v in moved.items()) or "none moved"))
    flows = Flows(packets)
    results = []
    for name, listen in proxy_ports.items():
        table, proc = recorder.fds[name], Process(trace, recorder.pids[name])
        ups = flows_by_port["upstream"][name]
        sets = [(f"{name} GET /event", proxy_streams(name, table, flows, ups, flows_by_port["client"][name],
                                                     listen, oc_port))]
        if name == "pocketcode":
            sets.append(("pocketcode /pocket/events", pocket_streams(table, flows, ups, flows_by_port["pocket"],
                                                                   listen, oc_port)))
        labels = Labels(table, [s for _, streams in sets for s in streams])
        for label, streams in sets:
            missing = [s.name for s in streams if s.up_fd is None or s.out_fd is None]
            streams = [s for s in streams if s.up_fd is not None and s.out_fd is not None]
            r = analyse(label, trace, proc, table, recorder.t_snapshot, counted_from, flows, streams, window_start,
                        labels)
            r["unmatched"]["streams without fds"] = len(missing)
            r["occupancy"] = occupancy
            results.append(r)
    return results, flows, notes


class _Kept:
    """A run kept by BENCH_SSE_KEEP, standing in for the Recorder."""

    def __init__(self, path, saved):
        self.pids, self.fds, self.t_snapshot = saved["pids"], saved["fds"], saved["t_snapshot"]
        self.others = saved.get("others", {})
        self.sessions = [{"label": n, "data": os.path.join(path, f"{n}.data"), "log": os.devnull}
                         for n in ("own", "others")]

    records = Recorder.records


if __name__ == "__main__":
    import pickle
    import sys
    with open(os.path.join(sys.argv[1], "run.pickle"), "rb") as f:
        saved = pickle.load(f)
    results, flows, notes = breakdown(_Kept(sys.argv[1], saved), saved["packets"], saved["flows"],
                                      saved["oc_port"], saved["proxy_ports"], saved["window_start"],
                                      saved["counted_from"])
    report(results, flows, int(sys.argv[2]) if len(sys.argv) > 2 else 3)
