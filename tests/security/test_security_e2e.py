#!/usr/bin/env python3
"""Security end-to-end tests (issue 10): each finding attacked as the issue
reproduced it, against a real `strato serve` on loopback, with real clients
(urllib, raw sockets, python3-grpcio, the strato CLI).

Run with /usr/bin/python3 (Debian's grpcio):
  /usr/bin/python3 test_security_e2e.py --strato build/release/src/cli/strato --proto-dir proto
"""
import argparse
import base64
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "common"))
from strato_process import ServeProcess, http  # noqa: E402

STRATO = None
PROTO_DIR = None
pb = pb_grpc = None

# A valid two-feature XGBoost 1.7 model with one tree of three nodes.
TINY_MODEL = {
    "learner": {
        "attributes": {}, "feature_names": [], "feature_types": [],
        "gradient_booster": {
            "model": {
                "gbtree_model_param": {"num_parallel_tree": "1", "num_trees": "1", "size_leaf_vector": "0"},
                "tree_info": [0],
                "trees": [{
                    "base_weights": [0.0, 0.5, -0.5], "categories": [], "categories_nodes": [],
                    "categories_segments": [], "categories_sizes": [], "default_left": [0, 0, 0], "id": 0,
                    "left_children": [1, -1, -1], "loss_changes": [1.0, 0.0, 0.0],
                    "parents": [2147483647, 0, 0], "right_children": [2, -1, -1],
                    "split_conditions": [0.5, 0.25, -0.25], "split_indices": [0, 0, 0],
                    "split_type": [0, 0, 0], "sum_hessian": [2.0, 1.0, 1.0],
                    "tree_param": {"num_deleted": "0", "num_feature": "2", "num_nodes": "3",
                                   "size_leaf_vector": "0"}}]},
            "name": "gbtree"},
        "learner_model_param": {"base_score": "5E-1", "num_class": "0", "num_feature": "2", "num_target": "1"},
        "objective": {"name": "reg:squarederror", "reg_loss_param": {"scale_pos_weight": "1"}}},
    "version": [1, 7, 4]}


def xgb_config(name, extra=None):
    config = {"name": name, "backend": "xgboost", "max_batch_size": 8,
              "input": [{"name": "input__0", "data_type": "TYPE_FP32", "dims": [2]}],
              "output": [{"name": "output__0", "data_type": "TYPE_FP32", "dims": [1]}],
              "parameters": {"model_type": {"string_value": "xgboost_json"}}}
    config.update(extra or {})
    return config


def model_bytes(model):
    # XGBoost needs floats written with a decimal point.
    return json.dumps(model, separators=(",", ":")).encode()


def evil_model():
    model = json.loads(json.dumps(TINY_MODEL))
    model["learner"]["gradient_booster"]["model"]["trees"][0]["left_children"][0] = 1000000
    return model


def load_body(config, files):
    params = {"config": json.dumps(config)}
    for key, data in files.items():
        params["file:" + key] = base64.b64encode(data).decode()
    return {"parameters": params}


def write_repo(root):
    model_dir = os.path.join(root, "good")
    os.makedirs(os.path.join(model_dir, "1"))
    with open(os.path.join(model_dir, "1", "model.json"), "wb") as f:
        f.write(model_bytes(TINY_MODEL))
    with open(os.path.join(model_dir, "config.pbtxt"), "w") as f:
        f.write('name: "good" backend: "xgboost" max_batch_size: 8\n'
                'input [{ name: "input__0" data_type: TYPE_FP32 dims: [2] }]\n'
                'output [{ name: "output__0" data_type: TYPE_FP32 dims: [1] }]\n'
                'parameters { key: "model_type" value { string_value: "xgboost_json" } }\n')


