# shellcheck shell=bash
# Shell helpers shared by the benchmark scripts (sourced, not run). They use the caller's
# globals: PIDS (processes to stop on exit), READY_TIMEOUT (s) and QUIET_WAIT (s).

log() { printf '[bench %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

die() {
  log "ERROR: $*"
  exit 1
}

stop_pid() {
  local pid=$1
  kill -0 "$pid" 2>/dev/null || return 0
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.2
  done
  log "process $pid did not stop in 10 s; killing it"
  kill -9 "$pid" 2>/dev/null || true
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

random_hex() { python3 -c "import secrets; print(secrets.token_hex($1))"; }

# wait_until PID LOGFILE DESCRIPTION COMMAND...: poll COMMAND until it succeeds.
wait_until() {
  local pid=$1 logfile=$2 what=$3
  shift 3
  local deadline=$((SECONDS + READY_TIMEOUT))
  until "$@" >/dev/null 2>&1; do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 40 "$logfile" >&2 || true
      die "$what: process $pid exited before it was ready"
    fi
    if ((SECONDS >= deadline)); then
      tail -n 40 "$logfile" >&2 || true
      die "$what: not ready after ${READY_TIMEOUT} s"
    fi
    sleep 0.5
  done
  log "$what is ready"
}

http_ok() { # http_ok EXPECTED_STATUS curl-args...
  local expected=$1
  shift
  local code
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$@") || return 1
  [[ "$code" == "$expected" ]]
}

# How idle the CPUs are, over one second: other work on the box skews every figure.
cpu_idle_percent() {
  local a b
  read -r -a a < <(head -n 1 /proc/stat)
  sleep 1
  read -r -a b < <(head -n 1 /proc/stat)
  local total=0 i
  for i in 1 2 3 4 5 6 7 8; do total=$((total + b[i] - a[i])); done
  echo $((100 * (b[4] - a[4] + b[5] - a[5]) / (total > 0 ? total : 1)))
}

# On a shared machine, wait (QUIET_WAIT seconds at most) for others' work to calm down before
# each target; the CPU split in the report shows whatever still ran beside the benchmark.
wait_for_quiet() {
  local deadline=$((SECONDS + QUIET_WAIT)) idle
  idle=$(cpu_idle_percent)
  while ((idle < 85)); do
    if ((SECONDS >= deadline)); then
      log "WARNING: the CPUs are only ${idle}% idle; measuring anyway (see 'other' in the report)"
      return 0
    fi
    log "CPUs only ${idle}% idle (other processes); waiting for a quieter machine"
    sleep 4
    idle=$(cpu_idle_percent)
  done
}

# start_postgres PREFIX: the PostgreSQL a benchmark runs against. With CREDENCE_BENCH_PG_URL
# (+ _USER, _PASSWORD), that one (127.0.0.1 or localhost only); otherwise a throwaway cluster with
# default settings in a temporary directory /tmp/PREFIX-pg.*, on a free loopback port (Debian's
# postgresql package is installed if missing). Sets PG_URL, PG_USER, PG_PASSWORD and PG_DESC; for
# the throwaway cluster also PG_BIN, PG_DIR and PG_PORT, which stop_postgres uses. Needs WORK.
# shellcheck disable=SC2034 # the PG_ globals are the sourcing script's
start_postgres() {
  local prefix=$1
  if [[ -n "${CREDENCE_BENCH_PG_URL:-}" ]]; then
    [[ "$CREDENCE_BENCH_PG_URL" =~ ^jdbc:postgresql://(127\.0\.0\.1|localhost)[:/] ]] ||
      die "CREDENCE_BENCH_PG_URL must point at 127.0.0.1 or localhost"
    PG_URL=$CREDENCE_BENCH_PG_URL
    PG_USER=${CREDENCE_BENCH_PG_USER:-}
    PG_PASSWORD=${CREDENCE_BENCH_PG_PASSWORD:-}
    PG_DESC="external PostgreSQL from CREDENCE_BENCH_PG_URL"
    return 0
  fi
  if ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then
    log "installing Debian's postgresql package"
    apt-get install -y postgresql >/dev/null ||
      { apt-get update >/dev/null && apt-get install -y postgresql >/dev/null; }
  fi
  PG_BIN=$(dirname "$(printf "%s\n" /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n 1)")
  PG_PORT=$(free_port)
  PG_USER=bench
  PG_PASSWORD=$(random_hex 16)
  PG_DIR=$(mktemp -d "/tmp/$prefix-pg.XXXXXX")
  chown postgres: "$PG_DIR"
  printf '%s\n' "$PG_PASSWORD" >"$PG_DIR/pwfile"
  chown postgres: "$PG_DIR/pwfile"
  log "initdb a throwaway cluster in $PG_DIR (port $PG_PORT)"
  runuser -u postgres -- "$PG_BIN/initdb" -D "$PG_DIR/data" -U "$PG_USER" \
    --pwfile="$PG_DIR/pwfile" --auth=scram-sha-256 -E UTF8 --locale=C.UTF-8 \
    >"$WORK/initdb.log" 2>&1 || die "initdb failed: $(tail -5 "$WORK/initdb.log")"
  runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/postgres.log" -w \
    -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1" start >/dev/null ||
    die "pg_ctl start failed: $(tail -5 "$PG_DIR/postgres.log")"
  PGPASSWORD=$PG_PASSWORD "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" \
    credence_bench || die "createdb failed"
  PG_URL="jdbc:postgresql://127.0.0.1:$PG_PORT/credence_bench"
  PG_DESC="PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}'), a throwaway local cluster with default settings (fsync and synchronous_commit on)"
}

# stop_postgres: stops and deletes the throwaway cluster, if start_postgres made one.
stop_postgres() {
  if [[ -n "${PG_DIR:-}" && -d "$PG_DIR/data" ]]; then
    runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1
  fi
  [[ -n "${PG_DIR:-}" ]] && rm -rf "$PG_DIR"
  return 0
}

# cleanup_on_exit [KEEP_STATUS]: the EXIT trap. Stops every process in PIDS and the throwaway
# cluster; deletes WORK after a success (or exit status KEEP_STATUS, a run that measured but
# failed a check), else keeps it for its logs.
cleanup_on_exit() {
  local status=$? keep=${1:-0}
  set +e
  for pid in "${PIDS[@]}"; do
    stop_pid "$pid"
  done
  stop_postgres
  if [[ $status -ne 0 && $status -ne $keep ]]; then
    log "failed (exit $status); logs kept in $WORK"
  else
    rm -rf "$WORK"
  fi
  exit "$status"
}

# parse_options ALLOWED ARGS...: the options a benchmark takes, of --no-build, --docs, --no-docs
# and --h2-only (ALLOWED lists the ones it offers); sets BUILD, WRITE_DOCS and TARGETS, whose
# defaults the caller sets first. --help prints the calling script's header comment.
# shellcheck disable=SC2034 # BUILD, WRITE_DOCS and TARGETS are the sourcing script's
parse_options() {
  local allowed=" $1 " arg
  shift
  for arg in "$@"; do
    if [[ "$arg" == -h || "$arg" == --help ]]; then
      awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"
      exit 0
    fi
    if [[ "$allowed" != *" $arg "* ]]; then
      echo "unknown argument: $arg (try --help)" >&2
      exit 2
    fi
    case "$arg" in
      --no-build) BUILD=0 ;;
      --docs) WRITE_DOCS=1 ;;
      --no-docs) WRITE_DOCS=0 ;;
      --h2-only) TARGETS=(h2) ;;
    esac
  done
}

