"""Run a server together with the task worker, as one command: `make serve`, `make serve-prod`.

    python -m qiantang_site.withworker COMMAND [ARGS...]

starts `manage.py db_worker` (articles/tasks.py: photo renditions) and COMMAND side by side,
with the same environment. Ctrl-C (or SIGTERM to this process) stops both, each with its own
children; when either stops by itself, the
other is stopped too, so nothing is left running in the background. The exit status is the
server's. In production a process manager runs the two separately (docs/deploy.md).
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GRACE_SECONDS = 10


def main(argv):
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    worker_command = [sys.executable, "manage.py", "db_worker"]
    if os.environ.get("DJANGO_DEBUG"):
        worker_command.append("--reload")  # picks up code changes, as runserver does
    # Each in a process group of its own, stopped as a group: runserver's and the worker's
    # autoreloaders run the real server in a child process, which must go with its parent.
    children = [
        subprocess.Popen(argv, cwd=ROOT, process_group=0),
        subprocess.Popen(worker_command, cwd=ROOT, process_group=0),
    ]
    print(f"Task worker started (pid {children[1].pid}); Ctrl-C stops it with the server.")

    stopping = False

    def stop(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    # Wait until one of them ends or we are asked to stop, then stop the other.
    while not stopping and all(child.poll() is None for child in children):
        time.sleep(0.2)
    for child in children:
        signal_group(child, signal.SIGTERM)
    deadline = time.monotonic() + GRACE_SECONDS
    for child in children:
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            signal_group(child, signal.SIGKILL)
            child.wait()
        signal_group(child, signal.SIGTERM)  # whatever it left behind in its group
    server = children[0].returncode
    return 0 if stopping else (server if server else children[1].returncode)


def signal_group(child, signum):
    try:
        os.killpg(child.pid, signum)
    except ProcessLookupError:
        pass  # the group is gone already


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
