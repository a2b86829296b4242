#!/usr/bin/env bash
# Session API throughput: the floor, then Credence on H2, then Credence on PostgreSQL, then
# (for what durable commits cost) H2 with its write delay, one after another in one run, all over loopback, with the same wrk settings and the same
# JVM flags. Prints a table and writes it into docs/BENCHMARKS.md ("## Session API
# throughput"). See bench/README.md.
#
#   bench/run-session-bench.sh [--no-build] [--no-docs]
#
# Env: WARMUP (s, default 10), DURATION (s, default 30), CONNECTIONS (64), THREADS (2),
#      BENCH_JAVA_OPTS (default "-Xms1g -Xmx1g"), JAVA (default java),
#      CREDENCE_SERVER_JAR (default credence-server/target/credence.jar),
#      QUIET_WAIT (s, default 120): how long to wait for a busy machine to calm down,
#      CREDENCE_BENCH_PG_URL (+ _USER, _PASSWORD): an existing PostgreSQL to use instead of
#      a throwaway cluster. It must be on 127.0.0.1 / localhost.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH_DIR="$ROOT/bench"
DOCS="$ROOT/docs/BENCHMARKS.md"
FLOOR_JAR="$BENCH_DIR/target/credence-floor.jar"
SERVER_JAR=${CREDENCE_SERVER_JAR:-"$ROOT/credence-server/target/credence.jar"}
LUA="$BENCH_DIR/sessions.lua"
TOKENS_PATH="/v1/sessions-management/tokens"

WARMUP=${WARMUP:-30}
DURATION=${DURATION:-30}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
BENCH_JAVA_OPTS=${BENCH_JAVA_OPTS:--Xms1g -Xmx1g}
JAVA=${JAVA:-java}
READY_TIMEOUT=60
QUIET_WAIT=${QUIET_WAIT:-120}

BUILD=1
WRITE_DOCS=1
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
parse_options "--no-build --no-docs" "$@"

# The exact command, with the overrides that were given, for the results page.
COMMAND=$(command_line bench/run-session-bench.sh "WARMUP DURATION CONNECTIONS THREADS BENCH_JAVA_OPTS JAVA CREDENCE_SERVER_JAR CREDENCE_BENCH_PG_URL RUN_ID QUIET_WAIT" "$@")


begin_run credence-bench 3

# ---------------------------------------------------------------------------------------
# Helpers.

# check_session BASE API_KEY INTEGRATION_ID: one create call must give a 200 with a JWT.
check_session() {
  local base=$1 key=$2 integration=$3 out="$WORK/check-session.json" code
  code=$(curl -s -o "$out" -w '%{http_code}' --max-time 10 -X POST \
    -H "api-key: $key" -H 'Content-Type: application/json' \
    --data "{\"uid\":\"BCHECK-$(random_hex 6)\",\"integration_id\":\"$integration\"}" \
    "$base$TOKENS_PATH") || die "create session: curl failed"
  [[ "$code" == 200 ]] || die "create session answered $code: $(head -c 500 "$out")"
  python3 - "$out" <<'PY' || die "create session: the response has no valid access_token"
import base64, json, sys
body = json.load(open(sys.argv[1]))
header, payload, _ = body["access_token"].split(".")
decode = lambda part: json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
assert decode(header)["alg"] == "HS256", "alg"
claims = decode(payload)
for claim in ("uid", "company_id", "integration_id", "url", "exp"):
    assert claim in claims, claim
assert "url" in body, "url"
PY
}

# CPU accounting for a measured run, in milliseconds of CPU time: the machine (/proc/stat),
# given processes (/proc/PID/stat), and this shell's finished children (wrk), so the report
# can say how much of the 2 cores went to the server, its database, wrk, and anything else.
CLK_TCK=$(getconf CLK_TCK)

machine_cpu_ms() { # prints "busy total"
  local user nice system idle iowait irq softirq steal rest
  read -r _ user nice system idle iowait irq softirq steal rest </proc/stat
  local total=$((user + nice + system + idle + iowait + irq + softirq + steal))
  echo "$(((total - idle - iowait) * 1000 / CLK_TCK)) $((total * 1000 / CLK_TCK))"
}

