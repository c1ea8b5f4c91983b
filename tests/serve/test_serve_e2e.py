#!/usr/bin/env python3
"""End-to-end tests of `strato serve` as a process: CLI help, poll-mode reload
without downtime under load, failed reloads that keep the old version serving,
bad config.pbtxt reported with file and line, and a graceful SIGTERM drain.

Real server process, real HTTP over loopback (urllib), real files.
"""
import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
import strato_process  # noqa: E402
from strato_process import free_port, http  # noqa: E402

STRATO = None


class Server(strato_process.ServeProcess):
    """A `strato serve` child process on free loopback ports."""

    def __init__(self, repo, *extra):
        super().__init__(STRATO, "--model-repository", repo, *extra)

    def wait_ready(self, timeout=60):
        self.wait_for("/v2/health/ready", timeout)


def simple_request():
    return {"inputs": [
        {"name": "INPUT0", "datatype": "INT32", "shape": [1, 16], "data": list(range(16))},
        {"name": "INPUT1", "datatype": "INT32", "shape": [1, 16], "data": [2] * 16}]}


class CliTest(unittest.TestCase):
    def test_every_command_has_help(self):
        for args in ([], ["serve"], ["perf"], ["demo-repo"]):
            out = subprocess.run([STRATO, *args, "--help"], capture_output=True, text=True, timeout=30)
            self.assertEqual(out.returncode, 0, out.stderr)
            self.assertIn("strato", (out.stdout + out.stderr).lower())
            self.assertGreater(len(out.stdout), 80)

    def test_unknown_command_and_bad_flag_fail_clearly(self):
        out = subprocess.run([STRATO, "frobnicate"], capture_output=True, text=True, timeout=30)
        self.assertEqual(out.returncode, 2)
        self.assertIn("unknown command 'frobnicate'", out.stderr)
        out = subprocess.run([STRATO, "serve", "--model-control-mode", "sometimes"],
                             capture_output=True, text=True, timeout=30)
        self.assertNotEqual(out.returncode, 0)
        self.assertIn("model-control-mode", out.stderr + out.stdout)
        out = subprocess.run([STRATO, "serve"], capture_output=True, text=True, timeout=30)
        self.assertEqual(out.returncode, 2)
        self.assertIn("--model-repository", out.stderr)


class PollReloadTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="strato-e2e-")
        demo = os.path.join(cls.tmp, "demo")
        subprocess.run([STRATO, "demo-repo", demo], check=True, capture_output=True, timeout=120)
        cls.repo = os.path.join(cls.tmp, "repo")
        os.makedirs(cls.repo)
        for m in ("simple", "xgb_fraud"):
            shutil.copytree(os.path.join(demo, m), os.path.join(cls.repo, m))
        cls.server = Server(cls.repo, "--model-control-mode", "poll", "--repository-poll-secs", "1")
        cls.server.wait_ready()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def wait_for(self, predicate, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if predicate():
                return True
            time.sleep(0.2)
        return False

    def test_1_new_version_under_load_has_zero_failures(self):
        url = self.server.base + "/v2/models/simple/infer"
        failures, versions, stop = [], set(), threading.Event()
        counts = [0]

        def client():
            while not stop.is_set():
                status, body = http("POST", url, simple_request())
                if status != 200:
                    failures.append((status, body))
                else:
                    versions.add(body["model_version"])
                    if body["outputs"][0]["data"] != [i + 2 for i in range(16)]:
                        failures.append(("wrong sum", body))
                    counts[0] += 1

        threads = [threading.Thread(target=client) for _ in range(4)]
        for t in threads:
            t.start()
        try:
            time.sleep(0.5)
            shutil.copytree(os.path.join(self.repo, "simple", "1"), os.path.join(self.repo, "simple", "2"))
            switched = self.wait_for(lambda: "2" in versions)
            time.sleep(0.5)
        finally:
            stop.set()
            for t in threads:
                t.join()
        self.assertTrue(switched, "version 2 never served:\n" + self.server.logs()[-3000:])
        self.assertEqual(failures, [], "requests failed during the reload")
        self.assertGreater(counts[0], 20)
        status, meta = http("GET", self.server.base + "/v2/models/simple")
        self.assertEqual(status, 200)
        self.assertEqual(meta["versions"], ["2"])  # latest 1: version 1 was retired

    def test_2_failed_reload_keeps_serving_old_version(self):
        bad = os.path.join(self.repo, "xgb_fraud", "2")
        os.makedirs(bad)
        for name in os.listdir(os.path.join(self.repo, "xgb_fraud", "1")):
            with open(os.path.join(bad, name), "wb") as f:
                f.write(b"this is not an xgboost model")

        def index_shows_failure():
            _, index = http("POST", self.server.base + "/v2/repository/index", {})
            return any(e.get("name") == "xgb_fraud" and e.get("version") == "2"
                       and e.get("state") == "UNAVAILABLE" and e.get("reason") for e in index)

        self.assertTrue(self.wait_for(index_shows_failure), self.server.logs()[-3000:])
        req = {"inputs": [{"name": "input__0", "datatype": "FP32", "shape": [2, 30],
                           "data": [0.5] * 60}]}
        status, body = http("POST", self.server.base + "/v2/models/xgb_fraud/infer", req)
        self.assertEqual(status, 200, body)
        self.assertEqual(body["model_version"], "1")
        self.assertEqual(body["outputs"][0]["shape"][0], 2)

    def test_3_bad_config_is_reported_with_file_and_line(self):
        d = os.path.join(self.repo, "broken")
        os.makedirs(os.path.join(d, "1"))
        with open(os.path.join(d, "config.pbtxt"), "w") as f:
            f.write('name: "broken"\nbackend: "identity"\nmax_batch_size: 4\nnot_a_field: 7\n')

        def reported():
            _, index = http("POST", self.server.base + "/v2/repository/index", {})
            return [e for e in index if e.get("name") == "broken" and e.get("state") == "UNAVAILABLE"]

        self.assertTrue(self.wait_for(lambda: bool(reported())), self.server.logs()[-3000:])
        reason = reported()[0]["reason"]
        self.assertIn("config.pbtxt:4", reason)
        self.assertIn("not_a_field", reason)
        status, body = http("POST", self.server.base + "/v2/models/broken/infer", {"inputs": []})
        self.assertIn(status, (400, 404, 503))
        self.assertIn("error", body)


class DrainTest(unittest.TestCase):
    def test_sigterm_drains_and_exits_zero(self):
        tmp = tempfile.mkdtemp(prefix="strato-drain-")
        try:
            subprocess.run([STRATO, "demo-repo", tmp], check=True, capture_output=True, timeout=120)
            server = Server(tmp)
            server.wait_ready()
            status, _ = http("POST", server.base + "/v2/models/simple/infer", simple_request())
            self.assertEqual(status, 200)
            server.proc.send_signal(signal.SIGTERM)
            self.assertEqual(server.proc.wait(timeout=30), 0, server.logs())
            self.assertIn("draining", server.logs())
            server.stop()
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--strato", required=True)
    args, rest = parser.parse_known_args()
    STRATO = args.strato
    unittest.main(argv=[sys.argv[0], "-v", *rest])