# command_line SCRIPT "VAR ..." ARGS...: the command as it was run, for the results page: the
# script with its arguments, after those of the VARs that were given in the environment.
command_line() {
  local command=$1 vars=$2 var
  shift 2
  for var in $vars; do
    if printenv "$var" >/dev/null 2>&1; then
      command="$var=$(printf '%q' "$(printenv "$var")") $command"
    fi
  done
  [[ $# -gt 0 ]] && command="$command $*"
  echo "$command"
}

# begin_run PREFIX [KEEP_STATUS]: the run's work directory (WORK, /tmp/PREFIX.*), the list of
# processes to stop on exit (PIDS), and the exit and interrupt traps (cleanup_on_exit).
# shellcheck disable=SC2034 # WORK, PIDS and the PG_ globals are the sourcing script's
begin_run() {
  WORK=$(mktemp -d "/tmp/$1.XXXXXX")
  PIDS=()
  PG_BIN=""
  PG_DIR=""
  # shellcheck disable=SC2064 # the keep status is fixed now
  trap "cleanup_on_exit ${2:-0}" EXIT
  trap 'exit 130' INT TERM
}

# start_java NAME LOGFILE JAVA_OPTS ENV... -- ARGS...: a JVM in the background, its output in
# LOGFILE, stopped on exit; sets STARTED_PID.
start_java() {
  local name=$1 logfile=$2 opts=$3
  shift 3
  local envs=()
  while [[ $# -gt 0 && "$1" != "--" ]]; do
    envs+=("$1")
    shift
  done
  shift
  # shellcheck disable=SC2086 # opts is a list of flags
  env "${envs[@]}" "$JAVA" $opts "$@" >"$logfile" 2>&1 &
  STARTED_PID=$!
  PIDS+=("$STARTED_PID")
  log "started $name (pid $STARTED_PID), log $logfile"
}

# launch_credence LABEL DATA_DIR PORT JAVA_OPTS ENV...: SERVER_JAR on DATA_DIR and PORT (loopback),
# without the demo, with OPERATOR_TOKEN, in the background; does not wait for it. Sets SERVER_PID,
# SERVER_BASE and SERVER_LOG. Every load generator connects from 127.0.0.1, so the per-address
# connection cap is lifted.
launch_credence() {
  local label=$1 data=$2 port=$3 opts=$4
  shift 4
  SERVER_BASE="http://127.0.0.1:$port"
  SERVER_LOG="$WORK/$label-server.log"
  mkdir -p "$data"
  start_java "credence ($label)" "$SERVER_LOG" "$opts" \
    CREDENCE_PORT="$port" CREDENCE_DATA_DIR="$data" CREDENCE_PUBLIC_URL="$SERVER_BASE" \
    CREDENCE_OPERATOR_TOKEN="$OPERATOR_TOKEN" CREDENCE_DEMO=false \
    CREDENCE_CONNECTIONS_PER_ADDRESS=100000 "$@" \
    -- -jar "$SERVER_JAR"
  SERVER_PID=$STARTED_PID
}

# start_credence LABEL ENV...: SERVER_JAR on a fresh data directory and a free loopback port,
# with BENCH_JAVA_OPTS (see launch_credence), after waiting for a quiet machine; returns once
# /health/ready answers 200. Sets SERVER_PID, SERVER_BASE, SERVER_LOG, SERVER_DATA.
start_credence() {
  local label=$1
  shift
  SERVER_DATA="$WORK/$label-data"
  wait_for_quiet
  launch_credence "$label" "$SERVER_DATA" "$(free_port)" "$BENCH_JAVA_OPTS" "$@"
  wait_until "$SERVER_PID" "$SERVER_LOG" "credence ($label)" http_ok 200 "$SERVER_BASE/health/ready"
}

# show_server_warnings LABEL LOGFILE: prints the server's WARN and ERROR lines, if any (shown, not
# judged; db-scheduler's start-up note about zone-less timestamp columns is left out).
show_server_warnings() {
  local label=$1 logfile=$2
  if grep -E ' (WARN|ERROR) ' "$logfile" | grep -v 'AutodetectJdbcCustomization' \
    >"$WORK/$label-warnings.txt"; then
    log "$label: the server logged $(wc -l <"$WORK/$label-warnings.txt") warning/error line(s):"
    head -n 10 "$WORK/$label-warnings.txt" >&2
  fi
}

# tools_and_build JAR...: curl, python3 and java must be there; then the project is built
# (mvn package, at ROOT) unless --no-build was given, and every JAR must exist.
tools_and_build() {
  local tool jar
  for tool in curl python3 "$JAVA"; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool is required"
  done
  if [[ $BUILD -eq 1 ]]; then
    log "building (mvn -q -B -DskipTests package)"
    (cd "$ROOT" && mvn -q -B -DskipTests package) || die "build failed"
  fi
  for jar in "$@"; do
    [[ -f "$jar" ]] || die "missing $jar (build first, or drop --no-build)"
  done
}

# run_jdbc_bench NAME CLASS DESCRIPTION ARGS...: the bench CLASS (in bench/target/classes, on the
# server's jar) on H2, with the embedded default's settings in a fresh data dir, then on PostgreSQL
# unless --h2-only (a throwaway cluster named NAME, or CREDENCE_BENCH_PG_URL), each after the
# machine is quiet. CLASS gets the JDBC URL, user and password, then ARGS; its RESULT and PLAN lines
# are tagged with the database and kept in $WORK/results.txt. Sets IDLE_BEFORE and PG_DESC.
# QUERY_CACHE_SIZE=0: on a live server the tables change all day, so H2 never hands a query a
# result computed before; in a bench they would not, and H2 would.
run_jdbc_bench() {
  local name=$1 class=$2 description=$3
  shift 3
  [[ -d "$ROOT/bench/target/classes/dev/credence/bench" ]] || die "bench/target/classes is missing: build first"
  wait_for_quiet
  IDLE_BEFORE="$(cpu_idle_percent)%"
  mkdir -p "$WORK/h2"
  jdbc_bench_on h2 "jdbc:h2:dsync:$WORK/h2/credence;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;WRITE_DELAY=0;QUERY_CACHE_SIZE=0" sa "" "$class" "$description" "$@"
  PG_DESC="not run (--h2-only)"
  if [[ " ${TARGETS[*]} " == *" postgresql "* ]]; then
    start_postgres "$name"
    jdbc_bench_on postgresql "$PG_URL" "$PG_USER" "$PG_PASSWORD" "$class" "$description" "$@"
  fi
}

jdbc_bench_on() { # jdbc_bench_on TARGET URL USER PASSWORD CLASS DESCRIPTION ARGS...
  local target=$1 url=$2 user=$3 password=$4 class=$5 description=$6
  shift 6
  log "$target: $description"
  "$JAVA" $BENCH_JAVA_OPTS -cp "$ROOT/bench/target/classes:$SERVER_JAR" "dev.credence.bench.$class" \
    "$url" "$user" "$password" "$@" | sed "s/^\(RESULT\|PLAN\) /\1 target=$target /" | tee -a "$WORK/results.txt" >&2
}

# json_get FILE a.b.c: one value of a JSON file, by its path of keys.
json_get() {
  python3 - "$1" "$2" <<'PY'
import json, sys
value = json.load(open(sys.argv[1]))
for part in sys.argv[2].split("."):
    value = value[part]
print(value)
PY
}

# api METHOD URL BODY OUTFILE: operator API call with the Bearer token; fails unless 2xx.
api() {
  local method=$1 url=$2 body=$3 out=$4 code
  code=$(curl -s -o "$out" -w '%{http_code}' --max-time 10 -X "$method" \
    -H "Authorization: Bearer $OPERATOR_TOKEN" -H 'Content-Type: application/json' \
    --data "$body" "$url") || die "$method $url: curl failed"
  [[ "$code" == 2?? ]] || die "$method $url answered $code: $(head -c 500 "$out")"
}

# bench_integration LABEL BASE: a company and a deployment through the operator API, and the
# Production integration's rate limit and open-session cap removed, for wrk's session load. Sets
# BENCH_INTEGRATION and BENCH_KEY (its id and API key).
# shellcheck disable=SC2034 # BENCH_INTEGRATION and BENCH_KEY are the sourcing script's
bench_integration() {
  local label=$1 base=$2 company_id
  api POST "$base/v1/admin/companies" '{"name":"Bench"}' "$WORK/company.json"
  company_id=$(json_get "$WORK/company.json" company_id)
  api POST "$base/v1/admin/deployments" "{\"company_id\":\"$company_id\",\"name\":\"bench\"}" \
    "$WORK/deployment.json"
  BENCH_INTEGRATION=$(json_get "$WORK/deployment.json" production.integration_id)
  BENCH_KEY=$(json_get "$WORK/deployment.json" production.api_key)
  api PATCH "$base/v1/admin/integrations/$BENCH_INTEGRATION" \
    '{"rate_limit_per_minute": null, "max_open_sessions": null}' "$WORK/integration.json"
  log "credence ($label): company $company_id, production integration $BENCH_INTEGRATION, limits removed"
}

# need_wrk: installs Debian's wrk if it is missing.
need_wrk() {
  command -v wrk >/dev/null 2>&1 && return 0
  log "installing wrk"
  apt-get install -y wrk >/dev/null || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }
}

# machine_facts: what a results page says of the run, exported for the report's Python: CPU_MODEL,
# MEM_GB (`free -g` total), OS_NAME, JAVA_VERSION (of JAVA), NPROC, DATE_UTC and GIT_REV (the
# commit at ROOT, marked when the tree has uncommitted changes).
machine_facts() {
  CPU_MODEL=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
  MEM_GB=$(free -g | awk '/^Mem:/ {print $2}')
  # shellcheck disable=SC1091
  OS_NAME=$(. /etc/os-release && echo "$PRETTY_NAME")
  JAVA_VERSION=$("$JAVA" -version 2>&1 | head -n 1)
  NPROC=$(nproc)
  DATE_UTC=$(date -u '+%Y-%m-%d %H:%M UTC')
  GIT_REV=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
  if [[ -n "$(git -C "$ROOT" status --porcelain 2>/dev/null)" ]]; then
    GIT_REV="$GIT_REV (with uncommitted changes)"
  fi
  export CPU_MODEL MEM_GB OS_NAME JAVA_VERSION NPROC DATE_UTC GIT_REV
}

# write_docs_section FILE: puts FILE, a section whose first line is its "## " title, into DOCS:
# in place of the section of that title (up to the next "## " section or a hand-written "### "
# subsection, which stays), or at the end if DOCS has none.
write_docs_section() {
  python3 - "$DOCS" "$1" <<'PY'
import os, sys
path, section = sys.argv[1], open(sys.argv[2]).read()
title = section.splitlines()[0].rstrip()
if os.path.exists(path):
    doc = open(path).read()
else:
    doc = ("# Benchmarks\n\n"
           "Measured performance of Credence, each figure with the command that produced it.\n\n"
           "Machine: figures are comparable only within one run on one machine; each section "
           "names its machine (the project's reference box: 2 cores, 24 GB RAM, Debian 12).\n\n")
lines = doc.splitlines(keepends=True)
start = next((i for i, l in enumerate(lines) if l.rstrip() == title), None)
if start is None:
    doc = doc.rstrip("\n") + "\n\n" + section
else:
    end = next((i for i in range(start + 1, len(lines))
                if lines[i].startswith("## ") or lines[i].startswith("### ")), len(lines))
    tail = "".join(lines[end:])
    doc = "".join(lines[:start]) + section + ("\n" + tail if tail else "")
os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
open(path, "w").write(doc)
print(f"wrote {path}", file=sys.stderr)
PY
}

# report_done STATUS SECTION_FILE: ends a run after its report, whose exit STATUS is 0, or 3 for a
# run that measured errors (its section says so); either way SECTION_FILE goes into DOCS unless
# --no-docs (write_docs_section), and the run exits with STATUS. Any other status is a failure.
report_done() {
  local status=$1 section=$2
  [[ $status -eq 0 || $status -eq 3 ]] || die "report failed"
  if [[ $WRITE_DOCS -eq 1 ]]; then
    write_docs_section "$section"
  fi
  if [[ $status -eq 3 ]]; then
    log "finished, but the run had errors"
    exit 3
  fi
  log "done"
}
