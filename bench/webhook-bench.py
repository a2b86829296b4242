#!/usr/bin/env python3
"""The driver of the webhook benchmark (run by bench/run-webhook-bench.sh; see bench/README.md).

Subcommands:

  target  --label L --base URL --receiver URL --out FILE [...]
      Against one running Credence server: creates a company and a deployment, points the
      Production integration's webhook_url at the receiver with a small assessment, then
        1. warm-up, not measured: applicants walk for WARMUP seconds, CONCURRENCY at a time,
           then one backlog (as in 4) drains;
        2. latency, one applicant at a time: each walks the assessment over plain HTTP, and the
           next starts only once both of its webhooks have arrived;
        3. latency, CONCURRENCY applicants at a time (no waiting);
        4. drain: with the receiver's gate closed (webhooks are recorded but not answered, so
           the server's delivery threads stay busy) DRAIN_SESSIONS applicants complete, leaving
           a backlog of due events in the database; the gate opens and the receiver counts
           arrivals until the last event is in.
      Every event must arrive exactly once, signed correctly, application.complete before
      psychometric_score.complete, and the server's own log must say DELIVERED after 1 attempt;
      otherwise the run fails. Writes its figures to FILE (JSON).

  floor   --receiver URL --jar JAR --samples FILE --out FILE [...]
      Runs WebhookFloorClient (the same JDK HttpClient and signing as Credence, no database)
      against the same receiver: 1 thread (the round trip of one delivery: the latency floor),
      then 8 threads (arrivals per second, counted as for the drain: the throughput floor).

  report  --work DIR [--docs FILE] [...]
      Prints the Markdown tables and, with --docs, appends or replaces the section
      "## Webhook delivery latency and throughput" in docs/BENCHMARKS.md.

Clock: the driver takes times with time.monotonic_ns() and the receiver (Java) with
System.nanoTime(); on Linux both read CLOCK_MONOTONIC. The driver checks this before measuring.
"""

import argparse
import collections
import http.client
import json
import os
import random
import resource
import re
import subprocess
import sys
import threading
import time
import urllib.parse

SMALL_ASSESSMENT = {
    "modules": [
        {"type": "questionnaire", "length": "short", "items_per_page": 10},
        {"type": "balloons", "balloons": 1},
        {"type": "choices", "set": [[10, 20, 30]]},
        {"type": "memory_span", "start_length": 3, "max_length": 3},
    ]
}
EVENT_TYPES = ("application.complete", "psychometric_score.complete")
SECTION = "## Webhook delivery latency and throughput"

ITEM = re.compile(r'name="item_([0-9a-f-]+)"')
GAMES = ("balloons", "choices", "memory")
PAGE = re.compile(r'name="page" value="(\d+)"')
BALLOON = re.compile(r'name="balloon" value="(\d+)"')
PUMPS = re.compile(r'name="pumps" value="(\d+)"')
INDEX = re.compile(r'name="index" value="(\d+)"')
ROUND = re.compile(r'name="round" value="(\d+)"')
DIGITS = re.compile(r'class="digits"[^>]*>(\d+)<')


class BenchError(Exception):
    pass


def log(message):
    print(f"[webhook-bench {time.strftime('%H:%M:%S', time.gmtime())}] {message}",
          file=sys.stderr, flush=True)


def now_ns():
    return time.monotonic_ns()


# ---------------------------------------------------------------------------------------------
# HTTP: one keep-alive connection per worker, as a browser keeps one per tab.

class Http:
    def __init__(self, base, timeout=60):
        url = urllib.parse.urlsplit(base)
        if url.hostname != "127.0.0.1":
            raise BenchError(f"refusing to load anything but 127.0.0.1: {base}")
        self.host, self.port, self.timeout = url.hostname, url.port, timeout
        self.conn = None
        self.used = False

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def request(self, method, path, body=None, headers=None):
        """Returns (status, headers, body bytes, sent_ns, done_ns)."""
        headers = dict(headers or {})
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
            headers.setdefault("Content-Type", "application/json")
        elif isinstance(body, str):
            body = body.encode()
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
                self.used = False
            reused = self.used
            try:
                sent = now_ns()
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                done = now_ns()
                self.used = True
                if response.getheader("Connection", "").lower() == "close":
                    self.close()
                return response.status, response.headers, data, sent, done
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # A kept-alive connection the server closed while idle: the request never got
                # there, so sending it again on a new connection is safe. Never twice.
                self.close()
                if not reused or attempt == 2:
                    raise
        raise AssertionError("unreachable")


class Api:
    """The operator API (Bearer token) and the session API (api-key)."""

    def __init__(self, base, operator_token):
        self.http = Http(base)
        self.auth = {"Authorization": f"Bearer {operator_token}"}

    def call(self, method, path, body=None, expect=(200, 201, 202)):
        status, _, data, _, _ = self.http.request(method, path, body, self.auth)
        if status not in expect:
            raise BenchError(f"{method} {path} answered {status}: {data[:300]!r}")
        return json.loads(data) if data else None


