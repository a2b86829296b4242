#!/usr/bin/env bash
# Footprint: how fast Credence is ready and how much memory it holds under load, against floors
# in the same run. Start to first 200, median of RUNS, of two floors (a bare Jetty answering one
# route, and the Javalin session floor) and of Credence on H2 (first start on an empty data
# directory, with its migrations; then starts on that existing data directory), all with the same
# JVM flags; then Credence on H2 from a cold start under the session load of
# run-session-bench.sh, in consecutive wrk windows of WINDOW s (the JIT's warm-up), at each heap
# of HEAPS: peak and end resident memory and requests/s. Prints the section and writes it into
# docs/BENCHMARKS.md ("## Footprint"). See bench/README.md.
#
#   bench/run-footprint-bench.sh [--no-build] [--no-docs]
#
# Env: RUNS (default 5), DURATION (s of load per heap, default 30), WINDOW (s, default 10),
#      HEAPS (default "256m 128m": -Xmx of each load run; the first is also the start runs'),
#      CONNECTIONS (64), THREADS (2), BENCH_JAVA_OPTS (flags added to every JVM, default none),
#      JAVA (default java), CREDENCE_SERVER_JAR (default credence-server/target/credence.jar),
#      QUIET_WAIT (s, default 120): how long to wait for a busy machine to calm down.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH_DIR="$ROOT/bench"
DOCS="$ROOT/docs/BENCHMARKS.md"
FLOOR_JAR="$BENCH_DIR/target/credence-floor.jar"
SERVER_JAR=${CREDENCE_SERVER_JAR:-"$ROOT/credence-server/target/credence.jar"}
LUA="$BENCH_DIR/sessions.lua"
TOKENS_PATH="/v1/sessions-management/tokens"

RUNS=${RUNS:-5}
DURATION=${DURATION:-30}
WINDOW=${WINDOW:-10}
read -r -a HEAPS <<<"${HEAPS:-256m 128m}"
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
BENCH_JAVA_OPTS=${BENCH_JAVA_OPTS:-}
JAVA=${JAVA:-java}
READY_TIMEOUT=120
QUIET_WAIT=${QUIET_WAIT:-120}

BUILD=1
WRITE_DOCS=1
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
parse_options "--no-build --no-docs" "$@"
COMMAND=$(command_line bench/run-footprint-bench.sh "RUNS DURATION WINDOW HEAPS CONNECTIONS THREADS BENCH_JAVA_OPTS JAVA CREDENCE_SERVER_JAR QUIET_WAIT" "$@")

