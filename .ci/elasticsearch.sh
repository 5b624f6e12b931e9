#!/usr/bin/env bash
# A real single-node Elasticsearch for the test suite and the benchmarks.
#
#   bash .ci/elasticsearch.sh start    fetch (cached), unpack, start, wait for green/yellow health
#   bash .ci/elasticsearch.sh stop     stop the node started with the same ES_PORT / ES_RUN_DIR
#   bash .ci/elasticsearch.sh wipe     stop, then delete this node's data and logs
#   bash .ci/elasticsearch.sh url      print the node's URL
#
# Uses the `integ-test-zip` distribution from Maven Central: it is small and has no bundled JDK,
# no analysis-common, ingest or ILM modules, which is exactly the "minimal node" our index
# template must work on. Environment:
#   ES_VERSION   (default 9.1.5)        ES_PORT   (default 9200)       ES_HEAP (default 512m)
#   ES_CACHE_DIR where distributions are unpacked (root: /var/cache/humas-monitor/elasticsearch)
#   ES_RUN_DIR   data, logs and pid file of this node (default $ES_CACHE_DIR/run-$ES_PORT)
#   ES_JAVA_HOME a Java 21+ JDK (default: the newest JDK 21+ under /usr/lib/jvm or /opt)
#   ES_WAIT_S    seconds to wait for health (default 180)
set -euo pipefail

ES_VERSION="${ES_VERSION:-9.1.5}"
ES_PORT="${ES_PORT:-9200}"
ES_HEAP="${ES_HEAP:-512m}"
ES_WAIT_S="${ES_WAIT_S:-180}"
ES_USER="${ES_USER:-monitor-es}"
if [ "$(id -u)" = 0 ]; then
  # Elasticsearch refuses to run as root; the node runs as $ES_USER, who cannot enter /root.
  ES_CACHE_DIR="${ES_CACHE_DIR:-/var/cache/humas-monitor/elasticsearch}"
else
  ES_CACHE_DIR="${ES_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/humas-monitor/elasticsearch}"
fi
ES_RUN_DIR="${ES_RUN_DIR:-$ES_CACHE_DIR/run-$ES_PORT}"
ES_HOME="$ES_CACHE_DIR/elasticsearch-$ES_VERSION"
URL="http://127.0.0.1:$ES_PORT"

log() { echo "[elasticsearch.sh] $*" >&2; }

java_major() { "$1/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n1; }

find_java() {
  if [ -n "${ES_JAVA_HOME:-}" ]; then echo "$ES_JAVA_HOME"; return; fi
  local best="" best_major=0 candidate major
  for candidate in /usr/lib/jvm/* /opt/*jdk* /opt/java/*; do
    [ -x "$candidate/bin/java" ] || continue
    major="$(java_major "$candidate")"
    if [ -n "$major" ] && [ "$major" -ge 21 ] && [ "$major" -gt "$best_major" ]; then
      best="$candidate"; best_major="$major"
    fi
  done
  [ -n "$best" ] || { log "no Java 21+ JDK found under /usr/lib/jvm or /opt; set ES_JAVA_HOME"; exit 1; }
  echo "$best"
}

fetch() {
  [ -x "$ES_HOME/bin/elasticsearch" ] && return
  local artifact="org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ES_VERSION:zip"
  local repo="${MAVEN_REPO:-$HOME/.m2/repository}"
  local zip="$repo/org/elasticsearch/distribution/integ-test-zip/elasticsearch/$ES_VERSION/elasticsearch-$ES_VERSION.zip"
  if [ ! -s "$zip" ]; then
    log "fetching $artifact with Maven (cached in $repo)"
    mvn -q -B dependency:get -Dartifact="$artifact" -Dtransitive=false -Dmaven.repo.local="$repo" >&2
  fi
  mkdir -p "$ES_CACHE_DIR"
  local tmp; tmp="$(mktemp -d "$ES_CACHE_DIR/unpack.XXXXXX")"
  unzip -q "$zip" -d "$tmp"
  mv "$tmp/elasticsearch-$ES_VERSION" "$ES_HOME"
  rmdir "$tmp"
}

run_as_node_user() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u "$ES_USER" -- "$@"
  else
    "$@"
  fi
}

healthy() { curl -fsS "$URL/_cluster/health?wait_for_status=yellow&timeout=1s" >/dev/null 2>&1; }

start() {
  if healthy; then log "already running at $URL"; echo "$URL"; return; fi
  fetch
  local java_home; java_home="$(find_java)"
  mkdir -p "$ES_RUN_DIR/data" "$ES_RUN_DIR/logs" "$ES_RUN_DIR/config"
  # A private copy of config/: the node writes its keystore there.
  [ -f "$ES_RUN_DIR/config/elasticsearch.yml" ] || cp -r "$ES_HOME/config/." "$ES_RUN_DIR/config/"
  if [ "$(id -u)" = 0 ]; then
    id -u "$ES_USER" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$ES_USER"
    chown -R "$ES_USER" "$ES_RUN_DIR"
    chmod -R a+rX "$ES_HOME"
    chmod a+x "$ES_CACHE_DIR" "$(dirname "$ES_RUN_DIR")"
  fi
  log "starting Elasticsearch $ES_VERSION with $(java_major "$java_home") ($java_home) on $URL"
  # Disk thresholds off: a nearly full CI disk must not turn indices read-only mid-test.
  run_as_node_user env ES_JAVA_HOME="$java_home" ES_PATH_CONF="$ES_RUN_DIR/config" \
    ES_JAVA_OPTS="-Xms$ES_HEAP -Xmx$ES_HEAP ${ES_EXTRA_JAVA_OPTS:-}" \
    "$ES_HOME/bin/elasticsearch" -d -p "$ES_RUN_DIR/es.pid" \
    -E discovery.type=single-node -E xpack.security.enabled=false \
    -E network.host=127.0.0.1 -E http.port="$ES_PORT" -E transport.port=0 \
    -E path.data="$ES_RUN_DIR/data" -E path.logs="$ES_RUN_DIR/logs" \
    -E cluster.routing.allocation.disk.threshold_enabled=false -E cluster.name="monitor-test-$ES_PORT" \
    >>"$ES_RUN_DIR/logs/launch.log" 2>&1
  local waited=0
  until healthy; do
    if [ "$waited" -ge "$ES_WAIT_S" ]; then
      log "node did not become healthy in ${ES_WAIT_S}s; last log lines:"
      tail -n 40 "$ES_RUN_DIR"/logs/*.log >&2 2>/dev/null || true
      exit 1
    fi
    sleep 1; waited=$((waited + 1))
  done
  log "healthy after ${waited}s"
  echo "$URL"
}

stop() {
  local pidfile="$ES_RUN_DIR/es.pid"
  [ -f "$pidfile" ] || { log "not running (no $pidfile)"; return; }
  local pid; pid="$(cat "$pidfile")"
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
  kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
  rm -f "$pidfile"
  log "stopped"
}

wipe() {
  stop
  rm -rf "$ES_RUN_DIR"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  wipe) wipe ;;
  url) echo "$URL" ;;
  *) echo "usage: $0 start|stop|wipe|url" >&2; exit 2 ;;
esac
