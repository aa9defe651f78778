"""gunicorn settings for the site's app servers (`make serve-prod`, docs/deploy.md).

Everything here can be overridden on the command line or with GUNICORN_CMD_ARGS.
"""

import gc
import os

from qiantang_site.jsonlog import JSON_FORMATTER

wsgi_app = "qiantang_site.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers: the pages are quick, and a slow client is nginx's to buffer.
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
timeout = 30
graceful_timeout = 20
# Restart workers now and then, so a slow leak never grows into an outage; not so often that
# a rush keeps emptying their caches (at 2,000 a worker restarted every few seconds under
# load, and each restart showed in the slowest responses: bench/pages.py).
max_requests = 20000
max_requests_jitter = 2000
# Load the app once in the master: a missing secret key or an unreachable database stops the
# server at start with one clear message, instead of every worker failing in turn.
preload_app = True
# No control socket: its default path is shared by every gunicorn of the user on the machine.
control_socket_disable = True
# The heartbeat files go to memory, not to a disk that may stall.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# Logs on stderr, one JSON object a line, like the application's own (settings.LOGGING): one
# stream keeps them in order.
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": JSON_FORMATTER},
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
            "formatter": "json",
        }
    },
    "root": {"handlers": ["stderr"], "level": "INFO"},
    "loggers": {
        "gunicorn.error": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
        "gunicorn.access": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
    },
}


def when_ready(server):
    """After the app is loaded (preload_app) and before the first worker is forked.

    Everything loaded so far lives as long as the process: frozen, Python's garbage collector
    no longer walks it on every full collection in each worker (a tenth of an uncached
    article's CPU went to those walks, bench/pages.py), and the workers' copies of its memory
    pages stay shared. Python's gc.freeze() documentation recommends this for forking servers.
    """
    gc.freeze()
