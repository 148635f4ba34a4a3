# The two commands of the README, and a few helpers for developers.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PYTEST_ARGS ?=

.PHONY: run test lint format messages clean-var chromium

$(VENV)/.installed-run: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed-run

## run: start the portal with demo data on http://127.0.0.1:8000 (web, Celery worker, Celery beat)
run: $(VENV)/.installed-run
	$(PY) -m teknokyla.devservices run

# Browser tests need Debian's Chromium; as root we install it, otherwise we say how.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else echo "Browser tests need Chromium: sudo apt-get install chromium"; exit 1; fi; }

## test: lint, Django checks, migrations check, then the whole test suite
test: $(VENV)/.installed-dev chromium
	$(PY) -m teknokyla.devservices --var var/test exec -- sh -c '\
		$(PY) -m ruff check . && \
		$(PY) manage.py check && \
		$(PY) manage.py makemigrations --check --dry-run && \
		$(PY) -m pytest $(PYTEST_ARGS)'

lint: $(VENV)/.installed-dev
	$(PY) -m ruff check . && $(PY) -m ruff format --check .

format: $(VENV)/.installed-dev
	$(PY) -m ruff format . && $(PY) -m ruff check --fix .

## messages: refresh and compile the fi/sv/en catalogues (needs gettext; the .mo files are committed)
messages: $(VENV)/.installed-dev
	$(PY) manage.py makemessages -l fi -l sv -l en --ignore=.venv --ignore=var --ignore=staticfiles
	$(PY) manage.py compilemessages --ignore=.venv

clean-var:
	rm -rf var/test
