# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint install install-dev browser demo-code screenshots messages

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit("Stepwise needs Python >= 3.11") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## make run: set up, migrate, load demo data into an empty database, start web + worker.
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py loaddemo --quiet-if-loaded
	$(BIN)/python manage.py serve

## make demo-code: the demo therapists' current two-step sign-in code.
demo-code: install
	@$(BIN)/python manage.py demo_code

## make screenshots: the README's screenshots of the demo, at phone and desktop width.
screenshots: install-dev browser
	$(BIN)/python scripts/screenshots

## make messages: update every translation catalogue from the sources and compile it (needs
## GNU gettext). The compiled catalogues are committed: running Stepwise needs neither.
messages: install-dev
	$(BIN)/python manage.py messages

browser: install-dev
	@scripts/ensure-browser

## make test: set up the test dependencies and a browser, then run the whole suite, one process
## per core (TEST_WORKERS=0 for one process; tests marked xdist_group run in the same process).
TEST_WORKERS ?= auto
test: install-dev browser
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy stepwise tests
	$(BIN)/lint-imports
	$(BIN)/python manage.py messages --check
	$(BIN)/bandit -c pyproject.toml -r stepwise -ll
