#!/usr/bin/env python3
"""Tests of fit_tag_ranking.py: it recovers known weights from rows drawn from them, and reads
the rows `todo eval --tag-candidates` writes."""
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fit_tag_ranking as fitting  # noqa: E402


class FitTagRankingTests(unittest.TestCase):
    def test_solve_matches_a_known_solution(self):
        a = [[4.0, 1.0, 0.5], [1.0, 3.0, 0.2], [0.5, 0.2, 2.0]]
        x = [1.5, -2.0, 0.25]
        b = [sum(r[j] * x[j] for j in range(3)) for r in a]
        for got, want in zip(fitting.solve(a, b), x):
            self.assertAlmostEqual(got, want, places=9)

    def test_fit_recovers_the_weights_the_labels_were_drawn_from(self):
        rng = random.Random(7)
        truth = [-1.0, 2.0, -1.5]
        xs, ys = [], []
        for _ in range(20000):
            x = [1.0, rng.gauss(0, 1), float(rng.random() < 0.5)]
            p = 1 / (1 + math.exp(-sum(w * v for w, v in zip(truth, x))))
            xs.append(x)
            ys.append(1.0 if rng.random() < p else 0.0)
        for got, want in zip(fitting.fit(xs, ys, l2=0.0), truth):
            self.assertAlmostEqual(got, want, delta=0.1)

    def test_reads_the_apps_rows_and_prints_the_settings_object(self):
        rng = random.Random(3)
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "cands.jsonl")
            with open(path, "w") as f:
                for i in range(300):
                    features = {name: rng.random() for name in fitting.FEATURES}
                    labelled = features["support"] + rng.gauss(0, 0.2) > 0.5
                    row = {"candidate": {"tag": f"t{i}", "key": f"t{i}", "features": features}, "labelled": labelled}
                    f.write(json.dumps({"id": str(i), "tags": [], "candidates": [row]}) + "\n")
            out = subprocess.run([sys.executable, fitting.__file__, path], capture_output=True, text=True, check=True).stdout
        settings = json.loads(out[:out.rindex("}") + 1])
        ranking = settings["tags"]["ranking"]
        self.assertEqual(list(ranking), ["intercept"] + fitting.FEATURES)
        self.assertGreater(ranking["support"], 1.0)  # the one feature the labels follow
        self.assertIn("static let fitted = TagRanking(intercept:", out)

    def test_no_rows_is_an_error_naming_the_files(self):
        with tempfile.NamedTemporaryFile("w", suffix=".jsonl") as empty:
            run = subprocess.run([sys.executable, fitting.__file__, empty.name], capture_output=True, text=True)
        self.assertNotEqual(run.returncode, 0)
        self.assertIn("no candidates in " + empty.name, run.stderr)


if __name__ == "__main__":
    unittest.main()
