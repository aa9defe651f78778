"""Pages under load: gunicorn with production settings, measured against static-file limits.

    make bench                      # SQLite, then PostgreSQL when .ci/with-postgres can start one
    .venv/bin/python bench/pages.py # one database: SQLite, or DATABASE_URL when it is set
    BENCH_BASELINE=0fc2832 .venv/bin/python bench/pages.py   # ... and a baseline, side by side

With BENCH_BASELINE (a git revision), the same run measures that revision too (extracted with
`git archive` into the run's folder, its own database, the same interpreter) beside this
working tree, taking turns page by page, and prints them side by side: before and after, in
one run, on one machine.

What one run does for each tree, all on 127.0.0.1 (ports 8117-8120, and 8127-8130 for the
second tree) and bounded in time (BENCH_SECONDS per page, default 8):
1. A throw-away database and media folder: migrate, the first article (load_seed), a generated
   corpus of 1,000 articles (bench/corpus.py), collectstatic. (PostgreSQL: a database of its
   own on the server DATABASE_URL names, dropped afterwards.)
2. In-process, production settings: CPU time (time.process_time) of the whole request through
   Django's WSGI handler for the first article over many iterations, with no cache and served
   from the page cache, its query count, HTML size raw and gzipped.
3. gunicorn as `make serve-prod` runs it (qiantang_site/gunicorn.conf.py, 2 workers), nginx
   from Debian serving the same article HTML as a file, and nginx as docs/deploy.md sets it up
   in front of gunicorn (its one-second micro-cache). wrk (Debian) loads each page in turn,
   BENCH_REPEATS times (3; medians reported): article, home, column, search, RSS, the article
   through the nginx front, then the article's HTML as a static file through the same gunicorn
   (WhiteNoise) and through nginx: the limits.
4. The same pages from a second gunicorn with every cache off (CACHE_URL=dummy://): what each
   request costs when it is rendered.
5. The peak RSS of each gunicorn worker (VmHWM) after the load, and (this tree only) the page
   weight of the article's first view on a 390 px phone at 3x in Chromium.
6. Tables with the ratios, printed and written to bench/results/pages-<database>.md.

Every process started here is stopped by its PID, however the run ends.
"""

import gzip
import io
import json
import os
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The tree a step runs: this one, or a baseline extracted for the run (BENCH_TREE in steps).
TREE = Path(os.environ.get("BENCH_TREE", ROOT))
PY = sys.executable
RESULTS = ROOT / "bench" / "results"
GUNICORN_PORT, NGINX_PORT, FRONT_PORT = 8117, 8118, 8119
SECONDS = int(os.environ.get("BENCH_SECONDS", "8"))
# Each page is loaded this many times and the median of each figure reported: one run on a
# shared 2-core machine can be a fifth off either way.
REPEATS = int(os.environ.get("BENCH_REPEATS", "3"))
CPU_ITERATIONS = int(os.environ.get("BENCH_CPU_ITERATIONS", "300"))
# Browsers ask for compressed pages; wrk sends what a browser sends.
ACCEPT = "gzip, deflate, br"


def production_env(folder, tree=ROOT):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "qiantang_site.settings",
        "DJANGO_DEBUG": "",
        "DJANGO_SECRET_KEY": "bench-" + secrets.token_hex(24),
        "DJANGO_HTTPS": "off",
        "DJANGO_SERVE_MEDIA": "1",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_MEDIA_ROOT": str(folder / "media"),
        "DJANGO_STATIC_ROOT": str(folder / "static"),
        "DJANGO_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(tree),
        "BENCH_TREE": str(tree),
    }
    env.pop("DJANGO_SECRET_KEY_FILE", None)
    if not env.get("DATABASE_URL"):
        env["SQLITE_PATH"] = str(folder / "db.sqlite3")
    return env


def run(args, env, **kwargs):
    return subprocess.run(args, env=env, cwd=env.get("BENCH_TREE", ROOT), check=True, **kwargs)


