#!/usr/bin/env python3
"""Regression tests for defects found in an end-to-end run of the model
lifecycle (issue 20), against `strato serve --registry` and `strato model`:

  - readiness after a restart means every deployed production version is
    loaded, and the 503 answer names the missing ones;
  - production serves after a restart even when its canary cannot load;
  - a change requested while another one is loading gets 409 at once;
  - the memory budget is checked (and others evicted) before a load;
  - model-ready never wakes a scaled-to-zero model; zero-byte models are
    never evicted;
  - a version answering with a shape its config does not declare errors, and
    the error-rate rule rolls such a canary back;
  - shadow copies are bounded and counted apart from client requests;
  - the CLI prints tables (--json for machines) and takes STRATO_URL.

Real server processes, real CLI processes, HTTP over loopback.
"""
import argparse
import json
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import unittest

from lifecycle_util import Server, http, model_cli, write_model

STRATO = None


def wait_until(predicate, what, timeout=30, interval=0.05):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError("timed out waiting for " + what)


class Fixture(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="strato-defects-")
        self.repo = os.path.join(self.tmp, "repo")
        self.registry = os.path.join(self.tmp, "reg")
        os.makedirs(self.repo)
        self.servers = []

    def tearDown(self):
        for server in self.servers:
            server.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def serve(self, *extra):
        server = Server(STRATO, self.repo, self.registry, *extra)
        self.servers.append(server)
        return server

    def stop(self, server):
        server.stop()
        self.servers.remove(server)

    def cli(self, *args, server=None, check=True):
        return model_cli(STRATO, self.registry, *args, url=server.base if server else None, check=check)

    def push(self, model, tag, **kw):
        folder = write_model(os.path.join(self.tmp, "src-%s-%s" % (model, tag)), tag.encode() * 100, **kw)
        out = self.cli("push", model, folder).stdout
        return int(out.split("version ")[1].split()[0])

    def corrupt(self, server, model, version):
        """Bit rot in the registry and no intact copy in the repository."""
        record = http("GET", "%s/v1/registry/models/%s/versions/%d" % (server.base, model, version))[1]
        for f in record["files"]:
            with open(os.path.join(self.registry, "blobs", "sha256", f["sha256"]), "wb") as blob:
                blob.write(b"bit rot")
        shutil.rmtree(os.path.join(self.repo, model, str(version)), ignore_errors=True)


# An identity config whose warm-up makes every load of a version take a while.
SLOW_CONFIG = """name: "slow"
backend: "identity"
max_batch_size: 1
input [ { name: "INPUT0" data_type: TYPE_FP32 dims: [ -1 ] } ]
output [ { name: "OUTPUT0" data_type: TYPE_FP32 dims: [ -1 ] } ]
model_warmup [ { name: "slow_load" batch_size: 1 count: %d
  inputs { key: "INPUT0" value { data_type: TYPE_FP32 dims: [ 262144 ] zero_data: true } } } ]
"""
SLOW_WARMUPS = int(os.environ.get("STRATO_TEST_SLOW_WARMUPS", "10000"))


class ConcurrentChangeTest(Fixture):
    def test_a_change_during_a_slow_load_gets_409_and_inference_goes_on(self):
        v1 = self.push("slow", "v1", config=SLOW_CONFIG % SLOW_WARMUPS)
        v2 = self.push("slow", "v2", config=SLOW_CONFIG % SLOW_WARMUPS)
        # One io thread: a management call blocking it would stall every connection.
        # The warm-up count is above the default server cap on purpose (a slow load).
        server = self.serve("--http-thread-count", "1", "--deploy-auto-promote", "false",
                            "--max-warmup-count", str(max(SLOW_WARMUPS, 1000)))
        self.cli("promote", "slow", str(v1), server=server)
        canary = {}

        def set_canary():
            canary["answer"] = http("POST", server.base + "/v1/deployments/slow/canary",
                                    {"version": v2, "weight": 0.5})
            canary["done"] = time.time()
        thread = threading.Thread(target=set_canary)
        thread.start()
        time.sleep(0.3)
        body = {"inputs": [{"name": "INPUT0", "datatype": "FP32", "shape": [1, 2], "data": [1, 2]}]}
        sent = time.time()
        code, answer = http("POST", server.base + "/v2/models/slow/infer", body)
        inferred = time.time()
        self.assertEqual(code, 200, answer)
        code, answer = http("POST", server.base + "/v1/deployments/slow/rollback", {})
        refused = self.cli("rollback", "slow", server=server, check=False)
        thread.join()
        self.assertLess(sent, canary["done"], "the canary loaded too fast to test; raise STRATO_TEST_SLOW_WARMUPS")
        self.assertLess(inferred, canary["done"], "inference waited for the management call")
        self.assertEqual(code, 409, answer)
        self.assertIn("in progress", answer["error"])
        self.assertEqual(refused.returncode, 3, refused.stderr)
        self.assertEqual(canary["answer"][0], 200, canary)
        status = http("GET", server.base + "/v1/deployments/slow")[1]
        self.assertEqual((status["production"], status["canary"]), (v1, v2))


