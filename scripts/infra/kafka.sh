#!/usr/bin/env bash
# A real single-node Apache Kafka (KRaft: broker and controller in one JVM) on 127.0.0.1, from Maven
# Central jars, for the integration tests, the benchmarks and local development. No Docker needed.
#
#   scripts/infra/kafka.sh start    fetch jars (once), format storage (once), start, wait until ready;
#                                   prints the bootstrap address (127.0.0.1:<port>) on stdout
#   scripts/infra/kafka.sh stop     SIGTERM, wait for a clean shutdown, SIGKILL after KAFKA_STOP_TIMEOUT s
#   scripts/infra/kafka.sh status   "running 127.0.0.1:<port>" or "stopped" (exit 0 / 3)
#   scripts/infra/kafka.sh reset    stop and delete the data (jars and chosen ports are kept)
#   scripts/infra/kafka.sh brokers  print the bootstrap address (also when stopped)
#
# Settings (environment):
#   KAFKA_VERSION       Apache Kafka version (default 4.4.0; see docs/pipeline.md for why)
#   KAFKA_STATE_DIR     instance folder: properties, data, log, pid, ports (default .cache/kafka/instance);
#                       tests use their own so a developer's broker is left alone
#   KAFKA_HEAP          JVM heap (default 512m; the machine has 2 cores and is shared with the tests)
#   KAFKA_READY_TIMEOUT seconds to wait for readiness (default 120)
#   KAFKA_STOP_TIMEOUT  seconds to wait for a clean shutdown before SIGKILL (default 30)
#
# The ports are chosen once (free ports at the first start) and kept in the instance folder, so a stop and
# start brings the broker back on the same address with the same data: fault tests rely on that.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
KAFKA_VERSION="${KAFKA_VERSION:-4.4.0}"
LOG4J_VERSION="${LOG4J_VERSION:-2.26.1}"
CACHE="${ROOT}/.cache/kafka"
LIB="${CACHE}/lib-${KAFKA_VERSION}"
STATE="${KAFKA_STATE_DIR:-${CACHE}/instance}"
HEAP="${KAFKA_HEAP:-512m}"
READY_TIMEOUT="${KAFKA_READY_TIMEOUT:-120}"
STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-30}"

say() { printf 'kafka.sh: %s\n' "$*" >&2; }
die() {
  say "$*"
  exit 1
}

fetch_jars() {
  [[ -f "${LIB}/.complete" ]] && return 0
  command -v mvn >/dev/null || die "mvn is needed to fetch the Kafka jars (apt-get install maven)"
  say "fetching Apache Kafka ${KAFKA_VERSION} jars from Maven Central into ${LIB}"
  rm -rf "${LIB}.partial"
  mvn -q -B -f "${ROOT}/scripts/infra/kafka/pom.xml" \
    -Dkafka.version="${KAFKA_VERSION}" -Dlog4j.version="${LOG4J_VERSION}" \
    org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="${LIB}.partial" >&2
  # Renamed into place only when complete, so an interrupted download is never taken for a cache.
  rm -rf "${LIB}"
  mv "${LIB}.partial" "${LIB}"
  touch "${LIB}/.complete"
}

free_port() {
  node -e 'const s=require("node:net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close();});'
}

port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Ports are picked once per instance folder and then reused, so a restart keeps the address. Only when a
# stopped broker's port has meanwhile been taken by something else (a shared machine) are new ones picked:
# the controller voter is in server.properties, not in the data, so the data stays usable.
ensure_ports() {
  mkdir -p "${STATE}"
  if [[ -f "${STATE}/ports" ]] && ! running_pid >/dev/null; then
    # shellcheck disable=SC1091
    source "${STATE}/ports"
    if port_in_use "${BROKER_PORT}" || port_in_use "${CONTROLLER_PORT}"; then
      say "port ${BROKER_PORT} or ${CONTROLLER_PORT} is taken by another program: picking new ports"
      rm -f "${STATE}/ports"
    fi
  fi
  if [[ ! -f "${STATE}/ports" ]]; then
    local broker controller
    broker="$(free_port)"
    controller="$(free_port)"
    while [[ "${controller}" == "${broker}" ]]; do controller="$(free_port)"; done
    printf 'BROKER_PORT=%s\nCONTROLLER_PORT=%s\n' "${broker}" "${controller}" >"${STATE}/ports"
  fi
  # shellcheck disable=SC1091
  source "${STATE}/ports"
}

