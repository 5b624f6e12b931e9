#!/usr/bin/env bash
# Installs everything the test suite needs and runs it. The README's test command; CI runs it too.
# It starts real Elasticsearch nodes (9.x, and 8.x for the store contract suite) from Maven
# Central's integ-test-zip and stops them at the end. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
VENV="${VENV:-.venv}"
[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --upgrade pip
"$VENV/bin/python" -m pip install --quiet -e ".[all,test]"

# Maven fetches Elasticsearch (Elasticsearch itself needs a Java 21+ JDK: see .ci/elasticsearch.sh).
if ! command -v mvn >/dev/null; then
  apt-get update -qq && apt-get install -y -qq maven >/dev/null
fi

stop_nodes() {
  ES_PORT=9200 bash .ci/elasticsearch.sh stop || true
  ES_PORT=9201 bash .ci/elasticsearch.sh stop || true
}
trap stop_nodes EXIT
ES_PORT=9200 bash .ci/elasticsearch.sh start
ES_PORT=9201 ES_VERSION=8.19.7 bash .ci/elasticsearch.sh start
export MONITOR_TEST_ES_URL=http://127.0.0.1:9200
export MONITOR_TEST_ES8_URL=http://127.0.0.1:9201

"$VENV/bin/python" -m pytest "$@"
