#!/usr/bin/env bash
# The applicant journey on a 3G phone: Credence on its H2 default on 127.0.0.1, and one fresh
# session walked to the end in headless Chromium (a 390x844 phone, throttled to DevTools' "Fast
# 3G") at a human pace, with JavaScript and then without; total time and time, requests and bytes
# per phase, against the product's promise (5 minutes with JavaScript, 7 without). Writes
# "## Applicant journey on a 3G phone" in docs/BENCHMARKS.md. See bench/README.md. A run takes
# about 20 minutes (two journeys at a person's pace, one after the other).
#
#   bench/run-journey-bench.sh [--no-build] [--no-docs]
#
# Env: MODES (default "js nojs"), SEED (default 1): the applicant's draws,
#      QUICK=1: a small assessment to try the walker in a few minutes (printed, never written to
#      the docs), BENCH_JAVA_OPTS (the server's JVM flags, default "-Xmx1g"), JAVA (default java),
#      QUIET_WAIT (s, default 120): how long to wait for a busy machine to calm down first.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DOCS="$ROOT/docs/BENCHMARKS.md"
SERVER_JAR="$ROOT/credence-server/target/credence.jar"
CLASSES="$ROOT/bench/target/classes"
CLASSPATH_FILE="$ROOT/bench/target/journey.classpath"
BENCH_JAVA_OPTS=${BENCH_JAVA_OPTS:--Xmx1g}
JAVA=${JAVA:-java}
QUIET_WAIT=${QUIET_WAIT:-120}
READY_TIMEOUT=60
QUICK=${QUICK:-0}

BUILD=1
WRITE_DOCS=1
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
parse_options "--no-build --no-docs" "$@"
COMMAND=$(command_line bench/run-journey-bench.sh "MODES SEED QUICK BENCH_JAVA_OPTS JAVA QUIET_WAIT" "$@")

begin_run credence-journey-bench
tools_and_build "$SERVER_JAR" "$CLASSPATH_FILE"
[[ -f "$CLASSES/dev/credence/bench/JourneyBench.class" ]] || die "$CLASSES is missing JourneyBench: build first"
for tool in /usr/bin/chromium /usr/bin/chromedriver; do
  [[ -x "$tool" ]] || die "$tool is missing: apt-get install -y chromium chromium-driver"
done

# The server, alone on the machine as far as this script can tell (start_credence waits for quiet).
OPERATOR_TOKEN=$(random_hex 24)
start_credence h2 CREDENCE_BIND_ADDRESS=127.0.0.1
[[ "$SERVER_BASE" == http://127.0.0.1:* ]] || die "refusing to walk anything but 127.0.0.1: $SERVER_BASE"
IDLE_BEFORE="$(cpu_idle_percent)%"

MEM_GB=$(awk '/^MemTotal:/ {printf "%d", $2 / 1048576 + 0.5}' /proc/meminfo)
CPU_MODEL=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
OS_NAME=$(. /etc/os-release 2>/dev/null && echo "${PRETTY_NAME:-unknown OS}")
GIT_REV=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
if [[ -n "$(git -C "$ROOT" status --porcelain 2>/dev/null)" ]]; then GIT_REV="$GIT_REV (with uncommitted changes)"; fi
export DATE_UTC=$(date -u '+%Y-%m-%d %H:%M UTC')
export MACHINE="$(nproc) cores ($CPU_MODEL), $MEM_GB GiB RAM, $OS_NAME"
export JAVA_VERSION="server on $("$JAVA" -version 2>&1 | head -n 1), \`$BENCH_JAVA_OPTS\`"
export IDLE_BEFORE GIT_REV COMMAND QUICK
export CREDENCE_OPERATOR_TOKEN=$OPERATOR_TOKEN

log "walking the journey (${MODES:-js nojs}) at a person's pace; this takes a while"
STATUS=0
"$JAVA" -cp "$CLASSES:$(cat "$CLASSPATH_FILE"):$SERVER_JAR" dev.credence.bench.JourneyBench \
  "$SERVER_BASE" "$WORK/section.md" >"$WORK/section.out" || STATUS=$?
show_server_warnings h2 "$SERVER_LOG"
[[ $STATUS -eq 0 ]] || die "the journey benchmark failed (exit $STATUS)"

if [[ $WRITE_DOCS -eq 1 && "$QUICK" == 1 ]]; then
  log "QUICK=1 walks a small assessment: not written to $DOCS"
  WRITE_DOCS=0
fi
if [[ $WRITE_DOCS -eq 1 ]]; then
  python3 - "$DOCS" "$WORK/section.md" <<'PY'
import sys
path, section_file = sys.argv[1], sys.argv[2]
section = open(section_file, encoding="utf-8").read()
heading = section.splitlines()[0]
lines = open(path, encoding="utf-8").read().splitlines(keepends=True)
start = next((i for i, l in enumerate(lines) if l.rstrip() == heading), None)
if start is None:
    doc = "".join(lines).rstrip("\n") + "\n\n" + section
else:
    # up to the next section; its own ### subsections are replaced with it
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    tail = "".join(lines[end:])
    doc = "".join(lines[:start]) + section + ("\n" + tail if tail else "")
open(path, "w", encoding="utf-8").write(doc)
print(f"wrote {path}", file=sys.stderr)
PY
else
  cat "$WORK/section.md"
fi
log "done"