write_config() {
  cat >"${STATE}/server.properties" <<EOF
# Written by scripts/infra/kafka.sh; rewritten at every start.
process.roles=broker,controller
node.id=1
listeners=PLAINTEXT://127.0.0.1:${BROKER_PORT},CONTROLLER://127.0.0.1:${CONTROLLER_PORT}
advertised.listeners=PLAINTEXT://127.0.0.1:${BROKER_PORT}
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
# A static voter set: the controller's address never changes for this instance, so plain 'format' works.
controller.quorum.voters=1@127.0.0.1:${CONTROLLER_PORT}
log.dirs=${STATE}/data
num.partitions=1
# Topics are created by twitchgraph (with their partition count) or by tests; an auto-created topic
# would hide a missing create.
auto.create.topics.enable=false
# One node: every internal topic has a single replica.
offsets.topic.replication.factor=1
# Fewer group-coordinator partitions than the default 50: a fresh broker is ready sooner.
offsets.topic.num.partitions=4
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=4
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
# Two cores: keep the thread pools small.
num.network.threads=2
num.io.threads=4
background.threads=4
num.recovery.threads.per.data.dir=1
log.cleaner.threads=1
EOF
  cat >"${STATE}/log4j2.xml" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<!-- Written by scripts/infra/kafka.sh. The broker's output goes to kafka.log in the instance folder. -->
<Configuration status="warn">
  <Appenders>
    <Console name="out" target="SYSTEM_OUT">
      <PatternLayout pattern="[%d] %p %m (%c)%n"/>
    </Console>
  </Appenders>
  <Loggers>
    <Logger name="kafka.request.logger" level="warn"/>
    <Logger name="org.apache.kafka.controller" level="info"/>
    <Logger name="state.change.logger" level="warn"/>
    <Root level="info"><AppenderRef ref="out"/></Root>
  </Loggers>
</Configuration>
EOF
}

java_cmd() {
  command -v java >/dev/null || die "java (17 or newer) is needed to run Kafka (apt-get install openjdk-17-jre-headless)"
  # Quoted wildcard: the JVM expands lib/* itself.
  JAVA=(java "-Xms128m" "-Xmx${HEAP}" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.awt.headless=true
    "-Dlog4j2.configurationFile=${STATE}/log4j2.xml" -cp "${LIB}/*")
}

format_storage() {
  [[ -f "${STATE}/data/meta.properties" ]] && return 0
  local cluster_id
  cluster_id="$("${JAVA[@]}" kafka.tools.StorageTool random-uuid 2>>"${STATE}/kafka.log" | tail -n 1)"
  [[ -n "${cluster_id}" ]] || die "StorageTool random-uuid printed nothing; see ${STATE}/kafka.log"
  say "formatting storage in ${STATE}/data (cluster ${cluster_id})"
  "${JAVA[@]}" kafka.tools.StorageTool format -t "${cluster_id}" -c "${STATE}/server.properties" \
    >>"${STATE}/kafka.log" 2>&1 || die "formatting storage failed; see ${STATE}/kafka.log"
}

running_pid() {
  [[ -f "${STATE}/kafka.pid" ]] || return 1
  local pid
  pid="$(cat "${STATE}/kafka.pid")"
  [[ -n "${pid}" ]] && kill -0 "${pid}" 2>/dev/null || return 1
  # The pid file could be stale and the number reused: check that it is our JVM.
  tr '\0' ' ' <"/proc/${pid}/cmdline" 2>/dev/null | grep -q "kafka.Kafka ${STATE}/server.properties" || return 1
  printf '%s\n' "${pid}"
}

