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
