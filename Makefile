# Wijkpuls task runner: README and CI call these targets, nothing else.
# `make help` lists them. Settings: docs/settings.md; infrastructure: docs/infrastructure.md.

PYTHON_BOOT ?= $(shell command -v python3.11 || command -v python3)
UV_VERSION := 0.13.8
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
BIN := $(VENV)/bin
WEB := shared/web
export PYTHON := $(abspath $(BIN)/python)

.DEFAULT_GOAL := help
.PHONY: help bootstrap browser run demo stop status infra lint typecheck deploy-check test test-unit test-integration test-e2e test-browser

help: ## list the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

bootstrap: $(VENV)/.synced $(WEB)/node_modules/.vendor-copied ## create .venv and the monitor's node_modules with exactly the locked dependencies

# The pages' front-end packages (shared/web, npm ci from package-lock.json; the
# pages load only the files copied into vendor/). deploy/local/web.sh installs npm when missing.
$(WEB)/node_modules/.vendor-copied: $(WEB)/package-lock.json $(WEB)/package.json $(WEB)/copy-vendor.mjs
	deploy/local/web.sh
	@touch $@

# Debian's chromium for the browser tests (tests/browser), apt-get only when it is missing.
browser:
	deploy/local/chromium.sh

$(UV):
	@echo "==> installing uv $(UV_VERSION) into $(TOOLS)/"
	$(PYTHON_BOOT) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.synced: $(UV) uv.lock pyproject.toml
	@echo "==> installing the locked dependencies into $(VENV)/"
	$(UV) sync --frozen --python $(PYTHON_BOOT)
	@touch $@

infra: bootstrap ## start Kafka (KRaft, from Maven jars), Redis, PostgreSQL (the vault's tests) and the OpenID provider (docs/signin.md), create the topics
	deploy/local/up.sh
	deploy/local/postgres.sh start
	deploy/local/oidc.sh start

run: infra ## bring up Kafka, Redis, the services and the Helmond demo load; print where things are
	deploy/local/services.sh start
	$(MAKE) --no-print-directory demo
	deploy/local/services.sh urls

# Two years, so the monitor's trends and year-on-year comparisons have data (docs/demo.md).
DEMO := var/demo/helmond-24m.jsonl

demo: bootstrap ## generate two years of Helmond demo events (once) and load them through the intake
	@mkdir -p $(dir $(DEMO))
	@test -s $(DEMO) || $(BIN)/python -m demo --months 24 --out $(DEMO)
	WIJKPULS_LOADER_API_KEY=$${WIJKPULS_LOADER_API_KEY:-wijkpuls-development-intake-key} $(BIN)/python -m services.intake.loader $(DEMO) --url http://127.0.0.1:$${WIJKPULS_INTAKE_PORT:-8000}
	$(BIN)/python -m demo.vroegsignalering_load --inhabitants 30000  # ~120 signals a month, 12 months; skipped once loaded

stop: ## stop the services, Kafka, Redis, PostgreSQL and the OpenID provider
	-deploy/local/services.sh stop
	-deploy/local/oidc.sh stop
	-deploy/local/postgres.sh stop
	deploy/local/down.sh

status: ## show what is running
	-deploy/local/services.sh status
	-deploy/local/kafka.sh status
	-deploy/local/redis.sh status
	-deploy/local/oidc.sh status

lint: bootstrap ## ruff lint and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: bootstrap ## mypy strict with the pydantic plugin on everything that ships (shared, services) and benchmarks, demo, tools
	$(BIN)/mypy

# kubeconform and kustomize are built into .tools/bin from the Go module proxy (first time about
# a minute; then the script only checks them). The schemas are the ones kept in deploy/schemas.
deploy-check: bootstrap ## validate docker-compose.yml and the Kubernetes overlays (kustomize, kubeconform) offline
	deploy/local/k8s-tools.sh
	deploy/k8s/check.sh
	$(BIN)/pytest -q -p no:cacheprovider tests/unit/test_compose.py tests/unit/test_deploy_manifests.py

# The tiers run in TEST_WORKERS processes (pytest-xdist; work stealing, so the long tests do
# not hold the short ones up): most of the suite waits on Kafka group joins and service
# start-ups. Every test isolates its topics, Redis keys, ports and folders, so they can share
# the broker. TEST_WORKERS=0 runs them in this one process.
TEST_WORKERS ?= 3

test: lint typecheck deploy-check infra browser ## the full suite: lint, types, deploy checks, unit, integration, e2e, browser
	$(BIN)/pytest -n $(TEST_WORKERS) --dist worksteal tests

test-unit: bootstrap ## unit tests only (no broker needed)
	$(BIN)/pytest tests/unit

test-integration: infra ## integration tests against the real broker and Redis
	$(BIN)/pytest tests/integration

test-e2e: infra ## end-to-end tests through the HTTP edges
	$(BIN)/pytest tests/e2e

test-browser: infra browser ## the monitor pages in headless chromium (Playwright, axe-core)
	$(BIN)/pytest tests/browser
