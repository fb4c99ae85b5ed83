# Two commands from a fresh clone: `make run` and `make test` (ARGS="..." for pytest).
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.requirements-installed
CHROMIUM_STAMP := $(VENV)/.chromium

.PHONY: run test bench drills

run: $(STAMP)
	$(VENV)/bin/python -m marketplace.devstack run

test: $(STAMP) $(CHROMIUM_STAMP)
	$(VENV)/bin/python -m marketplace.devstack test $(ARGS)

bench: $(STAMP)
	$(VENV)/bin/python -m bench

# The fault drills alone; `make test` runs them too.
drills: $(STAMP)
	$(VENV)/bin/python -m marketplace.devstack test -m drill $(ARGS)

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when a requirements file is newer than the last install.
$(STAMP): requirements.txt requirements-test.txt | $(VENV)/bin/python
	$(VENV)/bin/python -m pip install --disable-pip-version-check -r requirements-test.txt
	touch $@

# The browser tests drive Debian's Chromium. Root with apt-get (CI) installs
# it; anyone else is told, and those tests skip without it.
$(CHROMIUM_STAMP): | $(VENV)/bin/python
	@if command -v chromium >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; \
	fi
	@if command -v chromium >/dev/null; then touch $@; else echo \
		"chromium not found: browser tests will skip (apt-get install chromium)"; fi
