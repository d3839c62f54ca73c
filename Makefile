# One way to run each job. Every target creates and reuses $(VENV) itself.
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
STAMP := $(VENV)/.foryou-installed

.PHONY: venv test lint typecheck unit demo proto bench clean

venv: $(STAMP)

# torch is installed first and pinned: the local CPU wheel; anything else pulls a CUDA build.
$(STAMP): pyproject.toml scripts/install_system_deps.sh
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q torch==2.13.0
	$(PIP) install -q numpy
	$(PIP) install -q -e '.[dev,kafka,ann,web,postgres,train]'
	bash scripts/install_system_deps.sh
	@touch $(STAMP)

lint: venv
	$(VENV)/bin/ruff check src tests $(wildcard benchmarks)
	$(VENV)/bin/ruff format --check src tests $(wildcard benchmarks)

typecheck: venv
	$(VENV)/bin/mypy

unit: venv
	$(VENV)/bin/pytest -q

test: lint typecheck unit

demo: venv
	$(VENV)/bin/foryou demo

proto: venv
	$(PY) scripts/gen_proto.py

bench: venv
	$(VENV)/bin/foryou bench pipeline --json

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