class Receiver:
    def __init__(self, base):
        self.http = Http(base, timeout=600)
        self.lock = threading.Lock()

    def _call(self, method, path, body=None):
        with self.lock:
            status, _, data, _, _ = self.http.request(method, path, body)
        if status != 200:
            raise BenchError(f"receiver {method} {path} answered {status}: {data[:200]!r}")
        return data.decode()

    def set_key(self, key):
        self._call("POST", "/_control/key", key)

    def gate(self, state):
        return int(self._call("POST", f"/_control/gate?state={state}"))

    def count(self):
        arrivals, bad, waiting = (int(x) for x in self._call("GET", "/_control/count").split())
        return arrivals, bad, waiting

    def wait(self, count, timeout_ms):
        """Blocks (in the receiver) until `count` webhooks have arrived; returns the count."""
        return int(self._call("GET", f"/_control/wait?count={count}&timeout_ms={timeout_ms}"))

    def reset(self):
        self._call("POST", "/_control/reset")

    def samples(self):
        return self._call("GET", "/_control/samples")

    def arrivals(self):
        rows = []
        for line in self._call("GET", "/_control/arrivals").splitlines():
            nanos, uid, kind, event_id, sig, tsig, size = line.split("\t")
            rows.append({"ns": int(nanos), "uid": uid, "type": kind, "event_id": event_id,
                         "sig": sig == "1", "tsig": tsig == "1", "bytes": int(size)})
        return rows

    def check_clock(self):
        """The receiver's System.nanoTime must fall between two time.monotonic_ns() readings."""
        for _ in range(5):
            before = now_ns()
            theirs = int(self._call("GET", "/_control/clock"))
            after = now_ns()
            if not before <= theirs <= after:
                raise BenchError(
                    "the receiver's clock is not this process's CLOCK_MONOTONIC "
                    f"({before} <= {theirs} <= {after} fails): latencies cannot be measured")


# ---------------------------------------------------------------------------------------------
# One applicant: create the session, walk the hosted assessment as a browser without JavaScript
# would (GET the link, POST the step's form, follow the 303 back to the link), until the link
# shows the end page. The GET that shows it is the one that completes the session.

def create_session(http, api_key, integration, uid):
    status, _, data, _, _ = http.request(
        "POST", "/v1/sessions-management/tokens", {"uid": uid, "integration_id": integration},
        {"api-key": api_key})
    if status != 200:
        raise BenchError(f"create session {uid} answered {status}: {data[:300]!r}")
    return "/" + json.loads(data)["access_token"]


def form(fields):
    return urllib.parse.urlencode(fields)


def walk(http, link, rng):
    form_headers = {"Content-Type": "application/x-www-form-urlencoded"}
    pumped = set()
    last_post = None
    requests = 0
    for _ in range(60):
        status, _, data, get_sent, get_done = http.request("GET", link)
        requests += 1
        if status != 200:
            raise BenchError(f"GET {link[:20]}... answered {status}")
        html = data.decode()
        game = next((g for g in GAMES if f'action="{link}/{g}"' in html), None)
        if f'action="{link}/consent"' in html:
            post = ("consent", {"decision": "accept"})
        elif game is not None and 'name="ready"' in html:
            # A game's first page explains it; "I am ready" starts it.
            post = (game, {"ready": "1"})
        elif f'action="{link}/questionnaire"' in html:
            items = list(dict.fromkeys(ITEM.findall(html)))
            fields = {"page": PAGE.search(html).group(1)}
            fields.update({f"item_{i}": str(rng.randint(1, 5)) for i in items})
            post = ("questionnaire", fields)
        elif f'action="{link}/balloons"' in html:
            balloon = BALLOON.search(html).group(1)
            action = "collect" if balloon in pumped else "pump"
            pumped.add(balloon)
            post = ("balloons", {"balloon": balloon, "action": action,
                                 "pumps": PUMPS.search(html).group(1)})
        elif f'action="{link}/choices"' in html:
            post = ("choices", {"index": INDEX.search(html).group(1),
                                "choice": rng.choice(("today", "later"))})
        elif DIGITS.search(html):
            # The digits are on screen. The answer form would replace them after digits+1 s;
            # the server accepts the answer as soon as the round is drawn, so type it at once.
            # Round 0 is the practice round; Begin then draws round 1.
            round_no = str(walk.rounds.get(link, -1) + 1)
            walk.rounds[link] = int(round_no)
            post = ("memory", {"round": round_no, "answer": DIGITS.search(html).group(1)})
        elif f'action="{link}/memory"' in html and 'name="begin"' in html:
            post = ("memory", {"begin": "1"})
        elif f'action="{link}/memory"' in html:
            raise BenchError("memory answer form without the digits first: unexpected")
        else:
            if last_post is None:
                raise BenchError(f"the link shows neither a step nor the end page: {html[:300]!r}")
            walk.rounds.pop(link, None)
            # This GET completed the session.
            return {"answer_ns": last_post, "get_ns": get_sent, "get_done_ns": get_done,
                    "requests": requests}
        path, fields = post
        status, headers, data, sent, _ = http.request(
            "POST", f"{link}/{path}", form(fields), form_headers)
        requests += 1
        last_post = sent
        if status == 303 and headers.get("Location") == link:
            continue
        if path == "balloons" and status == 409:
            continue  # burst on the first pump: the balloon is over
        raise BenchError(f"POST {path} answered {status}: {data[:300]!r}")
    raise BenchError("the assessment did not end within 60 pages")


walk.rounds = {}


