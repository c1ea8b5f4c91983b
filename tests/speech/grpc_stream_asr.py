"""Streaming recognition over gRPC ModelStreamInfer: audio chunks of 0.25 s
in, one response per chunk with the transcript so far, the final text on the
chunk marked sequence_end. Partial words must arrive before the last chunk.

Usage: /usr/bin/python3 grpc_stream_asr.py HOST:PORT PROTO_DIR MODEL WAV EXPECTED_TEXT
Uses Debian's python3-grpcio and stubs generated from proto/ by grpc_tools.
"""
import os
import queue
import sys
import tempfile
import wave

import grpc


def main():
    target, proto_dir, model, wav_path, expected = sys.argv[1:6]
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

    with wave.open(wav_path) as w:
        assert w.getsampwidth() == 2 and w.getnchannels() == 1, "16-bit mono WAV expected"
        rate = w.getframerate()
        pcm = w.readframes(w.getnframes())
    step = rate // 4 * 2  # 0.25 s of 16-bit samples
    chunks = [pcm[i:i + step] for i in range(0, len(pcm), step)]

    def request(k, chunk, last):
        req = pb.ModelInferRequest(model_name=model, id=f"chunk-{k}")
        req.inputs.add(name="audio_pcm", datatype="INT16", shape=[len(chunk) // 2])
        req.raw_input_contents.append(chunk)
        req.parameters["sequence_id"].int64_param = 7
        req.parameters["sample_rate"].int64_param = rate
        if k == 0:
            req.parameters["sequence_start"].bool_param = True
        if last:
            req.parameters["sequence_end"].bool_param = True
        return req

    # Lockstep: the next chunk goes out after the previous chunk's response.
    answered = queue.Queue()

    def requests():
        for k, chunk in enumerate(chunks):
            yield request(k, chunk, k == len(chunks) - 1)
            answered.get(timeout=60)

    texts = []
    for r in pb_grpc.GRPCInferenceServiceStub(grpc.insecure_channel(target)).ModelStreamInfer(requests(), timeout=120):
        assert not r.error_message, r.error_message
        text = r.infer_response.raw_output_contents[0][4:].decode()
        texts.append(text)
        answered.put(True)
    assert len(texts) == len(chunks), f"{len(texts)} responses for {len(chunks)} chunks"
    assert texts[-1] == expected, f"final text {texts[-1]!r}, want {expected!r}"
    early = [t for t in texts[:-1] if t]
    assert early, f"no partial result before the last chunk: {texts}"
    print(f"ok - gRPC streaming: {len(chunks)} chunks, first partial {early[0]!r} after chunk "
          f"{texts.index(early[0]) + 1}, final {texts[-1]!r}")


if __name__ == "__main__":
    main()
