#!/usr/bin/env python3
"""Elastic serving on one node, against `strato serve`:

  - scale to zero: an idle model is unloaded after --model-idle-unload-secs, the
    next requests (several at once) wait for the cold start and succeed, and the
    cold start is counted in the metrics; a model whose config sets
    idle_unload_secs to 0 stays loaded;
  - memory budget: two XGBoost models that do not fit together take turns (the
    least recently used idle one is evicted, and loads back on its next request),
    memory in use never exceeds the budget; a model bigger than the whole budget
    fails with an error naming its size and the budget;
  - autoscaling signals are exposed per model.

Real server process, real models written by `strato demo-repo`, HTTP over loopback.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import unittest

from lifecycle_util import http, free_port

STRATO = None
IDENT_BODY = {"inputs": [{"name": "INPUT0", "datatype": "FP32", "shape": [1, 3], "data": [1, 2, 3]}]}
XGB_BODY = {"inputs": [{"name": "input__0", "datatype": "FP32", "shape": [1, 30], "data": [0.5] * 30}]}


def log_events(path):
    """The JSON log lines of a server started with --log-format json."""
    events = []
    with open(path, errors="replace") as f:
        for line in f:
            if line.startswith("{"):
                try:
                    events.append(json.loads(line))
                except ValueError:
                    pass
    return events


class Serve:
    def __init__(self, repo, *extra):
        self.http_port, self.metrics_port = free_port(), free_port()
        self.log = tempfile.NamedTemporaryFile(prefix="strato-elastic-", suffix=".log", delete=False)
        self.proc = subprocess.Popen(
            [STRATO, "serve", "--model-repository", repo, "--http-address", "127.0.0.1",
             "--http-port", str(self.http_port), "--grpc-port", str(free_port()),
             "--metrics-port", str(self.metrics_port), "--strict-readiness", "false", "--log-format", "json",
             *extra],
            stdout=self.log, stderr=subprocess.STDOUT, env=dict(os.environ, OMP_WAIT_POLICY="PASSIVE"))
        self.base = f"http://127.0.0.1:{self.http_port}"
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if http("GET", self.base + "/v2/health/ready", timeout=2)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError("server not ready:\n" + open(self.log.name).read())

    def infer(self, model, body):
        return http("POST", f"{self.base}/v2/models/{model}/infer", body)

    def metric(self, name, model=None):
        code, text = http("GET", f"http://127.0.0.1:{self.metrics_port}/metrics")
        pattern = r"(?m)^" + re.escape(name) + (r'\{model="' + re.escape(model) + r'"\}' if model else "") + r" (\S+)"
        found = re.search(pattern, text)
        return float(found.group(1)) if found else None

    def wait_for(self, predicate, what, timeout=20):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if predicate():
                return
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for {what}\n" + open(self.log.name).read()[-3000:])

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=30)
        os.unlink(self.log.name)


def copy_model(src_repo, name, dst_repo, new_name, extra=""):
    shutil.copytree(os.path.join(src_repo, name), os.path.join(dst_repo, new_name))
    path = os.path.join(dst_repo, new_name, "config.pbtxt")
    with open(path) as f:
        text = f.read().replace(f'name: "{name}"', f'name: "{new_name}"')
    with open(path, "w") as f:
        f.write(text + extra)


class ElasticTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="strato-elastic-")
        cls.demo = os.path.join(cls.tmp, "demo")
        subprocess.run([STRATO, "demo-repo", cls.demo], check=True, capture_output=True)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def repo(self, name):
        path = os.path.join(self.tmp, name)
        os.makedirs(path)
        return path

    def test_scale_to_zero_and_back(self):
        repo = self.repo("s2z")
        copy_model(self.demo, "identity_fp32", repo, "idle")
        copy_model(self.demo, "identity_fp32", repo, "pinned",
                   'parameters { key: "idle_unload_secs" value: { string_value: "0" } }\n')
        server = Serve(repo, "--model-idle-unload-secs", "1")
        try:
            self.assertEqual(server.infer("idle", IDENT_BODY)[0], 200)
            self.assertEqual(server.infer("pinned", IDENT_BODY)[0], 200)
            server.wait_for(lambda: server.metric("strato_model_loaded", "idle") == 0, "idle unload")
            code, index = http("POST", server.base + "/v2/repository/index", {})
            entry = [e for e in index if e["name"] == "idle"][0]
            self.assertEqual(entry["state"], "UNAVAILABLE")
            self.assertIn("loads on the next request", entry["reason"])
            self.assertEqual(server.metric("strato_model_loaded", "pinned"), 1, "idle_unload_secs=0 keeps it")
            self.assertEqual(http("GET", server.base + "/v2/health/ready")[0], 200)
            # Several requests arrive while it is cold: every one waits and succeeds.
            answers = []
            threads = [threading.Thread(target=lambda: answers.append(server.infer("idle", IDENT_BODY)))
                       for _ in range(8)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            self.assertEqual([a[0] for a in answers], [200] * 8, answers)
            self.assertEqual(answers[0][1]["outputs"][0]["data"], [1, 2, 3])
            self.assertEqual(server.metric("strato_model_cold_starts_total", "idle"), 1)
            self.assertGreater(server.metric("strato_model_cold_start_last_seconds", "idle"), 0)
            self.assertGreaterEqual(server.metric("strato_model_idle_unloads_total", "idle"), 1)
            for name in ("strato_model_inflight_requests", "strato_model_queue_time_us",
                         "strato_model_desired_replicas"):
                self.assertIsNotNone(server.metric(name, "pinned"), name)
        finally:
            server.stop()

    def test_memory_budget_evicts_least_recently_used(self):
        repo = self.repo("budget")
        copy_model(self.demo, "xgb_fraud", repo, "xgb_a")
        copy_model(self.demo, "xgb_fraud", repo, "xgb_b")
        size = os.path.getsize(os.path.join(repo, "xgb_a", "1", "xgboost.json"))
        budget = int(size * 1.5)  # one fits, two do not
        server = Serve(repo, "--model-memory-budget-bytes", str(budget))
        try:
            for model in ("xgb_a", "xgb_b", "xgb_a", "xgb_b", "xgb_a"):
                code, body = server.infer(model, XGB_BODY)
                self.assertEqual(code, 200, body)
                server.wait_for(lambda: server.metric("strato_memory_used_bytes") is not None, "metrics")
                time.sleep(0.3)  # one elastic tick refreshes the gauges
                self.assertLessEqual(server.metric("strato_memory_used_bytes"), budget)
                self.assertEqual(server.metric("strato_model_loaded", model), 1)
            evictions = sum(server.metric("strato_model_evictions_total", m) or 0 for m in ("xgb_a", "xgb_b"))
            self.assertGreaterEqual(evictions, 4)
        finally:
            server.stop()

    def test_model_bigger_than_the_budget_fails_clearly(self):
        repo = self.repo("toosmall")
        copy_model(self.demo, "xgb_fraud", repo, "xgb")
        server = Serve(repo, "--model-memory-budget-bytes", "1000")
        try:
            code, body = server.infer("xgb", XGB_BODY)
            self.assertEqual(code, 503, body)
            self.assertIn("memory budget of 1000 bytes", body["error"])
            self.assertIn("needs", body["error"])
        finally:
            server.stop()

    def test_budget_is_checked_before_loading(self):
        repo = self.repo("estimate")
        copy_model(self.demo, "xgb_fraud", repo, "xgb")
        size = os.path.getsize(os.path.join(repo, "xgb", "1", "xgboost.json"))
        server = Serve(repo, "--model-memory-budget-bytes", str(size // 2))
        try:
            code, body = server.infer("xgb", XGB_BODY)
            self.assertEqual(code, 503, body)
            self.assertIn("estimated from its files", body["error"])
            loaded = [e for e in log_events(server.log.name) if e.get("msg") == "model loaded"]
            self.assertEqual(loaded, [], "the model was loaded before the budget refused it")
        finally:
            server.stop()

    def test_evictions_come_before_the_load_and_spare_zero_byte_models(self):
        repo = self.repo("order")
        copy_model(self.demo, "identity_fp32", repo, "ident")
        copy_model(self.demo, "xgb_fraud", repo, "xgb_a")
        copy_model(self.demo, "xgb_fraud", repo, "xgb_b")
        size = os.path.getsize(os.path.join(repo, "xgb_a", "1", "xgboost.json"))
        server = Serve(repo, "--model-memory-budget-bytes", str(int(size * 1.5)))
        try:
            # ident is the least recently used model all along, but holds no memory.
            for model, body in (("ident", IDENT_BODY), ("xgb_a", XGB_BODY), ("xgb_b", XGB_BODY),
                                ("xgb_a", XGB_BODY)):
                code, answer = server.infer(model, body)
                self.assertEqual(code, 200, answer)
            time.sleep(0.3)  # one elastic tick refreshes the gauges
            self.assertIsNone(server.metric("strato_model_evictions_total", "ident"), "a 0-byte model was evicted")
            self.assertEqual(server.metric("strato_model_loaded", "ident"), 1)
            self.assertGreaterEqual(server.metric("strato_model_evictions_total", "xgb_a"), 1)
            # Every eviction is logged before the load it makes room for.
            events = [e for e in log_events(server.log.name)
                      if e.get("msg") in ("evicting model for the memory budget", "model loaded")]
            for i, event in enumerate(events):
                if event["msg"] != "evicting model for the memory budget":
                    continue
                later = [e for e in events[i + 1:] if e["msg"] == "model loaded" and e["model"] == event["for"]]
                self.assertTrue(later, f"{event} came after the load of {event['for']}: {events}")
        finally:
            server.stop()

    def test_model_ready_does_not_wake_a_scaled_to_zero_model(self):
        repo = self.repo("probe")
        copy_model(self.demo, "identity_fp32", repo, "idle")
        server = Serve(repo, "--model-idle-unload-secs", "1")
        try:
            self.assertEqual(server.infer("idle", IDENT_BODY)[0], 200)
            server.wait_for(lambda: server.metric("strato_model_loaded", "idle") == 0, "idle unload")
            for _ in range(3):
                self.assertEqual(http("GET", server.base + "/v2/models/idle/ready")[0], 200)
            time.sleep(0.6)
            self.assertEqual(server.metric("strato_model_loaded", "idle"), 0, "the probe loaded the model")
            self.assertIsNone(server.metric("strato_model_cold_starts_total", "idle"))
            self.assertEqual(server.infer("idle", IDENT_BODY)[0], 200)
            self.assertEqual(server.metric("strato_model_cold_starts_total", "idle"), 1)
        finally:
            server.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--strato", required=True)
    args, rest = parser.parse_known_args()
    STRATO = os.path.abspath(args.strato)
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)
