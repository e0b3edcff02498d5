#!/bin/sh
# Container entrypoint. The web container (gunicorn) brings the database schema up to date and
# collects the static files into the shared volume and makes the bucket (when AWS_* names
# one) before it starts; the Celery worker and beat start straight away (compose starts them
# after web is healthy).
set -eu

case "${1:-}" in
gunicorn)
    python manage.py migrate --noinput
    python manage.py collectstatic --noinput -v 0
    python manage.py ensure_bucket
    ;;
esac

exec "$@"
