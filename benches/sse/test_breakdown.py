"""The breakdown's parsing (perf_trace.py) and matching (breakdown.py) on hand-written `perf script` lines
(`python3 -m unittest` in benches/sse; no perf, no root)."""
import unittest

import breakdown
import perf_trace

# pid 100: worker 101 waits on epoll instance 3, reads the upstream fd 7
# (opened before the capture), writes the client fd 9 (accepted during it).
SCRIPT = """\
 tokio-rt  100/101   [000]   10.000000000: syscalls:sys_enter_accept4: fd: 0x00000005, upeer_sockaddr: 0x0, upeer_addrlen: 0x0, flags: 0x00080800
 tokio-rt  100/101   [000]   10.000001000:  syscalls:sys_exit_accept4: 0x9
 tokio-rt  100/101   [000]   10.000002000: syscalls:sys_enter_epoll_wait: epfd: 0x00000003, events: 0x1, maxevents: 0x00000400, timeout: 0xffffffff
 tokio-rt  100/101   [000]   10.000003000:       sched:sched_switch: prev_comm=tokio-rt prev_pid=101 prev_prio=120 prev_state=S ==> next_comm=swapper/0 next_pid=0 next_prio=120
      bun   50/50    [001]   10.000100000:       sched:sched_wakeup: comm=tokio-rt pid=101 prio=120 target_cpu=000
  swapper     0/0    [000]   10.000150000:       sched:sched_switch: prev_comm=swapper/0 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=tokio-rt next_pid=101 next_prio=120
 tokio-rt  100/101   [000]   10.000160000:  syscalls:sys_exit_epoll_wait: 0x1
 tokio-rt  100/101   [000]   10.000170000: syscalls:sys_enter_recvfrom: fd: 0x00000007, ubuf: 0x1, size: 0x00002000, flags: 0x00000000, addr: 0x0, addr_len: 0x0
 tokio-rt  100/101   [000]   10.000180000:  syscalls:sys_exit_recvfrom: 0x64
 tokio-rt  100/101   [000]   10.000190000: syscalls:sys_enter_recvfrom: fd: 0x00000007, ubuf: 0x1, size: 0x00002000, flags: 0x00000000, addr: 0x0, addr_len: 0x0
 tokio-rt  100/101   [000]   10.000195000:  syscalls:sys_exit_recvfrom: 0xfffffffffffffff5
 tokio-rt  100/101   [000]   10.000200000: syscalls:sys_enter_writev: fd: 0x00000009, vec: 0x1, vlen: 0x00000002
 tokio-rt  100/101   [000]   10.000220000:  syscalls:sys_exit_writev: 0x6e
"""


class ParseAndMatch(unittest.TestCase):
    def setUp(self):
        self.trace = perf_trace.Trace.parse(SCRIPT)

    def test_calls_pair_enter_and_exit_with_signed_returns(self):
        names = [(c.name, c.fd, c.ret) for c in self.trace.calls]
        self.assertEqual(names, [("accept4", 5, 9), ("epoll_wait", 3, 1), ("recvfrom", 7, 100),
                                 ("recvfrom", 7, -11), ("writev", 9, 110)])
        self.assertEqual(self.trace.wakeups, [(10_000_100_000, 50, "bun", 101)])
        self.assertEqual(len(self.trace.switches), 2)

    def test_bytes_count_from_the_capture_or_the_accept(self):
        fdb = perf_trace.FdBytes(self.trace, 100, t_snapshot=10_000_005_000, counted_from=10_000_001_500)
        self.assertEqual(fdb.reads[7][0], [100])
        self.assertEqual(fdb.writes[9][0], [110])
        self.assertIs(perf_trace.covering(fdb.reads[7], 100), fdb.reads[7][1][0])
        self.assertIsNone(perf_trace.covering(fdb.reads[7], 101))
        # A read before the capture started is not in the flow's bytes.
        later = perf_trace.FdBytes(self.trace, 100, t_snapshot=10_000_005_000, counted_from=10_000_175_000)
        self.assertEqual(later.reads[7][0], [])

    def test_a_thread_sleeps_then_waits_for_a_cpu_then_runs(self):
        proc = perf_trace.Process(self.trace, 100)
        spent = perf_trace.time_in_states(proc.states[101], 10_000_003_000, 10_000_160_000, lambda s: s[0])
        self.assertEqual(spent, {"asleep": 97_000, "runnable": 50_000, "cpu": 10_000})
        self.assertEqual(proc.epfd_of({101}), 3)
        self.assertEqual(proc.first_wait_return(3, 10_000_050_000).exit, 10_000_160_000)

    def test_an_event_is_split_into_four_steps(self):
        proc = perf_trace.Process(self.trace, 100)
        table = {7: ("tcp", 40000, 4096), 9: ("tcp", 8080, 50000)}
        flows = perf_trace.Flows([
            (10_000_050_000, 4096, 40000, b"x" * 60 + b'{"id":"evt_abc"}' + b"y" * 24),
            (10_000_230_000, 8080, 50000, b"z" * 70 + b'{"id":"evt_abc"}' + b"w" * 24),
        ])
        stream = perf_trace.Stream("/event #1", 7, (4096, 40000), 9, (8080, 50000))
        r = breakdown.analyse("t", self.trace, proc, table, 10_000_005_000, 10_000_001_500, flows, [stream], 0)
        (event,) = r["events"]
        self.assertEqual(event["steps"], (110_000, 20_000, 20_000, 30_000, 180_000))


if __name__ == "__main__":
    unittest.main()
