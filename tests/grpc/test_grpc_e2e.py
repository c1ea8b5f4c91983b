#!/usr/bin/env python3
"""End-to-end tests of strato's gRPC frontend with the real gRPC client
library (Debian's python3-grpcio) and stubs generated from proto/ by
grpc_tools.protoc, against a `strato serve` process on the demo repository.

Run with /usr/bin/python3 (the python3 on PATH lacks Debian's modules):
  /usr/bin/python3 test_grpc_e2e.py --strato build/src/cli/strato --proto-dir proto
"""
import argparse
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
import unittest

import grpc

STRATO = None
PROTO_DIR = None
pb = None        # grpc_service_pb2
pb_grpc = None   # grpc_service_pb2_grpc
hpb = None       # health_pb2
hpb_grpc = None  # health_pb2_grpc


def generate_stubs(out_dir):
    from grpc_tools import protoc
    import grpc_tools
    include = os.path.join(os.path.dirname(grpc_tools.__file__), "_proto")
    args = ["protoc", f"-I{PROTO_DIR}", f"-I{include}", f"--python_out={out_dir}",
            f"--grpc_python_out={out_dir}", "model_config.proto", "grpc_service.proto", "health.proto"]
    if protoc.main(args) != 0:
        raise RuntimeError("grpc_tools.protoc failed on " + PROTO_DIR)
    sys.path.insert(0, out_dir)
    global pb, pb_grpc, hpb, hpb_grpc
    import grpc_service_pb2 as pb  # noqa: F811
    import grpc_service_pb2_grpc as pb_grpc  # noqa: F811
    import health_pb2 as hpb  # noqa: F811
    import health_pb2_grpc as hpb_grpc  # noqa: F811


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def i32(values):
    return struct.pack(f"<{len(values)}i", *values)


def from_i32(raw):
    return list(struct.unpack(f"<{len(raw) // 4}i", raw))


def f32(values):
    return struct.pack(f"<{len(values)}f", *values)


def from_f32(raw):
    return list(struct.unpack(f"<{len(raw) // 4}f", raw))


class Server:
    """`strato serve` on the demo repository, on free loopback ports."""

    def __init__(self, repo):
        self.grpc_port = free_port()
        self.log = tempfile.NamedTemporaryFile(prefix="strato-grpc-", suffix=".log", delete=False)
        self.proc = subprocess.Popen(
            [STRATO, "serve", "--model-repository", repo, "--http-address", "127.0.0.1",
             "--http-port", str(free_port()), "--grpc-port", str(self.grpc_port),
             "--metrics-port", str(free_port()),
             # explicit mode: the repository RPCs may unload and load models
             "--model-control-mode", "explicit", "--load-model", "*"],
            stdout=self.log, stderr=subprocess.STDOUT)
        self.channel = grpc.insecure_channel(f"127.0.0.1:{self.grpc_port}")
        self.stub = pb_grpc.GRPCInferenceServiceStub(self.channel)
        self.health = hpb_grpc.HealthStub(self.channel)

    def wait_ready(self, timeout=180):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("strato serve exited early:\n" + self.output())
            try:
                if self.stub.ServerReady(pb.ServerReadyRequest(), timeout=2).ready:
                    return
            except grpc.RpcError:
                pass
            time.sleep(0.2)
        raise RuntimeError("strato serve not ready in time:\n" + self.output())

    def output(self):
        with open(self.log.name, errors="replace") as f:
            return f.read()[-4000:]

    def stop(self):
        self.channel.close()
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.unlink(self.log.name)


SERVER = None


def simple_request(a, b, typed=False, request_id=""):
    req = pb.ModelInferRequest(model_name="simple", id=request_id)
    for name, values in (("INPUT0", a), ("INPUT1", b)):
        t = req.inputs.add(name=name, datatype="INT32", shape=[1, 16])
        if typed:
            t.contents.int_contents.extend(values)
        else:
            req.raw_input_contents.append(i32(values))
    return req


