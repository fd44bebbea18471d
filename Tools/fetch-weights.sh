#!/usr/bin/env bash
# Fetch, verify and convert the model bundles of Weights/models.json (idempotent); see
# Tools/fetch_weights.py. Without names, the default ones (all-MiniLM-L6-v2); name others to fetch
# them: `bash Tools/fetch-weights.sh all-mpnet-base-v2`. Uses $CONVERTER, else builds convert-weights
# in release mode.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
converter="${CONVERTER:-}"
if [ -z "$converter" ]; then
  (cd "$root" && swift build -c release --product convert-weights 2>&1 | grep -E "error|Build complete" | tail -2)
  converter="$root/.build/release/convert-weights"
fi
exec python3 "$root/Tools/fetch_weights.py" --converter "$converter" "$@"