[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a whole number from 1"
[[ "$WINDOW" =~ ^[1-9][0-9]*$ ]] || die "WINDOW must be a whole number of seconds from 1"
[[ "$DURATION" =~ ^[1-9][0-9]*$ ]] || die "DURATION must be a whole number of seconds from 1"
((${#HEAPS[@]} > 0)) || die "HEAPS must name at least one heap size"
for heap in "${HEAPS[@]}"; do
  [[ "$heap" =~ ^[1-9][0-9]*[mg]$ ]] || die "HEAPS: '$heap' is not a heap size such as 256m"
done
WINDOWS=$(((DURATION + WINDOW - 1) / WINDOW))
START_OPTS="-Xmx${HEAPS[0]} $BENCH_JAVA_OPTS"

begin_run credence-footprint-bench 3

# ---------------------------------------------------------------------------------------
# Helpers.

# ready_ms T0_NS PID URL [JSON_BODY]: polls URL every 10 ms (a POST of JSON_BODY if given, else a
# GET) until it answers 200; prints the milliseconds since T0_NS (date +%s%N, taken just before
# the JVM was launched). Fails if the process exits or READY_TIMEOUT passes first.
ready_ms() {
  python3 - "$@" "$READY_TIMEOUT" <<'PY'
import os, sys, time, urllib.error, urllib.request
t0, pid, url = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
body = sys.argv[4].encode() if len(sys.argv) > 5 else None
deadline = time.monotonic() + float(sys.argv[-1])
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback, never a proxy
while True:
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    try:
        with opener.open(request, timeout=5) as answer:
            if answer.status == 200:
                print(round((time.time_ns() - t0) / 1e6))
                break
    except (urllib.error.URLError, OSError):
        pass  # not listening yet, or not ready (503)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        sys.exit(f"process {pid} exited before it answered 200")
    if time.monotonic() > deadline:
        sys.exit(f"no 200 from {url} in time")
    time.sleep(0.01)
PY
}

# time_floor NAME MAIN_CLASS PATH [JSON_BODY]: one start of a floor from the floor jar, to its
# first 200 on PATH; the milliseconds are appended to $WORK/start-NAME.txt.
time_floor() {
  local name=$1 main=$2 path=$3 port t0 ms
  shift 3
  port=$(free_port)
  wait_for_quiet
  t0=$(date +%s%N)
  start_java "$name" "$WORK/$name.log" "$START_OPTS" PORT="$port" -- -cp "$FLOOR_JAR" "$main" "$port"
  ms=$(ready_ms "$t0" "$STARTED_PID" "http://127.0.0.1:$port$path" "$@") ||
    { tail -n 20 "$WORK/$name.log" >&2; die "$name did not start"; }
  log "$name: first 200 after $ms ms"
  echo "$ms" >>"$WORK/start-$name.txt"
  stop_pid "$STARTED_PID"
}

# time_credence NAME DATA_DIR: one start of Credence on H2 in DATA_DIR, to /health/ready 200; the
# milliseconds are appended to $WORK/start-NAME.txt. No shutdown drain: the next start waits for
# this one to end.
time_credence() {
  local name=$1 data=$2 t0 ms
  wait_for_quiet
  t0=$(date +%s%N)
  launch_credence "$name" "$data" "$(free_port)" "$START_OPTS" CREDENCE_SHUTDOWN_DRAIN_SECONDS=0
  ms=$(ready_ms "$t0" "$SERVER_PID" "$SERVER_BASE/health/ready") ||
    { tail -n 40 "$SERVER_LOG" >&2; die "credence ($name) did not start"; }
  log "credence ($name): ready after $ms ms"
  echo "$ms" >>"$WORK/start-$name.txt"
  show_server_warnings "$name" "$SERVER_LOG"
  stop_pid "$SERVER_PID"
}

# rss_kb PID FIELD: VmRSS or VmHWM of a process, in kB.
rss_kb() { awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"; }

# load_run HEAP: Credence on H2 with -XmxHEAP from a cold start on a fresh data directory, then
# WINDOWS consecutive wrk runs of WINDOW s each with the session load; per window the wrk output
# ($WORK/load-HEAP-wN.txt) and VmRSS after it; at the end VmHWM (peak) and VmRSS into
# $WORK/load-HEAP.mem.
load_run() {
  local heap=$1 label="load-$1" t0 ms w
  wait_for_quiet
  t0=$(date +%s%N)
  launch_credence "$label" "$WORK/$label-data" "$(free_port)" "-Xmx$heap $BENCH_JAVA_OPTS" \
    CREDENCE_SHUTDOWN_DRAIN_SECONDS=0
  local pid=$SERVER_PID base=$SERVER_BASE
  ms=$(ready_ms "$t0" "$pid" "$base/health/ready") ||
    { tail -n 40 "$SERVER_LOG" >&2; die "credence ($label) did not start"; }
  log "credence ($label): ready after $ms ms"
  bench_integration "$label" "$base"
  local url="$base$TOKENS_PATH"
  [[ "$url" == http://127.0.0.1:* ]] || die "refusing to load anything but 127.0.0.1: $url"
  : >"$WORK/$label.windows"
  for w in $(seq 1 "$WINDOWS"); do
    API_KEY="$BENCH_KEY" INTEGRATION_ID="$BENCH_INTEGRATION" \
      wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WINDOW}s" --latency -s "$LUA" "$url" \
      >"$WORK/$label-w$w.txt" 2>&1 || die "$label: wrk failed: $(tail -5 "$WORK/$label-w$w.txt")"
    echo "$w $(rss_kb "$pid" VmRSS)" >>"$WORK/$label.windows"
    log "$label window $w: $(grep -E '^Requests/sec' "$WORK/$label-w$w.txt"), VmRSS $(rss_kb "$pid" VmRSS) kB"
  done
  echo "$ms $(rss_kb "$pid" VmHWM) $(rss_kb "$pid" VmRSS)" >"$WORK/$label.mem"
  show_server_warnings "$label" "$SERVER_LOG"
  stop_pid "$pid"
}

# ---------------------------------------------------------------------------------------
# Tools and build.

need_wrk
tools_and_build "$FLOOR_JAR" "$SERVER_JAR"

wait_for_quiet
IDLE_BEFORE="$(cpu_idle_percent)%"
OPERATOR_TOKEN=$(random_hex 24)
log "JVM flags of every start: $START_OPTS; load runs at -Xmx ${HEAPS[*]}"

# ---------------------------------------------------------------------------------------
# Start to ready: the floors, then Credence's first starts, then starts on an existing data dir.

for run in $(seq 1 "$RUNS"); do
  log "start run $run of $RUNS"
  time_floor jetty dev.credence.bench.BareJetty /health/ready
  time_floor javalin dev.credence.bench.FloorServer "$TOKENS_PATH" \
    '{"uid":"BREADY","integration_id":"floor"}'
  time_credence first "$WORK/first-$run-data"
done
for run in $(seq 1 "$RUNS"); do
  time_credence existing "$WORK/first-1-data"
done

# ---------------------------------------------------------------------------------------
# Memory and throughput under load, from a cold start, at each heap.

for heap in "${HEAPS[@]}"; do
  load_run "$heap"
done

# ---------------------------------------------------------------------------------------
# Report.

machine_facts
WRK_VERSION=$(wrk --version 2>&1 | head -n 1 | awk '{print $1, $2}' || true)
GC_NAME=$(
  # shellcheck disable=SC2086 # the options are words
  "$JAVA" $START_OPTS -XX:+PrintFlagsFinal -version 2>/dev/null |
    awk '$2 ~ /^Use(Serial|Parallel|G1|Z|Shenandoah)GC$/ && $4 == "true" { sub(/^Use/, "", $2); sub(/GC$/, "", $2); print $2 }'
)
HEAP_LIST="${HEAPS[*]}"
export WORK RUNS DURATION WINDOW WINDOWS CONNECTIONS THREADS START_OPTS BENCH_JAVA_OPTS COMMAND \
  WRK_VERSION IDLE_BEFORE GC_NAME HEAP_LIST

set +e
python3 - <<'PY'
import os, re, statistics, sys

env = os.environ
work = env["WORK"]
heaps = env["HEAP_LIST"].split()
windows = int(env["WINDOWS"])
window = int(env["WINDOW"])

def starts(name):
    return [int(x) for x in open(os.path.join(work, f"start-{name}.txt")).read().split()]

def wrk(path):
    text = open(path).read()
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", text, re.M)
    bench = re.search(r"^BENCH (.*)$", text, re.M)
    if not rps or not bench:
        sys.exit(f"cannot read the wrk output {path}")
    counts = {k: int(v) for k, v in (kv.split("=") for kv in bench.group(1).split())}
    errors = counts["non200"] + sum(counts[k] for k in
                                    ("connect_errors", "read_errors", "write_errors", "timeouts"))
    return float(rps.group(1)), counts["requests"], errors

start = {name: starts(name) for name in ("jetty", "javalin", "first", "existing")}
med = {name: statistics.median(v) for name, v in start.items()}
jetty = med["jetty"]

load = {}
for heap in heaps:
    label = f"load-{heap}"
    ready, hwm, end = (int(x) for x in open(os.path.join(work, label + ".mem")).read().split())
    rss = dict(tuple(int(x) for x in line.split())
               for line in open(os.path.join(work, label + ".windows")))
    wins = [wrk(os.path.join(work, f"{label}-w{w}.txt")) for w in range(1, windows + 1)]
    warm = wins[1:] or wins
    load[heap] = {
        "ready": ready, "peak": hwm / 1024, "end": end / 1024,
        "windows": [(rps, rss[w] / 1024) for w, (rps, _, _) in enumerate(wins, 1)],
        "all": sum(r for _, r, _ in wins) / (window * windows),
        "warm": sum(r for _, r, _ in warm) / (window * len(warm)),
        "errors": sum(e for _, _, e in wins),
    }

def ms(v):
    return f"{v:,.0f} ms"

def spread(v):
    return f"{min(v):,}–{max(v):,} ms"

start_rows = [
    ("floor: bare Jetty answering one route (`BareJetty`)", "jetty"),
    ("Javalin floor (`FloorServer`, the session benchmark's)", "javalin"),
    ("Credence on H2, first start: empty data dir, migrations", "first"),
    ("Credence on H2, existing data dir", "existing"),
]
table1 = ["| start to first 200 | median | runs | vs bare Jetty | vs Javalin floor |",
          "|---|---:|---:|---:|---:|"]
for name, key in start_rows:
    table1.append(f"| {name} | {ms(med[key])} | {spread(start[key])} | {med[key] / jetty:.2f}x "
                  f"| {med[key] / med['javalin']:.2f}x |")

ref = heaps[0]
head = " | ".join(f"{(w - 1) * window}–{w * window} s" for w in range(1, windows + 1))
table2 = [f"| heap | ready | requests/s: {head} | requests/s after the first window "
          f"| peak RSS (VmHWM) | RSS at the end | errors |",
          "|---|---:|" + "---:|" * windows + "---:|---:|---:|---:|"]
for heap in heaps:
    r = load[heap]
    cells = " | ".join(f"{rps:,.0f} ({rss:,.0f} MB)" for rps, rss in r["windows"])
    vs = "" if heap == ref else f" ({r['warm'] / load[ref]['warm']:.2f}x -Xmx{ref})"
    table2.append(f"| `-Xmx{heap}` | {ms(r['ready'])} | {cells} | {r['warm']:,.0f}{vs} | "
                  f"{r['peak']:,.0f} MB | {r['end']:,.0f} MB | {r['errors']:,} |")

errors = any(r["errors"] for r in load.values())
existing_ratio = med["existing"] / jetty
targets = [f"- Start on an existing data dir within 1.5x the bare Jetty floor: "
           f"**{existing_ratio:.2f}x** ({ms(med['existing'])} against {ms(jetty)}): "
           f"{'met' if existing_ratio <= 1.5 else 'NOT met'} ({med['existing'] / med['javalin']:.2f}x "
           f"the Javalin floor). First start with migrations: {ms(med['first'])}, "
           f"{med['first'] / jetty:.2f}x the bare Jetty floor."]
if "256m" in load:
    peak = load["256m"]["peak"]
    targets.append(f"- Resident memory at most 300 MB at full load with `-Xmx256m`: peak "
                   f"**{peak:,.0f} MB**, {load['256m']['end']:,.0f} MB at the end: "
                   f"{'met' if peak <= 300 else 'NOT met'}.")
if "256m" in load and "128m" in load:
    ratio = load["128m"]["warm"] / load["256m"]["warm"]
    targets.append(f"- No loss of throughput at `-Xmx128m`: **{ratio:.2f}x** the requests/s "
                   f"of `-Xmx256m` after the first window: "
                   f"{'met' if ratio >= 0.95 else 'NOT met'} (counted as met from 0.95x: "
                   f"one run of each is not finer than that).")
first = load[ref]["windows"][0][0]
if windows > 1:
    targets.append(f"- JIT warm-up (`-Xmx{ref}`): the first {window} s after ready ran at "
                   f"**{first:,.0f}** requests/s, {first / load[ref]['warm']:.2f}x the "
                   f"{load[ref]['warm']:,.0f} of the windows after it.")

section = [
    "## Footprint",
    "",
    "Start to ready and resident memory under load, all over loopback, one run. **Start**: from "
    "launching the JVM to its first 200 (polled every 10 ms), median of "
    f"{env['RUNS']} runs each; the floors are `bench/target/credence-floor.jar`: `BareJetty`, "
    "the same Jetty the server runs on answering `GET /health/ready` and nothing else (no "
    "Javalin: the target is set against bare Jetty, and Javalin's own start is part of what "
    "Credence takes), and the session benchmark's Javalin `FloorServer` (first 200 of its "
    "`POST`) to show what Javalin adds. Credence runs on its embedded H2, "
    "`CREDENCE_DEMO=false`, to `GET /health/ready` 200: first on an empty data directory (the "
    "migrations, the generated secrets), then again and again on the first run's data directory. "
    f"**Load**: Credence on H2 from a cold start on an empty data directory, the session load of "
    f"`bench/run-session-bench.sh` (`bench/sessions.lua`, {env['CONNECTIONS']} connections, "
    f"{env['THREADS']} wrk threads) right after ready and the company's set-up, as "
    f"{windows} consecutive wrk runs of {window} s; RSS is the server process's `VmHWM` (peak "
    "since its start) and `VmRSS` of `/proc/PID/status`.",
    "",
    f"- Date: {env['DATE_UTC']}",
    f"- Machine: {env['NPROC']} cores ({env['CPU_MODEL']}), {env['MEM_GB']} GiB RAM "
    f"(`free -g` total), {env['OS_NAME']}; wrk shares the cores with the server; "
    f"CPU idle just before the run: {env['IDLE_BEFORE']}",
    f"- Java: {env['JAVA_VERSION']}, {env['GC_NAME']} GC; every start with `{env['START_OPTS'].strip()}`"
    + (f"; load runs with `-Xmx<heap> {env['BENCH_JAVA_OPTS']}`" if env["BENCH_JAVA_OPTS"] else ""),
    f"- Load generator: {env['WRK_VERSION']}",
    f"- Code: commit {env['GIT_REV']}",
    f"- Command (at the repo root): `{env['COMMAND']}`",
    "",
    *table1,
    "",
    "Requests/s of each window, with the server's RSS at its end in brackets:",
    "",
    *table2,
    "",
    *targets,
]
if errors:
    section += ["", "**The load had non-200 responses or socket errors (see the table): its "
                "figures do not measure successful session creation only.**"]
section_text = "\n".join(section) + "\n"
print()
print(section_text)

open(os.path.join(work, "section.md"), "w").write(section_text)
sys.exit(3 if errors else 0)
PY
REPORT_STATUS=$?
set -e
report_done "$REPORT_STATUS" "$WORK/section.md"
