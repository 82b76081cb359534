# Two commands for a newcomer: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: run test install migrate seed check-python loadtest bench

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found %s)" % sys.version.split()[0])'

$(PY): | check-python
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the declared or pinned dependencies change.
$(STAMP): pyproject.toml constraints.txt | $(PY)
	$(PY) -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

# The load test's own dependencies (locust, with gevent) beside dev's; see docs/load-test.md.
LOAD_STAMP := $(VENV)/.installed-load-stamp
$(LOAD_STAMP): pyproject.toml constraints.txt | $(PY)
	$(PY) -m pip install --quiet -c constraints.txt -e ".[dev,load]"
	touch $(LOAD_STAMP)

# DEBUG=true: the development keys for personal data (config/settings.py); without DEBUG the encryption keys
# must be set (README "Personal data"), as in production.
migrate: install
	DEBUG=true $(PY) manage.py migrate --noinput

seed: migrate
	DEBUG=true $(PY) manage.py seed_demo

# Embedded defaults: SQLite, Celery tasks run eagerly, e-mail to the console.
# The demo logs in with passwords only; README "等保 preset" says how to try the second factor.
run: seed
	DEBUG=true OTP_REQUIRED_ROLES= $(PY) manage.py runserver 127.0.0.1:8000

test: install
	$(PY) -m pytest

# 50 browser-like users for 3 minutes against two gunicorn processes sharing PostgreSQL and Redis, then a check
# that the database holds exactly what they did (docs/load-test.md). LOAD_USERS, LOAD_TIME, ... override.
loadtest: $(LOAD_STAMP)
	bash loadtest/run.sh

# Each page beside its limit on the seed_demo --scale data, 20 users, under gunicorn with PostgreSQL and Redis; the
# report in test-artifacts/bench/<time>/ (docs/performance.md, "Benchmark"). BENCH_SCALE, BENCH_SECONDS, ...
# override; BENCH_SAVE_BASELINE=1 writes bench/baseline.json.
bench: $(LOAD_STAMP)
	BENCH_PYTHON=$(PY) bash bench/run.sh
