"""From captured segments to the issue's table.

Each TCP flow's payload is read as one byte string; an event is timed by
the segment that holds the end of its `evt_` id (the first time that id
appears on the flow). Events are those seen on both direct streams of a
directory (lead and direct) after the warm-up: per-connection events
(`server.connected`, heartbeats) have a different id on every stream and
drop out by themselves.
"""
import bisect
import re

EVENT_ID = re.compile(rb"evt_[0-9A-Za-z]+")
EVENT_TYPE = re.compile(rb'"type":"([^"]+)"')
# Types the hub does not relay on /pocket/events (`NOISE` in src/server/events/hub.rs).
NOT_RELAYED = (b"plugin.", b"server.", b"lsp.", b"installation.", b"file.watcher.")

# The numbers (2026-12-02, 5 directories, through pocketcode and
# Caddy 2.6 back to back).
BASELINE = {
    "pocketcode": {"inside": (0.78, 2.96, 5.59, 9.55), "added": (1.11, 22.2), "rss": (27.5, 28.7)},
    "caddy": {"inside": (0.105, 1.69, 3.71, 5.17), "added": (0.31, 4.6), "rss": (33.0, 34.2)},
}


def percentile(values, p):
    s = sorted(values)
    if not s:
        return None
    k = (len(s) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def flows_of(packets):
    """flow (source port, destination port) -> its segments [(time,
    payload)], where each segment ends in the flow's bytes, and the bytes."""
    by_flow = {}
    for t, sport, dport, payload in packets:
        by_flow.setdefault((sport, dport), []).append((t, payload))
    flows = {}
    for flow, segs in by_flow.items():
        ends, acc = [], 0
        for _, payload in segs:
            acc += len(payload)
            ends.append(acc)
        flows[flow] = (segs, ends, b"".join(p for _, p in segs))
    return flows


def arrivals(packets):
    """flow (source port, destination port) -> {event id: time}, plus each
    flow's first bytes (to tell a `GET /event` from other requests)."""
    times, heads, kinds = {}, {}, {}
    for flow, (segs, ends, data) in flows_of(packets).items():
        heads[flow] = data[:64]
        seen = {}
        for m in EVENT_ID.finditer(data):
            eid = m.group()
            if eid not in seen:
                seen[eid] = segs[bisect.bisect_left(ends, m.end())][0]
                kind = EVENT_TYPE.search(data, m.end(), m.end() + 200)
                if kind and eid not in kinds:
                    kinds[eid] = kind.group(1)
        times[flow] = seen
    return times, heads, kinds


def summarise(packets, flows, window_start, oc_port, proxy_ports):
    times, heads, kinds = arrivals(packets)
    by_dir = {}
    for port, i in flows["direct"].items():
        direct = times.get((oc_port, port), {})
        lead_port = next(p for p, j in flows["lead"].items() if j == i)
        lead = times.get((oc_port, lead_port), {})
        by_dir[i] = {eid: t for eid, t in direct.items() if eid in lead and t >= window_start}
    result = {"inside": {}, "added": {}, "missing": {}, "events": {}}
    for name, listen in proxy_ports.items():
        # The proxy's upstream sockets that carry a `GET /event` it forwarded
        # (its other connections to opencode are not this path).
        up = {}
        for port in flows["upstream"][name]:
            if heads.get((port, oc_port), b"").startswith(b"GET /event"):
                for eid, t in times.get((oc_port, port), {}).items():
                    up[eid] = min(t, up.get(eid, t))
        inside, added, missing = [], [], 0
        for port, i in flows["client"][name].items():
            out = times.get((listen, port), {})
            for eid, t_direct in by_dir[i].items():
                t = out.get(eid)
                if t is None:
                    missing += 1
                    continue
                added.append((t - t_direct) / 1e6)
                if eid in up:
                    inside.append((t - up[eid]) / 1e6)
        result["inside"][name] = [percentile(inside, p) for p in (50, 90, 99, 100)]
        result["added"][name] = [percentile(added, p) for p in (50, 99)]
        result["missing"][name] = missing
        result["events"][name] = len(added)
    result["pocket"] = pocket_events(times, heads, kinds, flows, by_dir, oc_port, proxy_ports["pocketcode"])
    return result


def pocket_events(times, heads, kinds, flows, by_dir, oc_port, listen):
    """/pocket/events: each client's arrival minus the arrival on
    pocketcode's `GET /global/event` (its upstream sockets that are not a
    proxied `GET /event`)."""
    up = {}
    for port in flows["upstream"]["pocketcode"]:
        if not heads.get((port, oc_port), b"").startswith(b"GET /event"):
            for eid, t in times.get((oc_port, port), {}).items():
                up[eid] = min(t, up.get(eid, t))
    relayed = {eid for events in by_dir.values() for eid in events
               if not kinds.get(eid, b"").startswith(NOT_RELAYED)}
    inside, missing = [], 0
    for port in flows["pocket"]:
        out = times.get((listen, port), {})
        for eid in relayed:
            if eid not in out:
                missing += 1
            elif eid in up:
                inside.append((out[eid] - up[eid]) / 1e6)
    return {"inside": [percentile(inside, p) for p in (50, 90, 99, 100)], "missing": missing,
            "events": len(relayed), "clients": len(flows["pocket"])}


def fmt(values):
    return " / ".join("-" if v is None else (f"{v:.3f}" if v < 1 else f"{v:.2f}") for v in values)


def print_table(r):
    s = r["setup"]
    print(f"\n{s['dirs']} directories, {s['prompts']} prompts each ({s['chunks']} chunks, {s['ms']} ms apart), "
          f"events matched: pocketcode {r['events']['pocketcode']}, Caddy {r['events']['caddy']}; "
          f"lost: pocketcode {r['missing']['pocketcode']}, Caddy {r['missing']['caddy']}; "
          f"capture drops {s['capture_drops']}; load average {s['loadavg'][0]:.2f}\n")
    rows = [
        ("time inside the proxy p50 / p90 / p99 / max (ms)", "inside"),
        ("added delay end to end p50 / p99 (ms)", "added"),
        ("RSS idle -> streaming (MB)", "rss"),
    ]
    head = ["", "pocketcode 2026-12-02", "Caddy 2026-12-02", "pocketcode now", "Caddy now"]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for label, key in rows:
        now = {n: (r[key][n] if key != "rss" else r["rss"][n]) for n in ("pocketcode", "caddy")}
        cells = [label, fmt(BASELINE["pocketcode"][key]), fmt(BASELINE["caddy"][key]),
                 fmt(now["pocketcode"]), fmt(now["caddy"])]
        if key == "rss":
            cells = [label] + [c.replace(" / ", " -> ") for c in cells[1:]]
        print("| " + " | ".join(cells) + " |")
    def sched(st):
        wait = st["runqueue_wait_us"]
        return f"{st['cpu_ms']:.0f} / {st['wakeups_per_s']:.0f} / {'-' if wait is None else round(wait)}"
    print("| CPU in the window (ms) / times scheduled per s / mean run-queue wait each (us) | - | - | "
          f"{sched(r['sched']['pocketcode'])} | {sched(r['sched']['caddy'])} |")
    p = r["pocket"]
    print(f"| /pocket/events, {p['clients']} client(s): time inside pocketcode p50 / p90 / p99 / max (ms) "
          f"| - | - | {fmt(p['inside'])} | (target: p50 <= 0.15, p99 <= Caddy's p99) |")
    print(f"\n/pocket/events: {p['events']} relayable events per client, lost {p['missing']} in all\n")
    for name, by_name in r.get("sched_threads", {}).items():
        busiest = sorted(by_name.items(), key=lambda kv: -kv[1]["cpu_ms"])[:6]
        print(f"{name}'s threads in the window, CPU ms / times scheduled per s: "
              + ", ".join(f"{comm} {t['cpu_ms']:.0f} / {t['scheduled_per_s']:.0f}" for comm, t in busiest))

