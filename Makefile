# The two commands of the README, and a few helpers for developers.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PYTEST_ARGS ?=

.PHONY: run test trust bench lighthouse screens fuzz lint format messages clean-var chromium system-pdf office css

$(VENV)/.installed-run: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed-run

## run: start the portal with demo data on http://127.0.0.1:8000 (web, Celery worker, Celery beat)
run: $(VENV)/.installed-run system-pdf
	$(PY) -m teknokyla.devservices run

# System packages from Debian: Pango and fonts for WeasyPrint's PDF, Voikko (the Finnish morphological analyser
# and its dictionary) for the search, Chromium for the browser tests, and LibreOffice
# Writer (headless, without recommends) with which a test opens the plan's Word edition and prints it to PDF.
# As root we install what is missing; otherwise we say what to install.
PDF_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
SEARCH_PACKAGES := libvoikko1 voikko-fi
OFFICE_PACKAGES := libreoffice-writer-nogui
define apt_ensure
	@missing=""; for pkg in $(1); do dpkg -s $$pkg >/dev/null 2>&1 || missing="$$missing $$pkg"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(2) $$missing; \
	  else echo "Please install:$$missing (sudo apt-get install$$missing)"; exit 1; fi; \
	fi
endef

system-pdf:
	$(call apt_ensure,$(PDF_PACKAGES) $(SEARCH_PACKAGES))

chromium:
	$(call apt_ensure,chromium)

office:
	$(call apt_ensure,$(OFFICE_PACKAGES),--no-install-recommends)

## test: lint and type check, Django checks, migrations check, then the whole test suite
test: $(VENV)/.installed-dev system-pdf chromium office
	$(PY) -m teknokyla.devservices --var var/test exec -- sh -c '\
		$(PY) -m ruff check . && \
		$(PY) -m mypy && \
		$(PY) manage.py check && \
		$(PY) manage.py makemigrations --check --dry-run && \
		$(PY) -m pytest $(PYTEST_ARGS)'

## trust: run the tests marked `trust` and write their figures into docs/trust.md
trust: $(VENV)/.installed-dev system-pdf chromium
	$(PY) -m teknokyla.devservices --var var/test exec -- $(PY) -m pytest -m trust $(PYTEST_ARGS)
	$(PY) -m tests.trust

## fuzz: the hostile-input properties (tests marked fuzz) with many more, freshly drawn examples than make test
fuzz: $(VENV)/.installed-dev system-pdf
	$(PY) -m teknokyla.devservices --var var/test exec -- env HYPOTHESIS_PROFILE=fuzz $(PY) -m pytest -m fuzz $(PYTEST_ARGS)

## bench: the benchmark of bench/README.md on gunicorn, PostgreSQL, Redis and Celery (about 12 minutes)
BENCH_ARGS ?=
bench: $(VENV)/.installed-dev system-pdf
	$(PY) -m teknokyla.devservices --var var/bench exec -- $(PY) -m bench.run $(BENCH_ARGS)

## lighthouse: Lighthouse's scores of the survey page and the dashboard on the production stack (npm, Chromium)
lighthouse: $(VENV)/.installed-dev system-pdf chromium
	$(PY) -m teknokyla.devservices --var var/bench exec -- $(PY) -m bench.lighthouse

## screens: screenshots of the dashboard, a survey page and the workforce page at 375 and 1280 px into docs/screens/
screens: $(VENV)/.installed-dev system-pdf chromium
	$(PY) -m teknokyla.devservices --var var/screens exec -- $(PY) -m teknokyla.screenshots

## lint: ruff's checks and formatting, then mypy's type check (configured in pyproject.toml)
lint: $(VENV)/.installed-dev
	$(PY) -m ruff check . && $(PY) -m ruff format --check . && $(PY) -m mypy

format: $(VENV)/.installed-dev
	$(PY) -m ruff format . && $(PY) -m ruff check --fix .

## messages: refresh and compile the fi/sv/en catalogues (needs gettext; the .mo files are committed)
messages: $(VENV)/.installed-dev
	$(PY) manage.py makemessages -l fi -l sv -l en --ignore=.venv --ignore=var --ignore=staticfiles --ignore=tests --ignore=bench --ignore=assets
	$(PY) manage.py compilemessages --ignore=.venv

clean-var:
	rm -rf var/test

## css: rebuild static/css/bootstrap.min.css from Bootstrap's Sass sources, keeping only what the pages use (npm)
CSS_OUT := static/css/bootstrap.min.css
css:
	cd assets && npm ci --no-audit --no-fund --loglevel=error
	cd assets && npx sass --load-path=node_modules --style=compressed --no-source-map --quiet-deps \
		--silence-deprecation=import,global-builtin,color-functions bootstrap.scss node_modules/.build/bootstrap.css
	cd assets && npx purgecss --config purgecss.config.cjs --css node_modules/.build/bootstrap.css \
		--output node_modules/.build/purged/
	# Sass starts its output with a byte-order mark when the CSS holds non-ASCII text; after the banner it would
	# break the first rule.
	( echo "/*! Bootstrap v5.3.9 (MIT), built by make css from assets/bootstrap.scss: only what the portal uses */"; \
	  sed '1s/^\xEF\xBB\xBF//' assets/node_modules/.build/purged/bootstrap.css ) > $(CSS_OUT)
	@wc -c < $(CSS_OUT) | xargs printf "$(CSS_OUT): %s bytes\n"
