# Xinqiao: `make run` to try it, `make test` to check it. Both set up everything they need.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format install install-dev messages collectstatic clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet .
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(PY) -m pip install --quiet ".[dev]"
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed node_modules/.installed messages
install-dev: $(VENV)/.installed-dev node_modules/.installed messages

# Translations are compiled with Babel (pure Python), so no system gettext is needed.
messages: $(VENV)/.installed
	@$(VENV)/bin/pybabel compile --statistics -d locale -D django

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --if-empty
	@echo ""
	@echo "Xinqiao is at http://$(HOST):$(PORT)/  (staff login: http://$(HOST):$(PORT)/accounts/login/)"
	@echo "Demo accounts, password xinqiao-demo: admin director lead counsellor counsellor2 supervisor"
	@echo "  archivist finance worker volunteer teacher"
	@echo ""
	@set -m; $(PY) manage.py run_huey --quiet & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(PY) manage.py runserver $(HOST):$(PORT)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	@# The import contracts of .importlinter (docs/architecture.md): layers, no cycles, views kept private.
	$(VENV)/bin/lint-imports --no-cache

format: install-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# pytest exits 5 when it collects no test; that fails here like any other failure.
test: lint
	$(PY) manage.py makemigrations --check --dry-run >/dev/null
	$(PY) -m pytest -n auto $(PYTEST_ARGS)

collectstatic: install
	$(PY) manage.py collectstatic --noinput

clean:
	rm -rf $(VENV) node_modules var/static
