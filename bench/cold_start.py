"""Cold start: from a fresh clone to the first article answering after `make serve`.

    .venv/bin/python bench/cold_start.py      (part of `make bench`)

Clones this repository's committed HEAD into a temporary folder, runs `make serve` there on
127.0.0.1:8116 and times until the home page and the first article answer 200. Then runs
`make serve` a second time in the same clone (the venv and database already made) for the warm
start. The venv is built by pip from the package index, so the cold figure includes downloads
(pip's cache, when it has the wheels, shortens it). Writes bench/results/cold-start.md.
"""

import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PORT = 8116
TIMEOUT = int(os.environ.get("BENCH_COLD_TIMEOUT", "900"))


def answers(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status == 200, response.read().decode()
    except OSError:
        return False, ""


def serve_and_time(clone, log):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "VIRTUAL_ENV"))}
    started = time.perf_counter()
    process = subprocess.Popen(
        ["make", "serve", f"PORT={PORT}", "HOST=127.0.0.1"],
        cwd=clone,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        home = f"http://127.0.0.1:{PORT}/"
        while time.perf_counter() - started < TIMEOUT:
            if process.poll() is not None:
                raise RuntimeError(f"make serve exited with {process.returncode}; see {log.name}")
            ok, html = answers(home)
            if ok:
                link = re.search(r'href="(/articles/\d+/[^"]+/)"', html)
                if link and answers(home.rstrip("/") + link.group(1))[0]:
                    return time.perf_counter() - started
            time.sleep(0.25)
        raise RuntimeError(f"no answer within {TIMEOUT} s; see {log.name}")
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def main():
    folder = Path(tempfile.mkdtemp(prefix="qiantang-cold-"))
    clone = folder / "site"
    try:
        started = time.perf_counter()
        subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
        clone_seconds = time.perf_counter() - started
        with open(folder / "cold.log", "w") as log:
            cold = serve_and_time(clone, log)
        with open(folder / "warm.log", "w") as log:
            warm = serve_and_time(clone, log)
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=clone, capture_output=True, text=True
        ).stdout.strip()
    except Exception:
        print(f"cold start failed; logs kept in {folder}")
        raise
    shutil.rmtree(folder, ignore_errors=True)
    report = "\n".join(
        [
            "# Cold start",
            "",
            f"Commit {commit}, `make serve` on 127.0.0.1:{PORT} until the home page and the first "
            "article answer 200.",
            "",
            "| step | seconds |",
            "| --- | ---: |",
            f"| git clone | {clone_seconds:.1f} |",
            f"| fresh clone → article answers (venv, pip install, migrate, seed, runserver) "
            f"| {cold:.1f} |",
            f"| second `make serve` in the same clone (warm) | {warm:.1f} |",
            "",
        ]
    )
    print(report)
    (ROOT / "bench" / "results").mkdir(exist_ok=True)
    (ROOT / "bench" / "results" / "cold-start.md").write_text(report, encoding="utf-8")


if __name__ == "__main__":
    main()
