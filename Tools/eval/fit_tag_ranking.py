#!/usr/bin/env python3
"""Fits the learned tag ranking (`TagRanking` in Sources/TaskService/Enrichment/TagRanking.swift).

The rows come from the app itself, one file per labelled tuning set:

    todo eval Tools/eval/bank/tasks_a.jsonl --tag-candidates /tmp/cands/a.jsonl --model all-MiniLM-L6-v2

(a bank set is written with itself left out of the banks, as `todo eval` measures it). Never
give it the blind set: no method may be chosen by looking at it.

    python3 Tools/eval/fit_tag_ranking.py /tmp/cands/*.jsonl

prints the weights as the `tags.ranking` object of a settings file, and the Swift of
`TagRanking.fitted`. An L2-regularised logistic regression (the intercept not penalised),
fitted by Newton's method in plain Python (no dependency; about a minute for 80,000 rows).
"""
import argparse
import json
import math
import sys

FEATURES = ["cosine", "below_best", "title", "description", "lexicon", "borrowed", "support",
            "two_words", "text_position", "filed_count", "filed", "similarity_rank"]
SWIFT_NAMES = {"below_best": "belowBest", "two_words": "twoWords", "text_position": "textPosition",
               "filed_count": "filedCount", "similarity_rank": "similarityRank"}


def rows(paths):
    xs, ys = [], []
    for path in paths:
        with open(path) as f:
            for line in f:
                task = json.loads(line)
                for row in task["candidates"]:
                    feats = row["candidate"]["features"]
                    xs.append([1.0] + [float(feats[name]) for name in FEATURES])
                    ys.append(1.0 if row["labelled"] else 0.0)
    if not xs:
        sys.exit("no candidates in " + ", ".join(paths))
    return xs, ys


def solve(a, b):
    """a x = b by Gaussian elimination with partial pivoting (a is small and positive definite)."""
    n = len(b)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(m[r][col]))
        m[col], m[pivot] = m[pivot], m[col]
        for r in range(col + 1, n):
            f = m[r][col] / m[col][col]
            for c in range(col, n + 1):
                m[r][c] -= f * m[col][c]
    x = [0.0] * n
    for r in reversed(range(n)):
        x[r] = (m[r][n] - sum(m[r][c] * x[c] for c in range(r + 1, n))) / m[r][r]
    return x


def fit(xs, ys, l2):
    """Weights minimising the log-loss plus l2/2 times the squared weights but the intercept."""
    d = len(xs[0])
    weights = [0.0] * d
    for _ in range(100):
        gradient = [0.0] * d
        hessian = [[0.0] * d for _ in range(d)]
        for x, y in zip(xs, ys):
            z = sum(w * v for w, v in zip(weights, x))
            p = 1 / (1 + math.exp(-z)) if z > -700 else 0.0
            g, h = p - y, p * (1 - p)
            for i in range(d):
                gradient[i] += g * x[i]
                if x[i]:
                    hx = h * x[i]
                    row = hessian[i]
                    for j in range(i, d):
                        row[j] += hx * x[j]
        for i in range(d):
            for j in range(i):
                hessian[i][j] = hessian[j][i]
            if i:
                gradient[i] += l2 * weights[i]
                hessian[i][i] += l2
        step = solve(hessian, gradient)
        weights = [w - s for w, s in zip(weights, step)]
        if max(abs(s) for s in step) < 1e-9:
            break
    return weights


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("candidates", nargs="+", help="files written by `todo eval TASKS --tag-candidates FILE`")
    parser.add_argument("--l2", type=float, default=1.0, help="ridge penalty on every weight but the intercept (default 1)")
    args = parser.parse_args()
    x, y = rows(args.candidates)
    weights = [round(float(w), 3) for w in fit(x, y, args.l2)]
    named = dict(zip(["intercept"] + FEATURES, weights))
    print(f"{len(y)} candidates, {int(sum(y))} of them labelled", file=sys.stderr)
    print(json.dumps({"tags": {"ranking": named}}, indent=2))
    fields = ", ".join(f"{SWIFT_NAMES.get(k, k)}: {v}" for k, v in named.items())
    print(f"static let fitted = TagRanking({fields})")


if __name__ == "__main__":
    main()
