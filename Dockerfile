# One image for every Wijkpuls service; docker-compose.yml and the Kubernetes Deployments
# (deploy/k8s) pick the command: python -m services.<name> (intake, reporting and signals run
# uvicorn, kpi a faust worker, webhooks the alert dispatcher).
#
# Base image: an exact Python 3.11 patch release on Debian 12 (bookworm), the same tag in both
# stages. Its digest could not be read where this file was written (no Docker engine, no
# registry access); the first build on a machine with Docker should record it here, as
# FROM python:3.11.18-slim-bookworm@sha256:<digest> (from `docker buildx imagetools inspect
# python:3.11.18-slim-bookworm`), in both FROM lines.

# ---- builder: the locked dependencies (uv.lock) and the project, in /app/.venv -------------
FROM python:3.11.18-slim-bookworm AS builder

ENV PYTHONDONTWRITEBYTECODE=1 \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/app/.venv

# The same uv as the Makefile (UV_VERSION), from PyPI.
RUN pip install --no-cache-dir uv==0.13.8

WORKDIR /app

# Dependencies first, in their own layer: rebuilt only when the lock changes.
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --frozen --no-dev --no-install-project

# Only the code the services run: shared/ and services/ (no demo/, benchmarks/, tests/).
COPY shared ./shared
COPY services ./services
RUN uv sync --frozen --no-dev \
    && python -m compileall -q shared services

# The pages' front-end packages (shared/web): npm ci from the lock with Debian's
# npm; its postinstall copies only the files the pages load into vendor/ (axe-core, a dev
# dependency of the browser tests, is left out), then node_modules goes.
RUN apt-get update && apt-get install -y --no-install-recommends nodejs npm \
    && rm -rf /var/lib/apt/lists/* \
    && cd shared/web && npm ci --omit=dev --no-audit --no-fund && rm -rf node_modules

# ---- runtime: no build tools, not root ------------------------------------------------------
FROM python:3.11.18-slim-bookworm AS runtime

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/app/.venv/bin:$PATH

# The service user, and the folders it writes: the KPI worker's table state and the signals
# service's identity vault. A named volume (docker-compose.yml) mounted on one of them starts
# as a copy of it, so it is owned by this user too.
RUN groupadd --system --gid 10001 wijkpuls \
    && useradd --system --uid 10001 --gid wijkpuls --no-create-home \
        --home-dir /nonexistent --shell /usr/sbin/nologin wijkpuls \
    && install -d -o wijkpuls -g wijkpuls -m 0750 \
        /var/lib/wijkpuls /var/lib/wijkpuls/kpi /var/lib/wijkpuls/signals

WORKDIR /app
# The virtual environment holds the project as an editable install that points at /app, so
# shared/ and services/ keep their place (and the data files beside the code are found).
COPY --from=builder /app/.venv /app/.venv
COPY --from=builder /app/shared /app/shared
COPY --from=builder /app/services /app/services

# In a container only listening on every interface is reachable (the settings default to
# 127.0.0.1 for a developer machine); state goes to the folders made above.
ENV WIJKPULS_INTAKE_HOST=0.0.0.0 \
    WIJKPULS_REPORTING_HOST=0.0.0.0 \
    WIJKPULS_SIGNALS_HOST=0.0.0.0 \
    WIJKPULS_KPI_DATA_DIR=/var/lib/wijkpuls/kpi \
    WIJKPULS_SIGNALS_DATABASE_URL=sqlite:////var/lib/wijkpuls/signals/vault.db

USER 10001:10001
EXPOSE 8000 8001 8002 8003 6066

# Each service answers on its own port; HEALTHCHECK_URL says which (the default is the
# intake's, the default command). docker-compose.yml sets a healthcheck per service.
ENV HEALTHCHECK_URL=http://127.0.0.1:8000/health
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen(os.environ['HEALTHCHECK_URL'], timeout=4)"]

CMD ["python", "-m", "services.intake"]
