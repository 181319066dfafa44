# Disputes: `make run` serves the demo on http://127.0.0.1:8000, `make test` runs the whole suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# make run polls the card networks' queues every 10 s (SPEC section 12), so a filed demo case moves soon.
DEV_ENV := DJANGO_DEBUG=1 WEBHOOK_ALLOW_PRIVATE_URLS=1 NETWORK_POLL_SECONDS=10
TEST_POSTGRES_URL ?=
# The SQLite suite runs in parallel (pytest-xdist), one worker per core unless told otherwise.
TEST_WORKERS ?= auto

.PHONY: install run serve test test-sqlite test-postgres lint check bench clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

run: install
	$(DEV_ENV) $(BIN)/python manage.py migrate --noinput
	$(DEV_ENV) $(BIN)/python manage.py seed_demo
	@echo "API key (scopes read,write,manage) for program demo:"
	@$(DEV_ENV) $(BIN)/python manage.py create_api_key --program demo --scopes read,write,manage --name "make run" 2>/dev/null
	$(DEV_ENV) $(BIN)/python manage.py setup_schedules
	$(DEV_ENV) $(BIN)/python manage.py setup_demo_webhook --base-url http://127.0.0.1:$${PORT:-8000}
	./scripts/run-dev.sh

# Production-style serving: gunicorn, static files by WhiteNoise, persistent DB connections.
serve: install
	$(BIN)/python manage.py collectstatic --noinput -v0
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/gunicorn disputes_site.wsgi:application --bind 127.0.0.1:8000 --workers $${WEB_CONCURRENCY:-2}

test: install
	./scripts/install-browser.sh
	./scripts/install-letter-libs.sh
	$(BIN)/python -m pytest -m "not postgres" -n $(TEST_WORKERS)
	TEST_POSTGRES_URL="$(TEST_POSTGRES_URL)" ./scripts/test-postgres.sh

lint: install
	$(BIN)/ruff check .

check: install
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python manage.py check

bench: install
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) db.sqlite3 var staticfiles
