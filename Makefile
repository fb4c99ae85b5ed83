# Two commands from a fresh clone: `make run` and `make test` (ARGS="..." for pytest).
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.requirements-installed

.PHONY: run test bench

run: $(STAMP)
	$(VENV)/bin/python -m marketplace.devstack run

test: $(STAMP)
	$(VENV)/bin/python -m marketplace.devstack test $(ARGS)

bench: $(STAMP)
	$(VENV)/bin/python -m bench

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when a requirements file is newer than the last install.
$(STAMP): requirements.txt requirements-test.txt | $(VENV)/bin/python
	$(VENV)/bin/python -m pip install --disable-pip-version-check -r requirements-test.txt
	touch $@
