#!/usr/bin/env python3
"""The driver of the dashboard benchmark (run by bench/run-console-bench.sh; see bench/README.md).

Subcommands:

  target  --label L --base URL --out FILE [...]
      Against one running Credence server (CREDENCE_OPERATOR_TOKEN in the environment): creates a
      company and a deployment, sets a small assessment on Production, and fills it through the
      real journey over HTTP: SESSIONS applicants walk the hosted assessment to a scored result,
      a few decline consent (cancelled) and a few never open their link (open). Then it signs in
      to the dashboard as the company's first Admin and measures, each with a fixed number of
      requests one at a time and then the same number from THREADS threads at once:
        - the floor: GET /health/live (same server, same client, no database, no page);
        - GET /console/results (first page of all Production sessions, with the histogram),
          a filtered first page, the second page, and one result's page;
        - the CSV export of all Production sessions, against the floor of reading as many
          results through the pull API (GET /v1/results, 500 a page).
      Every answer is checked (status, row counts) before it counts. Writes FILE (JSON).

  explain --label L --out FILE --target FILE [--psql ... | --h2-jar JAR --h2-url URL]
      Writes the query plans of the results screen's queries (count, histogram, first page) and
      of one result's look-up, as the database runs them, to FILE.

  report  --work DIR [--docs FILE]
      Prints the Markdown tables and, with --docs, appends or replaces the section
      "## Dashboard pages" in docs/BENCHMARKS.md.

The applicant journey, the HTTP client and the CPU accounting are webhook-bench.py's, imported.
"""

import argparse
import csv
import importlib.util
import io
import json
import os
import random
import re
import subprocess
import sys
import threading
import time
import urllib.parse

_spec = importlib.util.spec_from_file_location(
    "webhook_bench", os.path.join(os.path.dirname(os.path.abspath(__file__)), "webhook-bench.py"))
wb = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(wb)

BenchError = wb.BenchError
Http = wb.Http
Api = wb.Api
now_ns = wb.now_ns
pct = wb.pct
CpuWindow = wb.CpuWindow

SECTION = "## Dashboard pages"
CSRF = re.compile(r'name="csrf" value="([^"]*)"')
TOTAL = re.compile(r"<strong>(\d+)</strong> sessions? match")
ROW = re.compile(r'<a class="mono" href="(/console/results/[^"/]+/[^"]+)">')
OLDER = re.compile(r'<a href="/console/results\?([^"]*)">Older sessions</a>')
BARS = re.compile(r'<rect class="bar"')
HIST_TOTAL = re.compile(r'data-total="(\d+)"')


