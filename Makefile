# Two commands on a fresh machine: `make run` and `make test`. Everything else is set up here.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_URL ?= postgres://postgres@127.0.0.1:5432/congdoan
HOST ?= 127.0.0.1:8000

.PHONY: install run test test-postgres test-e2e lint format messages migrate demo worker clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

migrate: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_units --province 24

demo: migrate
	$(BIN)/python manage.py seed_demo --if-empty

run: demo
	@echo "Serving at http://$(HOST)/ (the import worker runs beside it; Ctrl+C stops both)"
	$(BIN)/python manage.py db_worker --interval 1 & \
	  trap 'kill $$! 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/python manage.py runserver --insecure $(HOST)

worker: install
	$(BIN)/python manage.py db_worker

test: install
	$(BIN)/python -m pytest -n 2

test-postgres: install
	DATABASE_URL=$(PG_URL) $(BIN)/python -m pytest -n 2

test-e2e: install
	$(BIN)/python -m pytest tests/e2e -p no:xdist

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

messages: install
	$(BIN)/python manage.py makemessages -l vi -l en --no-location --no-obsolete \
	  --ignore=.venv --ignore=tests --ignore=benchmarks --ignore=artifacts --ignore=docs
	$(BIN)/python manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm var
