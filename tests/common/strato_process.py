"""Helpers shared by the Python end-to-end tests: free loopback ports, JSON
over HTTP with urllib, and `strato serve` as a child process.

Tests import it with
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "common"))
"""
import json
import os
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(method, url, body=None, timeout=30):
    """(status, body): JSON bodies decoded, other text as str, empty as None.
    dict and list bodies are sent as JSON, bytes as they are."""
    data = json.dumps(body).encode() if isinstance(body, (dict, list)) else body
    # JSON content type: state-changing routes refuse urllib's default
    # form type (a browser's cross-origin "simple request" type).
    headers = {"Content-Type": "application/json"} if data is not None else {}
    req = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, _decode(r.read())
    except urllib.error.HTTPError as e:
        return e.code, _decode(e.read())


def _decode(raw):
    if not raw:
        return None
    if raw[:1] in b"[{":
        try:
            return json.loads(raw)
        except ValueError:
            pass
    return raw.decode(errors="replace")


class ServeProcess:
    """`strato serve ARGS...` on free loopback ports, its output in a log file."""

    def __init__(self, strato, *args, log_prefix="strato-serve-"):
        self.http_port, self.grpc_port, self.metrics_port = free_port(), free_port(), free_port()
        self.log = tempfile.NamedTemporaryFile(prefix=log_prefix, suffix=".log", delete=False)
        self.proc = subprocess.Popen(
            [strato, "serve", *args, "--http-address", "127.0.0.1",
             "--http-port", str(self.http_port), "--grpc-port", str(self.grpc_port),
             "--metrics-port", str(self.metrics_port)],
            stdout=self.log, stderr=subprocess.STDOUT)
        self.base = f"http://127.0.0.1:{self.http_port}"

    def wait_for(self, path="/v2/health/ready", timeout=60):
        """Waits until GET `path` answers 200; fails with the server's log."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"server exited with {self.proc.returncode}:\n{self.logs()}")
            try:
                if http("GET", self.base + path, timeout=2)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise AssertionError(f"{path} not ready in time:\n{self.logs()}")

    def logs(self):
        with open(self.log.name, errors="replace") as f:
            return f.read()

    def metrics(self):
        with urllib.request.urlopen(f"http://127.0.0.1:{self.metrics_port}/metrics", timeout=10) as r:
            return r.read().decode()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if os.path.exists(self.log.name):
            os.unlink(self.log.name)
