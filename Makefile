# The two commands: `make book` and `make test`. Both create .venv on first use.
# Every other target is a `stpbook` subcommand (see `.venv/bin/stpbook --help`).
VENV   := .venv
PY     := $(VENV)/bin/python
STP    := $(VENV)/bin/stpbook
STAMP  := $(VENV)/.installed
PYTHON ?= python3.11

.PHONY: book test venv lint clean bench seminar lab handout offline screenshots slides

# The install: uv (pinned, from PyPI like every other package) installs the same locked
# requirements.txt in a fraction of pip's time (parallel downloads and unpacking); a uv
# already on PATH is used as it is. If uv cannot be had or fails (an index only pip is
# configured for, say), pip does it, as before.
# INSTALLER=pip forces pip.
UV_VERSION := 0.13.9
INSTALLER  ?= uv

$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; v = sys.version_info; ok = v[:2] == (3, 11); \
	  sys.exit(0 if ok else f"need Python 3.11 (found {sys.version.split()[0]}): set PYTHON=...")' \
	  || { echo "need $(PYTHON) (Python 3.11.x): install it or run make PYTHON=/path/to/python3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	@if [ "$(INSTALLER)" = uv ] && { UV=$$(command -v uv) || \
	     { $(PY) -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION) \
	       && UV=$(VENV)/bin/uv; }; }; then \
	  echo "installing requirements.txt with $$UV"; \
	  $$UV pip install --quiet --python $(PY) -r requirements.txt \
	  || { echo "uv could not install it: installing with pip"; \
	       $(PY) -m pip install --quiet -r requirements.txt; }; \
	else \
	  echo "installing requirements.txt with pip"; \
	  $(PY) -m pip install --quiet --upgrade pip && $(PY) -m pip install --quiet -r requirements.txt; \
	fi
	$(STP) setup
	touch $(STAMP)

venv: $(STAMP)

book: $(STAMP)
	$(STP) book

test: $(STAMP)
	$(MAKE) lint
	$(PY) -m pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests benchmarks curation chapters seminar
	$(VENV)/bin/ruff format --check src tests benchmarks curation
	$(VENV)/bin/mypy src

clean:
	rm -rf _build runs

# Benchmarks: the pipeline against stock `jupyter-book build`, on a temporary copy of the
# repository, a fresh install, and Lighthouse on the built book (installed with npm into
# benchmarks/.lighthouse on first use); writes benchmarks/results.md (about 40 minutes).
# BENCH_ARGS passes options (benchmarks/run.py --help), e.g. --book DIR for another copy.
bench: $(STAMP)
	$(PY) benchmarks/run.py $(BENCH_ARGS)

# Teaching: the live dashboard and JupyterLab on 127.0.0.1 (Ctrl-C stops them; PORT=...
# to change the port), the student handout, the offline pack.
seminar: $(STAMP)
	$(STP) seminar

lab: $(STAMP)
	$(STP) lab

handout: $(STAMP)
	$(STP) handout

offline: book handout
	$(STP) offline

# Every page of the built book at 1280 px and 375 px -> _build/screenshots/ (look at them).
screenshots: book
	$(STP) screenshots

# Teaching: the slide decks for the lesson plans (offline HTML, _build/teaching/slides);
# every teaching file (handout, role cards, slides) into _build/teaching and, once the
# book is built, published into it with the offline pack (stpbook.teaching.publish).
.PHONY: teaching
slides: $(STAMP)
	$(STP) slides

teaching: $(STAMP)
	$(STP) teaching
