#!/usr/bin/env bash
# The queries that read an environment's webhook events by status (webhooks/EventStore: the events
# list filtered by status, the dashboard's latest failures and counts, the bulk replay) with a
# million events in one environment beside another as large, on H2 (the embedded default's
# settings, in a fresh data dir) and on PostgreSQL, each against a floor measured in the same run
# (the same page without a status), without and then with the index events (integration_id,
# status, created_at); also the time to create that index, and what it adds to each event
# inserted. See bench/README.md.
#
#   bench/run-events-bench.sh [--no-build] [--no-docs] [--h2-only]
#
# Env: EVENTS (1000000, in the measured environment; the other holds as many), DOWN_DAYS (7: the
#      last days of the 60 for which the other environment's webhook was down), RUNS (6: the first
#      warms up, the median of the others is kept), BENCH_JAVA_OPTS (default "-Xmx1g"), JAVA
#      (java), QUIET_WAIT (s, default 120), CREDENCE_BENCH_PG_URL (+ _USER, _PASSWORD): an existing
#      PostgreSQL on 127.0.0.1/localhost to use instead of a throwaway cluster.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DOCS="$ROOT/docs/BENCHMARKS.md"
EVENTS=${EVENTS:-1000000}
DOWN_DAYS=${DOWN_DAYS:-7}
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
COMMAND=$(command_line bench/run-events-bench.sh "EVENTS DOWN_DAYS RUNS BENCH_JAVA_OPTS JAVA QUIET_WAIT CREDENCE_BENCH_PG_URL" "$@")

begin_run credence-events-bench
tools_and_build "$SERVER_JAR"
run_jdbc_bench credence-events-bench EventsBench "$EVENTS events (and as many in a second environment), $RUNS runs" "$EVENTS" "$RUNS" "$DOWN_DAYS"

machine_facts
export WORK COMMAND IDLE_BEFORE BENCH_JAVA_OPTS PG_DESC MEM_GB OS_NAME RUNS DOWN_DAYS
python3 - <<'PY'
import os
env = os.environ
rows = []
for line in open(os.path.join(env["WORK"], "results.txt")):
    if line.startswith("RESULT "):
        parts = line.split()
        rows.append((parts[2], dict(kv.split("=") for kv in [parts[1]] + parts[3:])))
names = {"h2": "H2 (embedded, durable commits)", "postgresql": "PostgreSQL"}
queries = {
    "page_failed_start": ("`page`, status FAILED, first page (100)", "the same page, no status"),
    "page_failed_middle": ("`page`, status FAILED, from a cursor halfway (100)", "the same page, no status"),
    "latest_failures": ("`latestFailures`, last 14 days (50)", "first page, no status"),
    "counts_by_status": ("`countsByStatus`, last 14 days", "first page, no status"),
    "replay_failed": ("`reopenEnded` FAILED, last 30 days (1,000)", "first page, no status"),
}
loads = {r["target"]: r for kind, r in rows if kind == "load"}
events = int(next(iter(loads.values()))["events"]) // 2
out = ["## Webhook events by status", "",
       "The queries that read an environment's webhook events by status (`webhooks/EventStore`: `page` with a status, as the lender's and the operator's `GET .../events?status=FAILED` call it; `latestFailures` and `countsByStatus`, as the dashboard's Webhooks page calls them for its last 14 days; `reopenEnded`, the bulk replay of FAILED events, up to 1,000, of the last 30 days) on one environment holding " + f"{events:,}" + " events made over the last 60 days, beside a second environment holding as many, in one JVM on the server's jar (`bench/src/main/java/dev/credence/bench/EventsBench.java`). Two events a session (`application.complete`, `psychometric_score.complete`), made in time order; of the events 0.05% ended FAILED (six attempts), 0.02% NO_WEBHOOK, 0.01% are still PENDING, the rest were DELIVERED at the first attempt; the second environment is alike, but its webhook has been down for the last " + env["DOWN_DAYS"] + " days (every event since FAILED), so that FAILED events are not all the measured environment's; each event tried has its last attempt in `deliveries`, which the lists join; made by the database from a range of numbers. Each query is timed without the index `events (integration_id, status, created_at)`, then after creating it (timed: what the migration costs on upgrade), against a floor measured in the same run on the same data: the same page without a status (from the start, or from the same cursor), what the list costs without a filter today (PostgreSQL reads it through `events_by_integration (integration_id, created_at)`; H2 through the foreign key's index on `integration_id`, then sorts: see the reading notes). The replay writes: each run's reopened events are put back, untimed. Before each timed run, untimed, one event row is written, and H2's query cache is off (`QUERY_CACHE_SIZE=0`). Median of runs 2 to " + env.get("RUNS", "6") + " (run 1 warms up); PostgreSQL is `ANALYZE`d after the load, not after the index is made.",
       "",
       f"- Date: {env['DATE_UTC']}",
       f"- Machine: {env['NPROC']} cores ({env['CPU_MODEL']}), {env['MEM_GB']} GiB RAM (`free -g` total), {env['OS_NAME']}; CPU idle just before the run: {env['IDLE_BEFORE']}",
       f"- Java: {env['JAVA_VERSION']}; `{env['BENCH_JAVA_OPTS']}`",
       f"- PostgreSQL: {env['PG_DESC']}",
       f"- Code: commit {env['GIT_REV']}",
       f"- Command (at the repo root): `{env['COMMAND']}`",
       "",
       "| database | query | rows | floor | floor's page | without the index | vs floor | with the index | vs floor |",
       "|---|---|---:|---:|---|---:|---:|---:|---:|"]
