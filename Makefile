# Hamkori — the two commands:
#   make run    set everything up, load the demo warehouse, serve the dashboard
#   make test   set everything up (PostgreSQL, Chromium included), run the whole test suite
#
# Everything installs on first use: a .venv from the hash-pinned requirements.lock, and the
# Debian packages the tests need (apt-get, as root or through sudo) when they are missing.

SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | sha256sum | cut -c1-12)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT := DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get
PORT ?= 8501

.PHONY: run test bench setup system-deps test-system-deps lint lock clean-warehouse

# `make run` serves the demo warehouse in demo mode: an audience switch, no sign-in, NOT secured
# (refused when HAMKORI_ENV=production). `make run DEMO=0` serves it behind the sign-in
# configured in .streamlit/secrets.toml instead.
DEMO ?= 1
run: setup
	$(VENV)/bin/hamkori init --demo
	HAMKORI_DEMO=$(DEMO) $(VENV)/bin/hamkori check
	HAMKORI_DEMO=$(DEMO) $(VENV)/bin/streamlit run app.py --server.port $(PORT)

test: setup test-system-deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/pytest

# Benchmark suite (not part of `make test`): bench/run.py, results in bench/results.md.
#   make bench SIZES=1e5,1e6 BACKENDS=sqlite RUNS=3   (a quick run)
SIZES ?= 1e5,1e6,1e7
BACKENDS ?= sqlite,postgres
RUNS ?= 3
RUNS_LARGE ?= 1
LOAD_SIZES ?= demo,1e6
SESSIONS ?= 25
bench: setup test-system-deps
	nice $(VENV)/bin/python -m bench.run --sizes $(SIZES) --backends $(BACKENDS) --runs $(RUNS) \
	  --runs-large $(RUNS_LARGE) --load-sizes $(LOAD_SIZES) --sessions $(SESSIONS)

setup: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	@$(MAKE) --no-print-directory system-deps
	@test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@rm -f $(VENV)/.installed-*
	@touch $@

# Python's venv module (Debian splits it out as python3-venv).
system-deps:
	@if ! $(PYTHON) -c 'import ensurepip, venv' >/dev/null 2>&1; then \
	  echo "installing python3-venv"; $(APT) update -qq && $(APT) install -y -qq python3-venv; fi

# PostgreSQL (the production warehouse, tested for real) and Chromium (browser tests).
test-system-deps:
	@missing=""; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	fc-list 2>/dev/null | grep -qi lato || missing="$$missing fonts-lato"; \
	if [ -n "$$missing" ]; then \
	  echo "installing$$missing"; $(APT) update -qq && $(APT) install -y -qq --no-install-recommends $$missing; fi

lint: setup
	$(VENV)/bin/ruff check .

# Re-resolve the pinned dependencies after editing pyproject.toml (needs `uv`).
lock:
	uv pip compile pyproject.toml --extra dev --python-version 3.11 --generate-hashes -o requirements.lock

clean-warehouse:
	rm -f data/hamkori.sqlite data/hamkori.sqlite-wal data/hamkori.sqlite-shm
