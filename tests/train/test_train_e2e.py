#!/usr/bin/env python3
"""End-to-end tests of `strato train` as a process.

- A pipeline on a small slice of NASA C-MAPSS FD001 (12 engines) trains,
  registers version 1 in a model repository; a real `strato serve` in poll
  mode serves it; predictions over HTTP equal the in-process predictions of
  the saved version (`strato train --predict`); a second run appears as
  version 2 without restarting the server; `only_if_better` refuses a run
  that does not beat the current version.
- Bad input gives a clear error naming the file, line and column or key:
  malformed row, missing column, non-numeric value, empty file, unknown
  transform, empty search range, bad YAML, plus skip-and-count of bad rows.

Real processes, real files, real HTTP over loopback (urllib).
"""
import argparse
import json
import math
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
import strato_process  # noqa: E402
from strato_process import free_port, http  # noqa: E402

STRATO = None
SHARED = None

CMAPSS_COLUMNS = ["unit", "cycle", "op1", "op2", "op3"] + [f"s{i}" for i in range(1, 22)]


def train(*args, timeout=240):
    return subprocess.run([STRATO, "train", *args], capture_output=True, text=True,
                          timeout=timeout)


def f32(v):
    return struct.unpack("f", struct.pack("f", v))[0]


def read(path):
    with open(path) as f:
        return f.read()


def write(path, text):
    with open(path, "w") as f:
        f.write(text)
    return path


CMAPSS_PIPELINE = """
name: slice
data:
  path: slice.txt
  format: whitespace
  header: false
  columns: [{columns}]
label: {{column: RUL, derive: remaining_life, entity: unit, time: cycle, cap: 125}}
task: regression
features:
  drop: [op1, op2, op3, s1, s5, s6, s10, s16, s18, s19]
  exclude: [unit]
transforms:
  - kind: window
    entity: unit
    time: cycle
    columns: [s2, s3, s4, s7, s11, s12, s15]
    lags: [1]
    sizes: [5, 10]
    stats: [mean, std, slope]
  - kind: standardise
    columns: [s9, s14]
split: {{method: grouped, by: unit, valid_fraction: 0.25, seed: {split_seed}}}
train:
  params: {{max_depth: 4, eta: 0.1}}
  rounds: 60
  early_stopping: 15
  seed: 1
  threads: 1
evaluate: {{metric: rmse, risk_horizon: 30}}
output: out{run}
register:
  repository: repo
  model: maintenance
  only_if_better: {only_if_better}
"""


class Server(strato_process.ServeProcess):
    """`strato serve` in poll mode (1 s) on the registered repository."""

    def __init__(self, repo):
        super().__init__(STRATO, "--model-repository", repo, "--model-control-mode", "poll",
                         "--repository-poll-secs", "1", log_prefix="strato-train-serve-")


class CliTest(unittest.TestCase):
    def test_help(self):
        out = train("--help")
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn("Usage: strato train PIPELINE.yaml", out.stdout)
        out = subprocess.run([STRATO, "--help"], capture_output=True, text=True)
        self.assertIn("train", out.stdout)

    def test_missing_pipeline_file(self):
        out = train("/nonexistent/pipeline.yaml")
        self.assertEqual(out.returncode, 1)
        self.assertIn("cannot open the pipeline file", out.stderr)


class TrainServeTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        src = os.path.join(SHARED, "datasets/maintenance/cmapss/train_FD001.txt")
        if not os.path.exists(src):
            raise unittest.SkipTest(f"C-MAPSS data not found at {src} (../shared absent)")
        cls.tmp = tempfile.mkdtemp(prefix="strato-train-e2e-")
        with open(src) as f:
            rows = [l for l in f if l.strip() and int(l.split()[0]) <= 12]
        write(os.path.join(cls.tmp, "slice.txt"), "".join(rows))
        cls.rows = [[float(v) for v in l.split()] for l in rows]

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def pipeline(self, run, split_seed=7, only_if_better="false"):
        return write(os.path.join(self.tmp, f"p{run}.yaml"), CMAPSS_PIPELINE.format(
            columns=", ".join(CMAPSS_COLUMNS), split_seed=split_seed, run=run,
            only_if_better=only_if_better))

    def test_train_register_serve_predict(self):
        out = train(self.pipeline(1), "--quiet")
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn("Registered as maintenance version 1", out.stdout)
        version = os.path.join(self.tmp, "repo/maintenance/1")
        for name in ["model.json", "transform.json", "metrics.json", "lineage.json", "report.html"]:
            self.assertTrue(os.path.isfile(os.path.join(version, name)), name)
        metrics = json.loads(read(os.path.join(version, "metrics.json")))
        self.assertTrue(math.isfinite(metrics["valid"]["rmse"]))
        self.assertLess(metrics["valid"]["rmse"], 60)  # far better than guessing
        lineage = json.loads(read(os.path.join(version, "lineage.json")))
        self.assertEqual(len(lineage["data_sha256"]), 64)
        self.assertEqual(lineage["strato_version"], "0.1.0")
        report = read(os.path.join(version, "report.html"))
        self.assertIn("<svg", report)
        self.assertIn("predicted vs actual", report)
        transform = json.loads(read(os.path.join(version, "transform.json")))
        inputs = [i["name"] for i in transform["inputs"]]
        self.assertEqual(inputs[:2], ["unit", "cycle"])

        # The last 12 cycles of engine 3, raw, in the transform's input order.
        engine = [r for r in self.rows if r[0] == 3][-12:]
        raw = [[r[CMAPSS_COLUMNS.index(c)] for c in inputs] for r in engine]
        rows_file = write(os.path.join(self.tmp, "rows.csv"),
                          ",".join(inputs) + "\n" +
                          "".join(",".join(repr(v) for v in r) + "\n" for r in raw))
        local = train("--predict", version, "--data", rows_file)
        self.assertEqual(local.returncode, 0, local.stderr)
        expected = json.loads(local.stdout)["predictions"]
        self.assertEqual(len(expected), 12)

        server = Server(os.path.join(self.tmp, "repo"))
        try:
            server.wait_for("/v2/models/maintenance/versions/1/ready")
            body = {"inputs": [{"name": "RAW", "datatype": "FP32", "shape": [12, len(inputs)],
                                "data": [v for r in raw for v in r]}]}
            status, resp = http("POST", server.base + "/v2/models/maintenance/infer", body)
            self.assertEqual(status, 200, resp)
            outputs = {o["name"]: o for o in resp["outputs"]}
            self.assertEqual(outputs["PREDICTION"]["shape"], [12, 1])
            # Same transform code, same model, same float inputs: same numbers.
            # Compared as float32 values: bit for bit.
            self.assertEqual([f32(v) for v in outputs["PREDICTION"]["data"]],
                             [f32(v) for v in expected])
            risk = outputs["FAILURE_RISK"]["data"]
            self.assertTrue(all(0.0 <= r <= 1.0 for r in risk))
            # The engine nears failure, so the risk rises over its last cycles.
            self.assertGreater(risk[-1], risk[0])

            # A request with the wrong number of columns is a clear 400.
            bad = {"inputs": [{"name": "RAW", "datatype": "FP32", "shape": [1, 3],
                               "data": [1, 2, 3]}]}
            status, resp = http("POST", server.base + "/v2/models/maintenance/infer", bad)
            self.assertEqual(status, 400, resp)

            # A second run registers version 2; the polling server picks it up.
            out = train(self.pipeline(2, split_seed=8), "--quiet")
            self.assertEqual(out.returncode, 0, out.stderr)
            self.assertIn("version 2", out.stdout)
            server.wait_for("/v2/models/maintenance/versions/2/ready")
            status, resp = http("POST", server.base + "/v2/models/maintenance/infer", body)
            self.assertEqual(status, 200, resp)
            self.assertEqual(resp["model_version"], "2")

            # Same data and seed as version 2: it does not beat it, so no version 3.
            out = train(self.pipeline(3, split_seed=8, only_if_better="true"), "--quiet")
            self.assertEqual(out.returncode, 0, out.stderr)
            self.assertIn("Not registered", out.stdout)
            self.assertFalse(os.path.exists(os.path.join(self.tmp, "repo/maintenance/3")))
        finally:
            server.stop()


BASE = """
data:
  path: {data}
label: y
task: binary
split: {{method: random, valid_fraction: 0.3, seed: 1}}
train: {{rounds: 5, threads: 1}}
output: out
"""


class BadInputTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="strato-train-bad-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def good_rows(self, n=40):
        return "".join(f"{i % 7},{(i * 3) % 11},{'A' if i % 2 else 'B'},{i % 2}\n" for i in range(n))

    def run_pipeline(self, data_text, extra="", base=BASE):
        write(os.path.join(self.tmp, "data.csv"), data_text)
        pipeline = write(os.path.join(self.tmp, "pipeline.yaml"),
                         base.format(data="data.csv") + extra)
        return train(pipeline, "--quiet", "--no-register")

    def assertFails(self, out, *needles):
        self.assertEqual(out.returncode, 1, out.stdout + out.stderr)
        for n in needles:
            self.assertIn(n, out.stderr)

    def test_good_pipeline_runs(self):
        out = self.run_pipeline("a,b,c,y\n" + self.good_rows())
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn("auc=", out.stdout)

    def test_register_into_a_chosen_repository(self):
        # --model-repository/--model send registration elsewhere (a pipeline
        # without a register: section here), so examples need not write into
        # the checkout.
        write(os.path.join(self.tmp, "data.csv"), "a,b,c,y\n" + self.good_rows())
        pipeline = write(os.path.join(self.tmp, "pipeline.yaml"), BASE.format(data="data.csv"))
        repo = os.path.join(self.tmp, "elsewhere")
        out = train(pipeline, "--quiet", "--model-repository", repo, "--model", "chosen")
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        self.assertTrue(os.path.isdir(os.path.join(repo, "chosen", "1")), os.listdir(self.tmp))
        out = train(pipeline, "--quiet", "--model-repository", repo, "--model", "a/b")
        self.assertEqual(out.returncode, 2)
        self.assertIn("not a folder name", out.stderr)

    def test_warns_when_one_feature_determines_the_label(self):
        # Column b is 10 exactly when y is 1: the CLI and the report say so.
        rows = "".join(f"{i % 7},{10 * (i % 2)},{'A' if i % 3 else 'B'},{i % 2}\n" for i in range(200))
        out = self.run_pipeline("a,b,c,y\n" + rows)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn("warning: feature 'b' alone predicts the label", out.stderr)
        self.assertIn("alone predicts the label", read(os.path.join(self.tmp, "out", "report.html")))
        # Without that column there is nothing to warn about.
        out = self.run_pipeline("a,b,c,y\n" + self.good_rows(200))
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertNotIn("alone predicts", out.stderr)

    def test_malformed_row(self):
        out = self.run_pipeline("a,b,c,y\n1,2,A,0\n3,4\n" + self.good_rows())
        self.assertFails(out, "data.csv:3:", "expected 4 fields, found 2", "column 'c' is missing")

    def test_malformed_row_skipped_and_counted(self):
        extra = ""
        base = BASE.replace("  path: {data}\n", "  path: {data}\n  on_bad_row: skip\n")
        out = self.run_pipeline("a,b,c,y\n1,2,A,0\n3,4\n" + self.good_rows(), extra, base)
        self.assertEqual(out.returncode, 0, out.stderr)
        report = read(os.path.join(self.tmp, "out/report.html"))
        self.assertIn("1 bad rows skipped", report)

    def test_missing_column(self):
        extra = "transforms:\n  - kind: standardise\n    columns: [a, nope]\n"
        out = self.run_pipeline("a,b,c,y\n" + self.good_rows(), extra)
        self.assertFails(out, "transforms[0] (standardise)", "column 'nope' is not in the data")

    def test_missing_label_column(self):
        out = self.run_pipeline("a,b,c,z\n" + self.good_rows())
        self.assertFails(out, "label.column: column 'y' is not in")

    def test_non_numeric_value(self):
        base = BASE.replace("  path: {data}\n", "  path: {data}\n  types: {{b: number}}\n")
        out = self.run_pipeline("a,b,c,y\n1,2,A,0\n1,x7,B,1\n" + self.good_rows(), "", base)
        self.assertFails(out, "data.csv:3:", "column 'b' (field 2)", "'x7' is not a number")

    def test_empty_file(self):
        out = self.run_pipeline("")
        self.assertFails(out, "data.csv: the file is empty")

    def test_header_only(self):
        out = self.run_pipeline("a,b,c,y\n")
        self.assertFails(out, "no data rows")

    def test_unknown_transform(self):
        extra = "transforms:\n  - kind: scale\n    columns: [a]\n"
        out = self.run_pipeline("a,b,c,y\n" + self.good_rows(), extra)
        self.assertFails(out, "pipeline.yaml:10: transforms[0].kind: unknown transform 'scale'",
                         "known: standardise, one_hot, hash, window")

    def test_empty_search_range(self):
        extra = ("search:\n  method: random\n  trials: 2\n  space:\n"
                 "    max_depth: {int: [8, 3]}\n")
        out = self.run_pipeline("a,b,c,y\n" + self.good_rows(), extra)
        self.assertFails(out, "search.space.max_depth: the range is empty")

    def test_empty_choice_list(self):
        extra = "search:\n  method: halving\n  space:\n    eta: {choice: []}\n"
        out = self.run_pipeline("a,b,c,y\n" + self.good_rows(), extra)
        self.assertFails(out, "search.space.eta: the range is empty")

    def test_unknown_key_and_bad_yaml(self):
        out = self.run_pipeline("a,b,c,y\n" + self.good_rows(), "trian: {rounds: 3}\n")
        self.assertFails(out, "pipeline.yaml:9: trian: unknown key 'trian'")
        out = self.run_pipeline("a,b,c,y\n" + self.good_rows(), "split:\n\tmethod: time\n")
        self.assertFails(out, "a tab in the indentation")

    def test_search_runs_in_parallel_and_reports_trials(self):
        extra = ("search:\n  method: halving\n  trials: 6\n  parallel: 2\n  min_rounds: 2\n"
                 "  eta: 2\n  space:\n    max_depth: {int: [2, 5]}\n"
                 "    eta: {log: [0.05, 0.5]}\n")
        out = self.run_pipeline("a,b,c,y\n" + self.good_rows(200), extra)
        self.assertEqual(out.returncode, 0, out.stderr)
        report = read(os.path.join(self.tmp, "out/report.html"))
        self.assertIn("<h2>Search</h2>", report)
        self.assertGreaterEqual(report.count("<tr><td>") + report.count("<tr class='best'>"), 6)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--strato", required=True)
    parser.add_argument("--shared", default=os.environ.get("STRATO_SHARED_DIR", ""))
    args, rest = parser.parse_known_args()
    STRATO = os.path.abspath(args.strato)
    SHARED = args.shared or os.path.join(os.path.dirname(__file__), "../../../shared")
    unittest.main(argv=[sys.argv[0], "-v", *rest])
