#!/usr/bin/env python3
"""Reference timing for `todo bench`: encode a JSON Lines corpus ({"text": ...} per line) with
Hugging Face `tokenizers`, one text at a time on one thread, and print one JSON object:
{"seconds": best pass, "tokens": tokens per pass, "texts": n, "passes": k}."""
import argparse
import json
import os
import time

os.environ["RAYON_NUM_THREADS"] = "1"
os.environ["TOKENIZERS_PARALLELISM"] = "false"
from tokenizers import Tokenizer  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--tokenizer", required=True, help="tokenizer.json")
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--passes", type=int, default=3)
    args = ap.parse_args()
    tok = Tokenizer.from_file(args.tokenizer)
    tok.no_truncation()
    tok.no_padding()
    with open(args.corpus, encoding="utf-8") as f:
        texts = [json.loads(line)["text"] for line in f.read().split("\n") if line]
    best, tokens = float("inf"), 0
    for _ in range(args.passes):
        start = time.perf_counter()
        n = 0
        for t in texts:
            n += len(tok.encode(t).ids)
        best = min(best, time.perf_counter() - start)
        tokens = n
    print(json.dumps({"seconds": best, "tokens": tokens, "texts": len(texts), "passes": args.passes}))


if __name__ == "__main__":
    main()