wait_ready() {
  local deadline=$((SECONDS + READY_TIMEOUT))
  # 1. the listener accepts connections (cheap; avoids starting node while the JVM boots)
  until (exec 3<>"/dev/tcp/127.0.0.1/${BROKER_PORT}") 2>/dev/null; do
    # Only kill -0 here: right after the fork the child may not have exec'd java yet.
    kill -0 "$(cat "${STATE}/kafka.pid")" 2>/dev/null || die "Kafka exited during start; last lines of ${STATE}/kafka.log:
$(tail -n 30 "${STATE}/kafka.log")"
    ((SECONDS < deadline)) || die "Kafka did not open port ${BROKER_PORT} within ${READY_TIMEOUT}s; see ${STATE}/kafka.log"
    sleep 0.5
  done
  # 2. a client round trip through kafkajs: create a topic, produce, join a consumer group (which makes the
  #    broker create __consumer_offsets), read the message back. Until then kafkajs may see "group
  #    coordinator not available" on a fresh broker.
  local remaining=$((deadline - SECONDS))
  ((remaining > 5)) || remaining=5
  node "${ROOT}/scripts/infra/kafka-ready.js" "127.0.0.1:${BROKER_PORT}" "$((remaining * 1000))" >&2 ||
    die "Kafka is up but not ready for clients; see ${STATE}/kafka.log"
}

cmd_start() {
  fetch_jars
  ensure_ports
  if running_pid >/dev/null; then
    wait_ready
    printf '127.0.0.1:%s\n' "${BROKER_PORT}"
    return 0
  fi
  write_config
  java_cmd
  format_storage
  say "starting Kafka ${KAFKA_VERSION} on 127.0.0.1:${BROKER_PORT} (controller ${CONTROLLER_PORT}, heap ${HEAP})"
  # setsid: the broker outlives this script and is not hit by a Ctrl-C meant for a test runner.
  setsid nohup "${JAVA[@]}" kafka.Kafka "${STATE}/server.properties" >>"${STATE}/kafka.log" 2>&1 </dev/null &
  echo $! >"${STATE}/kafka.pid"
  wait_ready
  say "ready: 127.0.0.1:${BROKER_PORT}"
  printf '127.0.0.1:%s\n' "${BROKER_PORT}"
}

cmd_stop() {
  local pid
  if ! pid="$(running_pid)"; then
    rm -f "${STATE}/kafka.pid"
    say "not running"
    return 0
  fi
  say "stopping Kafka (pid ${pid})"
  kill -TERM "${pid}" 2>/dev/null || true
  local deadline=$((SECONDS + STOP_TIMEOUT))
  while kill -0 "${pid}" 2>/dev/null; do
    if ((SECONDS >= deadline)); then
      say "no clean shutdown within ${STOP_TIMEOUT}s: SIGKILL"
      kill -KILL "${pid}" 2>/dev/null || true
      break
    fi
    sleep 0.2
  done
  while kill -0 "${pid}" 2>/dev/null; do sleep 0.1; done
  rm -f "${STATE}/kafka.pid"
  say "stopped"
}

cmd_status() {
  if [[ -f "${STATE}/ports" ]]; then
    # shellcheck disable=SC1091
    source "${STATE}/ports"
  fi
  if running_pid >/dev/null; then
    printf 'running 127.0.0.1:%s (Kafka %s, %s)\n' "${BROKER_PORT}" "${KAFKA_VERSION}" "${STATE}"
  else
    printf 'stopped (%s)\n' "${STATE}"
    return 3
  fi
}

cmd_reset() {
  cmd_stop
  rm -rf "${STATE}/data" "${STATE}/kafka.log"
  say "data removed from ${STATE}"
}

cmd_brokers() {
  [[ -f "${STATE}/ports" ]] || die "no broker has been started in ${STATE} yet"
  # shellcheck disable=SC1091
  source "${STATE}/ports"
  printf '127.0.0.1:%s\n' "${BROKER_PORT}"
}

case "${1:-}" in
start) cmd_start ;;
stop) cmd_stop ;;
status) cmd_status ;;
reset) cmd_reset ;;
brokers) cmd_brokers ;;
*)
  sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
  ;;
esac
