#!/usr/bin/env bash
# Fitting a credit model on 100,000 labelled applicants (calibration/ModelFitting: split, logistic
# fit, validation report), against a floor in the same run (standardise every applicant's features
# and rank a fixed score), time and heap, in one JVM. Writes "## Model fitting" in
# docs/BENCHMARKS.md. See bench/README.md.
#
#   bench/run-fit-bench.sh [--no-build] [--no-docs]
#
# Env: APPLICANTS (default 100000), RUNS (default 5), BENCH_JAVA_OPTS (default "-Xmx512m"),
#      QUIET_WAIT (s, default 120): how long to wait for a busy machine to calm down,
#      JAVA (default java)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DOCS="$ROOT/docs/BENCHMARKS.md"
APPLICANTS=${APPLICANTS:-100000}
RUNS=${RUNS:-5}
BENCH_JAVA_OPTS=${BENCH_JAVA_OPTS:--Xmx512m}
JAVA=${JAVA:-java}
QUIET_WAIT=${QUIET_WAIT:-120}
SERVER_JAR="$ROOT/credence-server/target/credence.jar"

BUILD=1
WRITE_DOCS=1
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
parse_options "--no-build --no-docs" "$@"
COMMAND=$(command_line bench/run-fit-bench.sh "APPLICANTS RUNS BENCH_JAVA_OPTS JAVA QUIET_WAIT" "$@")

begin_run credence-fit-bench
tools_and_build "$SERVER_JAR"
[[ -d "$ROOT/bench/target/classes/dev/credence/bench" ]] || die "bench/target/classes is missing: build first"
wait_for_quiet
IDLE_BEFORE="$(cpu_idle_percent)%"

log "fitting on $APPLICANTS applicants, $RUNS runs, $BENCH_JAVA_OPTS"
# shellcheck disable=SC2086 # the options are words
"$JAVA" $BENCH_JAVA_OPTS -cp "$ROOT/bench/target/classes:$SERVER_JAR" dev.credence.bench.FitBench \
  "$APPLICANTS" "$RUNS" | tee "$WORK/runs.txt" >&2

machine_facts
export WORK COMMAND IDLE_BEFORE BENCH_JAVA_OPTS
python3 - <<'PY'
import os, statistics
env = os.environ
runs = []
for line in open(os.path.join(env["WORK"], "runs.txt")):
    if line.startswith("RUN "):
        runs.append({k: float(v) for k, v in (kv.split("=") for kv in line.split()[1:])})
if len(runs) < 2:
    raise SystemExit("too few runs")
measured = runs[1:]  # the first run warms the JIT up
med = lambda key: statistics.median(r[key] for r in measured)
first = runs[0]
section = f"""## Model fitting

`calibration/ModelFitting` on {int(first['applicants']):,} synthetic labelled applicants (six features, outcomes drawn from the default model's weights, a tenth left out as LOW confidence: {int(first['labelled']):,} labelled), in one JVM: the 70/30 split, the logistic fit and the report on both parts (AUC, Gini, KS, Brier, deciles, bands, standard errors). This is the work of `POST /v1/admin/integrations/{{id}}/models` after it has read the environment's results and outcomes (that read is not included). The floor, measured in the same runs, standardises every applicant's features and ranks a fixed score (one AUC): the least any validation of these rows must do. Median of runs 2 to {len(runs)} (run 1 warms the JIT up).

- Date: {env['DATE_UTC']}
- Machine: {env['NPROC']} cores ({env['CPU_MODEL']}); CPU idle just before the run: {env['IDLE_BEFORE']}
- Java: {env['JAVA_VERSION']}; `{env['BENCH_JAVA_OPTS']}`
- Code: commit {env['GIT_REV']}
- Command (at the repo root): `{env['COMMAND']}`

| | time | heap at most | |
|---|---:|---:|---|
| floor (standardise + one AUC) | {med('floor_ms'):,.0f} ms | {med('floor_heap_mb'):,.0f} MB | |
| fit and report | {med('fit_ms'):,.0f} ms | {med('fit_heap_mb'):,.0f} MB | {med('fit_ms') / med('floor_ms'):.1f}x the floor's time; {int(med('iterations'))} Newton iterations |

Heap "at most" is the peak of the heap pools during the step, including the {med('base_heap_mb'):,.0f} MB already in use before it (the applicants' rows and the JVM's own). First run (cold): floor {first['floor_ms']:,.0f} ms, fit {first['fit_ms']:,.0f} ms. Held-out Gini of the fit {med('holdout_gini'):.3f}.
"""
print(section)
open(os.path.join(env["WORK"], "section.md"), "w").write(section)
PY
if [[ $WRITE_DOCS -eq 1 ]]; then
  write_docs_section "$WORK/section.md"
fi
log "done"