XGB_BODY = {"inputs": [{"name": "input__0", "datatype": "FP32", "shape": [1, 30], "data": [0.5] * 30}]}


class ErrorRateRollbackTest(Fixture):
    """The documented way to try the error-rate rule: a canary answering a
    shape its config does not declare."""

    def test_wrong_shape_canary_errors_and_is_rolled_back(self):
        demo, wrong = os.path.join(self.tmp, "demo"), os.path.join(self.tmp, "wrong")
        subprocess.run([STRATO, "demo-repo", demo, "--wrong-shape-version", wrong], check=True,
                       capture_output=True, timeout=300)
        good = os.path.join(self.tmp, "good")
        os.makedirs(good)
        shutil.copy(os.path.join(demo, "xgb_fraud", "config.pbtxt"), good)
        shutil.copy(os.path.join(demo, "xgb_fraud", "1", "xgboost.json"), good)
        v1 = int(self.cli("push", "xgb_fraud", good).stdout.split("version ")[1].split()[0])
        v2 = int(self.cli("push", "xgb_fraud", wrong).stdout.split("version ")[1].split()[0])
        server = self.serve("--deploy-min-breach-requests", "10", "--deploy-evaluate-ms", "200",
                            "--deploy-window-secs", "60")
        self.cli("promote", "xgb_fraud", str(v1), server=server)
        self.cli("canary", "xgb_fraud", str(v2), "--weight", "0.5", server=server)
        code, body = http("POST", "%s/v2/models/xgb_fraud/versions/%d/infer" % (server.base, v2), XGB_BODY)
        self.assertEqual(code, 500, body)
        self.assertIn("shape [1,2]", body["error"])
        self.assertIn("[-1,1]", body["error"])

        def rolled_back():
            for _ in range(10):
                http("POST", server.base + "/v2/models/xgb_fraud/infer", XGB_BODY)
            return http("GET", server.base + "/v1/deployments/xgb_fraud")[1]["canary"] == 0
        wait_until(rolled_back, "the error-rate rollback")
        last = http("GET", server.base + "/v1/deployments/xgb_fraud/audit")[1][0]
        self.assertEqual((last["action"], last["actor"]), ("rollback", "policy"))
        self.assertIn("error rate", last["detail"]["reason"])
        code, body = http("POST", server.base + "/v2/models/xgb_fraud/infer", XGB_BODY)
        self.assertEqual((code, body.get("model_version")), (200, str(v1)), body)


