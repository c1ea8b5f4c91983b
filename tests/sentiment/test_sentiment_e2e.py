#!/usr/bin/env python3
"""End-to-end tests of sentiment models: `strato sentiment` and the
`sentiment` backend as real processes.

- `strato sentiment train` on a generated review set registers version 1 in
  a model repository, beats chance on held-back texts, and writes a report;
- a real `strato serve` answers TEXT (BYTES, batches) with LABEL, SCORE and
  EXPLANATION equal, bit for bit, to `strato sentiment predict` run offline
  on the same texts (awkward ones included: emoji, accents, entities);
- bad input gets HTTP 400 naming the problem: empty text, invalid UTF-8
  (sent through the binary tensor extension), a 10 MB text, a wrong
  datatype, a missing input;
- `strato serve --demo` serves the demo model `sentiment` (generated sample
  here, so that the test does not depend on ../shared).

Real processes, real files, real HTTP over loopback (urllib).
"""
import argparse
import json
import os
import random
import shutil
import struct
import subprocess
import sys
import tempfile
import unittest
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from strato_process import ServeProcess, http  # noqa: E402

STRATO = None

POSITIVE = ["great", "wonderful", "charming", "moving", "superb", "fun", "lovely", "\U0001F60D"]
NEGATIVE = ["boring", "awful", "dull", "tedious", "mess", "bad", "bland", "\U0001F621"]
FILLER = ["the", "movie", "plot", "actors", "a", "film", "story", "is", "was", "really", "ending"]

AWKWARD = [
    "A GREAT film \U0001F60D\U0001F60D!!!",
    "not good &amp; really boring",
    "Caf\u00e9 cr\u00e8me, tr\u00e8s CHARMING",
    "\u0421\u0423\u041f\u0415\u0420 superb \U0001F44D\U0001F3FD",
    "the plot was dull... &#x1F621;",
    "\u4e2d\u6587 wonderful",
    "x" * 5000 + " lovely",
]


def reviews(n, seed):
    rng = random.Random(seed)
    rows = []
    for _ in range(n):
        label = rng.randrange(2)
        negate = rng.randrange(4) == 0
        words = POSITIVE if (label == 1) != negate else NEGATIVE
        text = " ".join(rng.choice(FILLER) for _ in range(3))
        text += (" not " if negate else " ") + rng.choice(words)
        text += " " + " ".join(rng.choice(FILLER) for _ in range(2))
        rows.append((text, label))
    return rows


def write_tsv(path, rows):
    with open(path, "w", encoding="utf-8") as f:
        f.write("sentence\tlabel\n")
        for text, label in rows:
            f.write(f"{text}\t{label}\n")


def strato(*args, timeout=240):
    return subprocess.run([STRATO, *args], capture_output=True, timeout=timeout)


def f32_bits(v):
    return struct.pack("<f", v)


def infer_json(base, model, texts, outputs=None):
    body = {"inputs": [{"name": "TEXT", "datatype": "BYTES", "shape": [len(texts), 1], "data": texts}]}
    if outputs:
        body["outputs"] = [{"name": n} for n in outputs]
    return http("POST", f"{base}/v2/models/{model}/infer", body)


def infer_binary_bytes(base, model, raw_elements):
    """TEXT elements as raw bytes through the binary tensor extension."""
    blob = b"".join(struct.pack("<I", len(e)) + e for e in raw_elements)
    header = json.dumps({"inputs": [{"name": "TEXT", "datatype": "BYTES", "shape": [len(raw_elements), 1],
                                     "parameters": {"binary_data_size": len(blob)}}]}).encode()
    req = urllib.request.Request(f"{base}/v2/models/{model}/infer", data=header + blob, method="POST",
                                 headers={"Inference-Header-Content-Length": str(len(header)),
                                          "Content-Type": "application/octet-stream"})
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}")


def outputs_by_name(body):
    return {o["name"]: o for o in body["outputs"]}