def run_json(args, env):
    """The JSON object a step prints last (log lines may come before it)."""
    out = run(args, env, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


# --- steps that run inside Django (python bench/pages.py prepare|cpu FOLDER) ---------------


def django_setup():
    sys.path.insert(0, str(TREE))
    sys.path.insert(0, str(TREE / "bench"))
    import django

    django.setup()


def prepare(folder):
    """Corpus, the article's HTML as static files, and the addresses to load."""
    django_setup()
    from corpus import build_corpus
    from django.test import Client

    from articles.models import Article

    made = build_corpus(1000)
    first = Article.objects.get(external_id__isnull=False)
    client = Client(HTTP_HOST="127.0.0.1")
    html = client.get(first.get_absolute_url()).content
    # The limits serve exactly these bytes, compressed ahead of time as WhiteNoise and nginx's
    # gzip_static expect, so each side sends what a browser asking for gzip gets.
    for where in [folder / "static" / "bench", folder / "nginx"]:
        where.mkdir(parents=True, exist_ok=True)
        (where / "article.html").write_bytes(html)
        (where / "article.html.gz").write_bytes(gzip.compress(html, 9, mtime=0))
    urls = {
        "article": first.get_absolute_url(),
        "home": "/",
        "column": first.column.get_absolute_url(),
        "search": "/search/?q=%E6%95%B0%E5%AD%97",  # 数字: matches a good share of the corpus
        "rss": "/feeds/rss/",
    }
    print(json.dumps({"corpus": made, "urls": urls}))


def cpu(folder, cache="dummy://"):
    """CPU time of whole requests for the first article, in-process; no cache unless asked.

    Through Django's own WSGI handler, as gunicorn calls it (the test client skips the
    per-request database connection handling), so only gunicorn's HTTP work is left out.
    """
    os.environ["CACHE_URL"] = cache
    django_setup()
    from django.core.wsgi import get_wsgi_application
    from django.db import connection

    from articles.models import Article

    app = get_wsgi_application()
    url = Article.objects.get(external_id__isnull=False).get_absolute_url()

    def request(accept=ACCEPT):
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": url,
            "QUERY_STRING": "",
            "SCRIPT_NAME": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": "127.0.0.1",
            "HTTP_ACCEPT_ENCODING": accept,
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(),
            "wsgi.errors": sys.stderr,
        }
        started = []
        body = app(environ, lambda status, headers: started.append((status, dict(headers))))
        try:
            content = b"".join(body)
        finally:
            body.close()
        status, headers = started[0]
        if not status.startswith("200"):
            raise RuntimeError(f"{url} answered {status}")
        return headers, content

    queries, stored = [], []
    with connection.execute_wrapper(lambda execute, *args: queries.append(1) or execute(*args)):
        headers, _ = request()
    with connection.execute_wrapper(lambda execute, *args: stored.append(1) or execute(*args)):
        request()  # from the page cache, when there is one
    for _ in range(30):  # warm up: templates compiled, connection open, the page stored
        request()
    samples = []
    for _ in range(CPU_ITERATIONS):
        started = time.process_time()
        request()
        samples.append(time.process_time() - started)
    samples.sort()
    _, raw = request(accept="")
    print(
        json.dumps(
            {
                "cpu_ms_mean": 1000 * sum(samples) / len(samples),
                "cpu_ms_p50": 1000 * samples[len(samples) // 2],
                "queries": len(queries),
                "queries_stored": len(stored),
                "html_bytes": len(raw),
                "gzip_bytes": len(gzip.compress(raw, 6)),
                "sent_encoding": headers.get("Content-Encoding", "none"),
            }
        )
    )


# --- the load run ---------------------------------------------------------------------------


def ensure_tools():
    tools = {"wrk": "/usr/bin/wrk", "nginx": "/usr/sbin/nginx"}
    missing = [name for name, path in tools.items() if not os.access(path, os.X_OK)]
    if missing:
        subprocess.run([str(ROOT / ".ci" / "apt-ensure"), *missing], check=True)


class Server:
    """A process started here and stopped by its PID (its whole process group)."""

    def __init__(self, args, env, log, cwd=ROOT):
        self.log = open(log, "wb")  # noqa: SIM115 -- closed in stop()
        self.process = subprocess.Popen(
            args,
            env=env,
            cwd=cwd,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


def wait_for(url, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


TICKS = os.sysconf("SC_CLK_TCK")


def server_cpu_seconds(master_pid):
    """CPU time of a server and its workers so far, those already replaced included.

    The master's own time, what its reaped children used (cutime, cstime: workers gunicorn
    replaced after max_requests), and the live workers' time.
    """
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        pid, ppid = int(stat.parent.name), int(fields[1])
        if pid == master_pid:
            total += sum(int(value) for value in fields[11:15])
        elif ppid == master_pid:
            total += int(fields[11]) + int(fields[12])
    return total / TICKS


def wrk(url, server_pids=()):
    """wrk's rate and latency; with server_pids, the servers' CPU per request too."""
    cpu_before = sum(server_cpu_seconds(pid) for pid in server_pids)
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            "-c16",
            f"-d{SECONDS}s",
            "--latency",
            "-H",
            f"Accept-Encoding: {ACCEPT}",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=SECONDS + 30,
    ).stdout

    def latency(label):
        value, unit = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    cpu = None
    if server_pids and requests:
        used = sum(server_cpu_seconds(pid) for pid in server_pids) - cpu_before
        cpu = 1000 * used / requests
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": latency(50),
        "p99": latency(99),
        "errors": int(errors.group(1)) if errors else 0,
        "cpu_ms": cpu,
    }


def worker_peak_rss_mb(master_pid):
    peaks = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        if re.search(rf"^PPid:\s+{master_pid}$", text, re.M):
            peaks.append(int(re.search(r"^VmHWM:\s+(\d+) kB", text, re.M).group(1)) / 1024)
    return peaks


def phone_page_weight(url):
    """Bytes on the wire for the first view of `url` on a 390 px phone at 3x, before scrolling."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        context = browser.new_context(
            viewport={"width": 390, "height": 844}, device_scale_factor=3, is_mobile=True
        )
        page = context.new_page()
        page.goto(url, wait_until="networkidle")
        entries = page.evaluate(
            """() => [...performance.getEntriesByType('navigation'),
                      ...performance.getEntriesByType('resource')]
                .map(e => ({name: e.name, bytes: e.transferSize}))"""
        )
        browser.close()
    return entries


NGINX_CONF = """
worker_processes 2;
pid {folder}/nginx.pid;
error_log {folder}/nginx-error.log;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;
    gzip_static on;
    default_type text/html;
    client_body_temp_path {folder}/nginx-tmp;
    proxy_temp_path {folder}/nginx-tmp;
    fastcgi_temp_path {folder}/nginx-tmp;
    uwsgi_temp_path {folder}/nginx-tmp;
    scgi_temp_path {folder}/nginx-tmp;
    server {{
        listen 127.0.0.1:{port};
        root {folder}/nginx;
    }}

    # The front docs/deploy.md documents (without TLS): its one-second micro-cache.
    upstream qiantang_app {{
        server 127.0.0.1:{app_port};
        keepalive 32;
    }}
    proxy_cache_path {folder}/nginx-cache levels=1:2 keys_zone=qiantang:50m
                     max_size=1g inactive=10m use_temp_path=off;
    server {{
        listen 127.0.0.1:{front_port};
        gzip on;
        location / {{
            proxy_pass http://qiantang_app;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Real-IP $remote_addr;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_cache qiantang;
            proxy_cache_valid 200 301 404 1s;
            proxy_cache_use_stale error timeout updating http_500 http_502 http_503 http_504;
            proxy_cache_background_update on;
            proxy_cache_lock on;
            proxy_cache_bypass $cookie_sessionid;
            proxy_no_cache $cookie_sessionid;
            proxy_cache_key $scheme$host$request_uri;
            add_header X-Cache $upstream_cache_status;
        }}
    }}
}}
"""

PAGES = ["article", "home", "column", "search", "rss"]


def extract(revision, folder):
    """The tree of a git revision, as committed, in folder/<revision> (git archive)."""
    tree = folder / f"tree-{revision}"
    tree.mkdir()
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", revision],
        capture_output=True,
        check=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    return tree


def database_for(env, name):
    """PostgreSQL: a database of the tree's own on the same server (made here); SQLite: a file."""
    url = env.get("DATABASE_URL")
    if not url:
        return env, None
    import psycopg

    base, _, _ = url.rpartition("/")
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return {**env, "DATABASE_URL": f"{base}/{name}"}, drop


