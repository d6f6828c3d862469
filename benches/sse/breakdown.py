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

from perf_record import Recorder
from perf_trace import WRITES, Flows, FdBytes, Occupancy, Process, Stream, covering, time_in_states
from report import percentile

STEPS = ("upstream -> epoll", "epoll -> read", "read -> write", "write -> client", "total")


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
    few tail events in full, then two at the median."""
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
        by_total = sorted(r["events"], key=lambda e: e["steps"][4])
        # Two events at the median too: what a typical event waits for.
        typical = [by_total[len(by_total) // 2], by_total[len(by_total) * 2 // 5]]
        for e in picks[:n_timelines] + typical[: max(0, n_timelines - 1)]:
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
