# Two commands on a fresh machine: `make book` then `make test`. `make` alone lists every target.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
# Values given on the command line (NAME, PARAMS, JOBS, PORT) reach the commands as text: read
# with $(value), single-quoted for the shell, never expanded by make; and not exported (make
# expands a variable to put it in the environment: PARAMS='$(shell ...)' would run).
unexport $(foreach v,$(.VARIABLES),$(if $(filter command line,$(origin $v)),$v))
quote = '$(subst ','"'"',$(value $(1)))'
PORT ?= 8000
JOBS ?=
JOBS_FLAG := $(if $(strip $(value JOBS)),--jobs $(call quote,JOBS),)
PYTEST := $(PY) -m pytest
NBVAL := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg

NODE_STAMP := node_modules/.installed-stamp
# The system packages are checked first, on every call (a few lookups): installed as root,
# else one message naming the apt-get command, before anything else runs.
SYSTEM_DEPS := bash scripts/system-deps.sh

.PHONY: help book test test-fast lint format check serve execute site run toc bench site-report clean lock system-deps freshness

help:  ## list every target (this text)
	@echo "Scam centres and the money they take: make targets"
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'
	@echo "Variables: JOBS=N (parallel runs), PORT=N (make serve), NAME= PARAMS= (make run)"

# The virtual environment, rebuilt when the lock changes: every package pinned with its hash.
$(STAMP): requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes -r requirements.txt
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

system-deps:  ## install (as root) or name the system packages the book and the tests need
	$(SYSTEM_DEPS) test

# axe-core and the Nu Html Checker for the browser tests, pinned in package-lock.json.
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	touch $@

book:  ## validate data, execute every changed run with papermill, build _build/html and the PDFs
	$(SYSTEM_DEPS) book
	$(MAKE) --no-print-directory $(STAMP)
	$(PY) -m fraudbook build $(JOBS_FLAG)

execute: $(STAMP)  ## validate data and execute the runs into book/ (no site)
	$(PY) -m fraudbook execute $(JOBS_FLAG)

site:  ## render book/ into _build/html (no execution)
	$(SYSTEM_DEPS) book
	$(MAKE) --no-print-directory $(STAMP)
	$(PY) -m fraudbook site

# One run on demand, into scratch/NAME.ipynb and a preview scratch/NAME.html (book/ untouched):
#   make run NAME=losses PARAMS="currency=EUR first_year=2021"
run: $(STAMP)  ## one run into scratch/ with a preview page: NAME=losses PARAMS="currency=EUR"
	test -n $(call quote,NAME) || { echo "usage: make run NAME=<run in runs.yml> [PARAMS='name=value ...']" >&2; exit 2; }
	$(PY) -m fraudbook run $(call quote,NAME) --params $(call quote,PARAMS)

check: $(STAMP)  ## validate data/ alone
	$(PY) -m fraudbook check

freshness: $(STAMP)  ## where an update starts: series by newest point, stale running totals, old searches
	$(PY) -m fraudbook freshness

toc: $(STAMP)  ## write _toc.yml from runs.yml
	$(PY) -m fraudbook toc

lint: $(STAMP)  ## ruff over the package, the templates, tests and benchmarks; the layers' import contracts
	$(PY) -m ruff check fraudbook notebooks tests benchmarks
	$(VENV)/bin/lint-imports --no-cache

format: $(STAMP)  ## ruff: fix import order and other safe fixes
	$(PY) -m ruff check --fix fraudbook notebooks tests benchmarks

# The committed outputs in book/ are compared by nbval as they are: nothing re-executes
# into book/ before that comparison.
test:  ## everything: lint, package, data, build, nbval on book/, browser
	$(SYSTEM_DEPS) test
	$(MAKE) --no-print-directory $(STAMP) $(NODE_STAMP)
	$(PY) -m ruff check fraudbook notebooks tests benchmarks
	$(PYTEST) tests book $(NBVAL)

test-fast: $(STAMP)  ## the quick loop (a few seconds): lint and the tests not marked slow
	$(PY) -m ruff check fraudbook notebooks tests benchmarks
	$(PYTEST) tests -m "not slow" -q --ignore=tests/browser

bench: $(STAMP)  ## build-speed benchmark in a temporary copy: prints a table
	$(PY) benchmarks/bench.py $(JOBS_FLAG)

site-report:  ## Lighthouse (mobile) on every page of the built site, served with gzip on 127.0.0.1
	$(SYSTEM_DEPS) test
	$(MAKE) --no-print-directory $(STAMP) $(NODE_STAMP)
	$(PY) benchmarks/site_report.py

serve:  ## serve the built site on 127.0.0.1 (PORT=8000)
	test -f _build/html/index.html || { echo "no site yet: run 'make book' first" >&2; exit 1; }
	$(PY) -m fraudbook.pipeline.serve _build/html $(call quote,PORT)

# pip-tools resolves pyproject.toml (the book's and the test tools' direct pins) into
# requirements.txt with every transitive package pinned and hashed.
lock:  ## re-resolve requirements.txt from pyproject.toml with hashes (pip-tools)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet pip-tools==7.6.2
	$(VENV)/bin/pip-compile --quiet --extra test --generate-hashes --strip-extras --allow-unsafe \
	  --no-emit-index-url --no-emit-find-links --output-file requirements.txt pyproject.toml

clean:  ## remove _build/ and scratch/
	rm -rf _build scratch
