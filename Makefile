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

.PHONY: help serve test test-sqlite test-postgres lint seed superuser bench clean

help:
	@echo "make serve      set up .venv, migrate, load the first article, serve http://$(HOST):$(PORT)/"
	@echo "make test       install what the tests need and run the whole suite (SQLite, then PostgreSQL)"
	@echo "make test-sqlite    the suite once, on SQLite (with a throw-away Redis for the cache tests)"
	@echo "make test-postgres  the suite once, on a throw-away PostgreSQL with Redis as the cache"
	@echo "make lint       ruff, Django's checks, makemigrations --check"
	@echo "make superuser  create a staff account (asks for a password)"
	@echo "make bench      speed measurements (bench/*.py), as ratios against a baseline"

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
	$(DEV) $(PY) manage.py runserver $(HOST):$(PORT)

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
PYTEST_ARGS ?=
test: test-sqlite test-postgres

test-sqlite: $(VENV)/.stamp-test
	.ci/install-browser
	.ci/with-redis $(VENV)/bin/pytest $(PYTEST_ARGS)

test-postgres: $(VENV)/.stamp-test
	.ci/install-browser
	.ci/with-redis --cache .ci/with-postgres $(VENV)/bin/pytest $(PYTEST_ARGS)

# Load tests need wrk and nginx (Debian) and Chromium for the page weight; all on 127.0.0.1.
# bench/pages.py runs on SQLite with the other scripts, then again on a throw-away PostgreSQL.
bench: $(VENV)/.stamp-test
	.ci/install-browser
	.ci/apt-ensure wrk nginx
	@for script in bench/*.py; do echo "== $$script"; $(DEV) $(PY) $$script || exit 1; done
	@echo "== bench/pages.py on PostgreSQL"; .ci/with-postgres $(PY) bench/pages.py

clean:
	rm -rf $(VENV) db.sqlite3