def infer_good(base, headers=None):
    body = json.dumps({"inputs": [{"name": "input__0", "shape": [1, 2], "datatype": "FP32",
                                   "data": [1.0, 0.0]}]}).encode()
    req = urllib.request.Request(base + "/v2/models/good/infer", data=body, method="POST",
                                 headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(errors="replace")


def request(base, method, path, body=None, headers=None, content_type="application/json"):
    """(status, headers, body) with full control over the headers sent."""
    data = json.dumps(body).encode() if isinstance(body, (dict, list)) else body
    h = dict(headers or {})
    if content_type is not None and data is not None:
        h["Content-Type"] = content_type
    req = urllib.request.Request(base + path, data=data, method=method, headers=h)
    if content_type is None and data is not None:
        req.remove_header("Content-type")
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.headers, r.read().decode(errors="replace")
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read().decode(errors="replace")


class Server(ServeProcess):
    def __init__(self, repo, *args):
        super().__init__(STRATO, "--model-repository", repo, "--model-control-mode", "explicit",
                         "--load-model", "*", *args, log_prefix="strato-security-")
        self.wait_for()

    def alive(self):
        return self.proc.poll() is None and http("GET", self.base + "/v2/health/live")[0] == 200


def generate_stubs(out_dir):
    from grpc_tools import protoc
    import grpc_tools
    include = os.path.join(os.path.dirname(grpc_tools.__file__), "_proto")
    args = ["protoc", f"-I{PROTO_DIR}", f"-I{include}", f"--python_out={out_dir}",
            f"--grpc_python_out={out_dir}", "model_config.proto", "grpc_service.proto"]
    if protoc.main(args) != 0:
        raise RuntimeError("grpc_tools.protoc failed")
    sys.path.insert(0, out_dir)
    global pb, pb_grpc
    import grpc_service_pb2 as pb  # noqa: F811
    import grpc_service_pb2_grpc as pb_grpc  # noqa: F811


class Finding1Traversal(unittest.TestCase):
    """Load-API names and file: keys cannot write outside the repository."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="strato-sec-")
        write_repo(os.path.join(cls.tmp, "repo"))
        cls.server = Server(os.path.join(cls.tmp, "repo"))
        cls.target = os.path.join(cls.tmp, "outside")  # where an attack would write

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def assert_nothing_written(self):
        self.assertFalse(os.path.exists(self.target), "a file was written outside the repository")

    def test_http_traversal_names(self):
        body = load_body(xgb_config("x"), {"1/evil.txt": b"owned"})
        for name in [self.target.replace("/", "%2F"), "..%2F..%2F..%2Foutside", "..", "a%5Cb",
                     "a%00b", "x" * 200]:
            status, _, text = request(self.server.base, "POST", f"/v2/repository/models/{name}/load", body)
            self.assertEqual(status, 400, f"{name}: {text}")
            self.assertIn("model name", text)
        self.assert_nothing_written()
        self.assertTrue(self.server.alive())

    def test_http_traversal_file_keys(self):
        for key in ["../../../outside/evil.txt", "/" + self.target.lstrip("/") + "/evil.txt", "1/../../x"]:
            body = load_body(xgb_config("fine"), {key: b"owned"})
            status, _, text = request(self.server.base, "POST", "/v2/repository/models/fine/load", body)
            self.assertEqual(status, 400, f"{key}: {text}")
        self.assert_nothing_written()

    def test_grpc_traversal_names(self):
        import grpc
        tmp = tempfile.mkdtemp(prefix="strato-sec-stubs-")
        try:
            generate_stubs(tmp)
            with grpc.insecure_channel(f"127.0.0.1:{self.server.grpc_port}") as channel:
                stub = pb_grpc.GRPCInferenceServiceStub(channel)
                for name in [self.target, "../../../outside", "a\\b", "a\x01b"]:
                    req = pb.RepositoryModelLoadRequest(model_name=name)
                    req.parameters["config"].string_param = json.dumps(xgb_config(name))
                    req.parameters["file:1/evil.txt"].bytes_param = b"owned"
                    with self.assertRaises(grpc.RpcError) as ctx:
                        stub.RepositoryModelLoad(req, timeout=30)
                    self.assertEqual(ctx.exception.code(), grpc.StatusCode.INVALID_ARGUMENT, name)
                    self.assertIn("model name", ctx.exception.details())
                    unload = pb.RepositoryModelUnloadRequest(model_name=name)
                    with self.assertRaises(grpc.RpcError) as ctx:
                        stub.RepositoryModelUnload(unload, timeout=30)
                    self.assertEqual(ctx.exception.code(), grpc.StatusCode.INVALID_ARGUMENT, name)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        self.assert_nothing_written()


class Finding2And3UntrustedModels(unittest.TestCase):
    """A crafted XGBoost model and huge config values are refused; the
    server and its other models keep serving."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="strato-sec-")
        write_repo(os.path.join(cls.tmp, "repo"))
        cls.server = Server(os.path.join(cls.tmp, "repo"))

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_crafted_xgboost_model_is_refused(self):
        body = load_body(xgb_config("evil"), {"1/model.json": model_bytes(evil_model())})
        status, _, text = request(self.server.base, "POST", "/v2/repository/models/evil/load", body)
        self.assertEqual(status, 400, text)
        self.assertIn("left_children[0]: 1000000 is not a node", text)
        self.assertTrue(self.server.alive(), self.server.logs()[-2000:])
        status, out = infer_good(self.server.base)
        self.assertEqual(status, 200, out)
        self.assertEqual(len(out["outputs"][0]["data"]), 1)

    def test_failed_loads_of_new_names_leave_no_trace(self):
        for i in range(20):
            body = load_body(xgb_config(f"ghost{i}"), {"1/model.json": model_bytes(evil_model())})
            status, _, _ = request(self.server.base, "POST", f"/v2/repository/models/ghost{i}/load", body)
            self.assertEqual(status, 400)
        status, index = http("POST", self.server.base + "/v2/repository/index", {})
        self.assertEqual(status, 200)
        self.assertEqual([m["name"] for m in index if m["name"].startswith("ghost")], [])

    def test_legacy_binary_format_needs_the_flag(self):
        body = load_body(xgb_config("bin", {"parameters": {"model_type": {"string_value": "xgboost"}}}),
                         {"1/model.bin": b"\x00\x00\x00\x3fbinary model bytes"})
        status, _, text = request(self.server.base, "POST", "/v2/repository/models/bin/load", body)
        self.assertEqual(status, 400, text)
        self.assertIn("--allow-xgboost-binary", text)

    def test_huge_config_values_are_refused_before_allocation(self):
        cases = [
            ({"instance_group": [{"count": 500, "kind": "KIND_CPU"}]}, "--max-model-instances"),
            ({"instance_group": [{"count": 2147483647, "kind": "KIND_CPU"}]}, "--max-model-instances"),
            ({"max_batch_size": 2147483647}, "--max-batch-size"),
            ({"dynamic_batching": {"default_queue_policy": {"max_queue_size": 4000000000}}}, "--max-queue-size"),
        ]
        for extra, flag in cases:
            body = load_body(xgb_config("huge", extra), {"1/model.json": model_bytes(TINY_MODEL)})
            started = time.time()
            status, _, text = request(self.server.base, "POST", "/v2/repository/models/huge/load", body)
            self.assertEqual(status, 400, f"{extra}: {text}")
            self.assertIn(flag, text)
            self.assertLess(time.time() - started, 10)
        llm = {"name": "llm", "backend": "llamacpp",
               "parameters": {"context_length": {"string_value": "2147483647"},
                              "parallel": {"string_value": "8"}}}
        status, _, text = request(self.server.base, "POST", "/v2/repository/models/llm/load",
                                  load_body(llm, {"1/model.gguf": b"GGUF"}))
        self.assertEqual(status, 400, text)
        if "unknown backend" not in text:  # built without llama.cpp
            self.assertIn("--max-context-tokens", text)
        self.assertTrue(self.server.alive())
        self.assertEqual(infer_good(self.server.base)[0], 200)


class Finding5SymlinkPush(unittest.TestCase):
    def test_cli_push_refuses_links_and_fifos(self):
        tmp = tempfile.mkdtemp(prefix="strato-sec-")
        try:
            version = os.path.join(tmp, "version")
            os.makedirs(version)
            with open(os.path.join(version, "config.pbtxt"), "w") as f:
                f.write('backend: "identity"\n')
            with open(os.path.join(version, "model.json"), "w") as f:
                f.write("{}")
            os.symlink("/etc/passwd", os.path.join(version, "passwd"))
            registry = os.path.join(tmp, "registry")
            run = subprocess.run([STRATO, "model", "push", "m", version, "--registry", registry],
                                 capture_output=True, text=True, timeout=60)
            self.assertNotEqual(run.returncode, 0, run.stdout)
            self.assertIn("symbolic link", run.stderr)
            os.unlink(os.path.join(version, "passwd"))
            os.mkfifo(os.path.join(version, "fifo"))
            run = subprocess.run([STRATO, "model", "push", "m", version, "--registry", registry],
                                 capture_output=True, text=True, timeout=60)
            self.assertNotEqual(run.returncode, 0, run.stdout)
            self.assertIn("not a regular file", run.stderr)
            run = subprocess.run([STRATO, "model", "push", "../x", version, "--registry", registry],
                                 capture_output=True, text=True, timeout=60)
            self.assertNotEqual(run.returncode, 0)
            self.assertIn("model name", run.stderr)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


class Finding6CrossOrigin(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="strato-sec-")
        write_repo(os.path.join(cls.tmp, "repo"))
        cls.server = Server(os.path.join(cls.tmp, "repo"), "--cors-allow-origin", "http://app.example")

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_foreign_origin_and_text_plain_are_refused(self):
        base = self.server.base
        status, _, text = request(base, "POST", "/v2/repository/models/good/unload", b"{}",
                                  headers={"Origin": "http://evil.example"}, content_type="text/plain")
        self.assertEqual(status, 403, text)
        status, _, text = request(base, "POST", "/v2/repository/models/good/unload", b"{}",
                                  content_type="text/plain")
        self.assertEqual(status, 415, text)
        # The model still serves: neither request unloaded it.
        self.assertEqual(infer_good(base)[0], 200)

    def test_allowed_origin_gets_cors(self):
        base = self.server.base
        status, headers, _ = request(base, "OPTIONS", "/v2/models/good/infer",
                                     headers={"Origin": "http://app.example",
                                              "Access-Control-Request-Method": "POST"})
        self.assertEqual(status, 204)
        self.assertEqual(headers["Access-Control-Allow-Origin"], "http://app.example")
        self.assertIn("POST", headers["Access-Control-Allow-Methods"])
        status, headers = infer_good(base, {"Origin": "http://app.example"})[0], None
        self.assertEqual(status, 200)
        status, _, _ = request(base, "OPTIONS", "/v2/models/good/infer",
                               headers={"Origin": "http://evil.example"})
        self.assertEqual(status, 403)


STORIES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared",
                       "datasets", "llm", "stories260K.gguf")


