# Mening Uyim. `make run` serves the demo; `make test` runs the whole suite.
# Both provision .venv from requirements.lock (exact versions, hashes) on first use.

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
MANAGE := $(PY) manage.py
SCALE ?= 0.05
# `make test` runs one pytest-xdist worker per core (each with its own test database and
# Redis database; a file's tests stay on one worker, the longest files first: tests/conftest.py).
# TEST_WORKERS=0 runs in one process.
TEST_WORKERS ?= auto
PYTEST_ARGS ?=

.PHONY: run test lint audit bench fuzz screenshots install setup demo messages makemessages lock clean triage-model

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
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .
	$(VENV)/bin/lint-imports
	DJANGO_SETTINGS_MODULE=mening_uyim.settings_test $(MANAGE) makemigrations --check --dry-run

# Static security checks (RELIABILITY.md): bandit at medium severity and above (each
# accepted finding is justified inline with `# nosec <id> # why`), and pip-audit of the
# lock file against PyPI's advisory data (needs the registry; README lists exceptions).
audit: install
	$(VENV)/bin/bandit -q -r . -x ./.venv,./tests,./bench,./var --severity-level medium
	mkdir -p var
	$(VENV)/bin/pip-audit -r requirements.lock --disable-pip --require-hashes --progress-spinner off \
	  -f json -o var/pip-audit.json
	$(PY) bin/pip-audit-summary var/pip-audit.json

bench: install
	DATABASE_URL="$${DATABASE_URL:-sqlite:///$(CURDIR)/var/bench.sqlite3}" $(PY) bench/run.py all --scale $(SCALE)

# Schema fuzzing (RELIABILITY.md): schemathesis as every role against a live server on a
# fresh demo database, a fresh seed each time; CI runs it bounded with a fixed seed.
FUZZ_EXAMPLES ?= 50
FUZZ_SEED ?=
fuzz: install $(TRIAGE_MODEL)
	$(MANAGE) compile_translations
	$(PY) bin/fuzz-api --examples $(FUZZ_EXAMPLES) $(if $(FUZZ_SEED),--seed $(FUZZ_SEED))

# Every persona's home at 1280 and 390 px, on a fresh demo site, into var/screenshots/
# (SCREENSHOTS_DIR to change it); the browser test of the same module checks every page.
screenshots: install $(TRIAGE_MODEL)
	$(MANAGE) compile_translations
	$(PY) -m pytest tests/e2e/test_pages_seen.py -k screenshots

# Developer tools (need GNU gettext: apt-get install gettext).
makemessages: install
	$(MANAGE) makemessages --no-location --no-obsolete -l uz -l ru -l en -i '.venv/*' -i 'var/*' -i 'tests/*' -i 'bench/*'

lock:
	$(PY) -m piptools compile --quiet --extra dev --generate-hashes --strip-extras --allow-unsafe -o requirements.lock pyproject.toml

clean:
	rm -rf var .pytest_cache .mypy_cache .ruff_cache
