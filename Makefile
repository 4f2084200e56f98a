# gongkai — the two commands a newcomer needs are `make demo` and `make test`.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The first Python >= 3.11 on PATH creates the virtual environment.
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null \
	&& { echo $$p; break; }; done)

.PHONY: install demo test lint typecheck pytest bench openapi lock chromium nginx a11y-tools clean

$(STAMP): pyproject.toml requirements.lock
	@test -n "$(PYTHON)" || { echo "需要 Python 3.11 或更高版本（python3.11+ 不在 PATH 上）。"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

# Debian's chromium for the browser tests (Playwright drives it; no browser is downloaded).
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		else echo "未找到 /usr/bin/chromium：请以 root 运行 make test，或手动安装 chromium；浏览器测试将被跳过。"; fi; \
	fi

# Debian's nginx: a test serves the published site through deploy/nginx.conf.
nginx:
	@if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null; \
		else echo "未找到 nginx：请以 root 运行 make test，或手动安装 nginx；nginx 测试将被跳过。"; fi; \
	fi

demo: install
	$(BIN)/gongkai migrate --noinput
	$(BIN)/gongkai load_demo --if-empty
	$(BIN)/gongkai build_site
	$(BIN)/gongkai serve

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy

# The accessibility checkers (Nu HTML checker on Java, axe-core) for the browser tests.
a11y-tools: install
	$(BIN)/python tools/fetch_a11y.py .tools
	@if ! command -v java >/dev/null 2>&1; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null; \
		else echo "未找到 java：请以 root 运行 make test，或手动安装 Java；HTML 校验将被跳过。"; fi; \
	fi

pytest: install chromium nginx a11y-tools
	$(BIN)/pytest $(PYTEST_ARGS)

test: lint typecheck pytest

bench: install
	$(BIN)/python -m bench.run

openapi: install
	$(BIN)/gongkai export_openapi

# Re-pin every dependency (needs network); commit requirements.lock afterwards.
lock: install
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 \
		--no-header -o requirements.lock

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache
