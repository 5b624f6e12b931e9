#!/usr/bin/env bash
# Installs everything the test suite needs and runs it. The README's test command; CI runs it too.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
VENV="${VENV:-.venv}"
[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --upgrade pip
"$VENV/bin/python" -m pip install --quiet -e ".[all,test]"

"$VENV/bin/python" -m pytest "$@"
