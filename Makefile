# Statdesk: `make run` starts the site with demo data; `make test` checks everything.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := app
POSTGRES_TEST_URL ?= $(STATDESK_TEST_POSTGRES_URL)
# `make test ARGS="-k orders"` passes pytest arguments to both passes; WORKERS=0 runs in this process (no workers).
# worksteal: an idle worker takes queued tests from a busy one, so a long test does not leave a long tail.
ARGS ?=
# 3 workers on CI's 2 cores: tests also wait on browsers, servers and PostgreSQL, and a third keeps both cores busy.
WORKERS ?= 3
PYTEST := $(BIN)/python -m pytest -n $(WORKERS) --dist worksteal
PACKAGES := $(wildcard core accounts search_index catalog roster consultation orders helpdesk subscriptions visits legacy api)

# Debian packages the set-up installs when missing; one apt-get at a time (`make -j` runs set-up steps side by side).
apt_install = flock /tmp/statdesk-apt.lock sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(1) >/dev/null'

.PHONY: setup run test lint unit bench-deps browser-deps oidc-deps haproxy-deps axe-deps font-deps cluster cluster-stop messages clean

setup: $(VENV)/.installed translations

$(VENV)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

translations: $(VENV)/.installed
	$(BIN)/python scripts/i18n.py compile

# Debian's Chromium for the browser tests (Playwright drives it; no browser download).
browser-deps:
	@command -v chromium >/dev/null || $(call apt_install,chromium)

# Debian's wrk, the load generator of benchmarks/pages.py.
bench-deps:
	@command -v wrk >/dev/null || $(call apt_install,wrk)

# Debian's HAProxy, the load balancer of `make cluster` and of the cluster tests.
haproxy-deps:
	@command -v haproxy >/dev/null || test -x /usr/sbin/haproxy || $(call apt_install,haproxy)

# Two web hosts, two workers, the scheduler and HAProxy on loopback (ops/cluster.py, docs/operations.md).
# CLUSTER_PORT (26100), DATABASE_URL and STATDESK_REDIS_URL choose the ports and the shared services.
cluster: setup haproxy-deps
	$(BIN)/python ops/cluster.py up

cluster-stop:
	$(BIN)/python ops/cluster.py down

# The standard OpenID Connect provider the SSO tests run on loopback (npm's oidc-provider,
# pinned by tests/support/oidc/package-lock.json); installed again when the lock file changes.
OIDC_DIR := tests/support/oidc
oidc-deps: $(OIDC_DIR)/node_modules/.package-lock.json

$(OIDC_DIR)/node_modules/.package-lock.json: $(OIDC_DIR)/package-lock.json
	@command -v npm >/dev/null || $(call apt_install,nodejs npm)
	cd $(OIDC_DIR) && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# axe-core, injected into pages by the accessibility browser test (pinned by tests/support/axe/package-lock.json).
AXE_DIR := tests/support/axe
axe-deps: $(AXE_DIR)/node_modules/.package-lock.json

$(AXE_DIR)/node_modules/.package-lock.json: $(AXE_DIR)/package-lock.json
	@command -v npm >/dev/null || $(call apt_install,nodejs npm)
	cd $(AXE_DIR) && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The Unicode font embedded in PDFs (Debian's DejaVu; found at run time, see STATDESK_PDF_FONT_DIRS).
font-deps:
	@test -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf || $(call apt_install,fonts-dejavu-core)

run: setup font-deps
	$(BIN)/flask db upgrade
	$(BIN)/flask demo load
	$(BIN)/flask search reindex
	STATDESK_BACKGROUND_SWEEPS=1 $(BIN)/flask run --port $${PORT:-5000}

lint: setup
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/bandit -q -r app.py $(PACKAGES) --severity-level high
	$(BIN)/python scripts/i18n.py check

# The set-up steps (Python, npm and Debian packages, then lint) run side by side before the two passes.
test:
	$(MAKE) -j4 --output-sync=target setup browser-deps oidc-deps haproxy-deps axe-deps font-deps lint
	$(PYTEST) --db=sqlite $(ARGS)
	@if [ -n "$(POSTGRES_TEST_URL)" ]; then \
	  STATDESK_TEST_POSTGRES_URL="$(POSTGRES_TEST_URL)" $(PYTEST) --db=postgresql -m "not browser" $(ARGS); \
	else echo "PostgreSQL pass not run: set STATDESK_TEST_POSTGRES_URL to run it"; fi

messages: setup
	$(BIN)/python scripts/i18n.py update

clean:
	rm -rf $(VENV) instance .pytest_cache