def walk_many(base, api_key, integration, uids, concurrency, receiver=None, seed=1,
              until_ns=None):
    """Walks every uid (or, with `until_ns`, as many as start before then); with `receiver`,
    one at a time and each waits for its two webhooks."""
    results = {}
    errors = []
    todo = collections.deque(uids)
    lock = threading.Lock()

    def worker(n):
        http = Http(base)
        rng = random.Random(seed * 1000 + n)
        try:
            while True:
                with lock:
                    if not todo or errors or (until_ns is not None and now_ns() >= until_ns):
                        return
                    uid = todo.popleft()
                link = create_session(http, api_key, integration, uid)
                result = walk(http, link, rng)
                if receiver is not None:
                    expected = 2 * (len(results) + 1)
                    if receiver.wait(expected, 30_000) < expected:
                        raise BenchError(f"{uid}: its webhooks did not arrive within 30 s")
                with lock:
                    results[uid] = result
        except Exception as e:  # noqa: BLE001 (reported and fails the run)
            with lock:
                errors.append(f"{type(e).__name__}: {e}")
        finally:
            http.close()

    if receiver is not None and concurrency != 1:
        raise BenchError("waiting for each applicant's webhooks needs concurrency 1")
    threads = [threading.Thread(target=worker, args=(n,)) for n in range(concurrency)]
    started = now_ns()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise BenchError(errors[0])
    return results, now_ns() - started


# ---------------------------------------------------------------------------------------------
# Checks and figures.

def pct(values, p):
    """Nearest-rank percentile."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, -(-len(ordered) * p // 100))
    return ordered[int(rank) - 1]


def summary_ms(values_ns):
    ms = [v / 1e6 for v in values_ns]
    return {"n": len(ms), "p50": pct(ms, 50), "p90": pct(ms, 90), "p99": pct(ms, 99),
            "max": max(ms), "min": min(ms), "mean": sum(ms) / len(ms)}


def wait_for(receiver, expected, timeout_s, what):
    got = receiver.wait(expected, int(timeout_s * 1000))
    if got < expected:
        raise BenchError(f"{what}: only {got} of {expected} webhooks arrived within {timeout_s} s")
    time.sleep(0.5)  # anything extra (a duplicate) would arrive now
    return got


def check_arrivals(arrivals, uids, what):
    """Each uid: exactly one complete and one score event, signed, complete first."""
    by_uid = {}
    problems = []
    seen_ids = set()
    for a in arrivals:
        if not (a["sig"] and a["tsig"]):
            problems.append(f"bad signature on {a['type']} for {a['uid']}")
        if a["event_id"] in seen_ids:
            problems.append(f"event {a['event_id']} ({a['type']}, {a['uid']}) arrived twice")
        seen_ids.add(a["event_id"])
        by_uid.setdefault(a["uid"], []).append(a)
    wanted = set(uids)
    for uid in uids:
        got = by_uid.get(uid, [])
        types = [a["type"] for a in sorted(got, key=lambda a: a["ns"])]
        if types != list(EVENT_TYPES):
            problems.append(f"{uid}: received {types}, expected {list(EVENT_TYPES)}")
    for uid, got in by_uid.items():
        if uid not in wanted:
            problems.append(f"unexpected webhooks for uid {uid}: {[a['type'] for a in got]}")
    if problems:
        raise BenchError(f"{what}: {len(problems)} problem(s), first: " + "; ".join(problems[:5]))
    return {uid: {a["type"]: a for a in by_uid[uid]} for uid in uids}


def check_server_log(base, operator_token, integration, uids, concurrency=4):
    """Every event DELIVERED after exactly 1 attempt; returns the server's send times (ms)."""
    latencies = []
    problems = []
    todo = list(uids)
    lock = threading.Lock()

    def worker():
        api = Api(base, operator_token)
        while True:
            with lock:
                if not todo:
                    return
                uid = todo.pop()
            body = api.call("GET", f"/v1/admin/integrations/{integration}/sessions/{uid}/events")
            types = [e["type"] for e in body["events"]]
            with lock:
                if body["status"] != "completed" or types != list(EVENT_TYPES):
                    problems.append(f"{uid}: status {body['status']}, events {types}")
                for e in body["events"]:
                    if e["status"] != "DELIVERED" or e["attempts"] != 1:
                        problems.append(f"{uid} {e['type']}: {e['status']} after "
                                        f"{e['attempts']} attempt(s)")
                    for d in e["deliveries"]:
                        latencies.append(d["latency_ms"])
        api.http.close()

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if problems:
        raise BenchError(f"server log: {len(problems)} problem(s), first: "
                         + "; ".join(problems[:5]))
    return latencies


def latency_figures(results, by_uid):
    fig = {"answer_to_complete": [], "answer_to_score": [], "get_to_complete": [],
           "complete_to_score": [], "answer_post": [], "completing_get": []}
    for uid, r in results.items():
        complete = by_uid[uid]["application.complete"]["ns"]
        score = by_uid[uid]["psychometric_score.complete"]["ns"]
        fig["answer_to_complete"].append(complete - r["answer_ns"])
        fig["answer_to_score"].append(score - r["answer_ns"])
        fig["get_to_complete"].append(complete - r["get_ns"])
        fig["complete_to_score"].append(score - complete)
        fig["answer_post"].append(r["get_ns"] - r["answer_ns"])
        fig["completing_get"].append(r["get_done_ns"] - r["get_ns"])
    return {k: summary_ms(v) for k, v in fig.items()}


def raw_ms(results, by_uid):
    """Per applicant, in the order they finished: last answer -> complete, -> score (ms)."""
    return [[round((by_uid[uid][t]["ns"] - r["answer_ns"]) / 1e6, 2) for t in EVENT_TYPES]
            for uid, r in results.items()]