measured = {}
for kind, r in rows:
    if kind == "query":
        measured[(r["target"], r["name"], r["index"])] = r
for target in names:
    for name, (label, floor_label) in queries.items():
        no, yes = measured.get((target, name, "no")), measured.get((target, name, "yes"))
        if not no or not yes:
            continue
        f0, f1 = float(no["floor_ms"]), float(yes["floor_ms"])
        a, b = float(no["ms"]), float(yes["ms"])
        floor = f"{f0:,.2f} / {f1:,.2f} ms"
        out.append(f"| {names[target]} | {label} | {int(no['rows']):,} | {floor} | {floor_label} | {a:,.2f} ms | {a / f0:,.1f}x | {b:,.2f} ms | {b / f1:,.1f}x |")
out += ["", "The floor is given as measured in each half of the run: without the index / with it.", "",
        "| database | events loaded (both environments) | FAILED: measured / other environment | deliveries | load time | index entries | CREATE INDEX | per million events |",
        "|---|---:|---:|---:|---:|---:|---:|---:|"]
for kind, r in rows:
    if kind == "index":
        load = loads[r["target"]]
        s, n = float(r["seconds"]), int(r["entries"])
        out.append(f"| {names[r['target']]} | {int(load['events']):,} | {int(load['failed']):,} / {int(load['other_failed']):,} | {int(load['deliveries']):,} | {int(load['seconds']):,} s | {n:,} | {s:,.1f} s | {s / n * 1e6:,.1f} s |")
out += ["", "What the index adds to each event stored: `EventStore.insert` of one event, one transaction each as the server stores a session's new event (in the server that transaction also changes the session), one at a time into the second environment, without the index and then with it; afterwards, untimed, they are marked delivered, so that the figures after them see as many pending events as those before.", "",
        "| database | inserts | without the index | with the index | vs without |", "|---|---:|---:|---:|---:|"]
writes = {(r["target"], r["index"]): r for kind, r in rows if kind == "write"}
for target in names:
    no, yes = writes.get((target, "no")), writes.get((target, "yes"))
    if no and yes:
        a, b = float(no["ms"]), float(yes["ms"])
        out.append(f"| {names[target]} | {int(no['n']):,} | {a:.3f} ms | {b:.3f} ms | {b / a:.2f}x |")
section = "\n".join(out) + "\n"
print(section)
open(os.path.join(env["WORK"], "section.md"), "w").write(section)
PY
if [[ $WRITE_DOCS -eq 1 ]]; then
  write_docs_section "$WORK/section.md"
fi
log "done"