class ShadowTest(Fixture):
    def shadowed(self, *flags):
        v1 = self.push("ident", "v1")
        v2 = self.push("ident", "v2")
        server = self.serve(*flags)
        self.cli("promote", "ident", str(v1), server=server)
        self.cli("shadow", "ident", str(v2), server=server)
        return server

    def test_shadow_copies_are_not_client_requests(self):
        server = self.shadowed()
        for _ in range(40):
            self.assertEqual(server.infer()[0], 200)
        wait_until(lambda: server.metric_sum("strato_shadow_requests_total", model="ident", result="success") >= 40,
                   "40 shadow answers")
        self.assertEqual(server.metric_sum("nv_inference_request_success", model="ident"), 40)
        wait_until(lambda: http("GET", server.base + "/v1/deployments/ident")[1]["shadow_compared"] == 40,
                   "40 comparisons")

    def test_shadow_sampling_and_bound(self):
        server = self.shadowed("--deploy-shadow-fraction", "0.5", "--deploy-shadow-max-pending", "1")
        answers = []

        def client():
            for _ in range(50):
                answers.append(server.infer()[0])
        threads = [threading.Thread(target=client) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(answers, [200] * 200)

        def settled():
            sent = server.metric_sum("strato_shadow_requests_total", model="ident")
            status = http("GET", server.base + "/v1/deployments/ident")[1]
            done = status["shadow_compared"] + status["shadow_failed"] + status["shadow_dropped"]
            return sent == done and (sent, status)
        sent, status = wait_until(settled, "every shadow copy answered or dropped")
        # About half the requests were sampled (binomial: 100 +- 7; the bound is far wider).
        self.assertGreater(sent, 40)
        self.assertLess(sent, 160)
        self.assertEqual(server.metric_sum("nv_inference_request_success", model="ident"), 200)


class PromoteWindowTest(Fixture):
    def test_idle_time_does_not_count_towards_promotion(self):
        v1 = self.push("ident", "v1")
        v2 = self.push("ident", "v2")
        server = self.serve("--deploy-window-secs", "2", "--deploy-min-requests", "5",
                            "--deploy-evaluate-ms", "100", "--deploy-p99-margin", "100")
        self.cli("promote", "ident", str(v1), server=server)
        self.cli("canary", "ident", str(v2), "--weight", "1", server=server)
        time.sleep(2.5)  # no traffic: this is not time the canary proved itself
        for _ in range(10):
            self.assertEqual(server.infer()[0], 200)
        time.sleep(0.5)
        status = http("GET", server.base + "/v1/deployments/ident")[1]
        self.assertEqual(status["canary"], v2, "promoted after one second of traffic")
        self.assertLess(status["canary_age_secs"], 2)

        def promoted():
            server.infer()
            return http("GET", server.base + "/v1/deployments/ident")[1]["production"] == v2
        wait_until(promoted, "the promotion after 2 s with traffic", interval=0.1)


class SmallDefectsTest(Fixture):
    def test_registry_cli_defects(self):
        v1 = self.push("ident", "v1")
        # A Triton model folder (<model>/config.pbtxt + <model>/1/...) stores the version's contents.
        triton = os.path.join(self.tmp, "triton")
        write_model(os.path.join(triton, "1"), b"triton weights")
        os.rename(os.path.join(triton, "1", "config.pbtxt"), os.path.join(triton, "config.pbtxt"))
        pushed = self.cli("push", "ident", triton, "--label", "team=risk", "--pipeline", "p2",
                          "--parent", "ident:%d" % v1)
        v2 = int(pushed.stdout.split("version ")[1].split()[0])
        shown = self.cli("show", "ident", str(v2)).stdout
        self.assertIn("weights.bin", shown)
        self.assertNotIn("1/weights.bin", shown)
        # An unknown parent is refused; an identical push is stored with a warning.
        refused = self.cli("push", "ident", triton, "--parent", "nosuch:99", check=False)
        self.assertEqual(refused.returncode, 1)
        self.assertIn("nosuch:99", refused.stderr)
        again = self.cli("push", "ident", triton)
        self.assertIn("same content as version %d" % v2, again.stderr)
        # diff names the lineage and label changes with their values.
        diff = self.cli("diff", "ident", str(v1), str(v2)).stdout
        self.assertIn("pipeline: - -> p2", diff)
        self.assertIn("parent: - -> ident:%d" % v1, diff)
        self.assertIn("label team: - -> risk", diff)
        # The Triton-layout version serves.
        server = self.serve()
        self.cli("promote", "ident", str(v2), server=server)
        code, body = server.infer()
        self.assertEqual((code, body.get("model_version")), (200, str(v2)), body)
        self.assertEqual(sorted(os.listdir(os.path.join(self.repo, "ident"))), [str(v2), "config.pbtxt"])

    def test_a_failed_change_leaves_no_trace(self):
        v1 = self.push("ident", "v1")
        broken = self.push("ident", "broken", config='name: "ident"\nbackend: "no_such_backend"\n')
        server = self.serve()
        self.cli("promote", "ident", str(v1), server=server)
        failed = self.cli("promote", "ident", str(broken), server=server, check=False)
        self.assertNotEqual(failed.returncode, 0)
        self.assertEqual(sorted(os.listdir(os.path.join(self.repo, "ident"))), [str(v1), "config.pbtxt"])
        code, index = http("POST", server.base + "/v2/repository/index", {})
        self.assertEqual([(e["version"], e["state"]) for e in index if e["name"] == "ident"], [(str(v1), "READY")],
                         index)
        self.assertEqual(http("GET", server.base + "/v2/health/ready")[0], 200)
        # A first publish that fails leaves the server ready and the repository clean.
        other = self.push("other", "x", config='name: "other"\nbackend: "no_such_backend"\n')
        failed = self.cli("promote", "other", str(other), server=server, check=False)
        self.assertNotEqual(failed.returncode, 0)
        self.assertFalse(os.path.exists(os.path.join(self.repo, "other")))
        self.assertEqual(http("GET", server.base + "/v2/health/ready")[0], 200)


class CliOutputTest(Fixture):
    def test_tables_json_dates_actor_and_url_from_the_environment(self):
        env = {k: v for k, v in os.environ.items() if k not in ("USER", "STRATO_URL")}
        env["STRATO_REGISTRY"] = self.registry

        def model(*args, **extra):
            out = subprocess.run([STRATO, "model", *args], capture_output=True, text=True, timeout=60,
                                 env=dict(env, **extra))
            self.assertEqual(out.returncode, 0, out.stderr)
            return out.stdout
        folder = write_model(os.path.join(self.tmp, "src-v1"), b"v1" * 50)
        model("push", "ident", folder)
        me = pwd.getpwuid(os.geteuid()).pw_name
        listed = model("list")
        self.assertRegex(listed, r"PUSHED\s+BY")
        self.assertRegex(listed, r"ident\s+1\s+staging\s+\S+\s+[\d.]+ \S+\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\s+"
                         + me)
        self.assertRegex(model("show", "ident", "1"), r"pushed:\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC by " + me)
        server = self.serve()
        promoted = model("promote", "ident", "1", STRATO_URL=server.base)
        self.assertIn("promote ident: done", promoted)
        self.assertRegex(promoted, r"1\s+production\s+100%")
        status = model("status", "ident", STRATO_URL=server.base)
        self.assertIn("VERSION  ROLE", status)
        self.assertIn("next decision:", status)
        machine = json.loads(model("status", "ident", "--json", STRATO_URL=server.base))
        self.assertEqual(machine["production"], 1)
        audit = model("audit", "ident")
        self.assertRegex(audit, r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\s+ident\s+promote\s+by " + me)
        self.assertEqual(json.loads(model("audit", "ident", "--json"))[0]["actor"], me)


class RestartTest(Fixture):
    def test_ready_waits_for_every_deployed_production_version(self):
        v1 = self.push("ident", "v1")
        server = self.serve()
        self.cli("promote", "ident", str(v1), server=server)
        wait_until(lambda: http("GET", server.base + "/v2/health/ready")[0] == 200, "ready")
        self.corrupt(server, "ident", v1)
        self.stop(server)
        server = self.serve()
        # The restore failed: production is not loaded, so the server is not ready,
        # and the answer says which version is missing.
        wait_until(lambda: "could not restore" in server.logs(), "the failed restore")
        code, body = http("GET", server.base + "/v2/health/ready")
        self.assertEqual(code, 503, body)
        self.assertIn("ident:%d" % v1, body["error"])
        self.assertNotEqual(server.infer()[0], 200)

    def test_production_serves_when_its_canary_cannot_load(self):
        v1 = self.push("ident", "v1")
        v2 = self.push("ident", "v2")
        server = self.serve("--deploy-auto-promote", "false", "--deploy-auto-rollback", "false")
        self.cli("promote", "ident", str(v1), server=server)
        self.cli("canary", "ident", str(v2), "--weight", "0.5", server=server)
        self.corrupt(server, "ident", v2)
        self.stop(server)
        server = self.serve("--deploy-auto-promote", "false", "--deploy-auto-rollback", "false")
        wait_until(lambda: http("GET", server.base + "/v2/health/ready")[0] == 200, "ready")
        for _ in range(10):
            code, body = server.infer()
            self.assertEqual((code, body.get("model_version")), (200, str(v1)), body)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--strato", required=True)
    args, rest = parser.parse_known_args()
    STRATO = os.path.abspath(args.strato)
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)
