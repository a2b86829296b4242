#!/usr/bin/env bash
# The Funnel page's queries with a million sessions in one environment, on H2 (the embedded
# default's settings, in a fresh data dir) and on PostgreSQL, each against a floor measured in the
# same run (counting the range's sessions by the same index). Also what the funnel adds to the
# journey: the transaction that records a finished module, against the step_shown_at update every
# step already makes. See bench/README.md.
#
#   bench/run-funnel-bench.sh [--no-build] [--no-docs] [--h2-only]
#
# Env: SESSIONS (1000000), RUNS (6: the first warms up, the median of the others is kept),
#      BENCH_JAVA_OPTS (default "-Xmx1g"), JAVA (java), QUIET_WAIT (s, default 120),
#      CREDENCE_BENCH_PG_URL (+ _USER, _PASSWORD): an existing PostgreSQL on 127.0.0.1/localhost
#      to use instead of a throwaway cluster.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DOCS="$ROOT/docs/BENCHMARKS.md"
SESSIONS=${SESSIONS:-1000000}
RUNS=${RUNS:-6}
BENCH_JAVA_OPTS=${BENCH_JAVA_OPTS:--Xmx1g}
JAVA=${JAVA:-java}
QUIET_WAIT=${QUIET_WAIT:-120}
SERVER_JAR="$ROOT/credence-server/target/credence.jar"

BUILD=1
WRITE_DOCS=1
TARGETS=(h2 postgresql)
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
parse_options "--no-build --no-docs --h2-only" "$@"
COMMAND=$(command_line bench/run-funnel-bench.sh "SESSIONS RUNS BENCH_JAVA_OPTS JAVA QUIET_WAIT CREDENCE_BENCH_PG_URL" "$@")

begin_run credence-funnel-bench
tools_and_build "$SERVER_JAR"
run_jdbc_bench credence-funnel-bench FunnelBench "$SESSIONS sessions, $RUNS runs" "$SESSIONS" "$RUNS"

machine_facts
export WORK COMMAND IDLE_BEFORE BENCH_JAVA_OPTS PG_DESC MEM_GB OS_NAME RUNS
python3 - <<'PY'
import os
env = os.environ
rows = []
for line in open(os.path.join(env["WORK"], "results.txt")):
    if line.startswith("RESULT "):
        parts = line.split()
        rows.append((parts[2], dict(kv.split("=") for kv in [parts[1]] + parts[3:])))
names = {"h2": "H2 (embedded, durable commits)", "postgresql": "PostgreSQL"}
out = ["## Funnel queries", "",
       "The Funnel page's queries (`console/funnel/FunnelQueries`: the sessions grouped by how far they got, platform, language and whole seconds to complete; the module finishes grouped by module and whole seconds; the bad rate by band and day; the medians and 90th percentiles taken in Java from those counts) on one environment holding " + f"{int(rows[0][1]['sessions']):,}" + " sessions created over the last 365 days, in one JVM on the server's jar (`bench/src/main/java/dev/credence/bench/FunnelBench.java`). The sessions: a tenth never opened, a tenth opened only, a twentieth declined, a tenth expired after consent, a tenth stopped after some modules, the rest completed with a result, a fifth of those with a loan outcome; those still open past their 72 hours expired, as the expiry sweep leaves them; made by the database from a range of numbers. Each range is read twice: with no day sealed (every session counted by the scans), then after the sweep has sealed every ended day (`console/funnel/FunnelDays`), the page reading a sealed day as one row of `funnel_days` and scanning only the days still open. Before each timed run, untimed, one session row is written, as applicants do all day, and H2's query cache is off (`QUERY_CACHE_SIZE=0`): on a live server every table the page reads changes all day, so H2 never hands it a result computed the time before. The floor, measured in the same run on the same data, counts the range's sessions by the same index: the least a scan of the range must read. Median of runs 2 to " + env.get("RUNS", "6") + " (run 1 warms up); PostgreSQL is `ANALYZE`d after the load.",
       "",
       f"- Date: {env['DATE_UTC']}",
       f"- Machine: {env['NPROC']} cores ({env['CPU_MODEL']}), {env['MEM_GB']} GiB RAM (`free -g` total), {env['OS_NAME']}; CPU idle just before the run: {env['IDLE_BEFORE']}",
       f"- Java: {env['JAVA_VERSION']}; `{env['BENCH_JAVA_OPTS']}`",
       f"- PostgreSQL: {env['PG_DESC']}",
       f"- Code: commit {env['GIT_REV']}",
       f"- Command (at the repo root): `{env['COMMAND']}`",
       "",
       "| database | range | sessions in range | floor: count of the range | funnel, no day sealed | vs floor | funnel, ended days sealed | vs floor |",
       "|---|---|---:|---:|---:|---:|---:|---:|"]
for kind, r in rows:
    if kind == "query":
        f, live, sealed = float(r["floor_ms"]), float(r["live_ms"]), float(r["sealed_ms"])
        out.append(f"| {names[r['target']]} | last {r['days']} days | {int(float(r['sessions'])):,} | {f:,.1f} ms | {live:,.1f} ms | {live / f:,.1f}x | {sealed:,.1f} ms | {sealed / f:,.2f}x |")
out += ["", "| database | days sealed by the first sweep | its time |", "|---|---:|---:|"]
for kind, r in rows:
    if kind == "seal":
        out.append(f"| {names[r['target']]} | {int(r['days']):,} | {float(r['seconds']):,.1f} s |")
out += ["", "| database | sessions loaded | module rows | results | outcomes | load time |", "|---|---:|---:|---:|---:|---:|"]
for kind, r in rows:
    if kind == "load":
        out.append(f"| {names[r['target']]} | {int(r['sessions']):,} | {int(r['module_finishes']):,} | {int(r['results']):,} | {int(r['outcomes']):,} | {int(r['seconds']):,} s |")
out += ["", "What the funnel adds to the journey: one transaction when a module is finished (`AssessmentStore.finishModules`: the count on the session row and a row in `module_finishes`), against the update every step already makes (`UPDATE sessions SET step_shown_at`, one statement and commit), one at a time on the loaded database.", "",
        "| database | writes | floor: step_shown_at update | module finished | vs floor |", "|---|---:|---:|---:|---:|"]
for kind, r in rows:
    if kind == "write":
        f, w = float(r["step_shown_ms"]), float(r["finish_module_ms"])
        out.append(f"| {names[r['target']]} | {int(r['n']):,} | {f:.3f} ms | {w:.3f} ms | {w / f:.1f}x |")
section = "\n".join(out) + "\n"
print(section)
open(os.path.join(env["WORK"], "section.md"), "w").write(section)
PY
if [[ $WRITE_DOCS -eq 1 ]]; then
  write_docs_section "$WORK/section.md"
fi
log "done"
