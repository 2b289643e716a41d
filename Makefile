# The two commands: `make book` and `make test`. Both create .venv on first use.
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
PYTHON ?= python3.11

.PHONY: book test venv lint clean bench seminar handout offline

$(STAMP): requirements.txt pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "need $(PYTHON) (Python 3.11)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	# A kernel of the venv's own Python, so papermill never picks another python3 kernel.
	$(PY) -m ipykernel install --sys-prefix --name stpbook --display-name "Python 3 (stpbook)"
	$(PY) -m stpbook.kernel
	touch $(STAMP)

venv: $(STAMP)

book: $(STAMP)
	$(VENV)/bin/stpbook book

test: $(STAMP)
	$(PY) -m pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests benchmarks

clean:
	rm -rf _build runs

# Benchmarks: the pipeline against stock `jupyter-book build`, on a temporary copy of the
# repository; writes benchmarks/results.md (takes 10-20 minutes).
bench: $(STAMP)
	$(PY) benchmarks/run.py

# Teaching: a live dashboard on 127.0.0.1 (Ctrl-C stops it), the student handout as PDF,
# and the offline pack (built book + handout + data) for a seminar room without Wi-Fi.
seminar: $(STAMP)
	$(PY) seminar/serve.py

handout: $(STAMP)
	$(PY) -m stpbook.handout handout

offline: book handout
	$(PY) -m stpbook.handout offline