class SentimentEndToEnd(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="strato-sentiment-")
        cls.repo = os.path.join(cls.tmp, "repo")
        cls.train_tsv = os.path.join(cls.tmp, "train.tsv")
        cls.dev_tsv = os.path.join(cls.tmp, "dev.tsv")
        write_tsv(cls.train_tsv, reviews(3000, 1))
        write_tsv(cls.dev_tsv, reviews(500, 2))
        cls.report = os.path.join(cls.tmp, "report.json")
        r = strato("sentiment", "train", "--data", cls.train_tsv, "--eval", cls.dev_tsv, "--family", "ensemble",
                   "--model-repository", cls.repo, "--model", "reviews", "--report", cls.report, "--quiet")
        assert r.returncode == 0, r.stderr.decode() + r.stdout.decode()
        cls.train_stdout = r.stdout.decode()
        cls.server = ServeProcess(STRATO, "--model-repository", cls.repo)
        cls.server.wait_for()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_training_registers_a_version_and_beats_chance(self):
        self.assertIn("registered reviews version 1", self.train_stdout)
        self.assertTrue(os.path.isfile(os.path.join(self.repo, "reviews", "1", "sentiment.model")))
        with open(self.report) as f:
            report = json.load(f)
        names = [s["name"] for s in report["eval"]]
        self.assertEqual(names, ["nbsvm", "fasttext", "served (ensemble)"])
        for s in report["eval"]:
            self.assertGreater(s["accuracy"], 0.9, s)  # generated data: chance is 0.5
            self.assertEqual(sum(b["count"] for b in s["reliability"]), 500)

    def test_served_predictions_equal_offline_bit_for_bit(self):
        r = strato("sentiment", "predict", "--model", os.path.join(self.repo, "reviews", "1"),
                   "--explain", "5", *AWKWARD)
        self.assertEqual(r.returncode, 0, r.stderr.decode())
        offline = [json.loads(line) for line in r.stdout.decode().splitlines()]
        self.assertEqual(len(offline), len(AWKWARD))
        status, body = infer_json(self.server.base, "reviews", AWKWARD)
        self.assertEqual(status, 200, body)
        out = outputs_by_name(body)
        self.assertEqual(out["SCORE"]["datatype"], "FP32")
        self.assertEqual(out["SCORE"]["shape"], [len(AWKWARD), 1])
        for i, row in enumerate(offline):
            self.assertEqual(out["LABEL"]["data"][i], row["label"])
            self.assertEqual(f32_bits(out["SCORE"]["data"][i]), f32_bits(row["score"]), AWKWARD[i])
            self.assertEqual(json.loads(out["EXPLANATION"]["data"][i]), row["explanation"])
        # The sentiment words decide, and explanations say so.
        self.assertEqual(out["LABEL"]["data"][0], "positive")
        self.assertEqual(out["LABEL"]["data"][1], "negative")
        words = [w["word"] for w in json.loads(out["EXPLANATION"]["data"][1])]
        self.assertTrue({"boring", "not"} & set(words), words)

    def test_one_text_and_requested_outputs_only(self):
        status, body = infer_json(self.server.base, "reviews", ["a really wonderful story"], outputs=["LABEL"])
        self.assertEqual(status, 200, body)
        self.assertEqual([o["name"] for o in body["outputs"]], ["LABEL"])
        self.assertEqual(body["outputs"][0]["data"], ["positive"])

    def test_bad_input_is_a_clear_400(self):
        base = self.server.base
        status, body = infer_json(base, "reviews", ["fine", ""])
        self.assertEqual(status, 400, body)
        self.assertIn("element 1: empty text", body["error"])
        status, body = infer_binary_bytes(base, "reviews", [b"good", b"bad \xc3\x28 bytes"])
        self.assertEqual(status, 400, body)
        self.assertIn("element 1: invalid UTF-8 at byte 4", body["error"])
        status, body = infer_json(base, "reviews", ["a" * (10 << 20)])
        self.assertEqual(status, 400, body)
        self.assertIn("above the limit", body["error"])
        status, body = http("POST", f"{base}/v2/models/reviews/infer",
                            {"inputs": [{"name": "TEXT", "datatype": "FP32", "shape": [1, 1], "data": [1.0]}]})
        self.assertEqual(status, 400, body)
        self.assertIn("TEXT", body["error"])
        status, body = http("POST", f"{base}/v2/models/reviews/infer",
                            {"inputs": [{"name": "WORDS", "datatype": "BYTES", "shape": [1, 1], "data": ["x"]}]})
        self.assertEqual(status, 400, body)
        # The server still answers after the bad requests.
        status, body = infer_json(base, "reviews", ["lovely"])
        self.assertEqual(status, 200, body)

    def test_model_metadata_describes_text_in_label_out(self):
        status, body = http("GET", f"{self.server.base}/v2/models/reviews")
        self.assertEqual(status, 200, body)
        self.assertEqual(body["inputs"][0]["name"], "TEXT")
        self.assertEqual(body["inputs"][0]["datatype"], "BYTES")
        self.assertEqual({o["name"]: o["datatype"] for o in body["outputs"]},
                         {"LABEL": "BYTES", "SCORE": "FP32", "EXPLANATION": "BYTES"})

    def test_cli_errors_are_clear(self):
        r = strato("sentiment", "predict", "--model", os.path.join(self.tmp, "missing.model"), "x")
        self.assertEqual(r.returncode, 1)
        self.assertIn("cannot open sentiment model", r.stderr.decode())
        bad = os.path.join(self.tmp, "bad.tsv")
        with open(bad, "w") as f:
            f.write("sentence\tlabel\ngood\t1\nbad\tmaybe\n")
        r = strato("sentiment", "train", "--data", bad, "--output", os.path.join(self.tmp, "x.model"))
        self.assertEqual(r.returncode, 1)
        self.assertIn("bad.tsv:3: label 'maybe'", r.stderr.decode())
        r = strato("sentiment", "train", "--help")
        self.assertEqual(r.returncode, 0)
        self.assertIn("--family", r.stdout.decode())


class DemoModel(unittest.TestCase):
    def test_demo_serves_sentiment_from_the_generated_sample(self):
        demo_dir = tempfile.mkdtemp(prefix="strato-sentiment-demo-")
        os.environ["STRATO_DEMO_SST2"] = os.path.join(demo_dir, "no-such-file.tsv")
        server = ServeProcess(STRATO, "--demo", "--demo-dir", demo_dir)
        try:
            server.wait_for("/v2/models/sentiment/ready", timeout=120)
            status, body = infer_json(server.base, "sentiment", ["the movie was truly wonderful", "so boring"])
            self.assertEqual(status, 200, body)
            self.assertEqual(outputs_by_name(body)["LABEL"]["data"], ["positive", "negative"])
            self.assertTrue(os.path.isfile(os.path.join(demo_dir, "sentiment", "1", "sentiment.model")))
        finally:
            server.stop()
            del os.environ["STRATO_DEMO_SST2"]
            shutil.rmtree(demo_dir, ignore_errors=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--strato", required=True)
    args, rest = parser.parse_known_args()
    STRATO = args.strato
    unittest.main(argv=[sys.argv[0], *rest], verbosity=2)
