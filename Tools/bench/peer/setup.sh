#!/usr/bin/env bash
# Installs the peer service's requirements and the benchmark's into .venv-bench (created if missing). Idempotent.
set -euo pipefail
root="$(cd "$(dirname "$0")/../../.." && pwd)"
venv="$root/.venv-bench"
if [ ! -x "$venv/bin/python" ]; then python3 -m venv "$venv"; fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
    -r "$root/Tools/bench/requirements.txt" -r "$root/Tools/bench/peer/requirements.txt"
echo "$venv/bin/python"