pids_cpu_ms() { # PID...: user+system CPU of those processes that still exist
  local ticks=0 pid fields
  local -a f
  for pid in "$@"; do
    if fields=$(cut -d')' -f2- "/proc/$pid/stat" 2>/dev/null); then
      # after "(comm)": state is field 1, utime field 12, stime field 13
      read -r -a f <<<"$fields"
      ticks=$((ticks + f[11] + f[12]))
    fi
  done
  echo $((ticks * 1000 / CLK_TCK))
}

# thread_cpu PID OUT: CPU ticks so far of each of PID's threads, summed by kind (HTTP threads,
# the session writer, the JIT compilers, the garbage collector, the rest), as JSON into OUT.
thread_cpu() {
  python3 - "$1" "$2" <<'PY'
import json, os, sys
pid, out = sys.argv[1], sys.argv[2]
def kind(name):
    if name.startswith("JettyServerThr") or name.startswith("qtp"):
        return "http"
    if name.startswith("credence-sessio"):
        return "writer"
    if "CompilerThre" in name:
        return "jit"
    if name.startswith(("GC Thread", "G1 ")):
        return "gc"
    return "other"
ticks = {"http": 0, "writer": 0, "jit": 0, "gc": 0, "other": 0}
for tid in os.listdir(f"/proc/{pid}/task"):
    try:
        name = open(f"/proc/{pid}/task/{tid}/comm").read().strip()
        stat = open(f"/proc/{pid}/task/{tid}/stat").read()
    except OSError:
        continue  # the thread ended meanwhile
    fields = stat[stat.rindex(")") + 2:].split()
    ticks[kind(name)] += int(fields[11]) + int(fields[12])
json.dump(ticks, open(out, "w"))
PY
}

children_cpu_ms() { # FILE: CPU of this shell's finished children, from `times` output in FILE
  python3 - "$1" <<'PY'
import re, sys
line = open(sys.argv[1]).read().splitlines()[-1]
print(int(sum(int(m) * 60000 + float(s) * 1000 for m, s in re.findall(r"(\d+)m([\d.]+)s", line))))
PY
}

# database_pids: the throwaway PostgreSQL's postmaster and its children (pool connections).
database_pids() {
  [[ -n "$PG_DIR" && -f "$PG_DIR/data/postmaster.pid" ]] || return 0
  local postmaster
  postmaster=$(head -n 1 "$PG_DIR/data/postmaster.pid")
  echo "$postmaster"
  ps -o pid= --ppid "$postmaster" | tr -d ' ' || true
}

