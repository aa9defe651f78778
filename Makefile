# The few commands a person types. `make serve` and `make test` do their own set-up.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV    := .venv
PY      := $(VENV)/bin/python
HOST    ?= 127.0.0.1
PORT    ?= 8000
PIP     := $(PY) -m pip --disable-pip-version-check -q
# Local commands run with debug on (a local secret key, static files served by runserver).
DEV     := DJANGO_DEBUG=1

.PHONY: help serve serve-prod test test-fast test-sqlite test-postgres lint seed superuser bench bench-archive clean

help:
	@echo "make serve      set up .venv, migrate, load the first article, serve http://$(HOST):$(PORT)/ (with the task worker)"
	@echo "make serve-prod the production set-up on this machine: gunicorn and the task worker, debug off, http://$(HOST):$(PORT)/"
	@echo "make test       install what the tests need and run the whole suite (SQLite, then PostgreSQL)"
	@echo "make test-fast  everything but the browser and app-server tests, on SQLite (2.5 minutes on 2 cores)"
	@echo "make test-sqlite    the suite once, on SQLite (with a throw-away Redis for the cache tests)"
	@echo "make test-postgres  the suite but the browser and app-server tests, on a throw-away PostgreSQL"
	@echo "make lint       ruff, Django's checks, makemigrations --check"
	@echo "make superuser  create a staff account (asks for a password)"
	@echo "make bench      speed measurements (bench/*.py), as ratios against a baseline"
	@echo "make bench-archive  1,000, 10,000 and 100,000 articles on SQLite and PostgreSQL: one table (hours the first time)"

# The venv is rebuilt when pyproject.toml changes; the stamp records what was installed.
$(VENV)/.stamp-base: pyproject.toml
	@test -x $(PY) || { py=$$(.ci/find-python) && echo "Creating $(VENV) with $$py" && $$py -m venv $(VENV); }
	$(PIP) install -e .
	@touch $@

$(VENV)/.stamp-test: $(VENV)/.stamp-base
	$(PIP) install -e '.[test]'
	@touch $@

serve: $(VENV)/.stamp-base
	$(DEV) $(PY) manage.py migrate --noinput
	$(DEV) $(PY) manage.py load_seed
	$(DEV) $(PY) manage.py regenerate_renditions --missing
	$(DEV) $(PY) -m qiantang_site.withworker $(PY) manage.py runserver $(HOST):$(PORT)

# Production settings under gunicorn, for trying them and for benchmarks. Debug is off; the
# secret key comes from DJANGO_SECRET_KEY if set, else from var/secret-key (made once, kept out
# of git). Plain http on this machine, so DJANGO_HTTPS=off (no https redirect, HSTS or
# Secure-only cookies), and media served by the app (DJANGO_SERVE_MEDIA=1): both are for this
# local trial only. DATABASE_URL, CACHE_URL etc. are used when set (see README).
PROD    := DJANGO_DEBUG= DJANGO_HTTPS=off DJANGO_SERVE_MEDIA=1 \
           DJANGO_SECRET_KEY_FILE=$(CURDIR)/var/secret-key
WORKERS ?= 2

var/secret-key:
	@mkdir -p var && umask 077 && $(PY) -c \
	  "from django.core.management.utils import get_random_secret_key as k; print(k() + k())" > $@
	@echo "Made a secret key for local trials in $@"

serve-prod: $(VENV)/.stamp-base var/secret-key
	$(PROD) $(PY) manage.py check_services
	$(PROD) $(PY) manage.py migrate --noinput
	$(PROD) $(PY) manage.py load_seed
	$(PROD) $(PY) manage.py collectstatic --noinput -v 0
	$(PROD) GUNICORN_WORKERS=$(WORKERS) $(PY) -m qiantang_site.withworker \
	  $(VENV)/bin/gunicorn -c qiantang_site/gunicorn.conf.py -b $(HOST):$(PORT)

superuser: $(VENV)/.stamp-base
	$(DEV) $(PY) manage.py migrate --noinput
	$(DEV) $(PY) manage.py createsuperuser

lint: $(VENV)/.stamp-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(DEV) $(PY) manage.py check
	$(DEV) $(PY) manage.py makemigrations --check --dry-run