# ---------------------------------------------------------------------------------------------
# CPU accounting, as in run-session-bench.sh: who used the cores during a measured window.

CLK_TCK = os.sysconf("SC_CLK_TCK")


def machine_ticks():
    """(busy, total) ticks of all cores since boot; busy is all but idle and iowait."""
    with open("/proc/stat") as f:
        parts = [int(x) for x in f.readline().split()[1:9]]
    total = sum(parts)
    idle = parts[3] + parts[4]
    return total - idle, total


def pid_ticks(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])
    except (OSError, ValueError, IndexError):
        return 0


def pg_pids(pg_dir):
    if not pg_dir:
        return []
    try:
        with open(os.path.join(pg_dir, "data", "postmaster.pid")) as f:
            postmaster = f.readline().strip()
    except OSError:
        return []
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", postmaster], capture_output=True,
                         text=True).stdout.split()
    return [postmaster] + out


class CpuWindow:
    """CPU of named process groups over a window, in percent of all cores."""

    def __init__(self, groups):
        self.groups = groups  # name -> callable returning pids

    def __enter__(self):
        self.pids = {name: list(get()) for name, get in self.groups.items()}
        self.before = {n: sum(pid_ticks(p) for p in ps) for n, ps in self.pids.items()}
        self.machine = machine_ticks()
        self.extras = {}
        return self

    def extra(self, name, ticks):
        """CPU ticks of a process that has already exited (measured by the caller)."""
        self.extras[name] = ticks

    def stop(self):
        busy1, total1 = machine_ticks()
        after = {n: sum(pid_ticks(p) for p in ps) for n, ps in self.pids.items()}
        for name, ticks in getattr(self, "extras", {}).items():
            self.pids[name] = []
            self.before[name] = 0
            after[name] = ticks
        total = max(1, total1 - self.machine[1])
        busy = busy1 - self.machine[0]
        split = {n: round(100 * (after[n] - self.before[n]) / total) for n in self.pids}
        # "other": busy time not charged to the processes above, i.e. other processes and
        # interrupt time that landed while no process ran (loopback TCP is processed in softirq;
        # this kernel has no IRQ time accounting, so most of it is charged to the running process).
        split["other"] = max(0, round(100 * (busy - sum(after[n] - self.before[n]
                                                        for n in self.pids)) / total))
        split["idle"] = round(100 * (total - busy) / total)
        return split

    def __exit__(self, *exc):
        return False


# ---------------------------------------------------------------------------------------------
# Subcommands.

