"""Packet capture on the loopback interface, with kernel receive times.

An AF_PACKET socket bound to `lo` sees each TCP segment between the bench's
ports; kept are (time, source port, destination port, payload) of segments
that carry data, with the time converted to CLOCK_MONOTONIC. Needs root
(CAP_NET_RAW). IPv4 only: every server here listens on 127.0.0.1.

A retransmitted segment (TCP does retransmit on loopback, e.g. a tail loss
probe) is left out, or cut to its new bytes, so a flow's payloads add up to
the byte stream its receiver reads.
"""
import os
import socket
import struct
import threading
import time

ETH_P_ALL = 0x0003
SO_TIMESTAMPNS = getattr(socket, "SO_TIMESTAMPNS", 35)
PACKET_OUTGOING = 4
SOL_PACKET = 263
PACKET_STATISTICS = 6


def realtime_minus_monotonic():
    """The offset between the kernel's packet clock and ours, from the
    tightest of a few samples."""
    best = None
    for _ in range(7):
        a = time.monotonic_ns()
        r = time.time_ns()
        b = time.monotonic_ns()
        if best is None or b - a < best[0]:
            best = (b - a, r - (a + b) // 2)
    return best[1]


class Capture:
    def __init__(self, ports):
        self.ports = set(ports)
        self.packets = []
        self.drops = 0
        self.retransmitted = 0  # bytes seen again, left out
        self.next_seq = {}  # flow -> sequence number of the next new byte
        self.sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 32 << 20)
        self.sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
        self.sock.bind(("lo", 0))
        self.sock.settimeout(0.2)
        self.offset = realtime_minus_monotonic()
        self.running = True
        self.thread = threading.Thread(target=self._run, daemon=True)

    def start(self):
        self.thread.start()

    def stop(self):
        self.running = False
        self.thread.join()
        stats = self.sock.getsockopt(SOL_PACKET, PACKET_STATISTICS, 8)
        self.drops = struct.unpack("II", stats)[1]
        self.sock.close()
        return self.packets

    def _run(self):
        space = socket.CMSG_SPACE(16)
        while self.running:
            try:
                frame, anc, _flags, addr = self.sock.recvmsg(70000, space)
            except socket.timeout:
                continue
            if addr[2] == PACKET_OUTGOING:  # lo shows each segment twice
                continue
            seg = tcp_payload(frame, self.ports)
            if seg is None:
                continue
            seg = self._new_bytes(*seg)
            if seg is None:
                continue
            stamp = None
            for level, kind, data in anc:
                if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS:
                    sec, nsec = struct.unpack("qq", data[:16])
                    stamp = sec * 1_000_000_000 + nsec - self.offset
            self.packets.append((stamp if stamp is not None else time.monotonic_ns(),) + seg)


    def _new_bytes(self, sport, dport, seq, payload):
        """(source port, destination port, payload) without the bytes the
        flow already carried, else None."""
        flow = (sport, dport)
        expected = self.next_seq.get(flow)
        if expected is not None:
            behind = (expected - seq) % (1 << 32)
            if 0 < behind < 1 << 31:
                self.retransmitted += min(behind, len(payload))
                if behind >= len(payload):
                    return None
                payload = payload[behind:]
                seq = expected
        self.next_seq[flow] = (seq + len(payload)) % (1 << 32)
        return sport, dport, payload


def tcp_payload(frame, ports):
    """(source port, destination port, sequence number, payload) of an IPv4
    TCP segment with data between two of `ports`' sides, else None."""
    if len(frame) < 14 + 20 or frame[12:14] != b"\x08\x00":
        return None
    ip = frame[14:]
    if ip[9] != 6:
        return None
    ihl = (ip[0] & 0x0F) * 4
    total = struct.unpack("!H", ip[2:4])[0]
    sport, dport, seq = struct.unpack("!HHI", ip[ihl:ihl + 8])
    if sport not in ports and dport not in ports:
        return None
    offset = ihl + (ip[ihl + 12] >> 4) * 4
    payload = ip[offset:total]
    if not payload:
        return None
    return sport, dport, seq, bytes(payload)


def socket_ports(pid, remote_port):
    """Local ports of `pid`'s TCP connections to 127.0.0.1:`remote_port`."""
    inodes = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    ports = set()
    with open(f"/proc/{pid}/net/tcp") as f:
        next(f)
        for line in f:
            cols = line.split()
            local, remote, inode = cols[1], cols[2], cols[9]
            if inode in inodes and int(remote.split(":")[1], 16) == remote_port:
                ports.add(int(local.split(":")[1], 16))
    return ports
