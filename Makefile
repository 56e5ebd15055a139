# The README's commands. `make run` serves the demo; `make test` runs everything.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000

.PHONY: run test install install-test migrate demo lint format messages clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(VENV)/bin/pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(VENV)/bin/pip install -q -e ".[test]"
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

## make run: the site with demo data on the embedded default (SQLite, in-memory layers):
## daphne and one task worker (e-mails, imports, periodic jobs); Ctrl-C stops both.
# Links in e-mails point at the port served, unless SITE_URL is given.
run: export SITE_URL ?= http://127.0.0.1:$(PORT)
run: install
	$(PY) manage.py migrate --noinput -v 0
	$(PY) manage.py load_reference_data
	$(PY) manage.py seed_demo
	@echo "Serving on http://127.0.0.1:$(PORT)/ with one task worker (Ctrl-C stops both)"
	@export DJANGO_SETTINGS_MODULE=cms.settings.dev; \
	$(PY) manage.py run_worker & worker=$$!; \
	trap 'kill -TERM $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	$(PY) -m cms.serve -b 127.0.0.1 -p $(PORT) cms.asgi:application

## make test: throwaway PostgreSQL + Redis, ruff, checks, migrations, pytest (with Chromium).
test: install-test
	bash tests/run.sh $(ARGS)

lint: install-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install-test
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## make messages: extract strings into locale/{fr,en} and compile the catalogues.
messages: install-test
	$(PY) manage.py makemessages -l fr -l en --no-obsolete --ignore=.venv --ignore=tests
	$(PY) manage.py makemessages -d djangojs -e js,mjs -l fr -l en --no-obsolete --ignore=.venv --ignore=tests --ignore=static_collected
	$(PY) -m cms.catalogues fill-english
	$(PY) -m cms.catalogues compile

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm media static_collected .run
