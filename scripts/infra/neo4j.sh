#!/usr/bin/env bash
# A real Neo4j 5 Community server for tests and benchmarks, without Docker.
#
#   scripts/infra/neo4j.sh start    fetch the jars (first time), start Neo4j, wait until it answers Bolt,
#                                   print its URL (bolt://127.0.0.1:<port>); already running → same URL
#   scripts/infra/neo4j.sh stop     stop it cleanly (SIGTERM, then SIGKILL after a grace period)
#   scripts/infra/neo4j.sh status   print "running <url> (pid N)" and exit 0, or "stopped" and exit 3
#   scripts/infra/neo4j.sh url      print the URL of the running server (exit 3 when stopped)
#   scripts/infra/neo4j.sh reset    stop it and delete its data
#
# The jars come from Maven Central through scripts/infra/neo4j/pom.xml and are cached in
# .cache/neo4j/jars-<hash of the pom>/ (git-ignored). Neo4j runs in process from Launcher.java (a single-file
# source program), Bolt on 127.0.0.1, auth off, bounded heap.
#
# Settings (environment):
#   NEO4J_STATE_DIR   where pid, URL, log and data live (default .cache/neo4j/server); use another directory
#                     to run a second, independent server
#   NEO4J_PORT        Bolt port (default: the port of the last run if it is free, else any free port)
#   NEO4J_HEAP        JVM heap, -Xmx (default 1g)
#   NEO4J_PAGECACHE   page cache in bytes (default 268435456)
#   NEO4J_START_TIMEOUT  seconds to wait for Bolt (default 180)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
INFRA="$ROOT/scripts/infra/neo4j"
POM="$INFRA/pom.xml"
LAUNCHER="$INFRA/Launcher.java"
POM_HASH="$(sha256sum "$POM" | cut -c1-12)"
JARS="$ROOT/.cache/neo4j/jars-$POM_HASH"
STATE="${NEO4J_STATE_DIR:-$ROOT/.cache/neo4j/server}"
mkdir -p "$STATE"
STATE="$(cd "$STATE" && pwd)"
PIDFILE="$STATE/neo4j.pid"
URLFILE="$STATE/url"
PORTFILE="$STATE/port"
LOG="$STATE/launcher.log"
DATA="$STATE/home"
HEAP="${NEO4J_HEAP:-1g}"
PAGECACHE="${NEO4J_PAGECACHE:-268435456}"
START_TIMEOUT="${NEO4J_START_TIMEOUT:-180}"

say() { echo "neo4j.sh: $*" >&2; }
die() {
  say "$*"
  exit 1
}

# The pid in the pid file, if that process is alive and is our launcher (pids get reused after a crash).
live_pid() {
  [[ -f "$PIDFILE" ]] || return 1
  local pid
  pid="$(cat "$PIDFILE")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "Launcher.java $DATA " || return 1
  echo "$pid"
}

