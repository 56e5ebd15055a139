#!/usr/bin/env bash
# `make test`: install what the tests need, start throwaway PostgreSQL and
# Redis (unless DATABASE_URL / REDIS_URL are set), run the checks and the
# whole suite, and stop the servers whatever the outcome.
set -euo pipefail
cd "$(dirname "$0")/.."

source tests/services.sh
services_install
trap services_stop EXIT
services_start

export DJANGO_SETTINGS_MODULE=cms.settings.test
# Playwright's sync API runs an event loop in the test thread (channels#2176 notes).
export DJANGO_ALLOW_ASYNC_UNSAFE=true
PY=.venv/bin/python

echo "== ruff"
.venv/bin/ruff check .
echo "== manage.py check"
$PY manage.py check --fail-level WARNING
echo "== makemigrations --check"
$PY manage.py makemigrations --check --dry-run
echo "== pytest"
$PY -m pytest -p no:cacheprovider -n "${PYTEST_WORKERS:-2}" "$@"
