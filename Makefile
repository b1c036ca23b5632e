# annualreport: a reproducible annual-report notebook suite.
# `make report` and `make test` are all a user runs; `make help` lists every target.

SHELL := /bin/bash
.DEFAULT_GOAL := help

YEAR ?= 2020
ALLOW_WARNINGS ?= 1
FORMAT ?= all
WORKERS ?= 0
RUNS ?= 3
ARGS ?=
STRICT := $(if $(filter 0,$(ALLOW_WARNINGS)),--strict,)
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
CLUSTER := $(VENV)/cluster
CLUSTER_STAMP := $(CLUSTER)/.installed
SCHEDULER ?=
PRE_COMMIT_VERSION := 4.7.0
# uv (PyPI, pinned here) installs requirements.lock, the same exact pins, about five times faster than pip;
# where uv cannot be installed or fails, pip installs the lock instead.
UV_VERSION := 0.13.8
export PYTHONHASHSEED := 0
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: help setup report plan reports validate new-year check-inputs lab lab-setup test test-fast lint format hooks bench audit seed-check data lock clean distclean
.PHONY: verify reproduce diff signoff province cluster-setup cluster-scheduler cluster-worker lock-cluster

## help: list the targets (this text)
help:
	@echo "annualreport: build a college's yearly work report from its offices' data"
	@echo
	@echo "usage: make <target> [YEAR=$(YEAR)]"
	@echo
	@grep -E '^## ' $(MAKEFILE_LIST) | sed -e 's/^## /  /' -e 's/: /\t/' | expand -t 16

