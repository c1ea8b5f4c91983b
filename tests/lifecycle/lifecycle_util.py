"""Shared helpers of the lifecycle tests: identity model folders, a `strato
serve --registry` child process, HTTP calls and the `strato model` CLI."""
import json
import os
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

IDENTITY_CONFIG = """name: "ident"
backend: "identity"
max_batch_size: 64
input [ { name: "%s" data_type: TYPE_FP32 dims: [ -1 ] } ]
output [ { name: "OUTPUT0" data_type: TYPE_FP32 dims: [ -1 ] } ]
dynamic_batching { max_queue_delay_microseconds: 0 }
%s"""


def write_model(folder, weights, input_name="INPUT0", extra_config="", config=None):
    """A version folder: config.pbtxt plus one 'weights' file."""
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "config.pbtxt"), "w") as f:
        f.write(config if config is not None else IDENTITY_CONFIG % (input_name, extra_config))
    with open(os.path.join(folder, "weights.bin"), "wb") as f:
        f.write(weights)
    return folder


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(method, url, body=None, timeout=30):
    data = json.dumps(body).encode() if isinstance(body, (dict, list)) else body
    req = urllib.request.Request(url, data=data, method=method)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            raw = r.read()
            return r.status, (json.loads(raw) if raw and raw[:1] in b"[{" else raw.decode())
    except urllib.error.HTTPError as e:
        raw = e.read()
        try:
            return e.code, json.loads(raw) if raw else None
        except ValueError:
            return e.code, raw.decode(errors="replace")


INFER_BODY = {"inputs": [{"name": "INPUT0", "datatype": "FP32", "shape": [1, 4], "data": [1, 2, 3, 4]}]}


class Server:
    """`strato serve --registry` on free loopback ports (explicit mode)."""

    def __init__(self, strato, repo, registry, *extra):
        self.strato = strato
        self.http_port, self.grpc_port, self.metrics_port = free_port(), free_port(), free_port()
        self.log = tempfile.NamedTemporaryFile(prefix="strato-lifecycle-", suffix=".log", delete=False)
        self.proc = subprocess.Popen(
            [strato, "serve", "--model-repository", repo, "--model-control-mode", "explicit",
             "--registry", registry, "--http-address", "127.0.0.1",
             "--http-port", str(self.http_port), "--grpc-port", str(self.grpc_port),
             "--metrics-port", str(self.metrics_port), *extra],
            stdout=self.log, stderr=subprocess.STDOUT)
        self.base = f"http://127.0.0.1:{self.http_port}"
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                if http("GET", self.base + "/v2/health/live", timeout=2)[0] == 200:
                    return
            except OSError:
                pass
            if self.proc.poll() is not None:
                break
            time.sleep(0.1)
        raise RuntimeError("server did not start:\n" + self.logs())

    def logs(self):
        with open(self.log.name) as f:
            return f.read()

    def metrics(self):
        with urllib.request.urlopen(f"http://127.0.0.1:{self.metrics_port}/metrics", timeout=10) as r:
            return r.read().decode()

    def metric_sum(self, name, **labels):
        total = 0.0
        for line in self.metrics().splitlines():
            if not line.startswith(name + "{") and not line.startswith(name + " "):
                continue
            if all(f'{k}="{v}"' in line for k, v in labels.items()):
                total += float(line.rsplit(" ", 1)[1])
        return total

    def infer(self, model="ident", body=None):
        return http("POST", f"{self.base}/v2/models/{model}/infer", body or INFER_BODY)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        os.unlink(self.log.name)


def model_cli(strato, registry, *args, url=None, check=True):
    cmd = [strato, "model", "--registry", registry]
    if url:
        cmd += ["--url", url]
    result = subprocess.run(cmd + list(args), capture_output=True, text=True, timeout=120)
    if check and result.returncode != 0:
        raise AssertionError(f"strato model {' '.join(args)} failed ({result.returncode}):\n"
                             f"{result.stdout}\n{result.stderr}")
    return result
