# Two commands on a fresh machine: `make book` then `make test`. See README.md.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
PORT ?= 8000
JOBS ?=            # parallel runs (default: one per core)
JOBS_FLAG := $(if $(strip $(JOBS)),--jobs $(strip $(JOBS)),)

NODE_STAMP := node_modules/.installed-stamp

.PHONY: book test check serve execute site run bench site-report clean lock

# The virtual environment, rebuilt when the pins change.
$(STAMP): requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

# axe-core and the Nu Html Checker for the browser tests, pinned in package-lock.json.
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	touch $@

book: $(STAMP)  ## validate data, execute every run with papermill, build _build/html
	$(PY) -m fraudbook build $(JOBS_FLAG)

execute: $(STAMP)  ## validate data and execute the runs into book/ (no site)
	$(PY) -m fraudbook execute $(JOBS_FLAG)

site: $(STAMP)  ## render book/ into _build/html (no execution)
	$(PY) -m fraudbook site

# One run on demand, into scratch/NAME.ipynb (book/ untouched), e.g.
#   make run NAME=losses PARAMS="currency=EUR first_year=2021"
run: $(STAMP)
	test -n "$(NAME)" || { echo "usage: make run NAME=<run in runs.yml> [PARAMS='name=value ...']" >&2; exit 2; }
	$(PY) -m fraudbook run $(NAME) $(foreach p,$(PARAMS),--set '$(p)')

check: $(STAMP)  ## validate data/ alone
	$(PY) -m fraudbook check

# The committed outputs in book/ are compared by nbval as they are: nothing re-executes
# into book/ before that comparison.
test: $(STAMP) $(NODE_STAMP)  ## the whole test suite: package, data, manifest, runner, nbval on book/, browser
	$(PY) -m pytest tests book --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg

bench: $(STAMP)  ## build-speed benchmark in a temporary copy: prints a table
	$(PY) benchmarks/bench.py $(if $(strip $(JOBS)),--jobs $(strip $(JOBS)),)

site-report: $(STAMP)  ## every page in Chromium offline: charts drawn, bytes, time to last chart
	$(PY) benchmarks/site_report.py

serve:  ## serve the built site on http://127.0.0.1:$(PORT)/
	test -f _build/html/index.html || { echo "no site yet: run 'make book' first" >&2; exit 1; }
	$(PY) -m fraudbook.serve _build/html $(PORT)

lock: $(STAMP)  ## re-pin requirements.txt from requirements.in
	$(PY) -m pip install --quiet -r requirements.in
	{ echo "# Every package the book installs, pinned (generated from requirements.in by \`make lock\`)."; \
	  $(PY) -m pip freeze --exclude-editable; } > requirements.txt

clean:
	rm -rf _build
