# Everything goes through uv; if uv is missing it is installed into .tools/ from PyPI.
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
PYTEST_ARGS ?=

.PHONY: setup run test test-sqlite test-postgres lint format bench clean

$(UV):
	python3 -m venv .tools
	.tools/bin/pip install --quiet uv

.venv/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen
	touch .venv/.synced

setup: .venv/.synced

run: setup
	$(UV) run --frozen correspondent serve

test: setup
	$(UV) run --frozen pytest -n 2 $(PYTEST_ARGS)

lint: setup
	$(UV) run --frozen ruff check src tests bench
	$(UV) run --frozen ruff format --check src tests bench
	$(UV) run --frozen mypy

format: setup
	$(UV) run --frozen ruff format src tests bench
	$(UV) run --frozen ruff check --fix src tests bench

bench: setup
	$(UV) run --frozen python -m bench.run_all

clean:
	rm -rf .venv .tools .pytest_cache .mypy_cache .ruff_cache