class Tree:
    """One tree under test: its database, its folder, its servers (ports 8117 + 10 * index)."""

    def __init__(self, index, label, tree, folder):
        self.label, self.tree, self.folder = label, tree, folder
        base = GUNICORN_PORT + 10 * index
        self.app_port, self.nginx_port, self.front_port, self.uncached_port = (
            base,
            base + 1,
            base + 2,
            base + 3,
        )
        self.servers = []
        self.drop = None
        self.renders, self.hits = [], []

    def prepare(self):
        folder = self.folder
        folder.mkdir(parents=True)
        folder.chmod(0o755)  # nginx's workers run as another user and read the article here
        env, self.drop = database_for(
            production_env(folder, self.tree), f"qiantang_bench_{folder.name}"
        )
        self.env = env
        started = time.perf_counter()
        run([PY, "manage.py", "migrate", "--noinput", "-v0"], env)
        run([PY, "manage.py", "load_seed", "-v0"], env, stdout=subprocess.DEVNULL)
        run([PY, "manage.py", "collectstatic", "--noinput", "-v0"], env)
        self.prepared = run_json([PY, __file__, "prepare"], env)
        self.setup_seconds = time.perf_counter() - started

    def measure_in_process(self):
        self.renders.append(run_json([PY, __file__, "cpu"], self.env))
        # The same with the default per-process cache: what a cache hit costs a worker.
        self.hits.append(run_json([PY, __file__, "cpu", "locmem://"], self.env))

    def start(self):
        folder, env = self.folder, self.env
        (folder / "nginx.conf").write_text(
            NGINX_CONF.format(
                folder=folder,
                port=self.nginx_port,
                app_port=self.app_port,
                front_port=self.front_port,
            )
        )
        (folder / "nginx-tmp").mkdir()
        nginx = ["/usr/sbin/nginx", "-p", str(folder), "-c", str(folder / "nginx.conf")]
        self.nginx = Server([*nginx, "-g", "daemon off;"], env, folder / "nginx.log")
        self.servers.append(self.nginx)
        config = ["-c", str(self.tree / "qiantang_site" / "gunicorn.conf.py")]
        gunicorn = [str(Path(PY).parent / "gunicorn"), *config]
        workers = {**env, "GUNICORN_WORKERS": "2"}
        self.app = Server(
            [*gunicorn, "-b", f"127.0.0.1:{self.app_port}"],
            workers,
            folder / "gunicorn.log",
            self.tree,
        )
        self.servers.append(self.app)
        # The same server with every cache switched off: what each request costs rendered.
        self.uncached = Server(
            [*gunicorn, "-b", f"127.0.0.1:{self.uncached_port}"],
            {**workers, "CACHE_URL": "dummy://"},
            folder / "gunicorn-uncached.log",
            self.tree,
        )
        self.servers.append(self.uncached)
        for port in (self.app_port, self.uncached_port):
            wait_for(f"http://127.0.0.1:{port}/")
        wait_for(f"http://127.0.0.1:{self.nginx_port}/article.html")

    def targets(self):
        """Each row's URL and the processes whose CPU it costs."""
        paths = self.prepared["urls"]
        app = f"http://127.0.0.1:{self.app_port}"
        uncached = f"http://127.0.0.1:{self.uncached_port}"
        rows = {name: (app + paths[name], [self.app]) for name in PAGES}
        # The front's CPU is nginx's and gunicorn's: both are counted.
        rows["article via the nginx front"] = (
            f"http://127.0.0.1:{self.front_port}" + paths["article"],
            [self.nginx, self.app],
        )
        rows["static via gunicorn"] = (app + "/static/bench/article.html", [self.app])
        rows["static via nginx"] = (
            f"http://127.0.0.1:{self.nginx_port}/article.html",
            [self.nginx],
        )
        for name in PAGES:
            rows[f"{name}, no cache"] = (uncached + paths[name], [self.uncached])
        return rows

    def stop(self):
        for server in reversed(self.servers):
            server.stop()
        self.servers = []
        if self.drop is not None:
            self.drop()
            self.drop = None