class GrpcE2ETest(unittest.TestCase):
    @property
    def stub(self):
        return SERVER.stub

    def assertRpcError(self, code, needle, fn, *args):
        with self.assertRaises(grpc.RpcError) as ctx:
            fn(*args, timeout=10)
        self.assertEqual(ctx.exception.code(), code, ctx.exception.details())
        self.assertIn(needle, ctx.exception.details())

    def test_server_live_ready_metadata(self):
        self.assertTrue(self.stub.ServerLive(pb.ServerLiveRequest(), timeout=5).live)
        self.assertTrue(self.stub.ServerReady(pb.ServerReadyRequest(), timeout=5).ready)
        meta = self.stub.ServerMetadata(pb.ServerMetadataRequest(), timeout=5)
        self.assertEqual(meta.name, "strato")
        self.assertIn("model_repository", meta.extensions)

    def test_model_metadata_and_config(self):
        meta = self.stub.ModelMetadata(pb.ModelMetadataRequest(name="simple"), timeout=5)
        self.assertEqual(meta.name, "simple")
        self.assertIn("1", meta.versions)
        self.assertEqual([(t.name, t.datatype, list(t.shape)) for t in meta.inputs],
                         [("INPUT0", "INT32", [-1, 16]), ("INPUT1", "INT32", [-1, 16])])
        self.assertEqual([t.name for t in meta.outputs], ["OUTPUT0", "OUTPUT1"])
        self.assertTrue(self.stub.ModelReady(pb.ModelReadyRequest(name="xgb_fraud"), timeout=5).ready)
        config = self.stub.ModelConfig(pb.ModelConfigRequest(name="simple"), timeout=5).config
        self.assertEqual(config.max_batch_size, 8)

    def check_simple(self, resp, a, b):
        self.assertEqual([o.name for o in resp.outputs], ["OUTPUT0", "OUTPUT1"])
        self.assertEqual(list(resp.outputs[0].shape), [1, 16])
        self.assertEqual(from_i32(resp.raw_output_contents[0]), [x + y for x, y in zip(a, b)])
        self.assertEqual(from_i32(resp.raw_output_contents[1]), [x - y for x, y in zip(a, b)])

    def test_infer_simple_raw(self):
        a, b = list(range(16)), [1] * 16
        resp = self.stub.ModelInfer(simple_request(a, b, request_id="raw-1"), timeout=10)
        self.assertEqual(resp.id, "raw-1")
        self.assertEqual(resp.model_name, "simple")
        self.check_simple(resp, a, b)

    def test_infer_simple_typed(self):
        a, b = [i * 3 for i in range(16)], [-i for i in range(16)]
        resp = self.stub.ModelInfer(simple_request(a, b, typed=True), timeout=10)
        self.assertEqual(len(resp.outputs[0].contents.int_contents), 0)  # always raw
        self.check_simple(resp, a, b)

    def test_infer_identity_models(self):
        req = pb.ModelInferRequest(model_name="identity_fp32")
        req.inputs.add(name="INPUT0", datatype="FP32", shape=[1, 3])
        req.raw_input_contents.append(f32([1.5, -2.0, 3.25]))
        meta = self.stub.ModelMetadata(pb.ModelMetadataRequest(name="identity_fp32"), timeout=5)
        req.inputs[0].name = meta.inputs[0].name
        resp = self.stub.ModelInfer(req, timeout=10)
        self.assertEqual(from_f32(resp.raw_output_contents[0]), [1.5, -2.0, 3.25])

        meta = self.stub.ModelMetadata(pb.ModelMetadataRequest(name="identity_bytes"), timeout=5)
        req = pb.ModelInferRequest(model_name="identity_bytes")
        t = req.inputs.add(name=meta.inputs[0].name, datatype="BYTES", shape=[2])
        t.contents.bytes_contents.extend([b"hello", b"\x00world"])
        resp = self.stub.ModelInfer(req, timeout=10)
        expected = struct.pack("<I", 5) + b"hello" + struct.pack("<I", 6) + b"\x00world"
        self.assertEqual(resp.raw_output_contents[0], expected)

    def test_infer_xgb_fraud(self):
        req = pb.ModelInferRequest(model_name="xgb_fraud")
        req.inputs.add(name="input__0", datatype="FP32", shape=[2, 30])
        req.raw_input_contents.append(f32([0.1 * i for i in range(60)]))
        resp = self.stub.ModelInfer(req, timeout=10)
        self.assertEqual(resp.outputs[0].name, "output__0")
        scores = from_f32(resp.raw_output_contents[0])
        self.assertEqual(len(scores), 2)
        for s in scores:
            self.assertTrue(0.0 <= s <= 1.0, scores)

    def test_stream_ten_requests_in_order(self):
        requests = [simple_request([i] * 16, list(range(16)), request_id=f"s{i}") for i in range(10)]
        responses = list(self.stub.ModelStreamInfer(iter(requests), timeout=30))
        self.assertEqual(len(responses), 10)
        for i, r in enumerate(responses):
            self.assertEqual(r.error_message, "")
            self.assertEqual(r.infer_response.id, f"s{i}")
            self.assertEqual(from_i32(r.infer_response.raw_output_contents[0]), [i + j for j in range(16)])

    def test_stream_errors_keep_stream_open(self):
        bad = simple_request([0] * 16, [0] * 16, request_id="bad")
        bad.model_name = "no_such_model"
        good = simple_request([1] * 16, [1] * 16, request_id="good")
        responses = list(self.stub.ModelStreamInfer(iter([bad, good]), timeout=30))
        self.assertEqual(len(responses), 2)
        self.assertIn("no_such_model", responses[0].error_message)
        self.assertEqual(responses[1].error_message, "")
        self.assertEqual(responses[1].infer_response.id, "good")

    def test_errors_with_codes_and_messages(self):
        req = simple_request([0] * 16, [0] * 16)
        req.model_name = "no_such_model"
        self.assertRpcError(grpc.StatusCode.NOT_FOUND, "no_such_model", self.stub.ModelInfer, req)

        req = simple_request([0] * 16, [0] * 16)
        del req.inputs[1]
        del req.raw_input_contents[1]
        self.assertRpcError(grpc.StatusCode.INVALID_ARGUMENT, "INPUT1", self.stub.ModelInfer, req)

        req = simple_request([0] * 16, [0] * 16)
        req.inputs[0].datatype = "FP32"
        self.assertRpcError(grpc.StatusCode.INVALID_ARGUMENT, "INPUT0", self.stub.ModelInfer, req)

        req = simple_request([0] * 16, [0] * 16)
        req.raw_input_contents[1] = b"\x00" * 10
        self.assertRpcError(grpc.StatusCode.INVALID_ARGUMENT, "raw_input_contents", self.stub.ModelInfer, req)

        req = simple_request([0] * 16, [0] * 16)
        req.inputs[0].shape[:] = [1, 8]
        req.inputs[1].shape[:] = [1, 8]
        req.raw_input_contents[0] = i32([0] * 8)
        req.raw_input_contents[1] = i32([0] * 8)
        self.assertRpcError(grpc.StatusCode.INVALID_ARGUMENT, "INPUT0", self.stub.ModelInfer, req)

        self.assertRpcError(grpc.StatusCode.NOT_FOUND, "no_such_model", self.stub.ModelMetadata,
                            pb.ModelMetadataRequest(name="no_such_model"))
        self.assertRpcError(grpc.StatusCode.UNIMPLEMENTED, "shared memory is not supported",
                            self.stub.SystemSharedMemoryRegister,
                            pb.SystemSharedMemoryRegisterRequest(name="r", key="/k", byte_size=64))
        self.assertRpcError(grpc.StatusCode.UNIMPLEMENTED, "shared memory is not supported",
                            self.stub.CudaSharedMemoryStatus, pb.CudaSharedMemoryStatusRequest())

    def test_statistics(self):
        self.stub.ModelInfer(simple_request([1] * 16, [2] * 16), timeout=10)
        stats = self.stub.ModelStatistics(pb.ModelStatisticsRequest(name="simple"), timeout=5)
        self.assertEqual(len(stats.model_stats), 1)
        s = stats.model_stats[0]
        self.assertEqual(s.name, "simple")
        self.assertGreaterEqual(s.inference_count, 1)
        self.assertGreaterEqual(s.inference_stats.success.count, 1)
        self.assertGreater(s.inference_stats.success.ns, 0)
        everything = self.stub.ModelStatistics(pb.ModelStatisticsRequest(), timeout=5)
        self.assertGreaterEqual({m.name for m in everything.model_stats},
                                {"simple", "identity_fp32", "identity_bytes", "xgb_fraud"})

    def test_health(self):
        H = hpb.HealthCheckResponse
        self.assertEqual(SERVER.health.Check(hpb.HealthCheckRequest(service=""), timeout=5).status, H.SERVING)
        self.assertEqual(SERVER.health.Check(hpb.HealthCheckRequest(service="simple"), timeout=5).status,
                         H.SERVING)
        with self.assertRaises(grpc.RpcError) as ctx:
            SERVER.health.Check(hpb.HealthCheckRequest(service="no_such_model"), timeout=5)
        self.assertEqual(ctx.exception.code(), grpc.StatusCode.NOT_FOUND)
        watch = SERVER.health.Watch(hpb.HealthCheckRequest(service=""), timeout=10)
        self.assertEqual(next(watch).status, H.SERVING)
        watch.cancel()

    def test_zz_repository_index_unload_load(self):
        index = self.stub.RepositoryIndex(pb.RepositoryIndexRequest(), timeout=10)
        states = {m.name: m.state for m in index.models}
        for name in ("simple", "identity_fp32", "identity_bytes", "xgb_fraud"):
            self.assertEqual(states.get(name), "READY", states)
        self.stub.RepositoryModelUnload(pb.RepositoryModelUnloadRequest(model_name="identity_fp32"),
                                        timeout=60)
        self.assertFalse(self.stub.ModelReady(pb.ModelReadyRequest(name="identity_fp32"), timeout=5).ready)
        req = pb.ModelInferRequest(model_name="identity_fp32")
        req.inputs.add(name="INPUT0", datatype="FP32", shape=[1, 1])
        req.raw_input_contents.append(f32([1.0]))
        with self.assertRaises(grpc.RpcError) as ctx:
            self.stub.ModelInfer(req, timeout=10)
        self.assertIn(ctx.exception.code(), (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.NOT_FOUND))
        self.stub.RepositoryModelLoad(pb.RepositoryModelLoadRequest(model_name="identity_fp32"), timeout=120)
        self.assertTrue(self.stub.ModelReady(pb.ModelReadyRequest(name="identity_fp32"), timeout=5).ready)
        self.assertRpcError(grpc.StatusCode.NOT_FOUND, "no_such_model", self.stub.RepositoryModelLoad,
                            pb.RepositoryModelLoadRequest(model_name="no_such_model"))


def main():
    global STRATO, PROTO_DIR, SERVER
    parser = argparse.ArgumentParser()
    parser.add_argument("--strato", required=True)
    parser.add_argument("--proto-dir", required=True)
    args, rest = parser.parse_known_args()
    STRATO, PROTO_DIR = os.path.abspath(args.strato), os.path.abspath(args.proto_dir)
    work = tempfile.mkdtemp(prefix="strato-grpc-e2e-")
    ok = False
    try:
        os.makedirs(os.path.join(work, "stubs"))
        generate_stubs(os.path.join(work, "stubs"))
        repo = os.path.join(work, "repo")
        subprocess.run([STRATO, "demo-repo", repo], check=True, stdout=subprocess.DEVNULL)
        SERVER = Server(repo)
        try:
            SERVER.wait_ready()
            program = unittest.main(argv=[sys.argv[0], "-v", *rest], exit=False)
            ok = program.result.wasSuccessful()
            if not ok:
                print("--- server log (tail) ---\n" + SERVER.output())
        finally:
            SERVER.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