def cmd_target(args):
    token = os.environ["CREDENCE_OPERATOR_TOKEN"]
    receiver = Receiver(args.receiver)
    receiver.check_clock()
    api = Api(args.base, token)
    company = api.call("POST", "/v1/admin/companies", {"name": "Webhook bench"})
    deployment = api.call("POST", "/v1/admin/deployments",
                          {"company_id": company["company_id"], "name": "webhook bench"})
    integration = deployment["production"]["integration_id"]
    key = deployment["production"]["api_key"]
    hook = args.receiver.rstrip("/") + "/hook"
    api.call("PATCH", f"/v1/admin/integrations/{integration}",
             {"webhook_url": hook, "assessment": SMALL_ASSESSMENT,
              "rate_limit_per_minute": None, "max_open_sessions": None})
    receiver.set_key(key)
    receiver.gate("open")
    receiver.reset()
    log(f"{args.label}: production integration {integration}, webhook_url {hook}")
    run_id = f"{int(time.time()):x}{random.randrange(1 << 16):04x}"
    out = {"label": args.label, "integration": integration, "run_id": run_id,
           "concurrency": args.concurrency, "applicants": args.applicants,
           "warmup": args.warmup, "drain_sessions": args.drain_sessions}
    server_pid = args.server_pid
    groups = {"server": lambda: [server_pid], "receiver": lambda: [args.receiver_pid],
              "driver": lambda: [os.getpid()], "database": lambda: pg_pids(args.pg_dir)}

    def phase_uids(phase, n):
        return [f"W{phase}-{run_id}-{i:05d}" for i in range(n)]

    def settle():
        receiver.reset()

    def drain(phase, sessions, seed):
        """A backlog of 2 x `sessions` due events, made with the gate closed, then drained."""
        uids = phase_uids(phase, sessions)
        log(f"{args.label}: {phase}: gate closed, {len(uids)} applicants complete "
            f"({args.concurrency} at a time)")
        receiver.gate("closed")
        try:
            _, took = walk_many(args.base, key, integration, uids, args.concurrency, seed=seed)
            if took / 1e9 > args.max_stage_seconds:
                raise BenchError(f"staging the backlog took {took / 1e9:.0f} s, over "
                                 f"{args.max_stage_seconds} s: the held deliveries may time "
                                 "out; use fewer DRAIN_SESSIONS")
            time.sleep(1)
            held_arrivals, _, held = receiver.count()
            if held < 1:
                raise BenchError("no delivery was held at the gate: there was no backlog")
            log(f"{args.label}: {phase}: backlog staged in {took / 1e9:.1f} s; {held} deliveries "
                f"held at the receiver, {2 * len(uids) - held_arrivals} events waiting in the "
                "server; opening the gate")
            with CpuWindow(groups) as cpu:
                opened = receiver.gate("open")
                wait_for(receiver, 2 * len(uids), args.drain_timeout, phase)
                split = cpu.stop()
        finally:
            receiver.gate("open")
        arrivals = receiver.arrivals()
        check_arrivals(arrivals, uids, phase)
        after = sorted(a["ns"] for a in arrivals if a["ns"] > opened)
        server_ms = check_server_log(args.base, token, integration, uids)
        span = (after[-1] - after[0]) / 1e9
        result = {"events": 2 * len(uids), "held": held, "after_open": len(after),
                  "stage_seconds": took / 1e9, "drain_seconds": (after[-1] - opened) / 1e9,
                  "per_s": (len(after) - 1) / span if span > 0 else float("nan"),
                  "server_send_ms": summary_ms([m * 1e6 for m in server_ms]),
                  "cpu": split, "per_second_buckets": buckets(after)}
        log(f"{args.label}: {phase}: {len(after)} events in {result['drain_seconds']:.2f} s "
            f"after the gate opened: {result['per_s']:.0f} deliveries/s "
            f"(per second: {result['per_second_buckets']})")
        settle()
        return result

    # 1. warm-up: applicants walk, CONCURRENCY at a time, until WARMUP seconds have passed
    uids = phase_uids("warm", 20_000)
    log(f"{args.label}: warm-up, {args.warmup} s of applicants, {args.concurrency} at a time")
    results, took = walk_many(args.base, key, integration, uids, args.concurrency, seed=1,
                              until_ns=now_ns() + int(args.warmup * 1e9))
    uids = list(results)
    wait_for(receiver, 2 * len(uids), 60, "warm-up")
    check_arrivals(receiver.arrivals(), uids, "warm-up")
    out["warmup_applicants"] = len(uids)
    log(f"{args.label}: warm-up done: {len(uids)} applicants in {took / 1e9:.1f} s")
    settle()

    # 1b. a backlog drained once, not measured: the delivery path has barely run at full speed
    # yet, and on a small machine the JIT takes minutes to compile it
    if args.drain_warmup_sessions > 0:
        out["drain_warmup"] = drain("drain-warmup", args.drain_warmup_sessions, seed=4)

    # 2. latency, one applicant at a time
    uids = phase_uids("seq", args.applicants)
    log(f"{args.label}: latency, {len(uids)} applicants one at a time")
    with CpuWindow(groups) as cpu:
        results, took = walk_many(args.base, key, integration, uids, 1, receiver=receiver, seed=2)
        wait_for(receiver, 2 * len(uids), 60, "latency (one at a time)")
        split = cpu.stop()
    arrivals = receiver.arrivals()
    by_uid = check_arrivals(arrivals, uids, "latency (one at a time)")
    server_ms = check_server_log(args.base, token, integration, uids)
    out["sequential"] = {"figures": latency_figures(results, by_uid), "seconds": took / 1e9,
                         "raw_ms": raw_ms(results, by_uid),
                         "server_send_ms": summary_ms([m * 1e6 for m in server_ms]),
                         "cpu": split,
                         "requests_per_applicant": sum(r["requests"] for r in results.values())
                         / len(results),
                         "bytes": {t: max(a["bytes"] for a in arrivals if a["type"] == t)
                                   for t in EVENT_TYPES}}
    f = out["sequential"]["figures"]
    log(f"{args.label}: one at a time: answer -> complete p50 {f['answer_to_complete']['p50']:.1f}"
        f" ms, p99 {f['answer_to_complete']['p99']:.1f} ms; answer -> score p50 "
        f"{f['answer_to_score']['p50']:.1f} ms, p99 {f['answer_to_score']['p99']:.1f} ms")
    samples = receiver.samples()
    settle()

    # 3. latency, CONCURRENCY at a time
    uids = phase_uids("conc", args.applicants)
    log(f"{args.label}: latency, {len(uids)} applicants {args.concurrency} at a time")
    with CpuWindow(groups) as cpu:
        results, took = walk_many(args.base, key, integration, uids, args.concurrency, seed=3)
        wait_for(receiver, 2 * len(uids), 60, "latency (concurrent)")
        split = cpu.stop()
    by_uid = check_arrivals(receiver.arrivals(), uids, "latency (concurrent)")
    server_ms = check_server_log(args.base, token, integration, uids)
    out["concurrent"] = {"figures": latency_figures(results, by_uid), "seconds": took / 1e9,
                         "raw_ms": raw_ms(results, by_uid),
                         "server_send_ms": summary_ms([m * 1e6 for m in server_ms]),
                         "cpu": split, "sessions_per_s": len(uids) / (took / 1e9)}
    f = out["concurrent"]["figures"]
    log(f"{args.label}: {args.concurrency} at a time: answer -> complete p50 "
        f"{f['answer_to_complete']['p50']:.1f} ms, p99 {f['answer_to_complete']['p99']:.1f} ms; "
        f"answer -> score p50 {f['answer_to_score']['p50']:.1f} ms, p99 "
        f"{f['answer_to_score']['p99']:.1f} ms ({len(uids) / (took / 1e9):.1f} sessions/s)")
    settle()

    # 4. drain a backlog (measured)
    out["drain"] = drain("drain", args.drain_sessions, seed=5)

    with open(args.samples_out, "w") as fh:
        fh.write(samples if samples.endswith("\n") else samples + "\n")
    with open(args.out, "w") as fh:
        json.dump(out, fh, indent=1)