def median_of(runs):
    figures = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
    figures["errors"] = sum(run["errors"] for run in runs)
    return figures


def bench(database):
    ensure_tools()
    folder = Path(tempfile.mkdtemp(prefix="qiantang-bench-"))
    folder.chmod(0o755)
    baseline = os.environ.get("BENCH_BASELINE", "").strip()
    trees = []
    try:
        if baseline:
            before = extract(baseline, folder)
            trees.append(Tree(len(trees), f"before ({baseline})", before, folder / "before"))
        trees.append(Tree(len(trees), "after (this tree)", ROOT, folder / "after"))
        for tree in trees:
            tree.prepare()
        # Everything below takes turns, tree after tree, so that what else the machine is
        # doing weighs on every tree alike.
        for _ in range(2):
            for tree in trees:
                tree.measure_in_process()
        for tree in trees:
            tree.start()
        runs = {tree: {} for tree in trees}
        for name in trees[0].targets():
            for tree in trees:
                url, _ = tree.targets()[name]
                urllib.request.urlopen(url, timeout=10).read()  # warm the page up once
            for _ in range(REPEATS):
                for tree in trees:
                    url, servers = tree.targets()[name]
                    pids = [server.process.pid for server in servers]
                    runs[tree].setdefault(name, []).append(wrk(url, pids))
        results = []
        for tree in trees:
            render = {
                **tree.renders[0],
                "cpu_ms_p50": statistics.mean(r["cpu_ms_p50"] for r in tree.renders),
                "cpu_ms_mean": statistics.mean(r["cpu_ms_mean"] for r in tree.renders),
                "cached_cpu_ms_p50": statistics.mean(r["cpu_ms_p50"] for r in tree.hits),
                "cached_queries": tree.hits[0]["queries_stored"],
            }
            results.append(
                {
                    "label": tree.label,
                    "prepared": tree.prepared,
                    "render": render,
                    "rows": {name: median_of(r) for name, r in runs[tree].items()},
                    "rss": worker_peak_rss_mb(tree.app.process.pid),
                    "weight": phone_page_weight(tree.targets()["article"][0])
                    if tree is trees[-1]
                    else [],
                    "setup_seconds": tree.setup_seconds,
                }
            )
    finally:
        for tree in trees:
            tree.stop()
        shutil.rmtree(folder, ignore_errors=True)
    report = format_report(database, results)
    print(report)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"pages-{database}.md").write_text(report, encoding="utf-8")


