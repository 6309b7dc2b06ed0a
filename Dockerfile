# One image for the four Wijkpuls services; docker-compose.yml picks the command per service:
# python -m services.<name> (intake, reporting and signals run uvicorn, kpi a faust worker).
# Dependencies come from uv.lock exactly (uv sync --frozen), as on a developer machine.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/app/.venv \
    PATH=/app/.venv/bin:$PATH

# The same uv as the Makefile (UV_VERSION), from PyPI.
RUN pip install --no-cache-dir uv==0.13.8

WORKDIR /app

# Dependencies first, in their own layer: it is rebuilt only when the lock changes.
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --frozen --no-dev --no-install-project

COPY shared ./shared
COPY services ./services
RUN uv sync --frozen --no-dev

# Not root. /var/lib/wijkpuls is the working folder of the faust worker (table state).
RUN useradd --system --uid 10001 --no-create-home wijkpuls \
    && mkdir -p /var/lib/wijkpuls \
    && chown wijkpuls /var/lib/wijkpuls
USER wijkpuls

# In a container only listening on every interface is reachable (the settings default to
# 127.0.0.1 for a developer machine).
ENV WIJKPULS_INTAKE_HOST=0.0.0.0 \
    WIJKPULS_REPORTING_HOST=0.0.0.0 \
    WIJKPULS_SIGNALS_HOST=0.0.0.0
EXPOSE 8000 8001 8002
CMD ["python", "-m", "services.intake"]