def make_pki(folder):
    """A CA, a server certificate for localhost and a client certificate (openssl CLI)."""
    def run(*args):
        subprocess.run(["openssl", *args], check=True, capture_output=True, cwd=folder)
    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
        "-days", "2", "-subj", "/CN=strato-test-ca")
    for name, ext in [("server", "subjectAltName=DNS:localhost"), ("client", "extendedKeyUsage=clientAuth")]:
        run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{name}.key", "-out", f"{name}.csr",
            "-subj", f"/CN={name}")
        with open(os.path.join(folder, f"{name}.ext"), "w") as f:
            f.write(ext + "\n")
        run("x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
            "-out", f"{name}.pem", "-days", "2", "-extfile", f"{name}.ext")
    return {n: os.path.join(folder, n) for n in os.listdir(folder)}


class ControlsGrpcMutualTls(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if shutil.which("openssl") is None:
            raise unittest.SkipTest("no openssl CLI")
        cls.tmp = tempfile.mkdtemp(prefix="strato-sec-")
        cls.pki = make_pki(cls.tmp)
        write_repo(os.path.join(cls.tmp, "repo"))
        cls.server = Server(os.path.join(cls.tmp, "repo"), "--grpc-use-ssl-mutual", "true",
                            "--grpc-server-cert", cls.pki["server.pem"], "--grpc-server-key",
                            cls.pki["server.key"], "--grpc-root-cert", cls.pki["ca.pem"])
        cls.stubs = tempfile.mkdtemp(prefix="strato-sec-stubs-")
        generate_stubs(cls.stubs)

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        shutil.rmtree(cls.tmp, ignore_errors=True)
        shutil.rmtree(cls.stubs, ignore_errors=True)

    def read(self, name):
        with open(self.pki[name], "rb") as f:
            return f.read()

    def live(self, channel):
        stub = pb_grpc.GRPCInferenceServiceStub(channel)
        return stub.ServerLive(pb.ServerLiveRequest(), timeout=5).live

    def test_client_certificate_required(self):
        import grpc
        target = f"localhost:{self.server.grpc_port}"
        mutual = grpc.ssl_channel_credentials(root_certificates=self.read("ca.pem"),
                                              private_key=self.read("client.key"),
                                              certificate_chain=self.read("client.pem"))
        with grpc.secure_channel(target, mutual) as channel:
            self.assertTrue(self.live(channel))
        no_client_cert = grpc.ssl_channel_credentials(root_certificates=self.read("ca.pem"))
        with grpc.secure_channel(target, no_client_cert) as channel:
            with self.assertRaises(grpc.RpcError):
                self.live(channel)
        with grpc.insecure_channel(target) as channel:
            with self.assertRaises(grpc.RpcError):
                self.live(channel)


class Finding4And8LanguageModel(unittest.TestCase):
    """The embeddings flood of finding 4 and the sampling-parameter garbage
    of finding 8, against the stories260K demo model."""

    @classmethod
    def setUpClass(cls):
        if not os.path.exists(STORIES):
            raise unittest.SkipTest(f"no {STORIES} (shared datasets absent)")
        cls.tmp = tempfile.mkdtemp(prefix="strato-sec-")
        repo = os.path.join(cls.tmp, "repo")
        os.makedirs(os.path.join(repo, "stories", "1"))
        os.symlink(os.path.abspath(STORIES), os.path.join(repo, "stories", "1", "model.gguf"))
        with open(os.path.join(repo, "stories", "config.pbtxt"), "w") as f:
            f.write('backend: "llamacpp" max_batch_size: 0\n'
                    'parameters { key: "context_length" value { string_value: "512" } }\n'
                    'parameters { key: "parallel" value { string_value: "2" } }\n')
        write_repo(repo)
        cls.server = Server(repo)

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_embeddings_flood_is_refused_at_once(self):
        text = " ".join(["Once upon a time there was a little dog who liked to run."] * 40)
        started = time.time()
        status, _, body = request(self.server.base, "POST", "/v1/embeddings",
                                  {"model": "stories", "input": [text] * 2048})
        self.assertEqual(status, 400, body[:300])
        self.assertIn("max_embedding_tokens", body)
        self.assertLess(time.time() - started, 20)
        status, _, body = request(self.server.base, "POST", "/v1/embeddings",
                                  {"model": "stories", "input": ["a small dog", "a big cat"]})
        self.assertEqual(status, 200, body[:300])
        self.assertEqual(len(json.loads(body)["data"]), 2)

    def test_sampling_garbage_is_refused(self):
        base = self.server.base
        chat = {"model": "stories", "messages": [{"role": "user", "content": "hi"}], "max_tokens": 4}
        status, _, body = request(base, "POST", "/v1/chat/completions", {**chat, "logit_bias": {"x": "y"}})
        self.assertEqual(status, 400, body)
        self.assertIn("logit_bias", body)
        status, _, body = request(base, "POST", "/v1/chat/completions", {**chat, "temperature": "NaN"})
        self.assertEqual(status, 400, body)
        status, _, body = request(base, "POST", "/v2/models/stories/generate",
                                  {"text_input": "hi", "parameters": {"temperature": "NaN", "max_tokens": 4}})
        self.assertEqual(status, 400, body)
        self.assertIn("temperature", body)
        status, _, body = request(base, "POST", "/v1/chat/completions", chat)
        self.assertEqual(status, 200, body)


def vm_data_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmData:"):
                return int(line.split()[1])
    return 0


class Finding7Connections(unittest.TestCase):
    LIMIT = 40

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="strato-sec-")
        write_repo(os.path.join(cls.tmp, "repo"))
        cls.server = Server(os.path.join(cls.tmp, "repo"), "--http-max-connections", str(cls.LIMIT),
                            "--http-header-timeout-secs", "1", "--http-idle-timeout-secs", "2",
                            "--http-body-timeout-secs", "1")

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def connect(self):
        s = socket.create_connection(("127.0.0.1", self.server.http_port), timeout=10)
        return s

    def test_flood_is_refused_clearly_and_recovers(self):
        held = []
        refused = 0
        try:
            for _ in range(self.LIMIT + 20):
                s = self.connect()
                held.append(s)
            time.sleep(0.5)
            for s in held:
                s.settimeout(0.2)
                try:
                    data = s.recv(4096)
                except socket.timeout:
                    continue
                if data.startswith(b"HTTP/1.1 503") and b"too many connections" in data:
                    refused += 1
            self.assertGreaterEqual(refused, 15, "connections past the limit must get a 503")
        finally:
            for s in held:
                s.close()
        time.sleep(0.5)
        self.assertEqual(infer_good(self.server.base)[0], 200)

    def test_slowloris_header_gets_408(self):
        s = self.connect()
        try:
            s.sendall(b"POST /v2/models/good/infer HTTP/1.1\r\nHost: x\r\n")
            s.settimeout(5)
            started = time.time()
            data = s.recv(4096)
            self.assertTrue(data.startswith(b"HTTP/1.1 408"), data)
            self.assertLess(time.time() - started, 4)
        finally:
            s.close()

    def test_idle_connection_is_closed(self):
        s = self.connect()
        try:
            s.settimeout(6)
            started = time.time()
            self.assertEqual(s.recv(4096), b"")
            self.assertLess(time.time() - started, 5)
        finally:
            s.close()

    def test_declared_length_is_not_reserved(self):
        before = vm_data_kb(self.server.proc.pid)
        held = []
        try:
            for _ in range(30):
                s = self.connect()
                s.sendall(b"POST /v2/models/good/infer HTTP/1.1\r\nHost: x\r\n"
                          b"Content-Type: application/json\r\nContent-Length: 60000000\r\n\r\n{")
                held.append(s)
            time.sleep(0.5)
            grown_mb = (vm_data_kb(self.server.proc.pid) - before) / 1024
            # 30 x 60 MB would be 1.8 GB reserved up front.
            self.assertLess(grown_mb, 300, f"VmData grew {grown_mb:.0f} MB")
        finally:
            for s in held:
                s.close()