def format_rows(result):
    rows = result["rows"]
    limit = rows["static via gunicorn"]["rps"]
    nginx = rows["static via nginx"]["rps"]
    lines = [
        "| page | req/s | p50 ms | p99 ms | server CPU ms/req | vs static via gunicorn "
        "| vs static via nginx | non-2xx |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, row in sorted(rows.items(), key=lambda item: "static" in item[0]):
        lines.append(
            f"| {name} | {row['rps']:.0f} | {row['p50']:.1f} | {row['p99']:.1f} | "
            f"{row['cpu_ms']:.2f} | {row['rps'] / limit:.0%} | {row['rps'] / nginx:.0%} "
            f"| {row['errors']} |"
        )
    return lines


def figures(result):
    """The figures issue 15 asks for, from one tree's result."""
    rows, render = result["rows"], result["render"]
    static, nginx = rows["static via gunicorn"], rows["static via nginx"]
    found = {
        "article from the page cache: server CPU ms/req": rows["article"]["cpu_ms"],
        "article from the page cache: share of static via gunicorn": rows["article"]["rps"]
        / static["rps"],
        "article rendered (no cache): server CPU ms/req": rows["article, no cache"]["cpu_ms"],
    }
    for name in PAGES[1:]:
        found[f"{name}: server CPU ms/req, cached"] = rows[name]["cpu_ms"]
        found[f"{name}: server CPU ms/req, no cache"] = rows[f"{name}, no cache"]["cpu_ms"]
    found["article via the nginx front: share of static via nginx"] = (
        rows["article via the nginx front"]["rps"] / nginx["rps"]
    )
    found["in-process: article rendered, CPU ms (median)"] = render["cpu_ms_p50"]
    found["in-process: article from the page cache, CPU ms (median)"] = render["cached_cpu_ms_p50"]
    found["in-process: article from the page cache, queries"] = render["cached_queries"]
    found["article rendered: queries"] = render["queries"]
    return found


def format_value(name, value):
    if "share" in name:
        return f"{value:.0%}"
    if "queries" in name:
        return str(value)
    return f"{value:.2f}"


def format_report(database, results):
    after = results[-1]
    corpus = after["prepared"]["corpus"]
    lines = [
        f"# Pages under load: {database}",
        "",
        "gunicorn (production settings, 2 sync workers) on 127.0.0.1; wrk -t2 "
        f"-c16 -d{SECONDS}s with `Accept-Encoding: {ACCEPT}`, each page {REPEATS} times (medians "
        f"shown); corpus of {corpus['articles']} "
        f"articles ({corpus['sections']} sections, {corpus['figures']} figures) plus the first "
        "article. One machine runs servers and load (and PostgreSQL): read ratios within a "
        "run. The trees take turns on every page (the in-process figures are the mean of two "
        "turns each), so what else the machine does weighs on every tree alike.",
        "",
        "Server CPU per request: the CPU time the server's processes (master and workers, "
        "replaced ones included; nginx's too for the nginx front) used during the run, "
        "divided by the requests wrk completed.",
        "",
    ]
    names = list(figures(after))
    header = " | ".join(r["label"] for r in results)
    lines += [
        f"| figure | {header} |",
        "| --- |" + " ---: |" * len(results),
    ]
    found = [figures(r) for r in results]
    for name in names:
        values = " | ".join(format_value(name, f[name]) for f in found)
        lines.append(f"| {name} | {values} |")
    goals = [
        ("article from the page cache: share of static via gunicorn", 0.5, "≥ 50%", True),
        ("article rendered (no cache): server CPU ms/req", 3.0, "≤ 3 ms", False),
        ("article via the nginx front: share of static via nginx", 0.5, "≥ 50%", True),
    ]
    lines += [
        "",
        "| target (issue 15), this tree | measured | goal | met |",
        "| --- | ---: | ---: | :---: |",
    ]
    for name, goal, text, at_least in goals:
        value = found[-1][name]
        met = value >= goal if at_least else value <= goal
        lines.append(
            f"| {name} | {format_value(name, value)} | {text} | {'yes' if met else 'NO'} |"
        )
    render = after["render"]
    lines += [
        f"| article HTML | {render['html_bytes'] / 1024:.1f} KB | < 60 KB "
        f"| {'yes' if render['html_bytes'] < 60 * 1024 else 'NO'} |",
        f"| article HTML as sent (Content-Encoding: {render['sent_encoding']}) "
        f"| gzip would be {render['gzip_bytes'] / 1024:.1f} KB | compressed "
        f"| {'yes' if render['sent_encoding'] != 'none' else 'NO'} |",
    ]
    if after["weight"]:
        total = sum(entry["bytes"] for entry in after["weight"])
        lines.append(
            f"| phone first view (390 px at 3x), bytes on the wire | {total / 1024:.0f} KB "
            f"| ≤ 300 KB | {'yes' if total <= 300 * 1024 else 'NO'} |"
        )
    for result in results:
        lines += [
            "",
            f"## {result['label']}",
            "",
            f"Set-up took {result['setup_seconds']:.0f} s; peak RSS per gunicorn worker after "
            f"the load: {', '.join(f'{mb:.0f} MB' for mb in result['rss'])}.",
            "",
            *format_rows(result),
        ]
    if after["weight"]:
        lines += ["", "Phone first view, by resource (this tree):", ""]
        for entry in after["weight"]:
            lines.append(f"- {entry['bytes'] / 1024:.1f} KB {entry['name'].split('127.0.0.1')[-1]}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    step = sys.argv[1] if len(sys.argv) > 1 else "run"
    if step == "prepare":
        prepare(Path(os.environ["DJANGO_STATIC_ROOT"]).parent)
    elif step == "cpu":
        cpu(Path(os.environ["DJANGO_STATIC_ROOT"]).parent, *sys.argv[2:3])
    else:
        bench("postgresql" if os.environ.get("DATABASE_URL") else "sqlite")
