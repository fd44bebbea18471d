#!/usr/bin/env bash
# The main job on a fresh machine: install what is missing, fetch and verify weights,
# build in release mode, and run the demo.
set -euo pipefail
cd "$(dirname "$0")/.."
bash Tools/install-system-deps.sh
swift build -c release 2>&1 | grep -E "error|Build complete" | tail -3
CONVERTER=.build/release/convert-weights bash Tools/fetch-weights.sh
todo=.build/release/todo

echo
echo "== Tokenizing a task with the all-MiniLM-L6-v2 tokenizer (offsets are code points of the input)"
$todo tokenize "Renew passport before the Zürich trip — ASAP! 🛂"
echo
echo "== The same text as a premise/hypothesis pair, as JSON"
$todo tokenize "Renew passport before the Zürich trip" --pair "This example is urgent." --json
echo
echo "== Embeddings (all-MiniLM-L6-v2, our engine): a long multi-paragraph text uses several windows"
long="Quarterly planning notes. $(for i in $(seq 1 60); do printf 'Item %d: review the budget, the hiring plan and the vendor contracts. ' "$i"; done)"
$todo embed "Renew passport" "Book flights to Lisbon" "$long"
