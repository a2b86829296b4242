#!/usr/bin/env bash
# Webhook delivery: time from an applicant's last answer to each webhook at a local receiver
# (p50/p90/p99/max), and deliveries per second when a backlog drains, on Credence with H2 and
# with PostgreSQL, against a floor (the same HTTP client and signing, no database) measured in
# the same run. Everything runs on 127.0.0.1 and stops by itself. See bench/README.md.
#
#   bench/run-webhook-bench.sh [--no-build] [--docs] [--h2-only]
#
#   --no-build  use the jars already in */target
#   --docs      write the results into docs/BENCHMARKS.md ("## Webhook delivery latency and
#               throughput", replaced if present, else appended); without it, print only
#   --h2-only   skip PostgreSQL
#
# Env: WARMUP (s of applicants walking before anything is measured, default 60; the JIT needs
#      it), APPLICANTS (200), CONCURRENCY (8), DRAIN_SESSIONS (2000: the measured backlog is
#      twice this many events), DRAIN_WARMUP_SESSIONS (1000: a first backlog, not measured),
#      FLOOR_WARMUP (10000), FLOOR_COUNT (20000), FLOOR_THREADS (8): the throughput floor,
#      FLOOR_LATENCY_WARMUP (5000), FLOOR_LATENCY_COUNT (2000): the one-thread latency floor,
#      BENCH_JAVA_OPTS (server, default "-Xms1g -Xmx1g"),
#      RECEIVER_JAVA_OPTS (receiver and floor client, default "-Xms512m -Xmx512m"),
#      JAVA (java), CREDENCE_SERVER_JAR, QUIET_WAIT (s, default 120),
#      RESULTS_DIR: a directory to keep the raw figures in (JSON per target, floor, tables),
#      CREDENCE_BENCH_PG_URL (+ _USER, _PASSWORD): an existing PostgreSQL on 127.0.0.1/localhost
#      to use instead of a throwaway cluster.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH_DIR="$ROOT/bench"
DOCS="$ROOT/docs/BENCHMARKS.md"
BENCH_JAR="$BENCH_DIR/target/credence-floor.jar"
SERVER_JAR=${CREDENCE_SERVER_JAR:-"$ROOT/credence-server/target/credence.jar"}
DRIVER="$BENCH_DIR/webhook-bench.py"

WARMUP=${WARMUP:-60}
APPLICANTS=${APPLICANTS:-200}
CONCURRENCY=${CONCURRENCY:-8}
DRAIN_SESSIONS=${DRAIN_SESSIONS:-2000}
DRAIN_WARMUP_SESSIONS=${DRAIN_WARMUP_SESSIONS:-1000}
FLOOR_WARMUP=${FLOOR_WARMUP:-10000}
FLOOR_COUNT=${FLOOR_COUNT:-20000}
FLOOR_THREADS=${FLOOR_THREADS:-8}
FLOOR_LATENCY_WARMUP=${FLOOR_LATENCY_WARMUP:-5000}
FLOOR_LATENCY_COUNT=${FLOOR_LATENCY_COUNT:-2000}
BENCH_JAVA_OPTS=${BENCH_JAVA_OPTS:--Xms1g -Xmx1g}
RECEIVER_JAVA_OPTS=${RECEIVER_JAVA_OPTS:--Xms512m -Xmx512m}
JAVA=${JAVA:-java}
QUIET_WAIT=${QUIET_WAIT:-120}
READY_TIMEOUT=60
# Deliveries held at the receiver's gate while the backlog is made must not time out (default
# 10 s); the driver refuses to stage a backlog for longer than 90 s.
WEBHOOK_TIMEOUT_MS=120000

BUILD=1
WRITE_DOCS=0
TARGETS=(h2 postgresql)
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
parse_options "--no-build --docs --h2-only" "$@"

COMMAND=$(command_line bench/run-webhook-bench.sh "WARMUP APPLICANTS CONCURRENCY DRAIN_SESSIONS DRAIN_WARMUP_SESSIONS FLOOR_WARMUP FLOOR_COUNT FLOOR_THREADS FLOOR_LATENCY_WARMUP FLOOR_LATENCY_COUNT BENCH_JAVA_OPTS RECEIVER_JAVA_OPTS JAVA CREDENCE_SERVER_JAR CREDENCE_BENCH_PG_URL QUIET_WAIT" "$@")


begin_run credence-webhook-bench

