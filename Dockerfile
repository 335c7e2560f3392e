# The bot in a container: `docker build -t nato-iraq-bot .` then see "Deploying" in README.md (or compose.yaml).
FROM python:3.11-slim

# No .pyc files in a read-only image, logs unbuffered so `docker logs` sees every line at once.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# A dedicated user with no login shell and no password: the bot never runs as root.
RUN useradd --system --uid 10001 --user-group --no-create-home --shell /usr/sbin/nologin bot

WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY cogs ./cogs
# The quick start's install (`make run`) without -e, since nobody edits the image in place; the sources go after.
RUN python -m pip install --quiet . && rm -rf /src

# The shipped pack, owned by root so the bot can read but not change it; mount your own pack over /content.
COPY content /content
# Writable state (the command-sync hash); a volume so it survives a new container.
RUN install -d -o bot -g bot -m 0750 /data
VOLUME ["/data"]

ENV CONTENT_DIR=/content \
    DATA_DIR=/data \
    REQUIRE_TOKEN=true \
    HEALTH_HOST=127.0.0.1 \
    HEALTH_PORT=8080

USER bot
WORKDIR /data

# Inside the container, so loopback is enough; urlopen raises (exit 1) on 503 or no answer.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ['HEALTH_PORT'] + '/healthz', timeout=4)"]

# SIGTERM is what `docker stop` sends; the bot closes the gateway and exits 0 on it.
STOPSIGNAL SIGTERM
CMD ["python", "-m", "bot", "run"]
