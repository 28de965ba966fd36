# The written-answers bot in a container: `docker build -t written-answers-bot .`, then
#   docker run -d --name written-answers --env-file .env -v written-answers-data:/app/data \
#     written-answers-bot
# The store (data/answers.db) lives in the volume at /app/data; see docs/running/deploying.md.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    MPLCONFIGDIR=/tmp/matplotlib

WORKDIR /app

# The package, and the seed record a new store is given (data/ holds no database here: see
# .dockerignore). Installed in place, so that the bot finds its seed beside its code.
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY cogs ./cogs
COPY data ./data
RUN pip install -e . \
    && useradd --system --uid 10001 --home-dir /app --no-create-home bot \
    && chown -R bot:bot /app/data

USER bot
ENV DATABASE_PATH=/app/data/answers.db
VOLUME ["/app/data"]

CMD ["python", "-m", "bot", "run"]
