#!/usr/bin/env bash
# The main job on a fresh machine: install what is missing, fetch and verify weights,
# build in release mode, and run the demo.
set -euo pipefail
cd "$(dirname "$0")/.."
bash Tools/install-system-deps.sh
swift build -c release 2>&1 | grep -E "error|Build complete" | tail -3
CONVERTER=.build/release/convert-weights bash Tools/fetch-weights.sh
todo=.build/release/todo
export SMART_TODO_DB="$(mktemp -d)/demo-tasks.sqlite"   # a fresh database for the demo; your own lives in ~/.local/share/smart-todo

echo "== Tasks: stored in SQLite first, then the AI fills what you left out (category, priority, tags)"
$todo add "Renew passport before the Zürich trip" --due friday --priority high --tag travel
$todo add "Pay the electricity bill" --due tomorrow
$todo add "Buy running shoes for the half marathon"
$todo add "Quarterly planning notes" --due "in 3 days" --description - <<'NOTES'
Budget: travel is 12% over plan; freeze new vendor contracts until Q2.

Hiring: two backend roles approved, interviews start next week. Ask Jürgen for the
updated headcount sheet before Friday.

Office: the lease renewal needs a signature from legal; book a room for the all-hands.
NOTES
$todo add "Book a dentist appointment for the kids" --async
$todo add "URGENT: rotate the leaked API key"
$todo add "Submit expense receipts to accounting" --due +2w
echo
echo "== The queued task (--async) is enriched by the next \`todo enrich\`"
$todo enrich
$todo list
$todo show 4
echo
echo "== Search by meaning (no shared words needed) and by words"
$todo search "dental checkup for the children" --limit 2
$todo search "travel documents" --limit 2
$todo search "headcount" --limit 2
echo "== ... and by the names the best matches share: the coat task says nothing about a daughter"
$todo add "Pick up Mia from ballet class"
$todo add "Book Mia's vaccination at the paediatrician"
$todo add "Order a winter coat for Mia"
$todo search "my daughter" --limit 3
echo
echo "== Why a priority, a category and the tags: the urgency score term by term, every category's score, each tag's source"
$todo explain 2
$todo explain 6
echo
echo "== Near-duplicates, edits that stick, undo"
$todo add "Pay electricity bill"
$todo similar 2
$todo edit 3 --remove-tag "$($todo show 3 --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["tags"][0])')"
$todo undo
$todo done 2
$todo stats
$todo list --status all --json
echo
echo "== A consistent copy while anything may be writing, and putting it back"
backup="$(dirname "$SMART_TODO_DB")/backup.sqlite"
$todo backup "$backup"
$todo add "Water the plants"
$todo restore "$backup"
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
