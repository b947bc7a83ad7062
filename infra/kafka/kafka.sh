#!/usr/bin/env bash
# The real Apache Kafka broker for local runs and tests, without Docker: jars resolved from Maven Central
# by pom.xml, one KRaft process that is both broker and controller.
#
#   bash infra/kafka/kafka.sh start    # idempotent: reuses a broker that already answers on the port
#   bash infra/kafka/kafka.sh stop     # graceful SIGTERM, SIGKILL after a deadline; safe when nothing runs
#   bash infra/kafka/kafka.sh status   # exit 0 when a broker answers on the port, 3 when none does
#
# Environment (all optional):
#   KAFKA_PORT             client listener port (default 9092); each port has its own data/<port>/ folder
#   KAFKA_CONTROLLER_PORT  controller listener port (default KAFKA_PORT + 1)
#   KAFKA_HEAP_OPTS        JVM heap (default -Xms256m -Xmx512m)
#   KAFKA_START_TIMEOUT    seconds to wait for the broker to answer (default 120)
#   KAFKA_STOP_TIMEOUT     seconds to wait for a graceful stop before SIGKILL (default 30)
#   JAVA_HOME              Java 17+ to run the broker with (default: java on PATH)
set -euo pipefail

# shellcheck source=../scripts/lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/../scripts/lib.sh"

KAFKA_DIR="$ROOT/infra/kafka"
LIB_DIR="$KAFKA_DIR/lib"
STAMP="$LIB_DIR/.resolved"
PORT="${KAFKA_PORT:-9092}"
CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-$((PORT + 1))}"
ADDRESS="127.0.0.1:$PORT"
STATE_DIR="$KAFKA_DIR/data/$PORT"
PROPS="$STATE_DIR/server.properties"
PID_FILE="$STATE_DIR/kafka.pid"
LOG_DIR="$STATE_DIR/logs"
START_TIMEOUT="${KAFKA_START_TIMEOUT:-120}"
STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-30}"
# shellcheck disable=SC2206 # word splitting of the heap options is intended
HEAP_OPTS=(${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m})
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
# The GC settings of Kafka's own kafka-run-class.sh.
JVM_OPTS=(-server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35
  -XX:+ExplicitGCInvokesConcurrent -XX:MaxInlineLevel=15 -XX:+ExitOnOutOfMemoryError
  -Djava.awt.headless=true)
LOG_OPTS=("-Dlog4j2.configurationFile=$KAFKA_DIR/log4j2.yaml" "-Dkafka.logs.dir=$LOG_DIR")

now_ms() { date +%s%3N; }

# --- jars -------------------------------------------------------------------------------------------------

# The stamp holds pom.xml's hash and the jar names resolved from it; lib/ counts as complete only when the
# hash matches and every listed jar is present.
jars_complete() {
  [ -f "$STAMP" ] || return 1
  [ "$(head -n1 "$STAMP")" = "$(sha256sum "$KAFKA_DIR/pom.xml" | cut -d' ' -f1)" ] || return 1
  local jar count=0
  while IFS= read -r jar; do
    [ -f "$LIB_DIR/$jar" ] || return 1
    count=$((count + 1))
  done < <(tail -n +2 "$STAMP")
  [ "$count" -gt 0 ]
}

resolve_jars() {
  jars_complete && return 0
  command -v mvn >/dev/null || die "Maven (mvn) is needed to resolve the Kafka jars"
  mkdir -p "$KAFKA_DIR/data"
  # One resolution at a time across ports; the second waiter finds lib/ complete.
  exec 8>"$KAFKA_DIR/data/.resolve.lock"
  flock -w 600 8 || die "timed out waiting for another jar resolution"
  if jars_complete; then return 0; fi
  local started
  started="$(now_ms)"
  log "resolving the Kafka broker jars with Maven (pom.xml changed or lib/ incomplete)"
  # Resolved into a staging folder and swapped in only when complete: a failed resolution leaves the
  # previous lib/ (and a broker running from it) alone.
  local staging="$KAFKA_DIR/data/lib.partial"
  rm -rf "$staging"
  # Maven 3.8 prints colour codes even with -q -B; its output goes to a file, shown only on failure.
  if ! mvn -q -B -f "$KAFKA_DIR/pom.xml" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$staging" >"$KAFKA_DIR/data/mvn.log" 2>&1; then
    tail -n 40 "$KAFKA_DIR/data/mvn.log" >&2
    die "mvn could not resolve the Kafka jars (full output in infra/kafka/data/mvn.log)"
  fi
  {
    sha256sum "$KAFKA_DIR/pom.xml" | cut -d' ' -f1
    (cd "$staging" && ls -1 -- *.jar)
  } >"$staging/.resolved"
  rm -rf "$LIB_DIR"
  mv "$staging" "$LIB_DIR"
  log "resolved $(($(wc -l <"$STAMP") - 1)) jars in $(($(now_ms) - started)) ms"
  exec 8>&-
}

