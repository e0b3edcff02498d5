# syntax=docker/dockerfile:1
# Production image for Bekwaam: gunicorn (web), Celery worker and beat share it.
# Built by docker-compose.yml; see .env.example for the environment it expects.

# --- Front-end packages from npm (Bootstrap, htmx); never from a CDN ------------------------
FROM node:20-bookworm-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

# --- The application ----------------------------------------------------------------------
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# WeasyPrint needs Pango (with HarfBuzz) and fonts for the PDF reports; uploads need libmagic
# (type), exiftool and webpmux (metadata removal; portfolios/uploads.py). manage.py backup and
# restore need pg_dump/pg_restore of at least the server's version (postgres:16 in compose),
# which Debian bookworm does not ship: they come from the PostgreSQL project's apt repository.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fonts-dejavu \
        libmagic1 libimage-exiftool-perl webp ca-certificates curl \
    && install -d /usr/share/postgresql-common/pgdg \
    && curl -fsSL -o /usr/share/postgresql-common/pgdg/apt.postgresql.org.asc \
        https://www.postgresql.org/media/keys/ACCC4CF8.asc \
    && echo "deb [signed-by=/usr/share/postgresql-common/pgdg/apt.postgresql.org.asc] https://apt.postgresql.org/pub/repos/apt bookworm-pgdg main" \
        > /etc/apt/sources.list.d/pgdg.list \
    && apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client-16 \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 1000 bekwaam \
    && useradd --system --uid 1000 --gid bekwaam --create-home --home-dir /home/bekwaam \
        --shell /usr/sbin/nologin bekwaam

WORKDIR /app

# Dependencies first, so that a code change does not reinstall them. The project itself has
# no importable package (setuptools packages = []): the code runs from /app.
COPY pyproject.toml README.md ./
RUN pip install .

COPY --chown=root:root . .
COPY --from=assets /app/node_modules ./node_modules

# var/ holds the collected static files and the uploads (named volumes in compose) and
# Celery beat's schedule; it is the only place the app writes to.
RUN mkdir -p var/static var/media var/upload-tmp \
    && chown -R bekwaam:bekwaam var \
    && chmod 0755 deploy/entrypoint.sh

USER 1000:1000
ENV DJANGO_STATIC_ROOT=/app/var/static \
    DJANGO_MEDIA_ROOT=/app/var/media \
    WHITENOISE_USE_FINDERS=0
EXPOSE 8000

ENTRYPOINT ["/app/deploy/entrypoint.sh"]
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
