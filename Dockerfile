# Production image of the bot; docker-compose.yml runs it next to PostgreSQL 16.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DATA_DIR=/data

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY connectors ./connectors
COPY storage ./storage
COPY sandbox ./sandbox
RUN pip install --no-cache-dir . \
    && useradd --system --uid 10001 --home-dir /data agentiq \
    && mkdir -p /data && chown agentiq /data

USER agentiq
VOLUME ["/data"]
# Liveness from the bot's own /healthz (METRICS_PORT, on in docker-compose.yml): 503 when a
# worker loop stopped or is stuck. start-period covers migrations and the first startup.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-m", "bot.ops.probe"]
CMD ["python", "-m", "bot"]