# The lock is installed by uv when it can be (see UV_VERSION), else by pip. The package is installed
# editable (pyproject.toml, src layout; no build isolation, so the lock's setuptools builds it and no
# network is needed for it); a venv made before this still has the old annualreport.pth pointing at
# src/, removed here so only one install remains.
$(STAMP): requirements.lock pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found (Python 3.11 is required)"; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet "uv==$(UV_VERSION)" && $(VENV)/bin/uv pip install --quiet --compile-bytecode --python $(PY) -r requirements.lock \
	  || $(PY) -m pip install --quiet -r requirements.lock
	@rm -f "$$($(PY) -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/annualreport.pth"
	$(VENV)/bin/uv pip install --quiet --python $(PY) --no-deps --no-build-isolation -e . 2>/dev/null \
	  || $(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	$(PY) -m ipykernel install --sys-prefix --name annualreport --display-name "annualreport (.venv)" >/dev/null
	@touch $@

# The report's CJK faces are made once per machine (~/.cache/annualreport/fonts, about 20 s): by `setup` and
# before the tests; a first `make report` makes them in a child process while its first stages run.
FONTS := $(PY) -c "from annualreport.typeset import fonts; fonts.ensure_fonts(fetch=True)"

## setup: create .venv with the pinned dependencies, register the Jupyter kernel, prepare fonts
setup: $(STAMP)
	@$(FONTS)

## report: build YEAR (default 2020) into outputs/YEAR/, rerunning only what changed: FORMAT=html|pdf|docx|both|all (default all: HTML, PDF and Word; both: HTML and PDF), ALLOW_WARNINGS=0 blocks on warnings
report: $(STAMP)
	$(PY) -m annualreport build --year $(YEAR) --format $(FORMAT) --workers $(WORKERS) $(STRICT) $(ARGS)

## plan: show which stages `make report` would run for YEAR and why, running nothing (also: make report ARGS=--dry-run)
plan: $(STAMP)
	$(PY) -m annualreport plan --year $(YEAR) --format $(FORMAT) $(STRICT)

## reports: build every params file (every year, every institution) in parallel
reports: $(STAMP)
	$(PY) -m annualreport reports --format $(FORMAT) $(STRICT)

## validate: clean and validate YEAR only; exits non-zero on a blocking failure
validate: $(STAMP)
	$(PY) -m annualreport validate --year $(YEAR) $(STRICT)

## new-year: scaffold params/YEAR.yaml, params/narrative/YEAR/ and data/raw/YEAR/README.md from the year before (INSTITUTION=name for params/institutions/name/)
new-year: $(STAMP)
	$(PY) -m annualreport new-year --year $(YEAR) $(if $(INSTITUTION),--institution $(INSTITUTION),)

## check-inputs: say which of YEAR's files are present, missing or unreadable, before any build; where an office's IDs follow another format, propose the params line (ACCEPT=1 writes it, for YEAR and the year before)
check-inputs: $(STAMP)
	$(PY) -m annualreport check-inputs --year $(YEAR) $(if $(PARAMS),--params $(PARAMS),) $(if $(filter 1,$(ACCEPT)),--accept,)

## verify: check an outputs folder (OUT=outputs/YEAR, or a received copy anywhere) against its manifest.json: every file's sha256; non-zero on any difference
verify: $(STAMP)
	$(PY) -m annualreport verify $(or $(OUT),outputs/$(YEAR))

## reproduce: rebuild a published year from its manifest alone (OUT=outputs/YEAR): its commit in a throw-away git worktree, the raw files it names (each checked by sha256), this .venv; compares every file byte for byte, one line per difference and what could cause it; non-zero on any
reproduce: $(STAMP)
	$(PY) -m annualreport reproduce $(or $(OUT),outputs/$(YEAR))

## diff: what changed in YEAR since an earlier build: FROM=<outputs folder or git revision>, or SIGNED=1 (the signoff); figures, their inputs, prose; page in build/diff/
diff: $(STAMP)
	@status=0; $(PY) -m annualreport diff --year $(YEAR) $(if $(PARAMS),--params $(PARAMS),) \
	  $(if $(FROM),--from "$(FROM)",) $(if $(filter 1,$(SIGNED)),--signed,) || status=$$?; test $$status -le 1

## signoff: record YEAR's published figures as reviewed in params/signoff/YEAR.json (commit it; BY=name, NOTE=text); later builds warn when signed figures change; refuses while text nobody has reread is listed, ACCEPT="name …" accepts findings by name
signoff: $(STAMP)
	$(PY) -m annualreport signoff --year $(YEAR) $(if $(PARAMS),--params $(PARAMS),) $(if $(BY),--by "$(BY)",) \
	  $(if $(NOTE),--note "$(NOTE)",) $(if $(ACCEPT),--accept "$(ACCEPT)",)

# JupyterLab (requirements-lab.lock) goes into .venv with its quiet notification settings (no news, no update
# check) written to the venv's own overrides.json, so the venv's owner sets them once for every user of it;
# `make lab` runs `annualreport_dev.lab` (--allow-root only as root; the README's "Development").
LAB_STAMP := $(VENV)/.lab-installed

$(LAB_STAMP): $(STAMP) requirements-lab.lock
	$(VENV)/bin/uv pip install --quiet --python $(PY) -r requirements-lab.lock -c requirements.lock 2>/dev/null \
	  || $(PY) -m pip install --quiet -r requirements-lab.lock -c requirements.lock
	$(PY) -c "from annualreport_dev import lab; lab.write_overrides()"
	@touch $@

## lab-setup: install JupyterLab (requirements-lab.lock) into .venv (`make lab` does it when needed; CI does it for the lab test)
lab-setup: $(LAB_STAMP)

## lab: open the notebooks in JupyterLab with the project's kernel, as any user (root too), no news or update checks (LAB_ARGS: more options)
lab: $(LAB_STAMP)
	$(PY) -m annualreport_dev.lab $(LAB_ARGS)

# Dask and distributed go to .venv/cluster/, not on the venv's import path: a single-machine build never
# imports them; `reports --executor dask` adds the folder, and so do the scheduler and worker targets below.
$(CLUSTER_STAMP): $(STAMP) requirements-cluster.lock
	rm -rf $(CLUSTER)
	$(PY) -m pip install --quiet --no-deps --target $(CLUSTER) -r requirements-cluster.lock
	@touch $@

## cluster-setup: install Dask (requirements-cluster.lock) into .venv/cluster/ for `reports --executor dask` (docs/scaling.md)
cluster-setup: $(CLUSTER_STAMP)

## cluster-scheduler: start a Dask scheduler for builds on several machines (docs/scaling.md)
cluster-scheduler: $(CLUSTER_STAMP)
	PYTHONPATH=$(CLUSTER) $(PY) -m dask scheduler $(ARGS)

## cluster-worker: start one Dask worker per core on this machine: SCHEDULER=tcp://host:8786 (docs/scaling.md)
cluster-worker: $(CLUSTER_STAMP)
	@test -n "$(SCHEDULER)" || { echo "usage: make cluster-worker SCHEDULER=tcp://host:8786"; exit 2; }
	PYTHONPATH=$(CLUSTER) $(PY) -m dask worker $(SCHEDULER) --nworkers $$(nproc) --nthreads 1 $(ARGS)

## test: run the whole test suite (pytest; what CI runs; installs the cluster lock too, for the Dask test)
test: $(STAMP) $(CLUSTER_STAMP)
	@$(FONTS)
	$(PY) -m pytest

## test-fast: the unit lane, under 90 s: no end-to-end builds (marker build) and no slow tests (marker slow)
test-fast: $(STAMP)
	@$(FONTS)
	$(PY) -m pytest -m "not build and not slow"

## lint: ruff check and format --check, the import contracts (layers, no cycle: import-linter), private names and imports inside functions (tools/check_imports.py), notebooks without outputs; runs all, fails if any fails
lint: $(STAMP)
	@status=0; \
	$(VENV)/bin/ruff check --output-format concise . || status=1; \
	$(VENV)/bin/ruff format --check --output-format concise . || status=1; \
	out=$$($(VENV)/bin/lint-imports --no-cache 2>&1) || { echo "$$out"; status=1; }; \
	$(PY) tools/check_imports.py || status=1; \
	$(PY) tools/check_notebooks.py || status=1; \
	exit $$status

## format: ruff format, then ruff check --fix (import order, upgrades, simple fixes); non-zero when something is left to fix by hand
format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Git hooks are optional: pre-commit is not in the lock. `make hooks` installs it into .venv (held to the
# lock's versions of what it shares) and registers .pre-commit-config.yaml's hooks, which run .venv's ruff
# and tools/check_notebooks.py (language: system, no network). By hand: pip install pre-commit && pre-commit install
## hooks: install pre-commit into .venv and the git pre-commit hook (ruff, notebooks without outputs)
hooks: $(STAMP)
	@test -x $(VENV)/bin/pre-commit || $(PY) -m pip install --quiet "pre-commit==$(PRE_COMMIT_VERSION)" -c requirements.lock
	$(VENV)/bin/pre-commit install

## bench: measure cold, naive, floor, no-op, incremental, 10x/100x and parallel builds (RUNS=3); writes build/bench/results.md
bench: $(STAMP)
	$(PY) -m annualreport_dev.bench --runs $(RUNS)

## province: N fictional institutions × YEARS built through a local Dask cluster and measured (N=20, YEARS="2019 2020 2021"); build/province/results.md
province: $(CLUSTER_STAMP)
	$(PY) -m annualreport_dev.province --n $(or $(N),20) --years $(or $(YEARS),2019 2020 2021) $(ARGS)

## audit: check the pinned dependencies for known vulnerabilities (pip-audit in its own venv; exit 3 when the advisory service cannot be reached)
audit: $(STAMP)
	@test -x build/audit-venv/bin/pip-audit || { $(PYTHON) -m venv build/audit-venv && \
	  build/audit-venv/bin/pip install --quiet -r requirements-audit.lock; }
	$(PY) -m annualreport_dev.audit --pip-audit build/audit-venv/bin/pip-audit

## seed-check: how much of the seed report's sentences and numbers outputs/YEAR/report.pdf carries; details in build/seedcheck/YEAR.md
seed-check: $(STAMP)
	$(PY) -m annualreport_dev.seedcheck --year $(YEAR) --report outputs/$(YEAR)/report.pdf --out build/seedcheck/$(YEAR).md $(ARGS)

## data: regenerate the committed demo data (deterministic; data/raw and data/reference)
data: $(STAMP)
	$(PY) -m annualreport_dev.demo

## lock: resolve requirements.in into requirements.lock (exact pins) in a scratch venv, keeping the pins it has (UPGRADE=1: re-resolve every package)
lock:
	rm -rf build/lock-venv && $(PYTHON) -m venv build/lock-venv
	build/lock-venv/bin/pip install --quiet -r requirements.in $(if $(filter 1,$(UPGRADE)),,-c requirements.lock)
	{ echo "# Exact pins of requirements.in for Python 3.11 (generated by \`make lock\`; do not edit by hand)."; \
	  build/lock-venv/bin/pip freeze --all --exclude-editable | grep -vi "^pip==" | sort -f; } > requirements.lock
	$(PYTHON) tools/env_from_lock.py
	rm -rf build/lock-venv

## lock-cluster: re-resolve dask and distributed against requirements.lock into requirements-cluster.lock
lock-cluster: $(STAMP)
	$(PY) -m annualreport_dev.lockcluster

## clean: remove build products (build/, outputs/, data/processed/), keep .venv
clean:
	rm -rf build outputs/[0-9]* data/processed/[0-9]* .cache

## distclean: clean, and remove .venv too
distclean: clean
	rm -rf $(VENV)