# --- probes -----------------------------------------------------------------------------------------------

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; }

# An admin client lists the topics. kafkajs (the client the services use) when installed, else the broker's
# own Java admin client.
broker_answers() {
  port_open || return 1
  local rc=0
  if command -v node >/dev/null; then
    node "$KAFKA_DIR/ready-check.cjs" "$ADDRESS" 2>/dev/null || rc=$?
    [ "$rc" -ne 2 ] && return "$rc"
  fi
  resolve_jars
  "$JAVA" -Dlog4j2.level=OFF -cp "$LIB_DIR/*" "$KAFKA_DIR/ReadyCheck.java" "$ADDRESS" >/dev/null 2>&1
}

# The pid of the broker this script started for this port, if it still runs.
running_pid() {
  [ -f "$PID_FILE" ] || return 1
  local pid
  pid="$(cat "$PID_FILE")"
  is_our_broker "$pid" && echo "$pid"
}

is_our_broker() {
  [ -n "$1" ] && [ -r "/proc/$1/cmdline" ] && tr '\0' ' ' <"/proc/$1/cmdline" | grep -qF "kafka.Kafka $PROPS"
}

print_log_tail() {
  local file
  for file in "$LOG_DIR/kafka.out" "$LOG_DIR/server.log"; do
    if [ -s "$file" ]; then
      log "last lines of $file:"
      tail -n 40 "$file" >&2
    fi
  done
}

# Waits until the broker answers; fails early when the process it belongs to exits.
wait_until_answering() {
  local pid="$1" started="$2" deadline=$(($(date +%s) + START_TIMEOUT))
  while :; do
    if port_open && broker_answers; then
      log "Kafka answers on $ADDRESS (pid $pid) after $(($(now_ms) - started)) ms"
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      log "the broker process $pid exited during startup"
      print_log_tail
      return 1
    fi
    if [ "$(date +%s)" -ge "$deadline" ]; then
      log "Kafka did not answer on $ADDRESS within ${START_TIMEOUT}s"
      print_log_tail
      return 1
    fi
    sleep 0.2
  done
}

# --- commands ---------------------------------------------------------------------------------------------

render_config() {
  sed -e "s|@KAFKA_PORT@|$PORT|g" -e "s|@CONTROLLER_PORT@|$CONTROLLER_PORT|g" \
    -e "s|@LOG_DIRS@|$STATE_DIR/kraft|g" "$KAFKA_DIR/server.properties.template" >"$PROPS.tmp"
  mv "$PROPS.tmp" "$PROPS"
}

# Formats the KRaft storage the first time only. The cluster id is 16 random bytes in base64url, the format
# `kafka-storage random-uuid` prints; generating it here saves a JVM start.
format_storage_once() {
  [ -f "$STATE_DIR/kraft/meta.properties" ] && return 0
  local cluster_id
  cluster_id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
  log "formatting KRaft storage in $STATE_DIR/kraft (cluster id $cluster_id)"
  "$JAVA" "${LOG_OPTS[@]}" -cp "$LIB_DIR/*" kafka.tools.StorageTool format --standalone \
    --cluster-id "$cluster_id" --config "$PROPS" >"$LOG_DIR/format.out" 2>&1 ||
    {
      cat "$LOG_DIR/format.out" >&2
      die "formatting the KRaft storage failed"
    }
}