def buckets(sorted_ns):
    """Arrivals in each whole second after the first: shows a steady rate or a ramp."""
    if not sorted_ns:
        return []
    first = sorted_ns[0]
    counts = {}
    for ns in sorted_ns:
        counts[int((ns - first) // 1_000_000_000)] = counts.get(int((ns - first) // 1e9), 0) + 1
    return [counts.get(i, 0) for i in range(max(counts) + 1)]


def run_floor(args, receiver, threads, warmup, count):
    """One WebhookFloorClient run; its arrival rate at the receiver and its round trips."""
    receiver.reset()
    hook = args.receiver.rstrip("/") + "/hook"
    cmd = [args.java, *args.java_opts.split(), "-cp", args.jar,
           "dev.credence.bench.WebhookFloorClient", hook, args.samples, str(threads),
           str(warmup), str(count)]
    log(f"floor: {threads} thread(s), {warmup} warm-up then {count} posts")
    # The client's CPU is the whole process, warm-up included (from rusage once it has exited);
    # the receiver's and the machine's are over the same span.
    with CpuWindow({"receiver": lambda: [args.receiver_pid]}) as cpu:
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            output, _ = proc.communicate(timeout=args.timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            raise BenchError(f"the floor client did not finish within {args.timeout} s")
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.extra("client", ((after.ru_utime + after.ru_stime)
                             - (children.ru_utime + children.ru_stime)) * CLK_TCK)
        split = cpu.stop()
    if proc.returncode != 0:
        raise BenchError(f"the floor client failed ({proc.returncode}): {output[-500:]}")
    line = next(l for l in output.splitlines() if l.startswith("FLOOR "))
    client = dict(kv.split("=") for kv in line.split()[1:])
    arrivals = receiver.arrivals()
    if len(arrivals) != count:
        raise BenchError(f"floor: the receiver saw {len(arrivals)} posts, expected {count}")
    bad = [a for a in arrivals if not (a["sig"] and a["tsig"])]
    if bad:
        raise BenchError(f"floor: {len(bad)} posts with a bad signature")
    times = sorted(a["ns"] for a in arrivals)
    span = (times[-1] - times[0]) / 1e9
    receiver.reset()
    result = {"threads": threads, "warmup": warmup, "count": count,
              "per_s": (len(times) - 1) / span, "seconds": span, "client": client, "cpu": split,
              "rtt_ms": {p: float(client[f"rtt_{p}_ms"]) for p in ("p50", "p90", "p99", "max")},
              "per_second_buckets": buckets(times)}
    log(f"floor: {result['per_s']:.0f} posts/s at the receiver, round trip p50 "
        f"{result['rtt_ms']['p50']:.2f} ms, p99 {result['rtt_ms']['p99']:.2f} ms")
    return result


def cmd_floor(args):
    receiver = Receiver(args.receiver)
    receiver.gate("open")
    receiver.set_key(os.environ["WEBHOOK_KEY"])
    out = {"latency": run_floor(args, receiver, 1, args.latency_warmup, args.latency_count),
           "throughput": run_floor(args, receiver, args.threads, args.warmup, args.count)}
    with open(args.out, "w") as fh:
        json.dump(out, fh, indent=1)


# ---------------------------------------------------------------------------------------------
# Report.

def ms(v):
    return f"{v:.1f} ms" if v < 100 else f"{v:,.0f} ms"


def cpu_text(c, keys):
    return " / ".join(f"{c.get(k, 0)}%" for k in keys)


def cmd_report(args):
    env = os.environ
    targets = []
    for label in ("h2", "postgresql"):
        path = os.path.join(args.work, f"{label}.json")
        if os.path.exists(path):
            with open(path) as fh:
                targets.append(json.load(fh))
    with open(os.path.join(args.work, "floor.json")) as fh:
        floors = json.load(fh)
    lat_floor, floor = floors["latency"], floors["throughput"]
    names = {"h2": "Credence on H2 (embedded default)", "postgresql": "Credence on PostgreSQL"}
    conc = targets[0]["concurrency"]
    n = targets[0]["applicants"]

    def four(x):
        return f"{ms(x['p50'])} / {ms(x['p90'])} / {ms(x['p99'])} / {ms(x['max'])}"

    lat = ["| target | applicants | last answer → `application.complete` p50 / p90 / p99 / max "
           "| last answer → `psychometric_score.complete` p50 / p90 / p99 / max |",
           "|---|---|---|---|"]
    for t in targets:
        for key, what in (("sequential", "1 at a time"), ("concurrent", f"{conc} at a time")):
            f = t[key]["figures"]
            rate = (f", {t[key]['sessions_per_s']:.0f} completions/s" if key == "concurrent"
                    else "")
            lat.append(f"| {names[t['label']]} | {n}, {what}{rate} | "
                       f"{four(f['answer_to_complete'])} | {four(f['answer_to_score'])} |")
    lat.append(f"| floor: one signed POST, same client and receiver, no pages, no database "
               f"(round trip) | {lat_floor['count']:,} posts, 1 at a time | "
               f"{four(lat_floor['rtt_ms'])} | - |")

    parts = ["| target | applicants | answer POST + 303 | completing GET (score, commit, "
             "schedule, thank-you page) | completing GET sent → `complete` arrives | "
             "`complete` → `score` arrives (one delivery cycle) | server's own HTTP time per "
             "delivery (whole ms) |",
             "|---|---|---:|---:|---:|---:|---:|"]
    for t in targets:
        for key, what in (("sequential", "1 at a time"), ("concurrent", f"{conc} at a time")):
            f = t[key]["figures"]
            sv = t[key]["server_send_ms"]
            parts.append(
                f"| {names[t['label']]} | {what} | {ms(f['answer_post']['p50'])} | "
                f"{ms(f['completing_get']['p50'])} | {ms(f['get_to_complete']['p50'])} | "
                f"{ms(f['complete_to_score']['p50'])} | {sv['p50']:.0f} ms (p99 "
                f"{sv['p99']:.0f} ms) |")

    thr = ["| sender | events | held at the gate | drain time | deliveries/s | vs floor "
           "| CPU: server / database / receiver / driver or client / other / idle |",
           "|---|---:|---:|---:|---:|---:|---|"]
    fc = floor["cpu"]
    thr.append(f"| floor: {floor['threads']} threads, same client, signing and bodies, "
               f"no database | {floor['count']:,} | - | {floor['seconds']:.2f} s | "
               f"{floor['per_s']:,.0f} | 1.00x | - / - / {fc.get('receiver', 0)}% / "
               f"{fc.get('client', 0)}% / {fc.get('other', 0)}% / {fc.get('idle', 0)}% |")
    for t in targets:
        d = t["drain"]
        c = d["cpu"]
        db = "in-process" if t["label"] == "h2" else f"{c.get('database', 0)}%"
        thr.append(f"| {names[t['label']]}, backlog drain | {d['events']:,} | {d['held']} | "
                   f"{d['drain_seconds']:.2f} s | {d['per_s']:,.0f} | "
                   f"{d['per_s'] / floor['per_s']:.2f}x | {c.get('server', 0)}% / {db} / "
                   f"{c.get('receiver', 0)}% / {c.get('driver', 0)}% / {c.get('other', 0)}% / "
                   f"{c.get('idle', 0)}% |")

    cpu = ["| target | phase | CPU: server / database / receiver / driver / other / idle |",
           "|---|---|---|"]
    for t in targets:
        for key, what in (("sequential", "latency, 1 at a time"),
                          ("concurrent", f"latency, {conc} at a time")):
            c = t[key]["cpu"]
            db = "in-process" if t["label"] == "h2" else f"{c.get('database', 0)}%"
            cpu.append(f"| {names[t['label']]} | {what} | {c.get('server', 0)}% / {db} / "
                       f"{c.get('receiver', 0)}% / {c.get('driver', 0)}% / "
                       f"{c.get('other', 0)}% / {c.get('idle', 0)}% |")

    notes = []
    for t in targets:
        d = t["drain"]
        w = t.get("drain_warmup")
        warm_note = (f"; the unmeasured warm-up drain before the latency phases "
                     f"({w['events']:,} events) ran at {w['per_s']:,.0f}/s" if w else "")
        notes.append(f"- {names[t['label']]}: arrivals in each second of the measured drain "
                     f"{d['per_second_buckets']} (the last second is partial){warm_note}.")
    notes.append(f"- Floor: arrivals in each second {floor['per_second_buckets']}.")
    text = "\n\n".join("\n".join(x) for x in (lat, parts, thr, notes, cpu)) + "\n"
    print(text)
    busy = max([t[k]["cpu"].get("other", 0) for t in targets for k in ("sequential",
                                                                        "concurrent", "drain")]
               + [floor["cpu"].get("other", 0)])
    if busy > 5:
        print(f"WARNING: other processes used up to {busy}% of the CPU during a measured phase.")
    with open(os.path.join(args.work, "tables.md"), "w") as fh:
        fh.write(text)
    if args.docs:
        section = render_section(env, targets, lat_floor, floor, lat, parts, thr + [""] + notes,
                                 cpu)
        replace_section(args.docs, section)
        log(f"wrote {args.docs}")


def render_section(env, targets, lat_floor, floor, lat, parts, thr, cpu):
    t0 = targets[0]
    warm = ", ".join(f"{t['label']} {t['warmup_applicants']:,}" for t in targets)
    lines = [
        SECTION,
        "",
        "Time from an applicant's last answer to each webhook at a local receiver, and "
        "deliveries per second when a backlog drains (`bench/run-webhook-bench.sh`). The driver "
        "(`bench/webhook-bench.py`) walks the hosted assessment over plain HTTP as a browser "
        "without JavaScript would, one keep-alive connection per applicant, through a small "
        "assessment (consent, 3 questionnaire pages of 10 statements, 1 balloon, 1 choice, 1 "
        f"memory round of 3 digits: about {t0['sequential']['requests_per_applicant']:.0f} "
        "requests, no pauses); the session completes when the link is opened after the last "
        "answer. The receiver (`WebhookReceiver`, the JDK's HTTP server with TCP_NODELAY, on "
        "127.0.0.1) checks `X-Signature` and `X-Credence-Signature` of every webhook and notes "
        "its arrival on CLOCK_MONOTONIC, the driver's clock (checked at start). Latency is "
        "counted from the moment the driver sends the last answer (the memory round's POST; "
        "its 303 and the completing GET follow). Every event must arrive exactly once, "
        "correctly signed, `application.complete` before `psychometric_score.complete`, and "
        "the server's own log must show it DELIVERED after one attempt, or the run fails.",
        "",
        "Throughput: the receiver holds its first deliveries unanswered (the server's 8 "
        "delivery threads stay busy) while many applicants complete, so their events wait in "
        "the database as due tasks; then it answers everything and counts arrivals until the "
        "last one. This is the normal delivery path (each session's score event is scheduled "
        "when its complete event is delivered), at the rate the server can sustain. The floor "
        "(`WebhookFloorClient`, run after the targets) posts the same two event bodies to the "
        "same receiver with the JDK HttpClient built as Credence's `WebhookSender` builds it "
        "and the same two HMAC-SHA512 signatures per request, but with no database, scheduler "
        "or event look-up: one thread for the latency floor, 8 (Credence's delivery threads) "
        "for the throughput floor.",
        "",
        f"- Date: {env['DATE_UTC']}",
        f"- Machine: {env['NPROC']} cores ({env['CPU_MODEL']}), {env['MEM_GB']} GiB RAM "
        f"(`free -g` total), {env['OS_NAME']}; the driver, the receiver and the server share "
        f"the cores; CPU idle just before the run: {env['IDLE_BEFORE']}",
        f"- Java: {env['JAVA_VERSION']}; JVM flags: server `{env['BENCH_JAVA_OPTS']}`, "
        f"receiver and floor client `{env['RECEIVER_JAVA_OPTS']}`",
        f"- PostgreSQL: {env['PG_DESC']}",
        "- Server settings: defaults (`CREDENCE_SCHEDULER_POLL_MS` 2000, 8 delivery threads) "
        f"except `CREDENCE_WEBHOOK_TIMEOUT_MS={env['WEBHOOK_TIMEOUT_MS']}`, so that deliveries "
        "held at the receiver's gate do not time out",
        f"- Code: commit {env['GIT_REV']}",
        f"- Command (at the repo root): `{env['COMMAND']}`",
        "",
        f"Latency. Per target: {t0['warmup']} s of warm-up ({warm} applicants, "
        f"{t0['concurrency']} at a time) and one backlog drain "
        f"({t0.get('drain_warmup', {}).get('events', 0):,} events), neither measured; then "
        f"{t0['applicants']} applicants one at a time, each waiting for its two webhooks before "
        f"the next starts; then {t0['applicants']} with {t0['concurrency']} walking at once:",
        "",
        *lat,
        "",
        "Where the time goes (medians):",
        "",
        *parts,
        "",
        f"Throughput: a backlog of {t0['drain']['events']:,} due events "
        f"({t0['drain_sessions']:,} completed sessions), drained:",
        "",
        *thr,
        "",
        "CPU during the latency phases (share of all cores):",
        "",
        *cpu,
    ]
    busy = max([t[k]["cpu"].get("other", 0) for t in targets for k in ("sequential",
                                                                        "concurrent", "drain")]
               + [floor["cpu"].get("other", 0)])
    if busy > 5:
        lines += ["", f"**Other processes used up to {busy}% of the CPU during a measured phase "
                  "(the 'other' column): those figures are skewed by them; rerun on a quiet "
                  "machine.**"]
    return "\n".join(lines) + "\n"


def replace_section(path, section, heading=SECTION):
    """Puts section in place of the one under heading (up to the next `## `), else appends it."""
    with open(path) as fh:
        doc = fh.read()
    lines = doc.splitlines(keepends=True)
    start = next((i for i, l in enumerate(lines) if l.rstrip() == heading), None)
    if start is None:
        doc = doc.rstrip("\n") + "\n\n" + section
    else:
        end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")),
                   len(lines))
        tail = "".join(lines[end:])
        doc = "".join(lines[:start]) + section + ("\n" + tail if tail else "")
    with open(path, "w") as fh:
        fh.write(doc)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("target")
    t.add_argument("--label", required=True)
    t.add_argument("--base", required=True)
    t.add_argument("--receiver", required=True)
    t.add_argument("--out", required=True)
    t.add_argument("--samples-out", required=True)
    t.add_argument("--server-pid", type=int, required=True)
    t.add_argument("--receiver-pid", type=int, required=True)
    t.add_argument("--pg-dir", default="")
    t.add_argument("--warmup", type=int, default=60, help="seconds")
    t.add_argument("--applicants", type=int, default=200)
    t.add_argument("--concurrency", type=int, default=8)
    t.add_argument("--drain-sessions", type=int, default=2000)
    t.add_argument("--drain-warmup-sessions", type=int, default=1000)
    t.add_argument("--max-stage-seconds", type=int, default=90)
    t.add_argument("--drain-timeout", type=int, default=120)
    f = sub.add_parser("floor")
    f.add_argument("--receiver", required=True)
    f.add_argument("--receiver-pid", type=int, required=True)
    f.add_argument("--jar", required=True)
    f.add_argument("--java", default="java")
    f.add_argument("--java-opts", default="")
    f.add_argument("--samples", required=True)
    f.add_argument("--threads", type=int, default=8)
    f.add_argument("--warmup", type=int, default=5000)
    f.add_argument("--count", type=int, default=2000)
    f.add_argument("--latency-warmup", type=int, default=5000)
    f.add_argument("--latency-count", type=int, default=2000)
    f.add_argument("--timeout", type=int, default=300)
    f.add_argument("--out", required=True)
    r = sub.add_parser("report")
    r.add_argument("--work", required=True)
    r.add_argument("--docs", default="")
    args = p.parse_args()
    try:
        {"target": cmd_target, "floor": cmd_floor, "report": cmd_report}[args.cmd](args)
    except BenchError as e:
        log(f"ERROR: {e}")
        sys.exit(1)


if __name__ == "__main__":
    main()