# True when something on 127.0.0.1:$1 completes a Bolt handshake: the magic 0x6060B017 and four version
# proposals (5.8 down to 5.0, 4.4); a Bolt server answers with the 4-byte version it picked.
bolt_answers() {
  local answer
  answer="$(timeout 5 bash -c '
    exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
    printf "\x60\x60\xb0\x17\x00\x08\x08\x05\x00\x00\x04\x04\x00\x00\x00\x00\x00\x00\x00\x00" >&3
    head -c 4 <&3 | od -An -tx1 | tr -d " \n"
  ' _ "$1" 2>/dev/null)" || return 1
  [[ ${#answer} -eq 8 && "$answer" != "00000000" ]]
}

port_free() {
  node -e '
    const server = require("node:net").createServer();
    server.once("error", () => process.exit(1));
    server.listen(Number(process.argv[1]), "127.0.0.1", () => server.close());
  ' "$1" 2>/dev/null
}

free_port() {
  node -e '
    const server = require("node:net").createServer();
    server.listen(0, "127.0.0.1", () => { console.log(server.address().port); server.close(); });
  '
}

check_java() {
  command -v java >/dev/null || die "java not found: Neo4j 5.26 needs Java 17 or newer (apt-get install openjdk-17-jre-headless)"
  local version major
  version="$(java -version 2>&1 | head -n 1)"
  major="$(sed -E 's/.*version "([0-9]+).*/\1/' <<<"$version")"
  [[ "$major" =~ ^[0-9]+$ && "$major" -ge 17 ]] || die "Neo4j 5.26 needs Java 17 or newer; found: $version"
}

fetch_jars() {
  [[ -f "$JARS/.complete" ]] && return 0
  command -v mvn >/dev/null || die "mvn not found: it fetches the Neo4j jars from Maven Central (apt-get install maven)"
  say "fetching Neo4j jars from Maven Central into ${JARS#"$ROOT"/} (first run only)"
  local tmp="$JARS.tmp.$$"
  rm -rf "$tmp"
  mvn -q -B -f "$POM" org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$tmp" >&2 || {
    rm -rf "$tmp"
    die "fetching the Neo4j jars failed (see the Maven output above)"
  }
  touch "$tmp/.complete"
  rm -rf "$JARS"
  mv "$tmp" "$JARS"
}

pick_port() {
  if [[ -n "${NEO4J_PORT:-}" ]]; then
    port_free "$NEO4J_PORT" || die "NEO4J_PORT=$NEO4J_PORT is in use"
    echo "$NEO4J_PORT"
    return
  fi
  # Reuse the last port when possible so that a restarted server is found at the same URL.
  if [[ -f "$PORTFILE" ]]; then
    local last
    last="$(cat "$PORTFILE")"
    if [[ "$last" =~ ^[0-9]+$ ]] && port_free "$last"; then
      echo "$last"
      return
    fi
  fi
  free_port
}

cmd_start() {
  local pid port url waited
  if pid="$(live_pid)"; then
    url="$(cat "$URLFILE" 2>/dev/null || true)"
    port="${url##*:}"
    if [[ -n "$url" ]] && bolt_answers "$port"; then
      say "already running (pid $pid)"
      echo "$url"
      return 0
    fi
    die "a Neo4j launcher (pid $pid) is running but does not answer Bolt; see $LOG or run '$0 stop'"
  fi
  [[ -f "$PIDFILE" ]] && say "removing stale pid file (pid $(cat "$PIDFILE") is gone)"
  rm -f "$PIDFILE" "$URLFILE"
  check_java
  fetch_jars
  port="$(pick_port)"
  url="bolt://127.0.0.1:$port"
  mkdir -p "$DATA"
  say "starting Neo4j $(sed -n 's:.*<neo4j.version>\(.*\)</neo4j.version>.*:\1:p' "$POM") on $url (heap $HEAP, log ${LOG#"$ROOT"/})"
  # --add-opens: the flags Neo4j's own start script passes (page cache and native I/O reach into these).
  # setsid: the server outlives this script and is not hit by a Ctrl-C meant for the caller.
  # 9>&-: the server must not inherit the lock on fd 9, or every later call would wait for it forever.
  setsid nohup java "-Xms256m" "-Xmx$HEAP" -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError \
    --add-opens=java.base/java.nio=ALL-UNNAMED \
    --add-opens=java.base/java.io=ALL-UNNAMED \
    --add-opens=java.base/sun.nio.ch=ALL-UNNAMED \
    --add-opens=java.base/java.lang=ALL-UNNAMED \
    -Dfile.encoding=UTF-8 \
    -cp "$JARS/*" "$LAUNCHER" "$DATA" "$port" "$PAGECACHE" >"$LOG" 2>&1 </dev/null 9>&- &
  pid=$!
  echo "$pid" >"$PIDFILE"
  echo "$port" >"$PORTFILE"
  waited=0
  while ((waited < START_TIMEOUT * 2)); do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$PIDFILE"
      tail -n 30 "$LOG" >&2 || true
      die "Neo4j exited during start (log: $LOG)"
    fi
    if grep -q 'twitchgraph-neo4j ready' "$LOG" && bolt_answers "$port"; then
      echo "$url" >"$URLFILE"
      say "ready after $((waited / 2)) s (pid $pid)"
      echo "$url"
      return 0
    fi
    sleep 0.5
    waited=$((waited + 1))
  done
  tail -n 30 "$LOG" >&2 || true
  kill -TERM "$pid" 2>/dev/null || true
  die "Neo4j did not answer Bolt on $url within $START_TIMEOUT s (log: $LOG)"
}

cmd_stop() {
  local pid waited
  if ! pid="$(live_pid)"; then
    [[ -f "$PIDFILE" ]] && say "removing stale pid file"
    rm -f "$PIDFILE" "$URLFILE"
    say "not running"
    return 0
  fi
  kill -TERM "$pid"
  waited=0
  while kill -0 "$pid" 2>/dev/null; do
    if ((waited >= 120)); then
      say "still running after 60 s; killing pid $pid"
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.5
    waited=$((waited + 1))
  done
  rm -f "$PIDFILE" "$URLFILE"
  say "stopped (pid $pid)"
}

cmd_status() {
  local pid
  if pid="$(live_pid)" && [[ -f "$URLFILE" ]]; then
    echo "running $(cat "$URLFILE") (pid $pid)"
    return 0
  fi
  echo "stopped"
  return 3
}

cmd_url() {
  live_pid >/dev/null && [[ -f "$URLFILE" ]] || {
    say "not running"
    return 3
  }
  cat "$URLFILE"
}

# One start/stop at a time per state directory (parallel test runners may call start together).
exec 9>"$STATE/lock"
flock 9

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  url) cmd_url ;;
  reset)
    cmd_stop
    rm -rf "$DATA" "$PORTFILE" "$LOG"
    say "data deleted"
    ;;
  *)
    echo "usage: $0 start|stop|status|url|reset" >&2
    exit 2
    ;;
esac
