# The two commands people run: `make run` and `make test`. Each sets up what it needs first.
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test setup bench lint clean

$(STAMP): pyproject.toml requirements-test.lock scripts/setup.sh
	bash scripts/setup.sh
	touch $(STAMP)

setup: $(STAMP)

run: $(STAMP)
	$(VENV)/bin/regen run

test: $(STAMP)
	bash scripts/setup.sh --test-tools
	$(PY) -m pytest $(PYTEST_ARGS)

bench: $(STAMP)
	$(PY) bench/etl.py
	$(PY) bench/dashboard.py

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

clean:
	-$(VENV)/bin/regen db down
	rm -rf .data tests/artifacts
