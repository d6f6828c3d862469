#!/usr/bin/env python3
"""Issue 26's targets, each run of `side_by_side.py` in turn, then one table.

The proxy is held against Caddy at 1, 5 and 20 directories (one tab on
/pocket/events, as a user with pocketcode open has); /pocket/events with
1 and with 10 clients (at 5 directories), and the load of both at once (20
directories, 10 clients). Every row says whether its target is met in that
run: time inside pocketcode's proxy <= Caddy's at p50, p90 and p99;
/pocket/events p50 <= 0.15 ms and p99 <= Caddy's p99 of the same run, 0
events lost; RSS <= 20 MB idle and <= 40 MB at 20 directories and 10
clients. Latency depends on a quiet machine: the load average is printed.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
# (directories, /pocket/events clients)
SCENARIOS = [(1, 1), (5, 1), (20, 1), (5, 10), (20, 10)]


def fmt(values):
    return " / ".join("-" if v is None else f"{v:.3f}" for v in values[:3])


def met(ok):
    return "met" if ok else "NOT met"


def row(dirs, clients, r):
    pc, caddy = r["inside"]["pocketcode"], r["inside"]["caddy"]
    pocket = r["pocket"]["inside"]
    proxy_ok = all(p is not None and c is not None and p <= c for p, c in zip(pc[:3], caddy[:3]))
    pocket_ok = (pocket[0] is not None and pocket[0] <= 0.15 and pocket[2] is not None
                 and caddy[2] is not None and pocket[2] <= caddy[2] and r["pocket"]["missing"] == 0)
    idle, peak = r["rss"]["pocketcode"]
    rss_ok = idle <= 20 and (peak <= 40 or (dirs, clients) != (20, 10))
    lost = sum(r["missing"].values()) + r["pocket"]["missing"]
    return (f"| {dirs} | {clients} | {fmt(pc)} | {fmt(caddy)} | {met(proxy_ok)} | {fmt(pocket)} | "
            f"{met(pocket_ok)} | {idle:.1f} -> {peak:.1f} ({met(rss_ok)}) | "
            f"{r['sched']['pocketcode']['cpu_ms']:.0f} / {r['sched']['caddy']['cpu_ms']:.0f} | {lost} | "
            f"{r['setup']['loadavg'][0]:.2f} |")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", required=True)
    ap.add_argument("--site-root", default="target/site")
    ap.add_argument("--only", help="scenarios as dirs:clients,... (default: all five)")
    a, rest = ap.parse_known_args()
    scenarios = ([tuple(int(x) for x in s.split(":")) for s in a.only.split(",")] if a.only else SCENARIOS)
    rows = []
    with tempfile.TemporaryDirectory(prefix="pocketcode-bench-targets-") as tmp:
        for dirs, clients in scenarios:
            out = os.path.join(tmp, f"{dirs}-{clients}.json")
            cmd = [sys.executable, os.path.join(HERE, "side_by_side.py"), "--bin", a.bin, "--site-root",
                   a.site_root, "--dirs", str(dirs), "--pocket-clients", str(clients), "--json-out", out, *rest]
            print(f"# {dirs} directories, {clients} client(s) on /pocket/events", flush=True)
            if subprocess.run(cmd).returncode != 0:
                sys.exit(f"bench: the run at {dirs} directories, {clients} clients failed")
            with open(out) as f:
                rows.append(row(dirs, clients, json.load(f)))
    print("\nIssue 26's targets, this run (times in ms, p50 / p90 / p99):\n")
    print("| dirs | /pocket/events clients | pocketcode proxy | Caddy | proxy <= Caddy | /pocket/events "
          "| p50 <= 0.15, p99 <= Caddy's | pocketcode RSS MB | CPU ms pocketcode / Caddy | lost | load |")
    print("|" + "---|" * 11)
    for r in rows:
        print(r)


if __name__ == "__main__":
    main()
