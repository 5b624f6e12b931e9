#!/usr/bin/env bash
# The package stands on its own: build a wheel, install it (base dependencies only) into a fresh
# virtual environment outside the repository, and run `monitor demo` and `monitor classify` from
# a folder that has no config/ and no models/. Fails if either command fails or if the shipped
# model did not load (a "fallback:" model name).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
work="$(mktemp -d /tmp/humas-wheel-XXXXXX)"
trap 'rm -rf "$work"' EXIT

"$PYTHON" -m pip wheel --quiet --no-deps --wheel-dir "$work/dist" .
"$PYTHON" -m venv "$work/venv"
"$work/venv/bin/python" -m pip install --quiet --upgrade pip
"$work/venv/bin/python" -m pip install --quiet "$work"/dist/humas_monitor-*.whl
mkdir -p "$work/elsewhere"
cd "$work/elsewhere"

"$work/venv/bin/monitor" demo --data-dir "$work/demo" > "$work/demo.txt"
grep -q "Insiden (" "$work/demo.txt" || { cat "$work/demo.txt"; echo "wheel-check: demo printed no incidents"; exit 1; }

printf '%s\n' "Pelayanan Dukcapil cepat banget, mantap 👍" "jalan rusak parah ga dibenerin2, kecewa" \
  | "$work/venv/bin/monitor" classify > "$work/classified.jsonl"
"$work/venv/bin/python" - "$work/classified.jsonl" <<'PY'
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8")]
assert len(rows) == 2, rows
assert all(not r["model"].startswith("fallback:") for r in rows), f"the shipped model did not load: {rows}"
assert [r["sentiment"] for r in rows] == ["positive", "negative"], rows
print(f"wheel-check: demo and classify ran from the installed wheel ({rows[0]['model']})")
PY
