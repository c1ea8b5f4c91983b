"""Shared helpers of the lifecycle tests: identity model folders, a `strato
serve --registry` child process, HTTP calls and the `strato model` CLI."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
import strato_process  # noqa: E402
from strato_process import free_port, http  # noqa: E402,F401  (re-exported to the tests)

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


INFER_BODY = {"inputs": [{"name": "INPUT0", "datatype": "FP32", "shape": [1, 4], "data": [1, 2, 3, 4]}]}


class Server(strato_process.ServeProcess):
    """`strato serve --registry` on free loopback ports (explicit mode)."""

    def __init__(self, strato, repo, registry, *extra):
        super().__init__(strato, "--model-repository", repo, "--model-control-mode", "explicit",
                         "--registry", registry, *extra, log_prefix="strato-lifecycle-")
        self.strato = strato
        self.wait_for("/v2/health/live", timeout=30)

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


def model_cli(strato, registry, *args, url=None, check=True):
    cmd = [strato, "model", "--registry", registry]
    if url:
        cmd += ["--url", url]
    result = subprocess.run(cmd + list(args), capture_output=True, text=True, timeout=120)
    if check and result.returncode != 0:
        raise AssertionError(f"strato model {' '.join(args)} failed ({result.returncode}):\n"
                             f"{result.stdout}\n{result.stderr}")
    return result