# Browser tests are part of the suite: Chromium and CJK fonts are installed first (or the run fails).
# Both passes start their own servers from Debian's packages (installed when missing) and
# stop them afterwards: see .ci/with-postgres and .ci/with-redis. PYTEST_ARGS narrows a run.
# The SQLite pass runs on today's clock; the PostgreSQL pass starts every test at a fixed
# instant years ahead, two seconds before midnight in Shanghai (QIANTANG_TEST_CLOCK, see
# tests/conftest.py), so a test that depends on the day or the hour fails in one of them.
# A pass runs everything but the browser tests in one process per core (pytest-xdist), then
# the browser tests alone (.ci/pytest-pass); TEST_JOBS=0 runs the first part in one process.
# The PostgreSQL pass leaves out two kinds of tests, to keep CI well under its 10 minutes:
# the browser tests, which drive the admin's and the readers' pages in Chromium, where nothing
# depends on the database engine; and tests/test_app_servers.py (app_server), whose gunicorn
# servers never use the pass's database (tests/prod.py gives them SQLite, and PostgreSQL and
# Redis servers of their own), so a second run repeats the first exactly. Every other test
# runs in both passes: concurrency, query counts, search, caching, the admin's saves, reorders
# and restores through the test client.
PYTEST_ARGS ?=
GUARD_CLOCK ?= 2031-12-31T23:59:58+08:00
TEST_JOBS   ?= auto
PASS        := env PYTEST=$(VENV)/bin/pytest TEST_JOBS=$(TEST_JOBS) .ci/pytest-pass
test: test-sqlite test-postgres

# For the edit-and-test loop, not for CI: the browser tests (tests/browser/, marked `browser`)
# and the tests that start gunicorn (tests/test_app_servers.py, marked `app_server`) are left
# out, and it runs once, on SQLite, one process per core. `make test` is the whole suite and
# what CI runs.
FAST    := -m "not browser and not app_server" -n $(TEST_JOBS) --maxprocesses=8 --dist worksteal
test-fast: $(VENV)/.stamp-test
	QIANTANG_TEST_DATABASE=sqlite .ci/with-redis $(VENV)/bin/pytest $(FAST) $(PYTEST_ARGS)

test-sqlite: $(VENV)/.stamp-test
	.ci/install-browser
	QIANTANG_TEST_DATABASE=sqlite .ci/with-redis $(PASS) $(PYTEST_ARGS)

test-postgres: $(VENV)/.stamp-test
	QIANTANG_TEST_DATABASE=postgresql QIANTANG_TEST_CLOCK=$(GUARD_CLOCK) \
	  .ci/with-redis --cache .ci/with-postgres $(PASS) --without browser --without app_server \
	  $(PYTEST_ARGS)

# Load tests need wrk and nginx (Debian) and Chromium for the page weight; all on 127.0.0.1.
# bench/pages.py and bench/search_index.py run on SQLite with the other scripts, then again on
# a throw-away PostgreSQL.
bench: $(VENV)/.stamp-test
	.ci/install-browser
	.ci/apt-ensure wrk nginx
	@for script in bench/*.py; do [ $$script = bench/archive.py ] && continue; echo "== $$script"; $(DEV) $(PY) $$script || exit 1; done
	@echo "== bench/pages.py on PostgreSQL"; .ci/with-postgres $(PY) bench/pages.py
	@echo "== bench/concurrent_saves.py on PostgreSQL"; .ci/with-postgres $(PY) bench/concurrent_saves.py
	@echo "== bench/search_index.py on PostgreSQL"; .ci/with-postgres $(PY) bench/search_index.py

# The archive at 1,000, 10,000 and 100,000 articles (bench/archive.py): corpora are built once and
# kept in var/bench-archive (about 15 GB and two hours the first time on 2 cores; the
# PostgreSQL server's data too), each engine measured in turn, then bench/results/archive.md.
bench-archive: $(VENV)/.stamp-test
	$(PY) bench/archive.py sqlite
	QIANTANG_PG_DIR=var/bench-archive/pg .ci/with-postgres $(PY) bench/archive.py postgresql
	$(PY) bench/archive.py report

clean:
	rm -rf $(VENV) db.sqlite3
