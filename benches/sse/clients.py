"""The bench's HTTP side: one-shot requests, readiness polls, the login,
and long-lived SSE readers (what they read is timed by the capture)."""
import json
import socket
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request


def http(method, url, headers, body=None, timeout=30):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method, headers=headers)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        return resp.status, resp.read(), resp.headers


def wait_healthy(url, deadline_s=120):
    end = time.time() + deadline_s
    while time.time() < end:
        try:
            if http("GET", url, {}, timeout=2)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    sys.exit(f"bench: {url} never answered 200")


class Stream:
    """One open `GET /event`: read and thrown away (the capture times it),
    except that the direct stream counts `session.idle`."""

    def __init__(self, port, path, headers, watch_idle=False):
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        lines = [f"GET {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Accept: text/event-stream"]
        lines += [f"{k}: {v}" for k, v in headers.items()]
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        self.local_port = self.sock.getsockname()[1]
        self.idle = 0
        self.cond = threading.Condition()
        self.watch_idle = watch_idle
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        tail = b""
        while True:
            try:
                data = self.sock.recv(65536)
            except OSError:
                return
            if not data:
                return
            if self.watch_idle:
                text = tail + data
                n = text.count(b'"type":"session.idle"')
                tail = text[-64:] if not n else text[text.rfind(b'"type":"session.idle"') + 21:][-64:]
                if n:
                    with self.cond:
                        self.idle += n
                        self.cond.notify_all()

    def wait_idle_after(self, count, timeout):
        with self.cond:
            return self.cond.wait_for(lambda: self.idle > count, timeout)

    def close(self):
        self.sock.close()


def wait_healthy_direct(direct, basic):
    end = time.time() + 60
    while time.time() < end:
        try:
            if http("GET", f"{direct}/global/health", {"Authorization": f"Basic {basic}"}, timeout=2)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    sys.exit("bench: opencode never became healthy")


def login(port, password):
    base = f"http://127.0.0.1:{port}"
    req = urllib.request.Request(f"{base}/login", method="POST",
                                 data=urllib.parse.urlencode({"password": password}).encode(),
                                 headers={"Origin": base, "Content-Type": "application/x-www-form-urlencoded"})

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None
    opener = urllib.request.build_opener(NoRedirect)
    try:
        resp = opener.open(req, timeout=10)
        headers = resp.headers
    except urllib.error.HTTPError as err:  # the 303 after a good login
        headers = err.headers
    cookies = [c.split(";", 1)[0] for c in headers.get_all("Set-Cookie") or []]
    if not cookies:
        sys.exit("bench: the login set no cookie")
    return "; ".join(cookies)
