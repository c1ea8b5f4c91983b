#!/usr/bin/env python3
"""Sends audio files to a running strato's /v1/audio/transcriptions
(multipart/form-data, as the OpenAI clients do) from N concurrent streams
(each stream sends every file ROUNDS times) and
prints, per file, "utt-id<TAB>hypothesis"; on stderr the per-stream real-time
factor (request latency / audio duration).

Usage: transcribe_http.py BASE_URL MODEL STREAMS ROUNDS FILE...
"""
import json
import sys
import threading
import time
import urllib.request
import uuid
import wave


def transcribe(base, model, path):
    boundary = uuid.uuid4().hex
    data = open(path, "rb").read()
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\n{model}\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.wav\"\r\n"
            f"Content-Type: audio/wav\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
    req = urllib.request.Request(f"{base}/v1/audio/transcriptions", data=body,
                                 headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    return json.load(urllib.request.urlopen(req))["text"]


def main():
    if len(sys.argv) < 6:
        print(__doc__)
        sys.exit(2)
    base, model, streams, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    files = sys.argv[5:]
    seconds = {}
    for f in files:
        with wave.open(f) as w:
            seconds[f] = w.getnframes() / w.getframerate()
    hyps = {}
    stats = []  # (latency, audio seconds)
    lock = threading.Lock()

    def worker(k):
        for r in range(rounds):
            for i, f in enumerate(files):
                t0 = time.monotonic()
                text = transcribe(base, model, f)
                dt = time.monotonic() - t0
                with lock:
                    stats.append((dt, seconds[f]))
                    hyps[f] = text

    t0 = time.monotonic()
    threads = [threading.Thread(target=worker, args=(k,)) for k in range(streams)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.monotonic() - t0
    for f in files:
        utt = f.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        print(f"{utt}\t{hyps.get(f, '')}")
    audio = sum(s for _, s in stats)
    latency = sum(d for d, _ in stats)
    print(f"streams={streams} requests={len(stats)} audio_s={audio:.1f} wall_s={wall:.1f} "
          f"per_stream_rtf={latency / audio:.3f} throughput_x_realtime={audio / wall:.2f}", file=sys.stderr)


if __name__ == "__main__":
    main()
