#!/usr/bin/env python3
"""Differential fuzz test: our tokenizers against Hugging Face `tokenizers`, on fresh random strings.

    python fuzz_tokenizers.py --todo .build/release/todo [--count 5000] [--seed N]

For each tokenizer (all-MiniLM-L6-v2's WordPiece, all-mpnet-base-v2's WordPiece under RoBERTa's
post-processor, and the RoBERTa-style byte-level BPE, the latter also with add_prefix_space on), generates --count strings (random code points from many Unicode
blocks, and random mixtures of the hard cases; about a third encoded as pairs), encodes them with
both implementations (ours through `todo tokenize --batch --json`), and compares ids, type ids and
offsets. Any mismatch prints the input and exits 1. The seed is printed so a failure can be replayed.
"""
import argparse
import json
import pathlib
import random
import subprocess
import sys
import tempfile
import time

from tokenizers import Tokenizer

sys.path.insert(0, str(pathlib.Path(__file__).parent))
import hard_inputs  # noqa: E402

FIXTURES = pathlib.Path(__file__).resolve().parents[2] / "Tests/TokenizersTests/Fixtures"


def variants(tmp):
    yield "minilm", FIXTURES / "minilm/tokenizer.json"
    yield "mpnet", FIXTURES / "mpnet/tokenizer.json"
    yield "roberta-style-bpe", FIXTURES / "roberta-style-bpe/tokenizer.json"
    spec = json.loads((FIXTURES / "roberta-style-bpe/tokenizer.json").read_text())
    spec["pre_tokenizer"]["add_prefix_space"] = True
    spec["post_processor"]["add_prefix_space"] = True
    path = pathlib.Path(tmp) / "prefix-space/tokenizer.json"
    path.parent.mkdir()
    path.write_text(json.dumps(spec, ensure_ascii=False))
    yield "roberta-style-bpe+add_prefix_space", path


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--todo", required=True, help="path to the todo executable")
    ap.add_argument("--count", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=None)
    args = ap.parse_args()
    seed = args.seed if args.seed is not None else int(time.time())
    print(f"fuzz: seed {seed}, {args.count} strings per tokenizer", flush=True)
    failures = total = 0
    with tempfile.TemporaryDirectory() as tmp:
        for name, path in variants(tmp):
            rng = random.Random(f"{seed}-{name}")
            ref = Tokenizer.from_file(str(path))
            ref.no_truncation()
            ref.no_padding()
            cases = []
            for _ in range(args.count):
                text = hard_inputs.random_input(rng)
                pair = hard_inputs.random_input(rng) if rng.random() < 0.33 else None
                cases.append((text, pair))
            batch = pathlib.Path(tmp) / f"{name}.jsonl"
            with open(batch, "w", encoding="utf-8") as f:
                for text, pair in cases:
                    f.write(json.dumps({"text": text, "pair": pair}, ensure_ascii=False) + "\n")
            started = time.time()
            run = subprocess.run([args.todo, "tokenize", "--tokenizer", str(path), "--batch", str(batch), "--json"],
                                 capture_output=True, text=True)
            if run.returncode != 0:
                print(f"FAIL {name}: todo exited {run.returncode}: {run.stderr}")
                return 1
            ours = [json.loads(line) for line in run.stdout.split("\n") if line]  # not splitlines(): U+2028 is data
            if len(ours) != len(cases):
                print(f"FAIL {name}: {len(ours)} outputs for {len(cases)} inputs")
                return 1
            bad = 0
            for (text, pair), mine in zip(cases, ours):
                e = ref.encode(text, pair) if pair is not None else ref.encode(text)
                expected = {"ids": e.ids, "type_ids": e.type_ids, "offsets": [list(o) for o in e.offsets]}
                for key in ("ids", "type_ids", "offsets"):
                    if mine[key] != expected[key]:
                        bad += 1
                        if bad <= 5:
                            print(f"MISMATCH {name} ({key}) text={text!r} pair={pair!r}")
                            print(f"  reference tokens {e.tokens}")
                            print(f"  ours      tokens {mine['tokens']}")
                            print(f"  reference {key} {expected[key]}")
                            print(f"  ours      {key} {mine[key]}")
                        break
            print(f"{name}: {len(cases) - bad} identical, {bad} different ({time.time() - started:.1f}s)", flush=True)
            failures += bad
            total += len(cases)
    print(f"fuzz: {total - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
