#!/usr/bin/env bash
# Creates the benchmark's reference venv (.venv-bench) with pinned requirements. Idempotent.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
venv="$root/.venv-bench"
if [ ! -x "$venv/bin/python" ]; then python3 -m venv "$venv"; fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$root/Tools/bench/requirements.txt"
echo "$venv/bin/python"
