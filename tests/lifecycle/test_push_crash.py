#!/usr/bin/env python3
"""Crash consistency of `strato model push`: the process is killed with
SIGKILL (as `kill -9`) at every named point of the write path (STRATO_CRASH_AT)
and at random moments of a large push; after each kill the registry must hold
either the whole version (catalogue row + every blob with the right sha256)
or nothing of it, and it must keep working (the next push succeeds, temporary
files are swept).

Real binary, real files, the real SQLite catalogue read with Python's sqlite3.
"""
import argparse
import hashlib
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import unittest

from lifecycle_util import model_cli, write_model

STRATO = None

# (crash point, whether the version must exist afterwards)
POINTS = [("blob_partial:1", False), ("blob_synced:1", False), ("blob_renamed:1", False),
          ("blob_renamed:2", False), ("blobs_written", False), ("before_commit", False),
          ("after_commit", True)]


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


class PushCrashTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="strato-push-crash-")
        self.registry = os.path.join(self.tmp, "reg")
        self.src = write_model(os.path.join(self.tmp, "src"), b"w" * 1000)
        with open(os.path.join(self.src, "extra.bin"), "wb") as f:
            f.write(os.urandom(300000))

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def versions(self):
        """Every catalogued version, checked whole: each file's blob exists and hashes right."""
        db = sqlite3.connect(os.path.join(self.registry, "catalog.db"))
        try:
            rows = db.execute("SELECT version, files FROM versions WHERE model='m' ORDER BY version").fetchall()
        except sqlite3.OperationalError as e:
            # Killed while the very first open created the catalogue: no tables yet, no versions
            # (the next open creates them; the final push below checks that).
            if "no such table" not in str(e):
                raise
            rows = []
        finally:
            db.close()
        for version, files in rows:
            for f in json.loads(files):
                blob = os.path.join(self.registry, "blobs", "sha256", f["sha256"])
                self.assertTrue(os.path.exists(blob), f"v{version}: blob of {f['path']} missing")
                self.assertEqual(sha256_file(blob), f["sha256"], f"v{version}: blob of {f['path']} corrupt")
                self.assertEqual(os.path.getsize(blob), f["size"])
        return [v for v, _ in rows]

    def push(self, env_extra=None):
        env = dict(os.environ, **(env_extra or {}))
        return subprocess.run([STRATO, "model", "--registry", self.registry, "push", "m", self.src],
                              capture_output=True, text=True, env=env, timeout=60)

    def test_kill_at_every_named_point(self):
        self.assertEqual(self.push().returncode, 0)
        expected = [1]
        for point, survives in POINTS:
            # New content every time so that both blobs are really written.
            for name, size in (("weights.bin", 5000), ("extra.bin", 300000)):
                with open(os.path.join(self.src, name), "wb") as f:
                    f.write(os.urandom(size))
            result = self.push({"STRATO_CRASH_AT": point})
            self.assertEqual(result.returncode, -signal.SIGKILL, f"{point}: {result.stderr}")
            if survives:
                expected.append(expected[-1] + 1)
            self.assertEqual(self.versions(), expected, f"after a kill at {point}")
        # The registry still works, and opening it swept the temporaries.
        self.assertEqual(self.push().returncode, 0)
        expected.append(expected[-1] + 1)
        self.assertEqual(self.versions(), expected)
        leftovers = [n for n in os.listdir(os.path.join(self.registry, "blobs", "sha256")) if n.endswith(".tmp")]
        self.assertEqual(leftovers, [])
        shown = model_cli(STRATO, self.registry, "show", "m", str(expected[-1]))
        self.assertIn("integrity:  ok", shown.stdout)

    def test_kill_at_random_moments(self):
        with open(os.path.join(self.src, "big.bin"), "wb") as f:
            f.write(os.urandom(24 << 20))
        rng = random.Random(5)
        count = 0
        for attempt in range(8):
            with open(os.path.join(self.src, "weights.bin"), "wb") as f:
                f.write(os.urandom(5000))
            proc = subprocess.Popen([STRATO, "model", "--registry", self.registry, "push", "m", self.src],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(0.0, 0.25))
            proc.send_signal(signal.SIGKILL)
            rc = proc.wait()
            versions = self.versions()
            # Killed before commit: no new version; finished or killed after: exactly one more.
            self.assertIn(len(versions), (count, count + 1), f"attempt {attempt} (rc {rc})")
            self.assertEqual(versions, list(range(1, len(versions) + 1)))
            count = len(versions)
        self.assertEqual(self.push().returncode, 0)
        self.assertEqual(len(self.versions()), count + 1)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--strato", required=True)
    args, rest = parser.parse_known_args()
    STRATO = os.path.abspath(args.strato)
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)