def log(message):
    print(f"[console-bench {time.strftime('%H:%M:%S', time.gmtime())}] {message}",
          file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------
# Filling the database through the real journey.

def decline_or_leave(base, api_key, integration, uids, decline, concurrency):
    """`decline`: open the link and decline consent (the session is cancelled); else only create
    the session (it stays open). Returns the links."""
    todo = list(uids)
    lock = threading.Lock()
    errors = []
    links = []

    def worker():
        http = Http(base)
        try:
            while True:
                with lock:
                    if not todo or errors:
                        return
                    uid = todo.pop()
                link = wb.create_session(http, api_key, integration, uid)
                with lock:
                    links.append(link)
                if not decline:
                    continue
                status, _, data, _, _ = http.request("GET", link)
                if status != 200 or f'action="{link}/consent"'.encode() not in data:
                    raise BenchError(f"{uid}: the link does not show the consent step ({status})")
                status, _, data, _, _ = http.request(
                    "POST", f"{link}/consent", "decision=decline_confirmed",
                    {"Content-Type": "application/x-www-form-urlencoded"})
                if status != 303:
                    raise BenchError(f"{uid}: declining answered {status}: {data[:200]!r}")
        except Exception as e:  # noqa: BLE001 (reported and fails the run)
            with lock:
                errors.append(f"{type(e).__name__}: {e}")
        finally:
            http.close()

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise BenchError(errors[0])
    return links


# ---------------------------------------------------------------------------------------------
# The dashboard: one signed-in browser, its cookie sent with every request.

def cookies_of(headers):
    found = {}
    for value in headers.get_all("Set-Cookie") or []:
        name, _, rest = value.partition("=")
        found[name.strip()] = rest.split(";", 1)[0]
    return found


def sign_in(base, api, company_id):
    """The operator invites the first Admin; the invitation is accepted as a browser would."""
    invited = api.call("POST", f"/v1/admin/companies/{company_id}/admins",
                       {"email": "bench-admin@example.com"}, expect=(201,))
    path = urllib.parse.urlsplit(invited["invitation_url"]).path
    http = Http(base)
    status, headers, data, _, _ = http.request("GET", path)
    if status != 200:
        raise BenchError(f"GET the invitation answered {status}")
    form_cookie = cookies_of(headers).get("credence_form")
    token = CSRF.search(data.decode())
    if not form_cookie or not token:
        raise BenchError("the invitation page set no credence_form cookie or csrf field")
    password = "velvet lantern orbit 58"
    body = urllib.parse.urlencode({"name": "Bench Admin", "password": password,
                                   "repeat": password, "csrf": token.group(1)})
    status, headers, data, _, _ = http.request(
        "POST", path, body, {"Content-Type": "application/x-www-form-urlencoded",
                             "Cookie": f"credence_form={form_cookie}"})
    session = cookies_of(headers).get("credence_console")
    http.close()
    if status != 302 or not session:
        raise BenchError(f"accepting the invitation answered {status} without a session cookie: "
                         f"{data[:200]!r}")
    return {"Cookie": f"credence_console={session}"}


# ---------------------------------------------------------------------------------------------
# Measuring: N requests one at a time, then N from THREADS threads at once.

class Writer:
    """Opens the link of one of the sessions left open, in turn, as an applicant would (the
    server notes the visit and the time the consent step was shown: an UPDATE of the sessions
    table; no row, status or count changes), untimed, before a measured request. H2 hands a query
    the result it computed last time when no table it reads has changed since; the write makes
    every page compute again, as it must while applicants are active."""

    def __init__(self, links):
        if not links:
            raise BenchError("measuring after a write needs sessions left open (OPEN > 0)")
        self.links = links
        self.lock = threading.Lock()
        self.done = 0

    def write(self, http):
        with self.lock:
            link = self.links[self.done % len(self.links)]
            self.done += 1
        status, _, data, _, _ = http.request("GET", link)
        if status != 200 or b"/consent" not in data:
            raise BenchError(f"opening a link left open answered {status}: {data[:200]!r}")


class Target:
    """One thing to measure: a path (or a list, used in turn), the headers, a check."""

    def __init__(self, name, paths, headers=None, check=None, writer=None):
        self.name = name
        self.paths = paths if isinstance(paths, list) else [paths]
        self.headers = headers or {}
        self.check = check
        self.writer = writer

    def with_writes(self, writer):
        return Target(self.name, self.paths, self.headers, self.check, writer)

    def get(self, http, i):
        path = self.paths[i % len(self.paths)]
        if self.writer is not None:
            self.writer.write(http)
        status, _, data, sent, done = http.request("GET", path, headers=self.headers)
        if status != 200:
            raise BenchError(f"{self.name}: GET {path} answered {status}: {data[:300]!r}")
        if self.check is not None:
            self.check(data)
        return done - sent, len(data)


def run_requests(base, target, count, threads):
    """Returns the per-request times (ns), the bytes of the last answer, the wall time (ns)."""
    times = []
    sizes = []
    errors = []
    lock = threading.Lock()
    counter = iter(range(count))

    def worker():
        http = Http(base, timeout=300)
        try:
            while True:
                with lock:
                    i = next(counter, None)
                    if i is None or errors:
                        return
                took, size = target.get(http, i)
                with lock:
                    times.append(took)
                    sizes.append(size)
        except Exception as e:  # noqa: BLE001 (reported and fails the run)
            with lock:
                errors.append(f"{type(e).__name__}: {e}")
        finally:
            http.close()

    workers = [threading.Thread(target=worker) for _ in range(threads)]
    started = now_ns()
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    wall = now_ns() - started
    if errors:
        raise BenchError(errors[0])
    return times, sizes, wall


def figures(times, sizes, wall, threads):
    """per_s: requests per second with `threads` requests always in flight, from their mean
    time (Little's law); the untimed writes before requests are left out of it. per_s_wall: the
    requests over the wall time of the phase, writes included."""
    ms = [t / 1e6 for t in times]
    return {"n": len(ms), "p50": pct(ms, 50), "p90": pct(ms, 90), "p99": pct(ms, 99),
            "max": max(ms), "mean": sum(ms) / len(ms),
            "per_s": threads * len(ms) / (sum(ms) / 1e3),
            "per_s_wall": len(ms) / (wall / 1e9), "bytes": max(sizes)}


def measure(base, target, count, threads, groups):
    out = {}
    for key, n_threads in (("sequential", 1), ("concurrent", threads)):
        with CpuWindow(groups) as cpu:
            times, sizes, wall = run_requests(base, target, count, n_threads)
            split = cpu.stop()
        out[key] = figures(times, sizes, wall, n_threads)
        out[key]["threads"] = n_threads
        out[key]["cpu"] = split
    s, c = out["sequential"], out["concurrent"]
    log(f"  {target.name}: 1 thread p50 {s['p50']:.2f} ms p99 {s['p99']:.2f} ms "
        f"{s['per_s']:.0f}/s; {threads} threads p50 {c['p50']:.2f} ms p99 {c['p99']:.2f} ms "
        f"{c['per_s']:.0f}/s; {s['bytes']:,} B")
    return out


def pull_all(http, api_key, expected):
    """Every result through the pull API, 500 a page; the rows and bytes read."""
    rows = 0
    size = 0
    cursor = None
    for _ in range(10_000):
        query = "limit=500&" + (f"cursor={cursor}" if cursor else "since=0")
        status, _, data, _, _ = http.request("GET", f"/v1/results?{query}",
                                             headers={"api-key": api_key})
        if status != 200:
            raise BenchError(f"GET /v1/results answered {status}: {data[:200]!r}")
        body = json.loads(data)
        rows += len(body["results"])
        size += len(data)
        cursor = body["next_cursor"]
        if not body["has_more"]:
            break
    if rows != expected:
        raise BenchError(f"the pull API listed {rows} results, expected {expected}")
    return rows, size


# ---------------------------------------------------------------------------------------------
# Subcommands.

def cmd_target(args):
    token = os.environ["CREDENCE_OPERATOR_TOKEN"]
    api = Api(args.base, token)
    company = api.call("POST", "/v1/admin/companies", {"name": "Dashboard bench"})
    company_id = company["company_id"]
    deployment = api.call("POST", "/v1/admin/deployments",
                          {"company_id": company_id, "name": "dashboard bench"})
    integration = deployment["production"]["integration_id"]
    key = deployment["production"]["api_key"]
    api.call("PATCH", f"/v1/admin/integrations/{integration}",
             {"assessment": wb.SMALL_ASSESSMENT, "rate_limit_per_minute": None,
              "max_open_sessions": None})
    run_id = f"{int(time.time()):x}{random.randrange(1 << 16):04x}"
    groups = {"server": lambda: [args.server_pid], "driver": lambda: [os.getpid()],
              "database": lambda: wb.pg_pids(args.pg_dir)}
    out = {"label": args.label, "company_id": company_id, "integration": integration,
           "sessions": args.sessions, "declined": args.declined, "open": args.open,
           "requests": args.requests, "threads": args.threads, "exports": args.exports}

    # 1. Fill: the real journey, so every result has a real score, band and flags.
    log(f"{args.label}: {args.sessions} applicants walk the assessment, "
        f"{args.fill_concurrency} at a time")
    uids = [f"C-{run_id}-{i:05d}" for i in range(args.sessions)]
    with CpuWindow(groups) as cpu:
        results, took = wb.walk_many(args.base, key, integration, uids, args.fill_concurrency,
                                     seed=7)
        fill_cpu = cpu.stop()
    if len(results) != len(uids):
        raise BenchError(f"only {len(results)} of {len(uids)} applicants completed")
    completed_at = now_ns()
    out["fill"] = {"seconds": took / 1e9, "per_s": len(uids) / (took / 1e9), "cpu": fill_cpu,
                   "requests_per_applicant":
                   sum(r["requests"] for r in results.values()) / len(results)}
    log(f"{args.label}: {len(uids)} completed in {took / 1e9:.1f} s "
        f"({out['fill']['per_s']:.1f}/s); {args.declined} decline, {args.open} stay open")
    decline_or_leave(args.base, key, integration,
                     [f"D-{run_id}-{i:05d}" for i in range(args.declined)], True,
                     args.fill_concurrency)
    open_links = decline_or_leave(args.base, key, integration,
                                  [f"O-{run_id}-{i:05d}" for i in range(args.open)], False,
                                  args.fill_concurrency)
    all_rows = args.sessions + args.declined + args.open

    # 2. Sign in; look at the data as the dashboard shows it.
    auth = sign_in(args.base, api, company_id)
    http = Http(args.base, timeout=300)
    status, _, data, _, _ = http.request("GET", "/console/results/export.csv", headers=auth)
    if status != 200:
        raise BenchError(f"the export answered {status}: {data[:300]!r}")
    table = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
    if len(table) != all_rows:
        raise BenchError(f"the export has {len(table)} rows, expected {all_rows}")
    bands = {}
    statuses = {}
    for r in table:
        if r["risk_band"]:
            bands[r["risk_band"]] = bands.get(r["risk_band"], 0) + 1
        statuses[r["status"]] = statuses.get(r["status"], 0) + 1
    scores = [int(r["score"]) for r in table if r["score"]]
    band = args.band or max(bands, key=bands.get)
    out.update({"bands": dict(sorted(bands.items())), "statuses": statuses,
                "score_range": [min(scores), max(scores)], "band": band})
    log(f"{args.label}: statuses {statuses}, bands {out['bands']}, scores "
        f"{min(scores)} to {max(scores)}; the filtered page shows band {band}")
    filtered_rows = sum(1 for r in table if r["status"] == "completed" and r["risk_band"] == band)
    status, _, data, _, _ = http.request("GET", "/console/results", headers=auth)
    page = data.decode()
    if status != 200 or not OLDER.search(page):
        raise BenchError(f"the first results page ({status}) has no link to older sessions")
    second = "/console/results?" + OLDER.search(page).group(1).replace("&amp;", "&")
    # One result's page: completed sessions with a score and events, 50 of them in turn.
    status, _, data, _, _ = http.request(
        "GET", f"/console/results?status=completed&band={band}", headers=auth)
    detail_paths = list(dict.fromkeys(ROW.findall(data.decode())))
    http.close()
    out["paths"] = {"second": second, "results_shown": len(detail_paths),
                    "result_uid": detail_paths[0].rsplit("/", 1)[1]}

    writer = Writer(open_links)

    def page_check(expected_total, expected_rows):
        def check(body):
            text = body.decode()
            total = TOTAL.search(text)
            if not total or int(total.group(1)) != expected_total:
                raise BenchError(f"a results page says {total and total.group(1)} sessions "
                                 f"match, expected {expected_total}")
            hist = HIST_TOTAL.search(text)
            if not hist or not BARS.search(text):
                raise BenchError("a results page has no histogram")
            if len(ROW.findall(text)) != expected_rows:
                raise BenchError(f"a results page lists {len(ROW.findall(text))} rows")
        return check

    def export_check(body):
        lines = body.count(b"\n")
        if lines != all_rows + 1:
            raise BenchError(f"an export has {lines} lines, expected {all_rows + 1}")

    def result_check(body):
        if b"Risk band" not in body or b"application.complete" not in body:
            raise BenchError("a result's page shows no risk band or no event")

    filtered = f"/console/results?status=completed&band={band}"
    targets = [
        ("floor", Target("GET /health/live", "/health/live")),
        ("results", Target("GET /console/results", "/console/results", auth,
                           page_check(all_rows, min(50, all_rows)))),
        ("filtered", Target(f"GET {filtered}", filtered, auth,
                            page_check(filtered_rows, min(50, filtered_rows)))),
        ("second", Target("GET /console/results?before=… (2nd page)", second, auth,
                          page_check(all_rows, min(50, all_rows - 50)))),
        ("result", Target("GET /console/results/{integration_id}/{uid}", detail_paths, auth,
                          result_check)),
    ]

    # 3. Warm-up, not measured: every page in turn, for WARMUP seconds.
    log(f"{args.label}: warm-up, {args.warmup} s of the dashboard's pages")
    warm = Http(args.base, timeout=300)
    until = now_ns() + int(args.warmup * 1e9)
    i = 0
    while now_ns() < until:
        for _, t in targets:
            (t.with_writes(writer) if i % 2 else t).get(warm, i)
        if i % 10 == 0:
            warm.request("GET", "/console/results/export.csv", headers=auth)
        i += 1
    warm.close()
    out["warmup_rounds"] = i

    # 4. Pages, against the floor.
    log(f"{args.label}: {args.requests} requests each, one at a time, then {args.threads} "
        "threads")
    out["pages"] = {}
    for key_, target in targets:
        out["pages"][key_] = measure(args.base, target, args.requests, args.threads, groups)
        out["pages"][key_]["label"] = target.name
    # The same with a new session written before each request (untimed).
    log(f"{args.label}: the same, each request after a write (a link left open is opened)")
    out["pages_after_write"] = {}
    for key_, target in targets:
        out["pages_after_write"][key_] = measure(args.base, target.with_writes(writer),
                                                 args.requests, args.threads, groups)
        out["pages_after_write"][key_]["label"] = target.name

    # 5. The export, against reading as many results through the pull API. Results enter the
    # pull API's list 10 s after scoring (ResultApi.SETTLE).
    wait = 11 - (now_ns() - completed_at) / 1e9
    if wait > 0:
        time.sleep(wait)
    pull = Http(args.base, timeout=300)
    pull_all(pull, key, args.sessions)  # warm
    times = []
    for _ in range(args.exports):
        sent = now_ns()
        rows, size = pull_all(pull, key, args.sessions)
        times.append(now_ns() - sent)
    pull.close()
    out["pull"] = {"rows": rows, "bytes": size, "pages": -(-rows // 500),
                   "p50": pct(times, 50) / 1e6, "max": max(times) / 1e6,
                   "rows_per_s": rows / (pct(times, 50) / 1e9)}
    export = Target("GET /console/results/export.csv", "/console/results/export.csv", auth,
                    export_check, writer)
    out["export"] = measure(args.base, export, args.exports, args.threads, groups)
    for key_ in ("sequential", "concurrent"):
        e = out["export"][key_]
        e["rows"] = all_rows
        e["rows_per_s"] = all_rows / (e["p50"] / 1e3)
    out["writes"] = writer.done
    log(f"{args.label}: export {all_rows} rows p50 {out['export']['sequential']['p50']:.0f} ms "
        f"({out['export']['sequential']['rows_per_s']:,.0f} rows/s); pull API {rows} rows p50 "
        f"{out['pull']['p50']:.0f} ms ({out['pull']['rows_per_s']:,.0f} rows/s)")
    with open(args.out, "w") as fh:
        json.dump(out, fh, indent=1)


# ---------------------------------------------------------------------------------------------
# Query plans.

def plan_queries(band, integration, uid, h2):
    """The results screen's SQL (ResultQuery) for all Production sessions, as it runs, and the
    look-up of one result (ResultStore.find) that a result's page makes."""
    frm = " FROM sessions s LEFT JOIN results r ON r.session_id = s.id"
    # the page, on H2, for one integration (ResultQuery.H2_NEWEST_OF_ONE)
    page_frm = (" FROM sessions s USE INDEX (sessions_newest) LEFT JOIN results r"
                " ON r.session_id = s.id") if h2 else frm
    where = f" WHERE s.integration_id IN ('{integration}')"
    cols = ("SELECT s.id, s.integration_id, s.uid, s.status, s.created_at, s.started_at,"
            " s.finished_at, r.score, r.risk_band, r.score_confidence, r.review_required,"
            " r.calculated")
    return [
        ("count and histogram", "SELECT r.score, COUNT(*) AS n" + frm + where
         + " GROUP BY r.score"),
        ("first page", cols + page_frm + where
         + " ORDER BY s.integration_id, s.created_at DESC, s.id DESC FETCH FIRST 51 ROWS ONLY"),
        (f"first page, completed and band {band}", cols + page_frm + where
         + f" AND s.status = 'COMPLETED' AND r.risk_band = '{band}'"
         + " ORDER BY s.integration_id, s.created_at DESC, s.id DESC FETCH FIRST 51 ROWS ONLY"),
        (f"count and histogram, completed and band {band}", "SELECT r.score, COUNT(*) AS n" + frm
         + where + f" AND s.status = 'COMPLETED' AND r.risk_band = '{band}' GROUP BY r.score"),
        ("one result by uid (a result's page)",
         "SELECT r.session_id, r.integration_id, r.uid, r.scored_at, r.score, r.risk_band,"
         " r.score_confidence, r.review_required, r.model_version, r.calibrated,"
         " r.norms_source, r.calculated, s.started_at, s.finished_at"
         " FROM results r JOIN sessions s ON s.id = r.session_id"
         f" WHERE r.integration_id = '{integration}' AND r.uid = '{uid}'"),
    ]


def cmd_explain(args):
    texts = []
    with open(args.target) as fh:
        target = json.load(fh)
    uid = target["paths"]["result_uid"]
    for name, sql in plan_queries(target["band"], target["integration"], uid, not args.psql):
        if args.psql:
            env = dict(os.environ, PGPASSWORD=os.environ.get("PG_PASSWORD", ""))
            cmd = [args.psql, "-X", "-q", "-A", "-t", "-h", "127.0.0.1", "-p", args.pg_port,
                   "-U", args.pg_user, "-d", args.pg_db, "-c",
                   "EXPLAIN (ANALYZE, BUFFERS) " + sql]
        else:
            env = os.environ
            cmd = [args.java, "-cp", args.h2_jar, "org.h2.tools.Shell", "-url", args.h2_url,
                   "-user", "sa", "-password", "", "-sql", "EXPLAIN ANALYZE " + sql]
        done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)
        if done.returncode != 0:
            raise BenchError(f"EXPLAIN {name} failed: {done.stderr[-500:]}")
        texts.append(f"-- {name}\n{sql}\n\n{done.stdout.strip()}\n")
    with open(args.out, "w") as fh:
        fh.write("\n".join(texts))
    log(f"{args.label}: query plans in {args.out}")


# ---------------------------------------------------------------------------------------------
# Report.

NAMES = {"h2": "H2 (embedded default)", "postgresql": "PostgreSQL"}
PAGES = ("floor", "results", "filtered", "second", "result")


def ms(v):
    return f"{v:.2f} ms" if v < 10 else f"{v:.1f} ms" if v < 100 else f"{v:,.0f} ms"


def cmd_report(args):
    env = os.environ
    targets = []
    for label in ("h2", "postgresql"):
        path = os.path.join(args.work, f"{label}.json")
        if os.path.exists(path):
            with open(path) as fh:
                targets.append(json.load(fh))
    if not targets:
        raise BenchError(f"no results in {args.work}")
    tables = []
    for t in targets:
        floor = t["pages"]["floor"]
        rows = [f"**{NAMES[t['label']]}**: {t['sessions'] + t['declined'] + t['open']:,} "
                f"Production sessions ({', '.join(f'{v:,} {k}' for k, v in t['statuses'].items())}"
                f"), bands {', '.join(f'{k} {v:,}' for k, v in t['bands'].items())}; scores "
                f"{t['score_range'][0]} to {t['score_range'][1]}.",
                "",
                f"| request | bytes | 1 thread: p50 / p90 / p99 | 1 thread: req/s | vs floor "
                f"(req/s) | {t['threads']} threads: p50 / p90 / p99 | {t['threads']} threads: "
                "req/s | vs floor (req/s) | CPU at 4 threads: server / database / driver / other "
                "/ idle |",
                "|---|---:|---|---:|---:|---|---:|---:|---|"]
        pages = [(k, t["pages"][k], floor) for k in PAGES]
        pages += [(k, t["pages_after_write"][k], t["pages_after_write"]["floor"]) for k in PAGES]
        for n, (key, p, f) in enumerate(pages):
            s, c = p["sequential"], p["concurrent"]
            fs, fc = f["sequential"], f["concurrent"]
            label = p["label"] + (" (floor: same server and client, no database, no page)"
                                  if key == "floor" else "")
            if n >= len(PAGES):
                label = "after a write: " + label
            cpu = c["cpu"]
            db = "in-process" if t["label"] == "h2" else f"{cpu.get('database', 0)}%"
            rows.append(
                f"| {label} | {s['bytes']:,} | {ms(s['p50'])} / {ms(s['p90'])} / {ms(s['p99'])} "
                f"| {s['per_s']:,.0f} | {s['per_s'] / fs['per_s']:.3f}x | {ms(c['p50'])} / "
                f"{ms(c['p90'])} / {ms(c['p99'])} | {c['per_s']:,.0f} | "
                f"{c['per_s'] / fc['per_s']:.3f}x | {cpu.get('server', 0)}% / {db} / "
                f"{cpu.get('driver', 0)}% / {cpu.get('other', 0)}% / {cpu.get('idle', 0)}% |")
        e = t["export"]
        pull = t["pull"]
        rows += ["",
                 "| export | rows | bytes | 1 thread: p50 / p99 | rows/s (p50) | MB/s | "
                 f"vs floor (rows/s) | {t['threads']} threads: p50 / p99 | exports/s |",
                 "|---|---:|---:|---|---:|---:|---:|---|---:|"]
        s, c = e["sequential"], e["concurrent"]
        rows.append(f"| GET /console/results/export.csv (all Production), after a write | "
                    f"{s['rows']:,} | "
                    f"{s['bytes']:,} | {ms(s['p50'])} / {ms(s['p99'])} | {s['rows_per_s']:,.0f} | "
                    f"{s['bytes'] / 1e6 / (s['p50'] / 1e3):.1f} | "
                    f"{s['rows_per_s'] / pull['rows_per_s']:.2f}x | {ms(c['p50'])} / "
                    f"{ms(c['p99'])} | {c['per_s']:.1f} |")
        rows.append(f"| floor: GET /v1/results?limit=500, every page ({pull['pages']} pages, "
                    f"completed results only) | {pull['rows']:,} | {pull['bytes']:,} | "
                    f"{ms(pull['p50'])} / - | {pull['rows_per_s']:,.0f} | "
                    f"{pull['bytes'] / 1e6 / (pull['p50'] / 1e3):.1f} | 1.00x | - | - |")
        f = t["fill"]
        rows += ["", f"Filling: {t['sessions']:,} applicants completed in {f['seconds']:.0f} s "
                 f"({f['per_s']:.1f}/s, {f['requests_per_applicant']:.0f} requests each); "
                 f"warm-up: {t['warmup_rounds']} rounds of every page."]
        tables.append("\n".join(rows))
    text = "\n\n".join(tables) + "\n"
    print(text)
    if args.docs:
        t0 = targets[0]
        lines = [
            SECTION,
            "",
            "The dashboard's results screen with many sessions (`bench/run-console-bench.sh`). "
            "Per database, a fresh server gets a company whose Production integration is filled "
            "through the real journey over HTTP (the driver `bench/console-bench.py` walks the "
            "hosted assessment as `bench/webhook-bench.py` does: consent, 3 questionnaire pages "
            "of 10 statements, 1 balloon, 1 choice, 1 memory round; random answers, so real "
            "scores, bands and flags), plus sessions that declined consent (cancelled) and "
            "sessions never opened (open); no expired ones (the shortest expiry is an hour). "
            "Then the company's first Admin signs in (operator invitation, accepted as a "
            "browser does) and the driver, one keep-alive connection per thread, measures "
            f"{t0['requests']} requests one at a time, then {t0['requests']} from "
            f"{t0['threads']} threads at once, of each page, after "
            f"{t0['warmup_rounds']} unmeasured rounds of every page. Each answer is checked "
            "(status 200, the count of matching sessions, 50 rows, the histogram). The "
            "results page runs two queries on the company's Production integration (the page "
            "of 51 rows, and the count with the histogram in one `GROUP BY score`) besides "
            "the console session and the company's deployments. The floor is "
            "`GET /health/live` on the same server with the same client: HTTP and the "
            "driver's own cost, no session, database or page. Every page is measured twice: "
            "the same request again and again (H2 then hands each query the result it "
            "computed the time before, as nothing it reads has changed), and \"after a "
            "write\": before each request, untimed, the driver opens the link of one of the "
            "sessions left open, as an applicant would (the server updates that session's "
            "row: visits, the time the consent step was shown; no count changes), so every "
            "query runs afresh, as it does while applicants are active (the floor too, for "
            "the same conditions; with 4 threads the other threads' writes run beside the "
            "measured requests). Requests/s is the number of threads over the mean time of a "
            "request (Little's law), so that the untimed writes do not count; without writes "
            "it is within a few percent of the count over the wall time (both are in the raw "
            "JSON). The export is measured "
            f"{t0['exports']} times one at a time and {t0['exports']} times from "
            f"{t0['threads']} threads, each after a write; its floor is reading the completed "
            "results through the pull API (`GET /v1/results?limit=500`, every page, JSON with "
            "each result's `calculated` details), the other way a lender takes all results "
            "out.",
            "",
            f"- Date: {env['DATE_UTC']}",
            f"- Machine: {env['NPROC']} cores ({env['CPU_MODEL']}), {env['MEM_GB']} GiB RAM "
            f"(`free -g` total), {env['OS_NAME']}; the driver shares the cores with the server; "
            f"load average before the run: {env['LOAD_BEFORE']}; CPU idle just before the run: "
            f"{env['IDLE_BEFORE']}",
            f"- Java: {env['JAVA_VERSION']}; JVM flags: `{env['BENCH_JAVA_OPTS']}`",
            f"- PostgreSQL: {env['PG_DESC']}",
            f"- Code: commit {env['GIT_REV']}",
            f"- Command (at the repo root): `{env['COMMAND']}`",
            "",
            "\n\n".join(tables),
        ]
        busy = max(p[k]["cpu"].get("other", 0) for t in targets for p in
                   list(t["pages"].values()) + list(t["pages_after_write"].values())
                   + [t["export"]] for k in ("sequential", "concurrent"))
        if busy > 5:
            lines += ["", f"Other processes used up to {busy}% of the CPU during a measured "
                      "phase (the 'other' column): those figures are skewed by them."]
        wb.replace_section(args.docs, "\n".join(lines) + "\n", SECTION)
        log(f"wrote {args.docs}")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("target")
    t.add_argument("--label", required=True)
    t.add_argument("--base", required=True)
    t.add_argument("--out", required=True)
    t.add_argument("--server-pid", type=int, required=True)
    t.add_argument("--pg-dir", default="")
    t.add_argument("--sessions", type=int, default=3000)
    t.add_argument("--declined", type=int, default=100)
    t.add_argument("--open", type=int, default=100)
    t.add_argument("--fill-concurrency", type=int, default=8)
    t.add_argument("--warmup", type=int, default=30, help="seconds")
    t.add_argument("--requests", type=int, default=200)
    t.add_argument("--threads", type=int, default=4)
    t.add_argument("--exports", type=int, default=12)
    t.add_argument("--band", default="", help="the filtered page's band (default: the commonest)")
    x = sub.add_parser("explain")
    x.add_argument("--label", required=True)
    x.add_argument("--out", required=True)
    x.add_argument("--target", required=True, help="the target's JSON (company, band, uid)")
    x.add_argument("--psql", default="")
    x.add_argument("--pg-port", default="")
    x.add_argument("--pg-user", default="")
    x.add_argument("--pg-db", default="")
    x.add_argument("--java", default="java")
    x.add_argument("--h2-jar", default="")
    x.add_argument("--h2-url", default="")
    r = sub.add_parser("report")
    r.add_argument("--work", required=True)
    r.add_argument("--docs", default="")
    args = p.parse_args()
    try:
        {"target": cmd_target, "explain": cmd_explain, "report": cmd_report}[args.cmd](args)
    except BenchError as e:
        log(f"ERROR: {e}")
        sys.exit(1)


if __name__ == "__main__":
    main()
