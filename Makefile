# Everything goes through uv; if uv is missing it is installed into .tools/ from PyPI.
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
PYTEST_ARGS ?=
RUN_ARGS ?=
BENCH ?=
BENCH_ARGS ?=

WEB := src/correspondent/web
VENDOR := $(WEB)/static/vendor

.PHONY: setup run test test-under-load test-sqlite test-postgres lint format bench clean addon web-assets messages screenshots

$(UV):
	python3 -m venv .tools
	.tools/bin/pip install --quiet uv

# Bytecode is compiled at set-up: uv does not by default, and without it (or where
# PYTHONDONTWRITEBYTECODE is set) every CLI start compiles the libraries again (2-3 s).
.venv/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --compile-bytecode
	touch .venv/.synced

setup: .venv/.synced web-assets addon
	@$(UV) run --frozen python -m compileall -q src >/dev/null

# The browser assets come from the npm registry at set-up (package-lock.json pins them); only the
# files the pages load are copied, into a git-ignored folder. --ignore-scripts: no install hooks.
web-assets: $(VENDOR)/.copied

$(VENDOR)/.copied: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	mkdir -p $(VENDOR)/swagger-ui
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/
	cp node_modules/swagger-ui-dist/swagger-ui-bundle.js node_modules/swagger-ui-dist/swagger-ui.css $(VENDOR)/swagger-ui/
	touch $@

# Extract the interface text into the catalogs (then translate the new entries in ja).
messages: setup
	$(UV) run --frozen pybabel extract -F $(WEB)/babel.cfg -k N_ --no-location --sort-output -o $(WEB)/locales/messages.pot $(WEB)
	$(UV) run --frozen pybabel update -i $(WEB)/locales/messages.pot -d $(WEB)/locales -D messages --no-fuzzy-matching --ignore-obsolete

# The main pages on the demo data (desktop and phone, English and Japanese) in Debian's Chromium.
screenshots: setup
	$(UV) run --frozen python -m tests.web.screenshots docs/screenshots

run: setup
	$(UV) run --frozen correspondent serve $(RUN_ARGS)

test: setup
	$(UV) run --frozen pytest -n 2 $(PYTEST_ARGS)

# The suite while another CPU-bound process runs on each core (docs/testing.md).
test-under-load: setup
	PYTEST_ARGS="$(PYTEST_ARGS)" .ci/test-under-load

lint: setup
	$(UV) run --frozen ruff check src tests bench
	$(UV) run --frozen ruff format --check src tests bench
	$(UV) run --frozen mypy

format: setup
	$(UV) run --frozen ruff format src tests bench
	$(UV) run --frozen ruff check --fix src tests bench

# `make bench` lists the benchmarks; `make bench BENCH=tracking BENCH_ARGS="--count 1000"` runs one.
bench: setup
ifeq ($(BENCH),)
	@$(UV) run --frozen python -m bench
else
	$(UV) run --frozen python -m bench.$(BENCH) $(BENCH_ARGS)
endif

# The Thunderbird add-on from clients/ (no build step beyond copying and zipping; docs/clients.md),
# into the git-ignored folder the web app's Mail client page offers it from.
XPI := $(WEB)/addons/correspondent-thunderbird.xpi
addon: $(XPI)

$(XPI): clients/build_addon.py $(shell find clients/thunderbird clients/shared -type f -not -path '*/test/*')
	python3 clients/build_addon.py --xpi $@

clean:
	rm -rf .venv .tools .pytest_cache .mypy_cache .ruff_cache dist
