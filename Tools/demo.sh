#!/usr/bin/env bash
# The main job on a fresh machine: install what is missing, fetch and verify weights,
# build in release mode, and run the demo.
set -euo pipefail
cd "$(dirname "$0")/.."
bash Tools/install-system-deps.sh
bash Tools/fetch-weights.sh
swift build -c release 2>&1 | grep -E "error|warning: unre|Compiling|Build complete" | tail -3
todo=.build/release/todo

echo
echo "== Tokenizing a task with the all-MiniLM-L6-v2 tokenizer (offsets are code points of the input)"
$todo tokenize "Renew passport before the Zürich trip — ASAP! 🛂"
echo
echo "== The same text as a premise/hypothesis pair, as JSON"
$todo tokenize "Renew passport before the Zürich trip" --pair "This example is urgent." --json
