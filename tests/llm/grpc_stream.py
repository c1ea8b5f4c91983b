"""gRPC ModelStreamInfer on the llamacpp backend: one response per token.

Usage: /usr/bin/python3 grpc_stream.py HOST:PORT PROTO_DIR MODEL
Uses Debian's python3-grpcio and stubs generated from proto/ by grpc_tools.
"""
import os
import struct
import sys
import tempfile

import grpc


def main():
    target, proto_dir, model = sys.argv[1:4]
    from grpc_tools import protoc
    import grpc_tools
    out = tempfile.mkdtemp()
    include = os.path.join(os.path.dirname(grpc_tools.__file__), "_proto")
    if protoc.main(["protoc", f"-I{proto_dir}", f"-I{include}", f"--python_out={out}",
                    f"--grpc_python_out={out}", "model_config.proto", "grpc_service.proto"]) != 0:
        raise SystemExit("protoc failed")
    sys.path.insert(0, out)
    import grpc_service_pb2 as pb
    import grpc_service_pb2_grpc as pb_grpc

    stub = pb_grpc.GRPCInferenceServiceStub(grpc.insecure_channel(target))
    req = pb.ModelInferRequest(model_name=model, id="tokens")
    t = req.inputs.add(name="text_input", datatype="BYTES", shape=[1])
    prompt = b"Once upon a time"
    req.raw_input_contents.append(struct.pack("<I", len(prompt)) + prompt)
    req.parameters["stream"].bool_param = True
    req.parameters["max_tokens"].int64_param = 12
    req.parameters["ignore_eos"].bool_param = True
    req.parameters["temperature"].double_param = 0.0
    del t
    responses = list(stub.ModelStreamInfer(iter([req]), timeout=60))
    errors = [r.error_message for r in responses if r.error_message]
    assert not errors, errors
    token_msgs = [r for r in responses if "token_id" in r.infer_response.parameters]
    assert len(token_msgs) == 12, f"{len(token_msgs)} token responses, want 12"
    last = responses[-1].infer_response.parameters
    assert last["finish_reason"].string_param == "length", last
    assert last["completion_tokens"].int64_param == 12, last
    print(f"ok - gRPC ModelStreamInfer sent {len(token_msgs)} token responses and a final one")


if __name__ == "__main__":
    main()
