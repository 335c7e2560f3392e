# The quick start: `make run` and `make test`. Each creates .venv and installs what it needs, once.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: run test lint format check sync bench help new-pack
.DEFAULT_GOAL := help

help:
	@echo "make run     run the bot (reads .env; see README.md); no DISCORD_TOKEN: the local playground"
	@echo "make test    lint and run the test suite"
	@echo "make check   validate the content pack"
	@echo "make sync    register the slash commands with Discord: ARGS=--global, or ARGS='--guild ID'"
	@echo "make new-pack SOURCE=doc.md OUT=mypack   make a content pack from your own document"
	@echo "make lint    ruff: lint and format check"
	@echo "make format  format the code with ruff"
	@echo "make bench   measure the bot against a bare discord.py bot (prints a table)"

$(PY):
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is needed"'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# A stamp per extra: pip runs again only when what it installs from changes (it builds the loader's C fast path).
INSTALLED_FROM := pyproject.toml setup.py bot/content/_plainyaml.c bot/content/_fieldreader.c bot/search/_words.c
$(VENV)/.installed-run: $(INSTALLED_FROM) | $(PY)
	$(PY) -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: $(INSTALLED_FROM) | $(PY)
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $@ $(VENV)/.installed-run

run: $(VENV)/.installed-run
	$(PY) -m bot run

check: $(VENV)/.installed-run
	$(PY) -m bot check

new-pack: $(VENV)/.installed-run
	@test -n "$(SOURCE)" -a -n "$(OUT)" || { echo "usage: make new-pack SOURCE=document OUT=folder [ARGS=--force]"; exit 2; }
	$(PY) -m bot new-pack "$(SOURCE)" --out "$(OUT)" $(ARGS)

sync: $(VENV)/.installed-run
	$(PY) -m bot sync $(ARGS)

lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

format: $(VENV)/.installed-test
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

test: lint
	$(PY) -m bot check
	$(PY) -m pytest

bench: $(VENV)/.installed-test
	$(PY) benchmarks/interactions.py
	$(PY) -m benchmarks.messages
