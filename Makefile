# Hubplan. Set-up is two commands: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

# With DEBUG off the web servers and the worker refuse to start without SECRET_KEY
# (hubplan.devkey). The targets here, the load test's gunicorn too, use the development
# key kept in var/secret_key unless SECRET_KEY is set; production sets its own.
export SECRET_KEY ?= $(shell $(PYTHON) -m hubplan.devkey)

.PHONY: run setup install test lint migrations-check messages stop-db clean screenshots backup restore loadtest

# The web server and, beside it, the worker that runs imports, checks and large exports
# (hubplan.jobs); stopping `make run` (Ctrl-C) stops both.
run: setup
	@echo ""
	@echo "Hubplan: http://$(HOST):$(PORT)/  (log in as hr, planner, viewer or admin; password hubplan-demo)"
	@echo ""
	@DEBUG=True $(MANAGE) worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	DEBUG=True $(MANAGE) runserver $(HOST):$(PORT)

# Everything `make run` does except serving: for scripts and CI.
setup: install
	$(MANAGE) migrate --no-input
	$(MANAGE) load_reference
	$(MANAGE) seed_demo

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

# Two test processes (pytest-xdist), one per core of the CI machine, each with its own
# test database; TEST_PROCESSES=0 runs the suite in one process.
TEST_PROCESSES ?= 2
test: install lint migrations-check
	$(BIN)/pytest $(if $(filter 0,$(TEST_PROCESSES)),,-n $(TEST_PROCESSES))

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

migrations-check: install
	$(MANAGE) makemigrations --check --dry-run

# Needs GNU gettext (Debian: gettext). Strings in an app go to <app>/locale, the rest
# (templates/, hubplan/) to hubplan/locale. Compiled .mo files are committed.
messages: install
	$(MANAGE) makemessages -l sv -l en --no-obsolete --no-location -i var -i staticfiles -i docs
	$(MANAGE) compilemessages -i .venv -i var

# Backup and restore of the database the app uses (embedded or DATABASE_URL); see docs/backup.md.
backup: install
	$(MANAGE) backup $(if $(FILE),--output $(FILE))

restore: install
	@test -n "$(FILE)" || { echo "Usage: make restore FILE=var/backups/hubplan-YYYYMMDD-HHMMSS.dump"; exit 2; }
	$(MANAGE) restore $(FILE)

# Refresh the README's pictures: the main pages with the demo data, in Chromium, at 1280×800.
screenshots: install
	SCREENSHOT_DIR=docs/screenshots $(BIN)/pytest -q hubplan/tests/browser/test_main_pages.py

# Load test (docs/loadtest.md): gunicorn with 2 workers on 127.0.0.1, 20 locust users for 30 s on
# the home dashboard, kommun comparison and hubs list. Needs the demo data (`make setup`); against
# the national benchmark data: `make loadtest LOADTEST_DB=hubplan_national`. locust is installed
# here only, from requirements-loadtest.txt, so `make test` stays lean.
loadtest: install $(VENV)/.loadtest-installed
	$(if $(LOADTEST_DB),LOADTEST_DB=$(LOADTEST_DB)) $(BIN)/python loadtest/run.py

$(VENV)/.loadtest-installed: requirements-loadtest.txt
	$(BIN)/python -m pip install --quiet -r requirements-loadtest.txt
	touch $@

stop-db:
	$(BIN)/python -c "from hubplan.embedded_db import stop; stop()"

clean:
	rm -rf $(VENV) var staticfiles
