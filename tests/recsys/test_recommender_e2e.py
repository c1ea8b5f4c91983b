#!/usr/bin/env python3
"""The `recommender` backend through a real `strato serve` over HTTP (KServe v2 JSON):
top-k with titles and scores, exclusions, genre filters, similar items, cold start,
clear 400s for bad input, and fold-in that survives a server restart. Uses the
generated sample catalogue (no data needed); when ../shared has MovieLens 100K, also
`strato recommend eval` on one fold and the MovieLens-trained model."""
import argparse
import os
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
import strato_process  # noqa: E402
from strato_process import http  # noqa: E402

STRATO = None
SHARED = None


def tensor(name, datatype, data):
    return {"name": name, "datatype": datatype, "shape": [len(data)], "data": data}


def query(user, k=None, **extra):
    inputs = [tensor("USER_ID", "INT64", [user])]
    if k is not None:
        inputs.append(tensor("K", "INT32", [k]))
    for name, (datatype, data) in extra.items():
        inputs.append(tensor(name, datatype, data))
    return {"inputs": inputs}


def outputs(body):
    return {o["name"]: o["data"] for o in body["outputs"]}


class RecommenderE2E(unittest.TestCase):
    def setUp(self):
        self.repo = tempfile.mkdtemp(prefix="strato-recsys-e2e-")
        os.makedirs(os.path.join(self.repo, "rec", "1"))
        with open(os.path.join(self.repo, "rec", "config.pbtxt"), "w") as f:
            f.write('name: "rec"\nbackend: "recommender"\nmax_batch_size: 0\n'
                    'parameters { key: "factors" value { string_value: "16" } }\n')
        self.server = None

    def tearDown(self):
        if self.server:
            self.server.stop()
        subprocess.run(["rm", "-rf", self.repo], check=False)

    def start(self):
        if self.server:
            self.server.stop()
        self.server = strato_process.ServeProcess(STRATO, "--model-repository", self.repo)
        self.server.wait_for()
        self.url = self.server.base + "/v2/models/rec/infer"

    def infer(self, body):
        return http("POST", self.url, body)

    def test_serving_and_fold_in_across_restart(self):
        self.start()
        status, body = self.infer(query(4, 5))
        self.assertEqual(status, 200, body)
        out = outputs(body)
        self.assertEqual(len(out["ITEM_IDS"]), 5)
        self.assertEqual(len(out["TITLES"]), 5)
        self.assertEqual(out["SOURCE"], ["personal"])
        self.assertEqual(out["SCORES"], sorted(out["SCORES"], reverse=True))
        top = out["ITEM_IDS"]

        status, body = self.infer(query(4, 5, EXCLUDE=("INT64", top[:2])))
        self.assertEqual(status, 200, body)
        self.assertFalse(set(top[:2]) & set(outputs(body)["ITEM_IDS"]))

        status, body = self.infer(query(4, 5, GENRES=("BYTES", ["Thriller"])))
        self.assertEqual(status, 200, body)
        for title in outputs(body)["TITLES"]:
            self.assertTrue(title.startswith("Thriller") or title.startswith("Sci-Fi"), title)

        status, body = self.infer(query(0, 3))
        self.assertEqual(outputs(body)["SOURCE"], ["popular"])
        status, body = self.infer(query(0, 3, SIMILAR_TO=("INT64", [7])))
        self.assertEqual(outputs(body)["SOURCE"], ["similar-items"])
        self.assertNotIn(7, outputs(body)["ITEM_IDS"])

        # Bad input: clear 400s naming the problem.
        for body, needle in [(query(4, -1), "k must be at least 1"),
                             (query(4, 100000), "exceeds the catalogue"),
                             (query(4, 3, GENRES=("BYTES", ["Polka"])), "unknown genre"),
                             (query(4, 3, ADD_ITEMS=("INT64", [0])), "not in the catalogue"),
                             ({"inputs": [tensor("USER_ID", "INT64", ["abc"])]}, "USER_ID")]:
            status, reply = self.infer(body)
            self.assertEqual(status, 400, reply)
            self.assertIn(needle, reply["error"])

        # Fold-in: a new user with three Comedy items gets Comedy at once.
        status, body = self.infer(query(990001, 5, ADD_ITEMS=("INT64", [2, 8, 14])))
        self.assertEqual(status, 200, body)
        out = outputs(body)
        self.assertEqual(out["SOURCE"], ["personal"])
        self.assertGreaterEqual(sum(t.startswith("Comedy") for t in out["TITLES"]), 3, out["TITLES"])
        self.assertFalse({2, 8, 14} & set(out["ITEM_IDS"]))

        # Restart: the journal is replayed and trained on; the user is still known.
        self.start()
        status, body = self.infer(query(990001, 5))
        self.assertEqual(status, 200, body)
        out = outputs(body)
        self.assertEqual(out["SOURCE"], ["personal"])
        self.assertFalse({2, 8, 14} & set(out["ITEM_IDS"]))

    def test_movielens(self):
        ml = os.path.join(SHARED, "datasets", "recsys", "ml-100k")
        if not os.path.exists(os.path.join(ml, "u.data")):
            self.skipTest(f"MovieLens 100K not found at {ml}")
        with open(os.path.join(self.repo, "rec", "config.pbtxt"), "a") as f:
            f.write(f'parameters {{ key: "data_dir" value {{ string_value: "{ml}" }} }}\n')
        self.start()
        status, body = self.infer(query(1, 10))
        self.assertEqual(status, 200, body)
        out = outputs(body)
        self.assertEqual(len(out["TITLES"]), 10)
        self.assertFalse(any(" movie " in t for t in out["TITLES"]), out["TITLES"])  # not the sample
        report = subprocess.run([STRATO, "recommend", "eval", "--data", ml, "--folds", "1",
                                 "--rating-models", "biases", "--ranking-models", "most-popular",
                                 "--quiet"], capture_output=True, text=True, timeout=120)
        self.assertEqual(report.returncode, 0, report.stderr)
        self.assertIn("biases", report.stdout)
        self.assertIn("0.9599", report.stdout)  # u1 RMSE of the bias baseline
        bad = subprocess.run([STRATO, "recommend", "eval", "--data", "/nonexistent"],
                             capture_output=True, text=True, timeout=60)
        self.assertNotEqual(bad.returncode, 0)
        self.assertIn("u.data", bad.stderr)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--strato", required=True)
    parser.add_argument("--shared", required=True)
    args, rest = parser.parse_known_args()
    STRATO, SHARED = args.strato, args.shared
    unittest.main(argv=[sys.argv[0]] + rest)
