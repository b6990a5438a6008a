# Development entry points. `make run` and `make test` work on a fresh clone of a fresh
# Debian 12 machine with PostgreSQL 15 and Redis installed (see README.md).
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.requirements-installed

# Only the commands run against the development database use the local settings;
# pytest takes its settings from pytest.ini.
DJANGO_SETTINGS_MODULE ?= customs_portal.settings.local
MANAGE := DJANGO_SETTINGS_MODULE=$(DJANGO_SETTINGS_MODULE) $(BIN)/python manage.py

DB_NAME := customs_portal
PSQL := psql -h 127.0.0.1 -p 5432 -U postgres

.PHONY: help venv system-packages services db migrate reference demo messages compilemessages collectstatic run test lint-imports

lint-imports: venv
	$(BIN)/lint-imports --no-cache

help:
	@echo "make run    - set everything up and serve the portal on http://127.0.0.1:8000 (Ctrl-C stops)"
	@echo "make test   - run the linter and the whole test suite (what CI runs)"
	@echo "other targets: venv system-packages services db migrate reference demo messages compilemessages collectstatic"

venv: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check -r requirements-dev.txt
	touch $@

system-packages:
	bash scripts/install_system_packages.sh

services:
	bash scripts/ensure_services.sh

db: services
	@$(PSQL) -tAc "SELECT 1 FROM pg_database WHERE datname = '$(DB_NAME)'" | grep -q 1 \
		|| { echo "creating database $(DB_NAME)"; createdb -h 127.0.0.1 -p 5432 -U postgres $(DB_NAME); }

migrate: venv db
	$(MANAGE) migrate --noinput

reference: migrate
	$(MANAGE) load_reference_data

# The demo accounts, then (once: the command does nothing on a database that has one) the demo
# history: ~30 enterprises and ~2,000 declarations of the last weeks, through the services; then the
# statistics derived from them (beat keeps them up to date every minute afterwards).
demo: reference
	$(MANAGE) seed_demo
	$(MANAGE) demo_history
	$(MANAGE) statistics_refresh --rebuild

# The Vietnamese catalogue after a change of texts: translate what it adds (tests/test_translations.py checks).
messages: venv system-packages
	$(MANAGE) makemessages -l vi --ignore '$(VENV)' --ignore var --ignore node_modules --ignore bench --ignore tests

# Translations are compiled from locale/*.po when there are any; .venv is not ours to compile.
compilemessages: venv system-packages
	@if find . -path ./$(VENV) -prune -o -name '*.po' -path '*/LC_MESSAGES/*' -print | grep -q .; then \
		$(MANAGE) compilemessages --ignore '$(VENV)' --ignore 'node_modules'; \
	fi

collectstatic: venv
	$(MANAGE) collectstatic --noinput --verbosity 0

run: system-packages demo compilemessages collectstatic
	bash scripts/run_dev.sh

# The linters first (ruff.toml, .importlinter): they take seconds, the suite minutes.
test: venv system-packages services compilemessages
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/pytest
