"""`perf script` lines read back for `--breakdown` (breakdown.py): each
thread's syscalls and switches, each fd's bytes as offsets into its flow,
and what a thread was doing at a given time."""
import bisect
import re

from report import flows_of

READS = ("recvfrom", "read", "readv", "recvmsg")
WRITES = ("writev", "write", "sendto", "sendmsg")
WAITS = ("epoll_wait", "epoll_pwait", "epoll_pwait2")
OPENS = ("accept4", "socket")
SYSCALLS = READS + WRITES + WAITS + OPENS + ("close", "futex")
EVENT_ID = re.compile(rb"evt_[0-9A-Za-z]+")

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
        flows = flows_of(packets)
        self.data, self.ids = {}, {}
        self.segments = {flow: segs for flow, (segs, _, _) in flows.items()}
        for flow, (segs, ends, data) in flows.items():
            self.data[flow] = data
            ids = {}
            for m in EVENT_ID.finditer(data):
                if m.group() not in ids:
                    ids[m.group()] = (m.end(), segs[bisect.bisect_left(ends, m.end())][0])
            self.ids[flow] = ids


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