# measure LABEL URL API_KEY INTEGRATION_ID SERVER_PID: warm-up, then the measured run into
# $WORK/LABEL.txt, and its CPU split into $WORK/LABEL.cpu
measure() {
  local label=$1 url=$2 key=$3 integration=$4 server_pid=$5
  [[ "$url" == http://127.0.0.1:* ]] || die "refusing to load anything but 127.0.0.1: $url"
  log "$label: warm-up ${WARMUP}s, $CONNECTIONS connections, $THREADS threads"
  API_KEY="$key" INTEGRATION_ID="$integration" \
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" --latency -s "$LUA" "$url" \
    >"$WORK/$label-warmup.txt" 2>&1 || die "$label: wrk warm-up failed: $(tail -5 "$WORK/$label-warmup.txt")"
  grep -E '^(Requests/sec|non-200)' "$WORK/$label-warmup.txt" | sed "s/^/  warm-up: /" >&2 || true

  local db_pids=()
  [[ "$label" == postgresql ]] && mapfile -t db_pids < <(database_pids)
  local machine_before server_before db_before wrk_before
  times >"$WORK/times-before" # here, not in a subshell: children's CPU so far
  server_before=$(pids_cpu_ms "$server_pid")
  thread_cpu "$server_pid" "$WORK/$label-threads-before.json"
  db_before=$(pids_cpu_ms "${db_pids[@]}")
  machine_before=$(machine_cpu_ms)

  log "$label: measured run ${DURATION}s"
  API_KEY="$key" INTEGRATION_ID="$integration" \
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$LUA" "$url" \
    >"$WORK/$label.txt" 2>&1 || die "$label: wrk failed: $(tail -5 "$WORK/$label.txt")"

  local machine_after server_after db_after wrk_after
  machine_after=$(machine_cpu_ms)
  server_after=$(pids_cpu_ms "$server_pid")
  thread_cpu "$server_pid" "$WORK/$label-threads-after.json"
  db_after=$(pids_cpu_ms "${db_pids[@]}")
  times >"$WORK/times-after"
  wrk_before=$(children_cpu_ms "$WORK/times-before")
  wrk_after=$(children_cpu_ms "$WORK/times-after")
  local busy=$((${machine_after% *} - ${machine_before% *}))
  local total=$((${machine_after#* } - ${machine_before#* }))
  local server=$((server_after - server_before)) db=$((db_after - db_before))
  local wrk_ms=$((wrk_after - wrk_before))
  local other=$((busy - server - db - wrk_ms))
  ((other < 0)) && other=0
  # percent of all cores over the measured run
  echo "$((100 * server / total)) $((100 * db / total)) $((100 * wrk_ms / total)) $((100 * other / total)) $((100 * (total - busy) / total))" >"$WORK/$label.cpu"
  sed 's/^/  /' "$WORK/$label.txt" >&2
  log "$label: CPU of all cores: server $((100 * server / total))%, database $((100 * db / total))%, wrk $((100 * wrk_ms / total))%, other processes $((100 * other / total))%, idle $((100 * (total - busy) / total))%"
}

# run_server LABEL ENV...: start credence.jar, set up credentials, measure, stop.
run_server() {
  local label=$1
  shift
  start_credence "$label" "$@"
  local pid=$SERVER_PID base=$SERVER_BASE

  bench_integration "$label" "$base"
  check_session "$base" "$BENCH_KEY" "$BENCH_INTEGRATION"

  measure "$label" "$base$TOKENS_PATH" "$BENCH_KEY" "$BENCH_INTEGRATION" "$pid"
  stop_pid "$pid"
}

# ---------------------------------------------------------------------------------------
# Tools and build.

need_wrk
tools_and_build "$FLOOR_JAR" "$SERVER_JAR"

# ---------------------------------------------------------------------------------------
# PostgreSQL: an external one from env, or a throwaway cluster on a free loopback port.

PG_DESC=""
start_postgres credence-bench

# ---------------------------------------------------------------------------------------
# The runs.

wait_for_quiet
IDLE_BEFORE="$(cpu_idle_percent)%"
OPERATOR_TOKEN=$(random_hex 24)
log "JVM flags for floor and server: $BENCH_JAVA_OPTS"

# (a) the floor
FLOOR_PORT=$(free_port)
FLOOR_URL="http://127.0.0.1:$FLOOR_PORT$TOKENS_PATH"
start_java "floor" "$WORK/floor.log" "$BENCH_JAVA_OPTS" PORT="$FLOOR_PORT" -- -jar "$FLOOR_JAR" "$FLOOR_PORT"
FLOOR_PID=$STARTED_PID
wait_until "$FLOOR_PID" "$WORK/floor.log" "floor" http_ok 200 -X POST \
  -H 'Content-Type: application/json' --data '{"uid":"BREADY","integration_id":"floor"}' "$FLOOR_URL"
check_session "http://127.0.0.1:$FLOOR_PORT" "bench-floor-key" "floor-integration"
measure floor "$FLOOR_URL" "bench-floor-key" "floor-integration" "$FLOOR_PID"
stop_pid "$FLOOR_PID"

# (b) Credence on its embedded H2 default
run_server h2

# (c) Credence on PostgreSQL
run_server postgresql CREDENCE_DATABASE_URL="$PG_URL" CREDENCE_DATABASE_USER="$PG_USER" \
  CREDENCE_DATABASE_PASSWORD="$PG_PASSWORD"

# (d) Credence on H2 as it was before durable commits (H2's 500 ms write delay, no DSYNC): what
# the embedded default's durability costs, measured in the same run. Not a configuration to use.
H2_DELAYED="jdbc:h2:file:$WORK/h2-write-delay-data/credence;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE"
H2_DELAYED="$H2_DELAYED;DEFAULT_NULL_ORDERING=HIGH;AUTO_SERVER=TRUE"
run_server h2-write-delay CREDENCE_DATABASE_URL="$H2_DELAYED" CREDENCE_DATABASE_USER=sa

# ---------------------------------------------------------------------------------------
# Report.

machine_facts
WRK_VERSION=$(wrk --version 2>&1 | head -n 1 | awk '{print $1, $2}' || true)
PG_LOCAL=0
[[ -n "$PG_DIR" ]] && PG_LOCAL=1
export WORK WARMUP DURATION CONNECTIONS THREADS BENCH_JAVA_OPTS COMMAND WRK_VERSION PG_DESC
export IDLE_BEFORE PG_LOCAL CLK_TCK

set +e
python3 - <<'PY'
import json, os, re, sys

env = os.environ
work = env["WORK"]
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0, "h": 3600000.0}

def parse(label):
    text = open(os.path.join(work, label + ".txt")).read()
    def grab(pattern):
        m = re.search(pattern, text, re.M)
        if not m:
            sys.exit(f"cannot find {pattern!r} in wrk output for {label}")
        return m
    rps = float(grab(r"^Requests/sec:\s+([\d.]+)").group(1))
    def pct(p):
        m = grab(rf"^\s+{p}%\s+([\d.]+)(us|ms|s|m|h)\s*$")
        return float(m.group(1)) * UNITS[m.group(2)]
    bench = dict(kv.split("=") for kv in grab(r"^BENCH (.*)$").group(1).split())
    bench = {k: int(v) for k, v in bench.items()}
    socket_errors = sum(bench[k] for k in ("connect_errors", "read_errors", "write_errors", "timeouts"))
    cpu = [int(x) for x in open(os.path.join(work, label + ".cpu")).read().split()]
    before = json.load(open(os.path.join(work, label + "-threads-before.json")))
    after = json.load(open(os.path.join(work, label + "-threads-after.json")))
    # microseconds of the server's CPU per request, by kind of thread
    per_request = {k: (after[k] - before[k]) * 1e6 / int(env["CLK_TCK"]) / max(bench["requests"], 1)
                   for k in after}
    return {"rps": rps, "threads": per_request, "p50": pct(50), "p99": pct(99), "requests": bench["requests"],
            "non200": bench["non200"], "socket": socket_errors,
            "cpu": dict(zip(("server", "db", "wrk", "other", "idle"), cpu))}

rows = [("floor (parse JSON + sign JWT, no database)", "floor"),
        ("Credence on H2 (embedded default, durable commits)", "h2"),
        ("Credence on PostgreSQL", "postgresql"),
        ("for comparison: H2 with its 500 ms write delay (not durable)", "h2-write-delay")]
results = {label: parse(label) for _, label in rows}
floor = results["floor"]["rps"]

def cpu_split(label, c):
    db = "in-process" if label.startswith("h2") else "-" if label == "floor" else (
        f"{c['db']}%" if env["PG_LOCAL"] == "1" else "not measured")
    return f"{c['server']}% / {db} / {c['wrk']}% / {c['other']}% / {c['idle']}%"

def ms(v):
    return f"{v:.2f} ms" if v < 100 else f"{v:.0f} ms"

table = ["| target | requests/s | p50 | p99 | requests | non-200 | socket errors | vs floor "
         "| CPU: server / database / wrk / other / idle |",
         "|---|---:|---:|---:|---:|---:|---:|---:|---|"]
for name, label in rows:
    r = results[label]
    ratio = "1.00x" if label == "floor" else f"{r['rps'] / floor:.2f}x"
    table.append(f"| {name} | {r['rps']:,.0f} | {ms(r['p50'])} | {ms(r['p99'])} | "
                 f"{r['requests']:,} | {r['non200']:,} | {r['socket']:,} | {ratio} | "
                 + cpu_split(label, r["cpu"]) + " |")

KINDS = (("http", "HTTP threads"), ("writer", "session writer"), ("jit", "JIT compilers"),
         ("gc", "GC"), ("other", "other"))
per_thread = ["| target | " + " | ".join(name for _, name in KINDS) + " | all |",
              "|---|" + "---:|" * (len(KINDS) + 1)]
for name, label in rows:
    t = results[label]["threads"]
    per_thread.append(f"| {name} | " + " | ".join(f"{t[k]:,.0f}" for k, _ in KINDS)
                      + f" | {sum(t.values()):,.0f} |")

errors = any(r["non200"] or r["socket"] for r in results.values())
busy_elsewhere = max(r["cpu"]["other"] for r in results.values())
h2_ratio = results["h2"]["rps"] / floor
pg_ratio = results["postgresql"]["rps"] / floor
durability = results["h2"]["rps"] / results["h2-write-delay"]["rps"]

print()
print("\n".join(table))
print()
print("\n".join(per_thread))
print(f"\nCPU idle just before the run: {env['IDLE_BEFORE']}")
print(f"H2/floor = {h2_ratio:.2f}x, PostgreSQL/floor = {pg_ratio:.2f}x (goal: H2 >= 0.70x)")
if errors:
    print("WARNING: this run had non-200 responses or socket errors; see the table.")
if busy_elsewhere > 5:
    print(f"WARNING: other processes used up to {busy_elsewhere}% of the CPU during a measured run.")

section = [
    "## Session API throughput",
    "",
    "`POST /v1/sessions-management/tokens` over loopback, every request with a new uid "
    f"(`bench/sessions.lua`), {env['CONNECTIONS']} connections, {env['THREADS']} wrk threads, "
    f"{env['WARMUP']} s warm-up then {env['DURATION']} s measured per target; the targets "
    "ran one after another in one run, each alone on the machine beside wrk. The floor is "
    "`bench/target/credence-floor.jar`: the same Javalin, Jackson and nimbus-jose-jwt, but "
    "only parsing the JSON and signing the JWT (no API key, no uid rules, no database).",
    "",
    f"- Date: {env['DATE_UTC']}",
    f"- Machine: {env['NPROC']} cores ({env['CPU_MODEL']}), {env['MEM_GB']} GiB RAM "
    f"(`free -g` total), {env['OS_NAME']}; wrk shares the cores with the server; "
    f"CPU idle just before the run: {env['IDLE_BEFORE']}",
    f"- Java: {env['JAVA_VERSION']}; the same JVM flags for floor and server: "
    f"`{env['BENCH_JAVA_OPTS']}`",
    f"- Load generator: {env['WRK_VERSION']}",
    f"- PostgreSQL: {env['PG_DESC']}",
    f"- Code: commit {env['GIT_REV']}",
    f"- Command (at the repo root): `{env['COMMAND']}`",
    "",
    *table,
    "",
    f"Credence on H2 reached **{h2_ratio:.2f}x** the floor and on PostgreSQL "
    f"**{pg_ratio:.2f}x** (goal: H2 at 0.70x or better: "
    f"{'not assessable, the run had errors' if errors else 'met' if h2_ratio >= 0.7 else 'NOT met'}).",
    "",
    "Durable commits on H2 (every commit on the disk before its answer: `WRITE_DELAY=0` and the "
    "`dsync:` file access, see configuration.md) run at "
    f"**{durability:.2f}x** the throughput of H2 with its default 500 ms write delay, which loses "
    "the sessions acknowledged in the last half second or more on a crash (the last row, same run).",
]
section += ["", "CPU is the share of all cores over each measured run: the server process, the "
            "PostgreSQL processes, wrk, and everything else on the machine."]
section += ["", "The server's CPU per request answered, in microseconds, by kind of thread (from "
            "`/proc/PID/task/*/stat` before and after each measured run). The session writer is "
            "Credence's group commit; H2 runs in the threads that call it (the writer's inserts and "
            "commits, the HTTP threads' reads); JIT compilers still at work after the warm-up are "
            "part of what a request costs:", "", *per_thread]
if busy_elsewhere > 5:
    section += ["", f"**Other processes used up to {busy_elsewhere}% of the CPU during a measured "
                "run: these figures are skewed by them; rerun on a quiet machine.**"]
if errors:
    section += ["", "**This run had non-200 responses or socket errors (see the table): its "
                "figures do not measure successful session creation only.**"]
section_text = "\n".join(section) + "\n"

open(os.path.join(work, "section.md"), "w").write(section_text)

sys.exit(3 if errors else 0)
PY
REPORT_STATUS=$?
set -e
report_done "$REPORT_STATUS" "$WORK/section.md"
