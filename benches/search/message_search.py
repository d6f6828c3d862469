#!/usr/bin/env python3
"""How fast can a search read every chat's messages through opencode's API?

Starts the scripted model and a real `opencode serve` (offline, in a temp
dir), makes N sessions in one git repo with one prompt each (the scripted
model answers), then times reading every session's messages
(`GET /session/:id/message`) one at a time and 8 at a time, and a
case-insensitive scan of their text. Stops both servers.

Usage: message_search.py SCRIPTED_MODEL_BIN OPENCODE_BIN [N]
"""

import concurrent.futures
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(base, method, path, directory, body=None, timeout=30):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method)
    req.add_header("x-opencode-directory", directory)
    if data is not None:
        req.add_header("content-type", "application/json")
    with urllib.request.urlopen(req, timeout=timeout) as response:
        text = response.read()
        return json.loads(text) if text else None


def wait_health(base):
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            request(base, "GET", "/global/health", "/", timeout=2)
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("opencode never became healthy")


def stop(process):
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=3)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def main():
    model_bin, opencode_bin = sys.argv[1], sys.argv[2]
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 200
    root = tempfile.mkdtemp(prefix="pocketcode-search-bench-")
    model_port, opencode_port = free_port(), free_port()
    key = "sk-bench"
    model = subprocess.Popen(
        [model_bin, "--listen", f"127.0.0.1:{model_port}", "--api-key", key],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    config = subprocess.check_output(
        [model_bin, "--listen", f"127.0.0.1:{model_port}", "--api-key", key, "--print-config"])
    env = dict(os.environ, OPENCODE_CONFIG_CONTENT=config.decode(), HOME=root,
               XDG_DATA_HOME=f"{root}/data", XDG_CONFIG_HOME=f"{root}/config",
               XDG_STATE_HOME=f"{root}/state", XDG_CACHE_HOME=f"{root}/cache",
               OPENCODE_DISABLE_AUTOUPDATE="1", OPENCODE_DISABLE_MODELS_FETCH="1",
               OPENCODE_DISABLE_LSP_DOWNLOAD="1", OPENCODE_DISABLE_SHARE="1")
    repo = f"{root}/repo"
    os.makedirs(repo)
    subprocess.check_call(["git", "init", "-q", repo])
    subprocess.check_call(["git", "-C", repo, "-c", "user.name=b", "-c", "user.email=b@b",
                           "commit", "-q", "--allow-empty", "-m", "first"])
    opencode = subprocess.Popen(
        [opencode_bin, "serve", "--hostname", "127.0.0.1", "--port", str(opencode_port)],
        cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{opencode_port}"
    try:
        wait_health(base)
        started = time.time()
        ids = []
        for i in range(count):
            session = request(base, "POST", "/session", repo, {})
            words = f"chat number {i} about the word needle{i % 50} and some more text"
            request(base, "POST", f"/session/{session['id']}/prompt_async", repo,
                    {"parts": [{"type": "text", "text": words}]})
            ids.append(session["id"])
            while request(base, "GET", "/session/status", repo):
                time.sleep(0.05)
        print(f"seeded {count} sessions in {time.time() - started:.1f} s")

        def read(session_id):
            return request(base, "GET", f"/session/{session_id}/message", repo)

        for workers in (1, 8):
            for attempt in range(2):
                started = time.time()
                with concurrent.futures.ThreadPoolExecutor(workers) as pool:
                    everything = list(pool.map(read, ids))
                fetched = time.time() - started
                started = time.time()
                hits = sum(
                    1 for messages in everything
                    if any("needle7 " in (part.get("text") or "").lower()
                           for message in messages for part in message["parts"]))
                scanned = time.time() - started
                size = sum(len(json.dumps(m)) for m in everything)
                print(f"{workers} at a time, run {attempt + 1}: read {count} sessions "
                      f"({size / 1e6:.1f} MB JSON) in {fetched * 1000:.0f} ms, "
                      f"scan {scanned * 1000:.0f} ms, {hits} hits")
    finally:
        stop(opencode)
        stop(model)
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
