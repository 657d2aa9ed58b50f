# The whole set-up on a fresh machine with Python 3.11+: `make run`, `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 \
	&& $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1 \
	&& { echo $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run serve lint format typecheck test test-fast soak fuzz bench bench-profile bench-instructions bench-server bench-drivers bench-scale bench-console wrk valgrind clean console-assets console-messages

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.11 or newer is required" >&2; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/gongzhi db upgrade
	$(BIN)/gongzhi tenants apply tenants/wangcheng.yaml
	$(BIN)/gongzhi users ensure-demo-admin
	$(BIN)/gongzhi demo load
	$(BIN)/gongzhi serve --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

typecheck: install
	$(BIN)/mypy

test: lint typecheck
	$(BIN)/pytest

# Longer reliability runs; the same tests run briefly inside `make test`.
SOAK_SECONDS ?= 120
SOAK_WORKERS ?= 12
CRASHES ?= 10
FUZZ_EXAMPLES ?= 200

soak: install
	GONGZHI_SOAK_SECONDS=$(SOAK_SECONDS) GONGZHI_SOAK_WORKERS=$(SOAK_WORKERS) \
	GONGZHI_CRASHES=$(CRASHES) $(BIN)/pytest -q tests/reliability/test_soak.py tests/reliability/test_crash.py

fuzz: install
	GONGZHI_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/pytest -q tests/reliability/test_fuzz.py

test-fast: install
	$(BIN)/pytest -x -q

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# $(call apt_ensure,PACKAGE): install Debian's PACKAGE (its command has the same name) when missing.
apt_ensure = @command -v $(1) >/dev/null 2>&1 || $(SUDO) apt-get install -y $(1) \
	|| { $(SUDO) apt-get update && $(SUDO) apt-get install -y $(1); }

wrk:
	$(call apt_ensure,wrk)

# Gongzhi against its ceilings on SQLite and PostgreSQL (127.0.0.1:5432 as postgres); see
# docs/benchmarks.md. BENCH_SECONDS, BENCH_CONNECTIONS, BENCH_BACKENDS... adjust a run.
bench: install wrk
	$(BIN)/python -m bench.run

# One scenario in-process: CPU per request and round trips against ceiling B, with a profile.
# BENCH_BACKEND (postgresql), BENCH_SCENARIO (read), BENCH_PROFILER (pyinstrument or cprofile).
BENCH_BACKEND ?= postgresql
BENCH_SCENARIO ?= read
BENCH_PROFILER ?= pyinstrument
bench-profile: install
	$(BIN)/python -m bench.profile --backend $(BENCH_BACKEND) --scenario $(BENCH_SCENARIO) \
		--profiler $(BENCH_PROFILER)

# Every main console page on the demo district, as `make run` prepares it, against the 200 ms
# target; BENCH_BACKENDS=sqlite,postgresql adds PostgreSQL, BENCH_REPEAT sets the timed rounds.
bench-console: install
	$(BIN)/python -m bench.console

# Instructions per request, Gongzhi against ceiling B, counted by callgrind (load-independent).
# BENCH_BACKEND (postgresql), BENCH_SCENARIO (read).
bench-instructions: install valgrind
	$(BIN)/python -m bench.instructions --backend $(BENCH_BACKEND) --scenario $(BENCH_SCENARIO)

# PostgreSQL's own instructions per read, Gongzhi against ceiling B (callgrind on single-user mode).
bench-server: install valgrind
	$(BIN)/python -m bench.server

valgrind:
	$(call apt_ensure,valgrind)

# What a PostgreSQL read's round trips cost asyncpg and psycopg's pipeline, per read.
bench-drivers: install
	$(BIN)/python -m bench.drivers

# The China-sized tree on PostgreSQL; BENCH_SCALE=0.01 for a quick run.
bench-scale: install
	$(BIN)/python -m bench.scale

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache .hypothesis

# The console's vendored assets (core/console/static/vendor), fetched from the npm registry at
# pinned versions with their licences; commit the result. See docs/console.md.
HTMX_VERSION := 2.0.4
ECHARTS_VERSION := 5.6.0
VENDOR := core/console/static/vendor
console-assets:
	@command -v npm >/dev/null || { echo "npm is required" >&2; exit 1; }
	rm -rf .console-npm && mkdir -p .console-npm $(VENDOR)
	cd .console-npm && npm pack --silent htmx.org@$(HTMX_VERSION) echarts@$(ECHARTS_VERSION) >/dev/null
	tar -xzf .console-npm/htmx.org-$(HTMX_VERSION).tgz -C .console-npm && mv .console-npm/package .console-npm/htmx
	tar -xzf .console-npm/echarts-$(ECHARTS_VERSION).tgz -C .console-npm && mv .console-npm/package .console-npm/echarts
	cp .console-npm/htmx/dist/htmx.min.js $(VENDOR)/htmx.min.js
	cp .console-npm/htmx/LICENSE $(VENDOR)/htmx.LICENSE.txt
	cp .console-npm/echarts/dist/echarts.min.js $(VENDOR)/echarts.min.js
	cp .console-npm/echarts/LICENSE $(VENDOR)/echarts.LICENSE.txt
	printf 'htmx.org %s\necharts %s\n' $(HTMX_VERSION) $(ECHARTS_VERSION) > $(VENDOR)/VERSIONS.txt
	rm -rf .console-npm

# Re-extract the console's messages and merge them into the Chinese catalogue (then translate
# the new entries in core/console/locale/zh_CN/LC_MESSAGES/messages.po).
console-messages: install
	$(BIN)/pybabel extract -F core/console/babel.cfg -o core/console/locale/messages.pot core/console
	$(BIN)/pybabel update -i core/console/locale/messages.pot -d core/console/locale -l zh_CN --no-fuzzy-matching
