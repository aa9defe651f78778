"""Real servers for tests that need them: gunicorn running the site, a Redis and a PostgreSQL
we can stop.

Every server binds 127.0.0.1 on a free port or a unix socket in the test's folder (PostgreSQL:
in a folder of its own that the postgres user may enter), and is stopped by its own process id
when the test ends (pg_ctl reads it from the server's data folder).
"""

import contextlib
import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import pytest

from .prod import ROOT, manage

STARTUP_SECONDS = 30


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(condition, seconds=STARTUP_SECONDS, what="the server"):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"{what} did not come up within {seconds} s")


def port_open(port):
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
        return True
    return False


def prepare_site(env):
    """Migrate, load the first article and collect static files, as a deploy would; the task
    worker (a real `db_worker` process) then makes the renditions load_seed queued."""
    worker = ("db_worker", "--batch", "--no-startup-delay", "--no-reload")
    for args in (("migrate", "--noinput"), ("load_seed",), worker, ("collectstatic", "--noinput")):
        result = manage(env, *args)
        assert result.returncode == 0, result.stdout + result.stderr


@contextlib.contextmanager
def gunicorn(env, tmp_path, name="app"):
    """The site under gunicorn with the project's config, one worker; yields the port."""
    port = free_port()
    log = open(tmp_path / f"{name}.log", "w")  # noqa: SIM115 (closed below)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "qiantang_site/gunicorn.conf.py",
            "-b",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_until(lambda: port_open(port) or process.poll() is not None, what=f"gunicorn ({name})")
        if process.poll() is not None:
            raise AssertionError(Path(log.name).read_text())
        yield port
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def request(port, path, method="GET", headers=None, host="news.example.com", https=True, body=None):
    """One HTTP request to a server on this machine, as nginx would forward it."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    sent = {"Host": host, **({"X-Forwarded-Proto": "https"} if https else {})}
    sent.update(headers or {})
    connection.request(method, path, body=body, headers=sent)
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response, body


def raw_request(port, target, method="GET", host="news.example.com", https=True):
    """Send one request line exactly as written: no client library normalises `..`, `//` or
    percent escapes. Returns (status, headers as a lower-cased dict, body)."""
    lines = [f"{method} {target} HTTP/1.1", f"Host: {host}", "Connection: close"]
    if https:
        lines.append("X-Forwarded-Proto: https")
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        received = b""
        while chunk := s.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(status_line.split()[1]), headers, body


def redis_server_binary():
    binary = shutil.which("redis-server")
    if binary is None:
        message = "redis-server is not installed: run the suite through `make test`."
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return binary


class RedisServer:
    """A Redis of the test's own, on a unix socket, that the test may stop and start again."""

    def __init__(self, folder):
        self.binary = redis_server_binary()
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.socket = self.folder / "redis.sock"
        self.url = f"unix://{self.socket}?db=0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                "0",
                "--unixsocket",
                str(self.socket),
                "--unixsocketperm",
                "700",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(self.socket.exists, what="redis-server")
        return self

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=20)
            self.process = None
        wait_until(lambda: not self.socket.exists(), what="redis-server to stop")


def postgres_binaries():
    """Debian's PostgreSQL server programs (the newest installed), as .ci/with-postgres finds them."""
    folders = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda p: [int(n) if n.isdigit() else n for n in p.parent.name.split(".")],
    )
    if not folders or not (folders[-1] / "pg_ctl").exists():
        message = "PostgreSQL's server is not installed: run the suite through `make test`."
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return folders[-1]


class PostgresServer:
    """A PostgreSQL of the test's own, on a unix socket, that the test may stop and start again.

    Like .ci/with-postgres: a temporary folder, trust authentication, no TCP port, durability
    off; as root it runs as the postgres user, who must be able to enter the folder (so not
    under pytest's root-only tmp_path).
    """

    def __init__(self, database="qiantang"):
        self.bin = postgres_binaries()
        self.folder = Path(tempfile.mkdtemp(prefix="qiantang-pg-test."))
        self.data = self.folder / "data"
        self.database = database
        self.as_postgres = []
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
            self.as_postgres = ["runuser", "-u", "postgres", "--"]
        self.url = f"postgres://postgres@{quote(str(self.folder), safe='')}/{database}"
        self.running = False

    def _run(self, program, *args):
        result = subprocess.run(
            [*self.as_postgres, str(self.bin / program), *args],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, f"{program}: {result.stdout}{result.stderr}"

    def create(self):
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        self.start()
        self._run("createdb", "-h", str(self.folder), "-U", "postgres", self.database)
        return self

    def start(self):
        options = f"-c listen_addresses='' -k {self.folder} -c fsync=off -c full_page_writes=off"
        log = str(self.folder / "server.log")
        self._run(
            "pg_ctl", "-D", str(self.data), "-l", log, "-w", "-t", "60", "-o", options, "start"
        )
        self.running = True

    def stop(self):
        if self.running:
            self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")
            self.running = False

    def remove(self):
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)
