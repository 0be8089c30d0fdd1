# The two commands a newcomer types: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-requirements
# The suite on every core (pytest-xdist), a test file to a worker so that its module fixtures are built
# once; `make test PARALLEL=` runs it in one process.
PARALLEL ?= -n auto --dist loadfile

.PHONY: run serve test test-postgres e2e bench bench-load profile bench-agreement bench-evidence demo lint messages translations clean-venv

$(STAMP): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

# The interface's message catalogues: the .po files are committed, the .mo files built from
# them here whenever a .po is newer (a fresh clone builds them all before its first run or test).
CATALOGUES := $(wildcard app/translations/*/LC_MESSAGES/messages.po)
COMPILED := $(CATALOGUES:.po=.mo)

app/translations/%/LC_MESSAGES/messages.mo: app/translations/%/LC_MESSAGES/messages.po | $(STAMP)
	$(BIN)/pybabel -q compile -i $< -o $@

## run: install when needed, prepare instance/ (SQLite), load the checklists, serve on http://127.0.0.1:5000
run: $(STAMP) $(COMPILED)
	$(BIN)/flask init-db
	$(BIN)/flask checklists load
	$(BIN)/flask users bootstrap
	$(BIN)/flask run --host 127.0.0.1 --port 5000

## serve: as run, but under gunicorn (threads in several workers) for more than one person; see README "Serving"
## (MIGRATE_DATABASE_URL and APP_ROLE: migrate as the owner, serve as a role that cannot rewrite the audit trail)
serve: $(STAMP) $(COMPILED)
	DATABASE_URL=$${MIGRATE_DATABASE_URL:-$$DATABASE_URL} $(BIN)/flask init-db $${APP_ROLE:+--app-role $$APP_ROLE}
	$(BIN)/flask checklists load
	$(BIN)/flask users bootstrap
	$(BIN)/flask audit protection
	$(BIN)/gunicorn --config python:app.serving "app:create_app()"

## test: install when needed, run the test suite
test: $(STAMP) $(COMPILED)
	$(BIN)/python -m pytest $(PARALLEL)

## test-postgres: the suite again on PostgreSQL (TEST_DATABASE_URL, default: local test database)
test-postgres: $(STAMP) $(COMPILED)
	TEST_DATABASE_URL=$${TEST_DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test} $(BIN)/python -m pytest $(PARALLEL)

## e2e: browser tests in the system's Chromium (Debian package chromium), with axe-core from npm
E2E_NODE := tests/e2e/node_modules/axe-core/axe.min.js
$(E2E_NODE): tests/e2e/package.json tests/e2e/package-lock.json
	npm ci --prefix tests/e2e --no-audit --no-fund --silent
	touch $(E2E_NODE)

e2e: $(STAMP) $(E2E_NODE) $(COMPILED)
	$(BIN)/python -m pytest -m e2e tests/e2e

## bench: render time and peak memory of the full report beside a reference document
bench: $(STAMP)
	$(BIN)/python bench/report_bench.py

## bench-agreement: exact agreement and weighted kappa of two independent scorings of each fictional SOP
bench-agreement: $(STAMP)
	$(BIN)/python bench/agreement_bench.py

## bench-evidence: recall at 1 and 3 and MRR of evidence suggestions per language, and their speed on an 80-page SOP
bench-evidence: $(STAMP)
	$(BIN)/python bench/evidence_bench.py

## bench-load: 20 assessors and 10 administrators on a seeded region, under gunicorn, on SQLite and PostgreSQL
bench-load: $(STAMP)
	$(BIN)/python bench/load_bench.py

## profile: cProfile profiles of a report render, a scoring page, a save and the dashboard at bench-load's size, into bench/profiles/
profile: $(STAMP) $(COMPILED)
	$(BIN)/python bench/profile_bench.py

## demo: add the fictional Demo CSI Unit with a partly scored assessment
demo: $(STAMP) $(COMPILED)
	$(BIN)/flask init-db
	$(BIN)/flask demo

lint: $(STAMP)
	$(BIN)/ruff check app tests bench
	$(BIN)/ruff format --check app tests bench

## messages: extract translatable strings into app/translations/messages.pot
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k bi -o app/translations/messages.pot .

## translations: derive Serbian Cyrillic from Serbian Latin (never written by hand), then compile every catalogue
translations: $(STAMP)
	test ! -f app/translations/sr_Latn/LC_MESSAGES/messages.po || $(BIN)/flask translations derive-cyrillic
	for po in app/translations/*/LC_MESSAGES/messages.po; do \
	  if [ -f "$$po" ]; then $(BIN)/pybabel -q compile -i "$$po" -o "$${po%.po}.mo" || exit 1; fi; \
	done

clean-venv:
	rm -rf $(VENV)