class ControlsApiKeys(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="strato-sec-")
        write_repo(os.path.join(cls.tmp, "repo"))
        cls.db = os.path.join(cls.tmp, "auth.db")
        cls.keys = {}
        for name, scopes, extra in [("ops", "admin", []), ("app", "infer", []), ("gone", "infer", []),
                                    ("slow", "infer", ["--rate", "1", "--burst", "2"])]:
            run = subprocess.run([STRATO, "auth", "--db", cls.db, "create", name, "--scopes", scopes, *extra],
                                 capture_output=True, text=True, timeout=30)
            assert run.returncode == 0, run.stderr
            cls.keys[name] = run.stdout.strip()
        cls.server = Server(os.path.join(cls.tmp, "repo"), "--auth-db", cls.db)

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def bearer(self, name):
        return {"Authorization": "Bearer " + self.keys[name]}

    def test_keys_are_stored_hashed(self):
        with open(self.db, "rb") as f:
            raw = f.read()
        for key in self.keys.values():
            self.assertTrue(key.startswith("strato_"))
            self.assertNotIn(key.encode(), raw)
        listed = subprocess.run([STRATO, "auth", "--db", self.db, "list"], capture_output=True,
                                text=True, timeout=30)
        self.assertIn("ops", listed.stdout)
        self.assertIn("admin", listed.stdout)

    def test_scopes(self):
        base = self.server.base
        self.assertEqual(http("GET", base + "/v2/health/ready")[0], 200)  # probes stay open
        self.assertEqual(infer_good(base)[0], 401)
        self.assertEqual(infer_good(base, {"Authorization": "Bearer strato_nope"})[0], 401)
        self.assertEqual(infer_good(base, self.bearer("app"))[0], 200)
        status, _, text = request(base, "POST", "/v2/repository/models/good/load", {},
                                  headers=self.bearer("app"))
        self.assertEqual(status, 403, text)
        self.assertIn("lacks scope 'manage'", text)
        status, _, text = request(base, "POST", "/v2/repository/models/good/load", {},
                                  headers=self.bearer("ops"))
        self.assertEqual(status, 200, text)

    def test_grpc_needs_keys_too(self):
        import grpc
        tmp = tempfile.mkdtemp(prefix="strato-sec-stubs-")
        try:
            generate_stubs(tmp)
            with grpc.insecure_channel(f"127.0.0.1:{self.server.grpc_port}") as channel:
                stub = pb_grpc.GRPCInferenceServiceStub(channel)
                self.assertTrue(stub.ServerLive(pb.ServerLiveRequest(), timeout=10).live)  # open
                request = pb.ModelMetadataRequest(name="good")
                with self.assertRaises(grpc.RpcError) as ctx:
                    stub.ModelMetadata(request, timeout=10)
                self.assertEqual(ctx.exception.code(), grpc.StatusCode.UNAUTHENTICATED)
                with self.assertRaises(grpc.RpcError) as ctx:
                    stub.RepositoryModelUnload(pb.RepositoryModelUnloadRequest(model_name="good"),
                                               metadata=[("authorization", "Bearer " + self.keys["app"])],
                                               timeout=10)
                self.assertEqual(ctx.exception.code(), grpc.StatusCode.PERMISSION_DENIED)
                meta = stub.ModelMetadata(request, metadata=[("authorization", "Bearer " + self.keys["ops"])],
                                          timeout=10)
                self.assertEqual(meta.name, "good")
                stream = stub.ModelStreamInfer(iter([pb.ModelInferRequest(model_name="good")]), timeout=10)
                with self.assertRaises(grpc.RpcError) as ctx:
                    list(stream)
                self.assertEqual(ctx.exception.code(), grpc.StatusCode.UNAUTHENTICATED)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def test_rate_limit_and_revocation(self):
        base = self.server.base
        statuses = [infer_good(base, self.bearer("slow"))[0] for _ in range(4)]
        self.assertEqual(statuses[:2], [200, 200])
        self.assertIn(429, statuses[2:])
        status, headers, _ = request(base, "POST", "/v2/models/good/infer", {"inputs": []},
                                     headers=self.bearer("slow"))
        if status == 429:
            self.assertGreaterEqual(int(headers["Retry-After"]), 1)
        self.assertEqual(infer_good(base, self.bearer("gone"))[0], 200)
        run = subprocess.run([STRATO, "auth", "--db", self.db, "revoke", "gone"], capture_output=True,
                             text=True, timeout=30)
        self.assertEqual(run.returncode, 0, run.stderr)
        deadline = time.time() + 5
        while time.time() < deadline and infer_good(base, self.bearer("gone"))[0] != 401:
            time.sleep(0.2)
        self.assertEqual(infer_good(base, self.bearer("gone"))[0], 401)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--strato", required=True)
    parser.add_argument("--proto-dir", required=True)
    args, rest = parser.parse_known_args()
    STRATO = os.path.abspath(args.strato)
    PROTO_DIR = os.path.abspath(args.proto_dir)
    unittest.main(argv=[sys.argv[0], *rest], verbosity=2)
