# Perennial: `make run` starts the whole system on embedded defaults; `make test` installs and tests.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=

.PHONY: run test install system-deps postgres check lint format bench-journey bench-trust bench-matching bench-access bench-dashboard bench-load bench-inprocess bench-chaos bench-scale histories clean

run: install
	$(BIN)/perennial dev $(if $(DEMO),--demo,)

test: install system-deps postgres check
	$(BIN)/pytest $(PYTEST_ARGS)

install: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || python3 -m venv $(VENV)
	test -x $(BIN)/uv || $(BIN)/pip install --quiet uv
	$(BIN)/uv pip install --quiet --python $(BIN)/python -r requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	touch $(STAMP)

# Chromium from Debian for the browser tests (Playwright drives it; it never downloads a browser).
system-deps:
	@test -x /usr/bin/chromium || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# The tests create and drop their own database on the local PostgreSQL; start it if it is down.
postgres:
	@pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start
	@for i in $$(seq 30); do pg_isready -q -h 127.0.0.1 -p 5432 && exit 0; sleep 1; done; echo "PostgreSQL is not answering on 127.0.0.1:5432"; exit 1

check:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

lint: check

format:
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench-journey: install
	$(BIN)/perennial bench --members $(or $(MEMBERS),1000) --rounds $(or $(ROUNDS),3)

bench-trust: install
	$(BIN)/python -m bench.trust

bench-matching: install
	$(BIN)/python -m bench.matching

bench-access: install
	GRANTS=$(or $(GRANTS),500) FAULTS=$(or $(FAULTS),0.2) $(BIN)/python -m bench.access_grants

# API latency and throughput under 100 concurrent clients, against a bare FastAPI endpoint in the same run.
bench-load: install
	$(BIN)/python -m bench.load $(LOAD_ARGS)

# Where a status request and the journey page spend their CPU: one request at a time through the app.
bench-inprocess: install
	$(BIN)/python -m bench.load_inprocess

# 1,000 journeys in flight; kill -9 the worker, then the Temporal server; every journey must complete once.
bench-chaos: install postgres
	$(BIN)/python -m bench.chaos

# Two web processes and two workers on one Temporal server and PostgreSQL; one worker is killed mid-run.
bench-scale: install postgres
	$(BIN)/python -m bench.scale_out

# Saves histories from early and late journeys for the replay test; commit the files it writes.
histories: install
	$(BIN)/python -m tests.workflows.record_histories
	PERENNIAL_RECORD_HISTORIES=1 $(BIN)/pytest -q tests/api/test_hooks.py -k "circuit and sqlite"

clean:
	rm -rf var/ .pytest_cache .mypy_cache .ruff_cache

bench-dashboard: install postgres
	MEMBERS=$(or $(MEMBERS),100000) EVENTS=$(or $(EVENTS),5000000) DATABASES=$(or $(DATABASES),sqlite$(,)postgres) $(BIN)/python -m bench.dashboard
