"""Checks an app server makes before it takes requests, with messages an operator can act on."""

import logging
import sys

from django.db import DatabaseError, connections

logger = logging.getLogger("qiantang_site.startup")


class ServiceUnavailable(Exception):
    pass


def describe_database(alias="default"):
    """Where the database is, without the password: enough to spot a wrong DATABASE_URL."""
    conf = connections[alias].settings_dict
    engine = conf["ENGINE"].rsplit(".", 1)[-1]
    if engine == "sqlite3":
        return f"SQLite file {conf['NAME']}"
    where = conf.get("HOST") or "local socket"
    if conf.get("PORT"):
        where += f":{conf['PORT']}"
    return f"{engine} database {conf.get('NAME')!r} at {where} as user {conf.get('USER')!r}"


def check_database(alias="default"):
    connection = connections[alias]
    try:
        connection.ensure_connection()
    except DatabaseError as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ServiceUnavailable(
            f"Cannot connect to the {describe_database(alias)}: {reason}. "
            "Check DATABASE_URL and that the database server is running and reachable."
        ) from exc
    finally:
        connection.close()


def require_database():
    """Stop this process with a clear message when the database cannot be reached."""
    try:
        check_database()
    except ServiceUnavailable as exc:
        logger.critical(str(exc))
        print(f"ERROR: {exc}", file=sys.stderr, flush=True)
        raise SystemExit(3) from None
