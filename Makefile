# The two commands: `make book` and `make test`. Both create .venv on first use.
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
PYTHON ?= python3.11

.PHONY: book test venv lint clean

$(STAMP): requirements.txt pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "need $(PYTHON) (Python 3.11)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	# A kernel of the venv's own Python, so papermill never picks another python3 kernel.
	$(PY) -m ipykernel install --sys-prefix --name stpbook --display-name "Python 3 (stpbook)"
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
