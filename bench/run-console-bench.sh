#!/usr/bin/env bash
# The dashboard's heavy pages with many sessions: the results screen (first page, a filtered
# page, the second page; each with its histogram), one result's page and the CSV export, on
# Credence with H2 and with PostgreSQL, against a floor measured in the same run by the same
# client (GET /health/live for the pages; the pull API GET /v1/results for the export).
# Everything runs on 127.0.0.1 and stops by itself. See bench/README.md.
#
#   bench/run-console-bench.sh [--no-build] [--docs] [--h2-only]
#
#   --no-build  use the jar already in credence-server/target
#   --docs      write the results into docs/BENCHMARKS.md ("## Dashboard pages", replaced if
#               present, else appended); without it, print only
#   --h2-only   skip PostgreSQL
#
# Env: SESSIONS (applicants walked to a scored result, default 3000), DECLINED (100: decline
#      consent, so cancelled), OPEN (100: links never opened), FILL_CONCURRENCY (8),
#      WARMUP (s of every page in turn before measuring, default 30), REQUESTS (200 per page,
#      one at a time, then as many again from THREADS threads), THREADS (4), EXPORTS (12 exports,
#      one at a time, then as many from THREADS threads), BAND (the filtered page's risk band;
#      default: the commonest), BENCH_JAVA_OPTS (server, default "-Xms1g -Xmx1g"),
#      JAVA (java), CREDENCE_SERVER_JAR, QUIET_WAIT (s, default 120),
#      RESULTS_DIR: a directory to keep the raw figures (JSON) and the query plans in,
#      CREDENCE_BENCH_PG_URL (+ _USER, _PASSWORD): an existing PostgreSQL on 127.0.0.1/localhost
#      to use instead of a throwaway cluster (its query plans are then not taken).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH_DIR="$ROOT/bench"
DOCS="$ROOT/docs/BENCHMARKS.md"
SERVER_JAR=${CREDENCE_SERVER_JAR:-"$ROOT/credence-server/target/credence.jar"}
DRIVER="$BENCH_DIR/console-bench.py"

SESSIONS=${SESSIONS:-3000}
DECLINED=${DECLINED:-100}
OPEN=${OPEN:-100}
FILL_CONCURRENCY=${FILL_CONCURRENCY:-8}
WARMUP=${WARMUP:-30}
REQUESTS=${REQUESTS:-200}
THREADS=${THREADS:-4}
EXPORTS=${EXPORTS:-12}
BAND=${BAND:-}
BENCH_JAVA_OPTS=${BENCH_JAVA_OPTS:--Xms1g -Xmx1g}
JAVA=${JAVA:-java}
QUIET_WAIT=${QUIET_WAIT:-120}
READY_TIMEOUT=60

BUILD=1
WRITE_DOCS=0
TARGETS=(h2 postgresql)
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
parse_options "--no-build --docs --h2-only" "$@"

COMMAND=$(command_line bench/run-console-bench.sh "SESSIONS DECLINED OPEN FILL_CONCURRENCY WARMUP REQUESTS THREADS EXPORTS BAND BENCH_JAVA_OPTS JAVA CREDENCE_SERVER_JAR CREDENCE_BENCH_PG_URL QUIET_WAIT" "$@")

begin_run credence-console-bench

