#!/usr/bin/env python3
"""Page weight of every assessment page type: HTML plus the CSS and JS it loads, uncompressed.

Starts the built server (credence-server/target/credence.jar) on a free loopback port with a
fresh data dir, creates a session through the API, walks one journey with the default
assessment configuration, and prints a Markdown table (and, with --docs, writes it into
docs/BENCHMARKS.md under "## Assessment page weight"). Budget: 40 KB for a questionnaire page.
"""
import json, os, re, socket, subprocess, sys, tempfile, time, urllib.parse, urllib.request
from datetime import datetime, timezone

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
JAR = os.path.join(ROOT, "credence-server", "target", "credence.jar")
TOKEN = "page-weight-operator-token-0123456789"
BUDGET = 40 * 1024


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args):
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def call(base, method, path, body=None, headers=None):
    data = body.encode() if isinstance(body, str) else body
    request = urllib.request.Request(base + path, data=data, method=method, headers=headers or {})
    try:
        with OPENER.open(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    data = tempfile.mkdtemp(prefix="credence-weight-")
    env = dict(os.environ, CREDENCE_PORT=str(port), CREDENCE_DATA_DIR=data,
               CREDENCE_OPERATOR_TOKEN=TOKEN, CREDENCE_DEMO="false")
    server = subprocess.Popen(["java", "-jar", JAR], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        for _ in range(120):
            try:
                if call(base, "GET", "/health/ready")[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.5)
        admin = {"Authorization": "Bearer " + TOKEN, "Content-Type": "application/json"}
        company = json.loads(call(base, "POST", "/v1/admin/companies", '{"name":"Weight"}', admin)[1])
        deployment = json.loads(call(base, "POST", "/v1/admin/deployments",
                                     json.dumps({"company_id": company["company_id"], "name": "w"}), admin)[1])
        env_ = deployment["production"]
        created = json.loads(call(base, "POST", "/v1/sessions-management/tokens",
                                  json.dumps({"uid": "WEIGHT-0001", "integration_id": env_["integration_id"]}),
                                  {"api-key": env_["api_key"], "Content-Type": "application/json"})[1])
        token = created["access_token"]
        form = {"Content-Type": "application/x-www-form-urlencoded"}
        assets = {}
        rows = []

        def weigh(kind, html):
            loaded = re.findall(r'<(?:link[^>]+href|script[^>]+src)="(/assets/[^"]+)"', html)
            extra = 0
            for path in loaded:
                if path not in assets:
                    assets[path] = len(call(base, "GET", path)[1])
                extra += assets[path]
            size = len(html.encode())
            rows.append((kind, size, extra, size + extra))

        def page():
            return call(base, "GET", "/" + token, headers={"Accept-Language": "en"})[1].decode()

        def post(path, fields):
            status, _ = call(base, "POST", f"/{token}/{path}", urllib.parse.urlencode(fields), form)
            assert status == 303, (path, status)

        weigh("consent", page())
        post("consent", {"decision": "accept"})
        html = page()
        weigh("questionnaire page (6 statements, default)", html)
        while 'action="/' + token + '/questionnaire"' in html:
            page_no = re.search(r'name="page" value="(\d+)"', html).group(1)
            ids = list(dict.fromkeys(re.findall(r'name="item_([0-9a-f-]+)"', html)))
            post("questionnaire", [("page", page_no)] + [("item_" + i, "3") for i in ids])
            html = page()
        def ready(path, html):
            """A game's instructions, weighed, then its Ready button."""
            assert 'name="ready"' in html, path
            weigh(f"instructions before a game ({path})", html)
            post(path, {"ready": "1"})
            return page()

        html = ready("balloons", html)
        weigh("balloon game", html)
        while '/balloons"' in html:
            index = re.search(r'name="balloon" value="(\d+)"', html).group(1)
            pumps = re.search(r'name="pumps" value="(\d+)"', html).group(1)
            post("balloons", {"balloon": index, "pumps": pumps, "action": "collect"})
            html = page()
        html = ready("choices", html)
        weigh("choice", html)
        while '/choices"' in html:
            index = re.search(r'name="index" value="(\d+)"', html).group(1)
            post("choices", {"index": index, "choice": "later"})
            html = page()
        html = ready("memory", html)
        weigh("memory span (digits)", html)
        time.sleep(5)
        weigh("memory span (answer)", page())
        rows.sort(key=lambda r: -r[3])
        lines = ["| page | HTML | CSS and JS | total | within 40 KB |", "|---|---:|---:|---:|---|"]
        for kind, size, extra, total in rows:
            lines.append(f"| {kind} | {size:,} B | {extra:,} B | {total:,} B | {'yes' if total <= BUDGET else 'NO'} |")
        table = "\n".join(lines)
        print(table)
        if "--docs" in sys.argv:
            write_docs(table)
    finally:
        server.terminate()
        server.wait(timeout=30)


def write_docs(table):
    path = os.path.join(ROOT, "docs", "BENCHMARKS.md")
    text = open(path, encoding="utf-8").read()
    head = "## Assessment page weight"
    section = (f"{head}\n\nEvery page type of the default journey, uncompressed, as served (HTML plus the "
               f"stylesheet and scripts it loads; no fonts, images or third-party requests). Budget: 40 KB "
               f"for a questionnaire page.\n\n- Date: {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC\n"
               f"- Command: `python3 bench/page-weight.py --docs` (after `mvn -q -B -DskipTests package`)\n\n"
               f"{table}\n")
    if head in text:
        start = text.index(head)
        nxt = text.find("\n## ", start + len(head))
        text = text[:start] + section + (text[nxt + 1:] if nxt >= 0 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    open(path, "w", encoding="utf-8").write(text)


if __name__ == "__main__":
    main()