# run_server LABEL ENV...: start credence.jar on a fresh data dir, run the driver, stop it.
run_server() {
  local label=$1
  shift
  # The receiver is on 127.0.0.1, which the server refuses as a webhook address unless allowed.
  start_credence "$label" CREDENCE_WEBHOOK_TIMEOUT_MS="$WEBHOOK_TIMEOUT_MS" \
    CREDENCE_WEBHOOK_ALLOWED_NETWORKS=127.0.0.0/8 "$@"
  local pid=$SERVER_PID base=$SERVER_BASE logfile=$SERVER_LOG
  CREDENCE_OPERATOR_TOKEN="$OPERATOR_TOKEN" python3 "$DRIVER" target --label "$label" \
    --base "$base" --receiver "$RECEIVER_URL" --out "$WORK/$label.json" \
    --samples-out "$WORK/$label-samples.txt" --server-pid "$pid" --receiver-pid "$RECEIVER_PID" \
    --pg-dir "$PG_DIR" --warmup "$WARMUP" --applicants "$APPLICANTS" \
    --concurrency "$CONCURRENCY" --drain-sessions "$DRAIN_SESSIONS" \
    --drain-warmup-sessions "$DRAIN_WARMUP_SESSIONS" ||
    die "$label: the driver failed (server log: $logfile)"
  # Every event was checked by the driver; the server's own warnings are shown, not judged.
  show_server_warnings "$label" "$logfile"
  stop_pid "$pid"
}

# ---------------------------------------------------------------------------------------
# Tools and build.

tools_and_build "$BENCH_JAR" "$SERVER_JAR"

# ---------------------------------------------------------------------------------------
# PostgreSQL: an external one from env, or a throwaway cluster on a free loopback port.

PG_DESC="not measured (--h2-only)"
if [[ " ${TARGETS[*]} " == *" postgresql "* ]]; then
  start_postgres credence-webhook-bench
fi

# ---------------------------------------------------------------------------------------
# The run: receiver, then each target, then the floor against the same receiver.

wait_for_quiet
IDLE_BEFORE="$(cpu_idle_percent)%"
OPERATOR_TOKEN=$(random_hex 24)

RECEIVER_PORT=$(free_port)
RECEIVER_URL="http://127.0.0.1:$RECEIVER_PORT"
start_java "webhook receiver" "$WORK/receiver.log" "$RECEIVER_JAVA_OPTS" PORT="$RECEIVER_PORT" \
  -- -cp "$BENCH_JAR" dev.credence.bench.WebhookReceiver "$RECEIVER_PORT"
RECEIVER_PID=$STARTED_PID
wait_until "$RECEIVER_PID" "$WORK/receiver.log" "webhook receiver" \
  http_ok 200 "$RECEIVER_URL/_control/clock"

for target in "${TARGETS[@]}"; do
  case "$target" in
    h2) run_server h2 ;;
    postgresql)
      run_server postgresql CREDENCE_DATABASE_URL="$PG_URL" CREDENCE_DATABASE_USER="$PG_USER" \
        CREDENCE_DATABASE_PASSWORD="$PG_PASSWORD"
      ;;
  esac
done

wait_for_quiet
WEBHOOK_KEY="crd_live_$(random_hex 20)" python3 "$DRIVER" floor --receiver "$RECEIVER_URL" \
  --receiver-pid "$RECEIVER_PID" --jar "$BENCH_JAR" --java "$JAVA" \
  --java-opts "$RECEIVER_JAVA_OPTS" --samples "$WORK/h2-samples.txt" \
  --threads "$FLOOR_THREADS" --warmup "$FLOOR_WARMUP" --count "$FLOOR_COUNT" \
  --latency-warmup "$FLOOR_LATENCY_WARMUP" --latency-count "$FLOOR_LATENCY_COUNT" \
  --out "$WORK/floor.json" || die "the floor failed"

# ---------------------------------------------------------------------------------------
# Report.

CPU_MODEL=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
MEM_GB=$(free -g | awk '/^Mem:/ {print $2}')
# shellcheck disable=SC1091
OS_NAME=$(. /etc/os-release && echo "$PRETTY_NAME")
JAVA_VERSION=$("$JAVA" -version 2>&1 | head -n 1)
GIT_REV=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
if [[ -n "$(git -C "$ROOT" status --porcelain -- . ':!bench' 2>/dev/null)" ]]; then
  GIT_REV="$GIT_REV (with uncommitted changes)"
elif [[ -n "$(git -C "$ROOT" status --porcelain -- bench 2>/dev/null)" ]]; then
  GIT_REV="$GIT_REV (uncommitted changes in bench/ only)"
fi
NPROC=$(nproc)
DATE_UTC=$(date -u '+%Y-%m-%d %H:%M UTC')
export CPU_MODEL MEM_GB OS_NAME JAVA_VERSION GIT_REV NPROC DATE_UTC IDLE_BEFORE PG_DESC \
  COMMAND BENCH_JAVA_OPTS RECEIVER_JAVA_OPTS WEBHOOK_TIMEOUT_MS

REPORT_ARGS=(report --work "$WORK")
[[ $WRITE_DOCS -eq 1 ]] && REPORT_ARGS+=(--docs "$DOCS")
python3 "$DRIVER" "${REPORT_ARGS[@]}" || die "report failed"
if [[ -n "${RESULTS_DIR:-}" ]]; then
  mkdir -p "$RESULTS_DIR"
  cp "$WORK"/*.json "$WORK/tables.md" "$RESULTS_DIR/"
  log "raw results (JSON) kept in $RESULTS_DIR"
fi
log "done"
