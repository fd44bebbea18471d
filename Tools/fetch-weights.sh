#!/usr/bin/env bash
# Fetch and verify the model bundles of Weights/models.json (idempotent). See Tools/fetch_weights.py.
set -euo pipefail
exec python3 "$(cd "$(dirname "$0")" && pwd)/fetch_weights.py" "$@"