cmd_start() {
  local started pid
  started="$(now_ms)"
  mkdir -p "$LOG_DIR"
  # Concurrent starts (parallel test runs) queue here; the later ones then find the broker answering.
  exec 9>"$STATE_DIR/.start.lock"
  flock -w "$START_TIMEOUT" 9 || die "timed out waiting for another kafka.sh start"

  if port_open; then
    if broker_answers; then
      log "a Kafka broker already answers on $ADDRESS; reusing it"
      return 0
    fi
    if pid="$(running_pid)"; then
      wait_until_answering "$pid" "$started" || die "Kafka (pid $pid) is not answering on $ADDRESS"
      return 0
    fi
    die "port $PORT is taken by something that is not an answering Kafka broker"
  fi
  if pid="$(running_pid)"; then
    # Started earlier and still coming up (or hung): wait for it rather than start a second one.
    wait_until_answering "$pid" "$started" || die "Kafka (pid $pid) is not answering on $ADDRESS"
    return 0
  fi
  rm -f "$PID_FILE"

  command -v "$JAVA" >/dev/null || die "Java 17+ is needed to run Kafka (set JAVA_HOME or put java on PATH)"
  resolve_jars
  render_config
  format_storage_once

  log "starting Kafka on $ADDRESS (controller 127.0.0.1:$CONTROLLER_PORT, data in $STATE_DIR)"
  # setsid: the broker outlives this script and the terminal's Ctrl-C. The inner shell writes its own pid
  # and then execs java, so the pid file holds the JVM's pid. The lock descriptors are closed for it, or
  # the broker would hold the start lock for its whole life.
  setsid bash -c 'echo $$ >"$0"; exec "$@"' "$PID_FILE" \
    "$JAVA" "${HEAP_OPTS[@]}" "${JVM_OPTS[@]}" "${LOG_OPTS[@]}" -cp "$LIB_DIR/*" kafka.Kafka "$PROPS" \
    </dev/null >"$LOG_DIR/kafka.out" 2>&1 8>&- 9>&- &
  local launcher=$!
  local deadline=$(($(date +%s) + 10))
  until [ -s "$PID_FILE" ]; do
    [ "$(date +%s)" -lt "$deadline" ] || die "the broker process did not start"
    sleep 0.05
  done
  pid="$(cat "$PID_FILE")"
  [ "$pid" = "$launcher" ] || log "note: launcher pid $launcher, broker pid $pid"
  if ! wait_until_answering "$pid" "$started"; then
    cmd_stop >/dev/null 2>&1 || true
    die "Kafka did not start"
  fi
}

# Stops one broker process: SIGTERM (controlled shutdown), then SIGKILL after the deadline.
stop_process() {
  local pid="$1" deadline=$(($(date +%s) + STOP_TIMEOUT)) killed=0
  log "stopping Kafka (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || return 0
  while kill -0 "$pid" 2>/dev/null; do
    if [ "$killed" = 0 ] && [ "$(date +%s)" -ge "$deadline" ]; then
      log "Kafka (pid $pid) still runs after ${STOP_TIMEOUT}s; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      killed=1
    fi
    sleep 0.1
  done
}

cmd_stop() {
  local pid stopped=0 started
  started="$(now_ms)"
  if pid="$(running_pid)"; then
    stop_process "$pid"
    stopped=1
  fi
  # A broker of this data folder whose pid file was lost: found by its exact command line.
  for pid in $(pgrep -f "kafka.Kafka $PROPS" || true); do
    if is_our_broker "$pid"; then
      stop_process "$pid"
      stopped=1
    fi
  done
  rm -f "$PID_FILE"
  if [ "$stopped" = 1 ]; then
    log "Kafka on $ADDRESS stopped in $(($(now_ms) - started)) ms"
  elif port_open; then
    log "a broker on $ADDRESS was not started by kafka.sh; leaving it alone"
  else
    log "Kafka is not running on $ADDRESS"
  fi
}

cmd_status() {
  local pid
  if broker_answers; then
    if pid="$(running_pid)"; then
      echo "running: $ADDRESS (pid $pid, data in $STATE_DIR)"
    else
      echo "running: $ADDRESS (not started by kafka.sh)"
    fi
    return 0
  fi
  if pid="$(running_pid)"; then
    echo "starting or unresponsive: pid $pid, nothing answers on $ADDRESS"
  else
    echo "stopped: nothing answers on $ADDRESS"
  fi
  return 3
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *)
    echo "usage: $0 start|stop|status" >&2
    exit 64
    ;;
esac
