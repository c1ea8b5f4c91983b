#!/usr/bin/env python3
"""Deployments end to end against `strato serve --registry`:

  1. under constant load from `strato perf` (HTTP, concurrency 32, plus gRPC
     at concurrency 4) a push -> canary -> promote -> canary -> rollback ->
     rollback-to-v1 cycle completes with zero failed requests;
  2. bad input: a version whose config fails to load, a corrupt artifact, deleting
     what serves traffic, unknown versions, concurrent promote/rollback (409);
  3. after a restart (deployment restored): the policy promotes a healthy canary
     and rolls back a failing one by itself, both written to the audit log;
     a shadow receives copies whose answers are compared and never returned.

Real server, real `strato perf` and `strato model` processes, HTTP over loopback.
"""
import argparse
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import unittest

from lifecycle_util import INFER_BODY, Server, http, model_cli, write_model

STRATO = None


class LifecycleTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="strato-lifecycle-")
        cls.repo = os.path.join(cls.tmp, "repo")
        cls.registry = os.path.join(cls.tmp, "reg")
        os.makedirs(cls.repo)
        cls.server = None

    @classmethod
    def tearDownClass(cls):
        if cls.server:
            cls.server.stop()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def cli(self, *args, check=True):
        return model_cli(STRATO, self.registry, *args, url=self.server.base if self.server else None, check=check)

    def push(self, tag, **kw):
        folder = write_model(os.path.join(self.tmp, "src-" + tag), tag.encode() * 100, **kw)
        out = self.cli("push", "ident", folder, "--metric", "auc=0.9", "--label", "tag=" + tag).stdout
        return int(out.split("version ")[1].split()[0])

    def status(self):
        code, body = http("GET", self.server.base + "/v1/deployments/ident")
        self.assertEqual(code, 200, body)
        return body

    def audit(self):
        code, body = http("GET", self.server.base + "/v1/deployments/ident/audit")
        self.assertEqual(code, 200, body)
        return body

    def start_perf(self, protocol, port, concurrency, out):
        return subprocess.Popen(
            [STRATO, "perf", "-m", "ident", "-u", f"127.0.0.1:{port}", "-i", protocol,
             "--concurrency-range", str(concurrency), "--shape", "INPUT0:4", "-p", "1000", "-r", "18",
             "-s", "0", "--warmup-ms", "200", "--json", out, "-q"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)

    def test_1_cycle_under_load_has_zero_failures(self):
        v1 = self.push("v1")
        type(self).server = Server(STRATO, self.repo, self.registry, "--deploy-auto-promote", "false",
                                   "--deploy-auto-rollback", "false")
        self.cli("promote", "ident", str(v1))
        self.assertEqual(self.server.infer()[0], 200)
        http_out, grpc_out = os.path.join(self.tmp, "perf-http.json"), os.path.join(self.tmp, "perf-grpc.json")
        perf_http = self.start_perf("http", self.server.http_port, 32, http_out)
        perf_grpc = self.start_perf("grpc", self.server.grpc_port, 4, grpc_out)
        time.sleep(1.5)
        v2 = self.push("v2")
        self.cli("canary", "ident", str(v2), "--weight", "0.3")
        time.sleep(1.5)
        self.assertGreater(self.status()["canary_window"]["requests"], 0, "the canary got no traffic")
        self.cli("promote", "ident")
        self.assertEqual(self.status()["production"], v2)
        time.sleep(1.0)
        v3 = self.push("v3")
        self.cli("canary", "ident", str(v3), "--weight", "0.5", "--sticky-key", "user")
        time.sleep(1.0)
        self.cli("rollback", "ident", "--reason", "test rollback")
        time.sleep(0.5)
        self.cli("rollback", "ident", str(v1))
        time.sleep(0.5)
        self.assertIsNone(perf_http.poll(), "the load ended before the cycle completed; lengthen it")
        self.assertIsNone(perf_grpc.poll(), "the gRPC load ended before the cycle completed")
        for proc, out in ((perf_http, http_out), (perf_grpc, grpc_out)):
            _, err = proc.communicate(timeout=60)
            self.assertEqual(proc.returncode, 0, err)
            with open(out) as f:
                results = json.load(f)["results"]
            errors = sum(r["errors"] for r in results)
            requests = sum(r["requests"] for r in results)
            self.assertEqual(errors, 0, f"{out}: {[r['first_error'] for r in results]}")
            self.assertGreater(requests, 500)
        self.assertEqual(self.server.metric_sum("nv_inference_request_failure"), 0)
        spec = self.status()
        self.assertEqual((spec["production"], spec["canary"]), (v1, 0))
        actions = [e["action"] for e in reversed(self.audit()) if e["action"] != "push"]
        self.assertEqual(actions, ["promote", "canary", "promote", "canary", "rollback", "rollback"])
        self.assertEqual(sorted(os.listdir(os.path.join(self.repo, "ident"))), ["1", "config.pbtxt"])
        listed = self.cli("list", "ident").stdout
        self.assertRegex(listed, r"ident\s+1\s+production")
        self.assertRegex(listed, r"ident\s+2\s+archived")

    def test_2_bad_input_leaves_production_untouched(self):
        self.assertIsNotNone(self.server, "needs test_1's server")
        before = self.status()["production"]
        broken = self.push("broken", config='name: "ident"\nbackend: "no_such_backend"\n')
        # Versions share one config.pbtxt: a config change cannot be a canary...
        refused = self.cli("canary", "ident", str(broken), check=False)
        self.assertEqual(refused.returncode, 3, refused.stderr)  # 409
        self.assertIn("promote it directly", refused.stderr)
        # ...and a direct promote whose config fails to load changes nothing.
        failed = self.cli("promote", "ident", str(broken), check=False)
        self.assertNotEqual(failed.returncode, 0)
        self.assertIn("loading ident", failed.stderr)
        self.assertEqual(self.status()["production"], before)
        self.assertEqual(self.status()["canary"], 0)
        code, body = self.server.infer()
        self.assertEqual(code, 200, body)
        self.assertEqual(body["model_version"], str(before))
        # A corrupt artifact is refused and never reaches the repository.
        corrupt = self.push("corrupt")
        record = http("GET", f"{self.server.base}/v1/registry/models/ident/versions/{corrupt}")[1]
        blob = os.path.join(self.registry, "blobs", "sha256", record["files"][0]["sha256"])
        with open(blob, "wb") as f:
            f.write(b"bit rot")
        code, body = http("POST", self.server.base + "/v1/deployments/ident/canary", {"version": corrupt})
        self.assertEqual(code, 500, body)
        self.assertIn("corrupt", body["error"])
        self.assertFalse(os.path.exists(os.path.join(self.repo, "ident", str(corrupt))))
        self.assertEqual(self.server.infer()[0], 200)
        # Clear errors for what cannot be done.
        code, body = http("DELETE", f"{self.server.base}/v1/registry/models/ident/versions/{before}")
        self.assertEqual(code, 409, body)
        self.assertIn("serves traffic", body["error"])
        self.assertEqual(http("GET", self.server.base + "/v1/registry/models/ident/versions/99")[0], 404)
        self.assertEqual(http("POST", self.server.base + "/v1/deployments/ident/canary", {"version": 99})[0], 404)
        code, body = http("POST", self.server.base + "/v1/deployments/ident/canary", {"version": 2, "weight": 3})
        self.assertEqual(code, 400)
        self.assertIn("weight", body["error"])
        code, body = http("POST", self.server.base + "/v1/deployments/ident/canary", b"{not json")
        self.assertEqual(code, 400)
        self.assertEqual(http("POST", self.server.base + "/v1/deployments/ident/promote", {})[0], 409)
        # Concurrent promote and rollback: one wins, the other gets a conflict.
        self.cli("canary", "ident", "2", "--weight", "0.1")
        answers = []

        def call(action):
            answers.append(http("POST", f"{self.server.base}/v1/deployments/ident/{action}", {})[0])
        threads = [threading.Thread(target=call, args=(a,)) for a in ("promote", "rollback")]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(sorted(answers), [200, 409])
        self.assertEqual(self.status()["canary"], 0)
        # Sticky routing (this server's policy is off): a caller's key pins it to one version.
        production = self.status()["production"]
        other = 3 if production != 3 else 1
        self.cli("canary", "ident", str(other), "--weight", "0.5", "--sticky-key", "user")
        seen = {}
        for user in range(24):
            body = dict(INFER_BODY, parameters={"user": f"u{user}"})
            versions = {self.server.infer(body=body)[1]["model_version"] for _ in range(4)}
            self.assertEqual(len(versions), 1, f"user u{user} moved between versions {versions}")
            seen[user] = versions.pop()
        self.assertEqual(set(seen.values()), {str(production), str(other)}, "both versions should get users")
        self.cli("rollback", "ident")

    def test_2b_push_over_rest_then_canary(self):
        self.assertIsNotNone(self.server, "needs test_1's server")
        production = self.status()["production"]
        shown = http("GET", f"{self.server.base}/v1/registry/models/ident/versions/{production}")[1]
        # Re-push production's own files over REST: same content, same digest, a new version.
        files = {}
        for f in shown["files"]:
            with open(os.path.join(self.registry, "blobs", "sha256", f["sha256"]), "rb") as blob:
                files[f["path"]] = base64.b64encode(blob.read()).decode()
        with open(os.path.join(self.repo, "ident", "config.pbtxt"), "rb") as cfg:
            files.setdefault("config.pbtxt", base64.b64encode(cfg.read()).decode())
        code, body = http("POST", self.server.base + "/v1/registry/models/ident/versions",
                          {"files": files, "labels": {"via": "rest"}, "created_by": "e2e"})
        self.assertEqual(code, 201, body)
        self.assertEqual(body["labels"], {"via": "rest"})
        pushed = body["version"]
        code, body = http("POST", self.server.base + "/v1/deployments/ident/canary", {"version": pushed, "weight": 0.5})
        self.assertEqual(code, 200, body)
        versions = {self.server.infer()[1]["model_version"] for _ in range(40)}
        self.assertIn(str(pushed), versions)
        self.cli("rollback", "ident")
        code, body = http("POST", self.server.base + "/v1/registry/models/ident/versions",
                          {"files": {"../../etc/passwd": "YQ=="}})
        self.assertEqual(code, 400, body)
        self.assertIn("..", body["error"])

    def test_3_policy_promotes_and_rolls_back_by_itself(self):
        self.assertIsNotNone(self.server, "needs test_1's server")
        production = self.status()["production"]
        self.server.stop()
        type(self).server = Server(STRATO, self.repo, self.registry, "--deploy-window-secs", "2",
                                   "--deploy-min-requests", "30", "--deploy-min-breach-requests", "10",
                                   "--deploy-evaluate-ms", "200",
                                   # p99 over a few dozen requests on a shared CI machine is noise;
                                   # the latency rule is covered by policy_test.
                                   "--deploy-p99-margin", "100")
        # Restored from the registry at start.
        code, body = self.server.infer()
        self.assertEqual((code, body["model_version"]), (200, str(production)))
        healthy = 3
        self.cli("canary", "ident", str(healthy), "--weight", "0.5")
        deadline = time.time() + 30
        while time.time() < deadline and self.status()["canary"] == healthy:
            for _ in range(20):
                self.server.infer()
            time.sleep(0.05)
        self.assertEqual(self.status()["production"], healthy,
                         f"the policy did not promote a healthy canary: {self.audit()[0]}")
        last = self.audit()[0]
        self.assertEqual((last["action"], last["actor"]), ("promote", "policy"))
        self.assertIn("healthy", last["detail"]["reason"])
        # Labelled feedback says the canary answers wrong: it is rolled back.
        failing = self.push("failing")
        self.cli("canary", "ident", str(failing), "--weight", "0.5")
        for version, score in ((failing, 0.0), (healthy, 1.0)) * 5:
            code, body = http("POST", self.server.base + "/v1/deployments/ident/feedback",
                              {"version": version, "score": score})
            self.assertEqual(code, 200, body)
        deadline = time.time() + 30
        while time.time() < deadline and self.status()["canary"] == failing:
            for _ in range(10):
                self.server.infer()
        spec = self.status()
        self.assertEqual((spec["production"], spec["canary"]), (healthy, 0))
        last = self.audit()[0]
        self.assertEqual((last["action"], last["actor"]), ("rollback", "policy"))
        self.assertIn("quality", last["detail"]["reason"])
        self.assertEqual(http("POST", self.server.base + "/v1/deployments/ident/feedback",
                              {"version": healthy, "score": 7})[0], 400)
        self.assertGreater(self.server.metric_sum("strato_deployment_changes_total", action="rollback", by="policy"), 0)
        # Shadow: gets a copy of every request, its answers are compared, never returned.
        self.cli("shadow", "ident", "1")
        versions = {self.server.infer()[1]["model_version"] for _ in range(40)}
        self.assertEqual(versions, {str(healthy)})
        deadline = time.time() + 10
        while time.time() < deadline and self.status()["shadow_compared"] < 40:
            time.sleep(0.1)
        spec = self.status()
        self.assertEqual(spec["shadow_compared"], 40)
        self.assertEqual(spec["shadow_mismatched"], 0, "identity versions answer alike")
        self.cli("shadow", "ident", "0")


class ModelCliTest(unittest.TestCase):
    def test_help_and_bad_arguments(self):
        for args in (["model", "--help"], ["model", "push", "--help"], ["model", "canary", "--help"]):
            out = subprocess.run([STRATO, *args], capture_output=True, text=True, timeout=30)
            self.assertEqual(out.returncode, 0, out.stderr)
            self.assertGreater(len(out.stdout), 80)
        with tempfile.TemporaryDirectory() as tmp:
            reg = os.path.join(tmp, "reg")
            out = subprocess.run([STRATO, "model", "show", "nope", "1", "--registry", reg],
                                 capture_output=True, text=True, timeout=30)
            self.assertEqual(out.returncode, 1)
            self.assertIn("unknown model 'nope'", out.stderr)
            out = subprocess.run([STRATO, "model", "--registry", reg, "push", "m", os.path.join(tmp, "missing")],
                                 capture_output=True, text=True, timeout=30)
            self.assertEqual(out.returncode, 1)
            self.assertIn("is not a folder", out.stderr)
            out = subprocess.run([STRATO, "model", "--registry", reg, "--url", "127.0.0.1:1", "promote", "m", "1"],
                                 capture_output=True, text=True, timeout=30)
            self.assertEqual(out.returncode, 1)
            self.assertIn("cannot reach the strato server", out.stderr)
            os.makedirs(os.path.join(tmp, "repo"))
            out = subprocess.run([STRATO, "serve", "--model-repository", os.path.join(tmp, "repo"),
                                  "--registry", reg, "--http-port", "0", "--grpc-port", "0", "--metrics-port", "0"],
                                 capture_output=True, text=True, timeout=30)
            self.assertEqual(out.returncode, 1)
            self.assertIn("--model-control-mode explicit", out.stderr + out.stdout)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--strato", required=True)
    args, rest = parser.parse_known_args()
    STRATO = os.path.abspath(args.strato)
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)
