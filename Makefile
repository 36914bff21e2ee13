# Mening Uyim. `make run` serves the demo; `make test` runs the whole suite.
# Both provision .venv from requirements.lock (exact versions, hashes) on first use.

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
MANAGE := $(PY) manage.py
SCALE ?= 0.05
PYTEST_ARGS ?=

.PHONY: run test lint bench install setup demo messages makemessages lock clean triage-model

$(STAMP): requirements.lock
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required"'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements.lock
	touch $(STAMP)

install: $(STAMP)

# The ticket triage model (dispatch/triage): trained from the labelled tickets, not committed;
# rebuilt only when the data, the triage code or the installed packages are newer than it.
TRIAGE_MODEL := var/triage/model.joblib
$(TRIAGE_MODEL): $(STAMP) dispatch/data/tickets.jsonl $(wildcard dispatch/triage/*.py)
	$(MANAGE) train_triage --json

triage-model: $(TRIAGE_MODEL)

setup: install $(TRIAGE_MODEL)
	mkdir -p var
	$(MANAGE) migrate --noinput
	$(MANAGE) compile_translations

demo: setup
	$(MANAGE) seed_demo

run: demo
	bin/serve-embedded

test: install $(TRIAGE_MODEL)
	$(MANAGE) compile_translations
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .
	$(VENV)/bin/lint-imports
	DJANGO_SETTINGS_MODULE=mening_uyim.settings_test $(MANAGE) makemigrations --check --dry-run

bench: install
	DATABASE_URL="$${DATABASE_URL:-sqlite:///$(CURDIR)/var/bench.sqlite3}" $(PY) bench/run.py all --scale $(SCALE)

# Developer tools (need GNU gettext: apt-get install gettext).
makemessages: install
	$(MANAGE) makemessages --no-location --no-obsolete -l uz -l ru -l en -i '.venv/*' -i 'var/*' -i 'tests/*' -i 'bench/*'

lock:
	$(PY) -m piptools compile --quiet --extra dev --generate-hashes --strip-extras --allow-unsafe -o requirements.lock pyproject.toml

clean:
	rm -rf var .pytest_cache .mypy_cache .ruff_cache