# run_server LABEL ENV...: start credence.jar on a fresh data dir, fill it, measure, stop it.
run_server() {
  local label=$1
  shift
  start_credence "$label" "$@"
  local pid=$SERVER_PID base=$SERVER_BASE data_dir=$SERVER_DATA logfile=$SERVER_LOG
  CREDENCE_OPERATOR_TOKEN="$OPERATOR_TOKEN" python3 "$DRIVER" target --label "$label" \
    --base "$base" --out "$WORK/$label.json" --server-pid "$pid" --pg-dir "$PG_DIR" \
    --sessions "$SESSIONS" --declined "$DECLINED" --open "$OPEN" \
    --fill-concurrency "$FILL_CONCURRENCY" --warmup "$WARMUP" --requests "$REQUESTS" \
    --threads "$THREADS" --exports "$EXPORTS" --band "$BAND" ||
    die "$label: the driver failed (server log: $logfile)"
  # The query plans, taken on the same data while the server still runs.
  if [[ $label == h2 ]]; then
    python3 "$DRIVER" explain --label "$label" --out "$WORK/$label-plans.txt" \
      --target "$WORK/$label.json" --java "$JAVA" --h2-jar "$SERVER_JAR" \
      --h2-url "jdbc:h2:file:$data_dir/credence;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;AUTO_SERVER=TRUE" ||
      log "WARNING: no query plans for $label"
  elif [[ -n "$PG_DIR" ]]; then
    PG_PASSWORD=$PG_PASSWORD python3 "$DRIVER" explain --label "$label" \
      --out "$WORK/$label-plans.txt" --target "$WORK/$label.json" \
      --psql "$PG_BIN/psql" --pg-port "$PG_PORT" --pg-user "$PG_USER" --pg-db credence_bench ||
      log "WARNING: no query plans for $label"
  fi
  show_server_warnings "$label" "$logfile"
  stop_pid "$pid"
}

# ---------------------------------------------------------------------------------------
# Tools and build.

tools_and_build "$SERVER_JAR"

# ---------------------------------------------------------------------------------------
# PostgreSQL: an external one from env, or a throwaway cluster on a free loopback port.

PG_DESC="not measured (--h2-only)"
if [[ " ${TARGETS[*]} " == *" postgresql "* ]]; then
  start_postgres credence-console-bench
fi

# ---------------------------------------------------------------------------------------
# The run.

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
wait_for_quiet
IDLE_BEFORE="$(cpu_idle_percent)%"
OPERATOR_TOKEN=$(random_hex 24)

for target in "${TARGETS[@]}"; do
  case "$target" in
    h2) run_server h2 ;;
    postgresql)
      run_server postgresql CREDENCE_DATABASE_URL="$PG_URL" CREDENCE_DATABASE_USER="$PG_USER" \
        CREDENCE_DATABASE_PASSWORD="$PG_PASSWORD"
      ;;
  esac
done

# ---------------------------------------------------------------------------------------
# Report.

CPU_MODEL=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
MEM_GB=$(free -g | awk '/^Mem:/ {print $2}')
# shellcheck disable=SC1091
OS_NAME=$(. /etc/os-release && echo "$PRETTY_NAME")
JAVA_VERSION=$("$JAVA" -version 2>&1 | head -n 1)
GIT_REV=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
if [[ -n "$(git -C "$ROOT" status --porcelain -- . ':!bench' ':!docs/BENCHMARKS.md' 2>/dev/null)" ]]; then
  GIT_REV="$GIT_REV (with uncommitted changes)"
elif [[ -n "$(git -C "$ROOT" status --porcelain -- bench 2>/dev/null)" ]]; then
  GIT_REV="$GIT_REV (uncommitted changes in bench/ only)"
fi
NPROC=$(nproc)
DATE_UTC=$(date -u '+%Y-%m-%d %H:%M UTC')
export CPU_MODEL MEM_GB OS_NAME JAVA_VERSION GIT_REV NPROC DATE_UTC IDLE_BEFORE LOAD_BEFORE \
  PG_DESC COMMAND BENCH_JAVA_OPTS

REPORT_ARGS=(report --work "$WORK")
[[ $WRITE_DOCS -eq 1 ]] && REPORT_ARGS+=(--docs "$DOCS")
python3 "$DRIVER" "${REPORT_ARGS[@]}" || die "report failed"
if [[ -n "${RESULTS_DIR:-}" ]]; then
  mkdir -p "$RESULTS_DIR"
  cp "$WORK"/*.json "$RESULTS_DIR/"
  cp "$WORK"/*-plans.txt "$RESULTS_DIR/" 2>/dev/null || true
  log "raw results (JSON) and query plans kept in $RESULTS_DIR"
fi
log "done"
