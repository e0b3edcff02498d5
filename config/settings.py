"""Bekwaam settings, read from the environment.

With no environment at all the app runs on the embedded default: SQLite, private files under
var/, e-mail to the console and Celery tasks run in-process (no broker). Production sets
DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS, DJANGO_SECURE=1, DATABASE_URL and CELERY_BROKER_URL;
see README.md.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from kombu import Queue

from config.sso_settings import sso_settings, with_sso_form_action

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("BEKWAAM_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _dev_secret_key() -> str:
    # The embedded default needs a stable key across restarts without anyone choosing one;
    # production must set DJANGO_SECRET_KEY (check --deploy refuses this one's absence).
    key_file = VAR_DIR / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


DEBUG = env_bool("DJANGO_DEBUG", False)
SECURE = env_bool("DJANGO_SECURE", False)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or _dev_secret_key()
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "csp",
    "auditlog",
    # Ours, in the one direction imports run (tests/test_architecture.py): an app imports
    # only from apps above it in this list.
    "qualifications",
    "organisation",
    "portfolios",
    "assessments",
    "dashboards",
    "reports",
    "credentials",
    "notifications",
    # Backups and storage checks: knows every app's files, so it comes last.
    "maintenance",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.ChosenLanguageMiddleware",
    "config.middleware.RefuseNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Who changed what (django-auditlog) and our own audit rows: refusals and downloads.
    "auditlog.middleware.AuditlogMiddleware",
    "organisation.audit.AuditMiddleware",
    # Axes must come last so that it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "notifications.context_processors.unread_notifications",
            ],
        },
    },
]

# Two roles on PostgreSQL: the app connects with DATABASE_URL as a role that owns nothing (it
# cannot drop or disable the insert-only triggers, nor TRUNCATE), and `manage.py migrate` runs
# as the schema's owner, DATABASE_MIGRATE_URL (manage.py sets BEKWAAM_DB_AS_OWNER for it). The
# owner then grants the app's role what it needs (config.db_roles). Without
# DATABASE_MIGRATE_URL both are the same role, as on SQLite.
DATABASE_APP_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}"
DATABASE_MIGRATE_URL = os.environ.get("DATABASE_MIGRATE_URL", "")
DATABASE_AS_OWNER = env_bool("BEKWAAM_DB_AS_OWNER") and bool(DATABASE_MIGRATE_URL)


def _database(url: str) -> dict:
    """One connection's settings, the same for the primary and the replica."""
    database = dj_database_url.parse(
        url,
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        # A kept connection that PostgreSQL dropped (a restart, a failover) is noticed before
        # a request uses it, so the request gets a new one instead of an error.
        conn_health_checks=True,
    )
    if database["ENGINE"] == "django.db.backends.postgresql":
        # No JIT: the dashboards' larger queries cross its cost threshold, and compiling took
        # 28 of 70 ms of such a query, every time (EXPLAIN ANALYZE). A web app's queries are
        # short; JIT pays off only for long analytical ones.
        # random_page_cost 1.1, not PostgreSQL's 4 (made for spinning disks): a school's data
        # is read from memory or SSD, and with 4 the planner hashed the whole school's
        # bewijsstukken, links and sign-offs for one large klas instead of following the
        # indexes from its students (the klas of 3 000 in a school of 13 000: 220 -> 190 ms).
        # Put before any options the URL carries (e.g. ?options=-c search_path=...), so that
        # a server tuned otherwise can say so there: the last -c wins.
        options = database.setdefault("OPTIONS", {})
        planner = "-c jit=off -c random_page_cost=1.1"
        options["options"] = f"{planner} {options.get('options', '')}".strip()
    return database


DATABASES = {"default": _database(DATABASE_MIGRATE_URL if DATABASE_AS_OWNER else DATABASE_APP_URL)}
# A PostgreSQL streaming replica for the dashboards (config.replica): with no replica, or
# while migrating as the owner, every query goes to the primary.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL and not DATABASE_AS_OWNER:
    if not DATABASE_REPLICA_URL.startswith(("postgres://", "postgresql://")):
        raise ImproperlyConfigured("DATABASE_REPLICA_URL must be a PostgreSQL streaming replica")
    DATABASES["replica"] = _database(DATABASE_REPLICA_URL)
    # A replica host that does not answer costs a page at most two seconds, not the minutes
    # of a TCP connect; then the primary is read (config.replica).
    DATABASES["replica"]["OPTIONS"].setdefault("connect_timeout", 2)
    # Tests run on one database: the replica is the primary there.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["config.replica.ReplicaRouter"]
    _auth = MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware")
    MIDDLEWARE.insert(_auth + 1, "config.replica.ReplicaPinMiddleware")
BEKWAAM_REPLICA_MAX_LAG_SECONDS = float(os.environ.get("BEKWAAM_REPLICA_MAX_LAG_SECONDS", "30"))
BEKWAAM_REPLICA_CHECK_SECONDS = float(os.environ.get("BEKWAAM_REPLICA_CHECK_SECONDS", "5"))
BEKWAAM_REPLICA_PIN_SECONDS = int(os.environ.get("BEKWAAM_REPLICA_PIN_SECONDS", "10"))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {"init_command": "PRAGMA foreign_keys=ON;"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    VAR_DIR.mkdir(parents=True, exist_ok=True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
FIXTURE_DIRS = [BASE_DIR / "fixtures"]
AUTH_USER_MODEL = "organisation.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# School sign-in with OpenID Connect (SURFconext); off unless configured, see README.md.
_SSO = sso_settings(os.environ)
globals().update(_SSO)  # BEKWAAM_OIDC_* and mozilla-django-oidc's OIDC_* settings
if _SSO["BEKWAAM_OIDC_ENABLED"]:
    AUTHENTICATION_BACKENDS.append("organisation.sso.SchoolOIDCBackend")
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "organisation.passwords.UserAttributeSimilarityValidator"},
    # ASVS 5.0 (6.2.1): at least 12 characters; the common-password list stays.
    {
        "NAME": "organisation.passwords.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "organisation.passwords.CommonPasswordValidator"},
    {"NAME": "organisation.passwords.NumericPasswordValidator"},
]
LOGIN_URL = "login"
# Each role lands on its own work (organisation.views.home).
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# A session ends after this many seconds without a request (default 8 hours): every request
# moves the expiry on. A password change ends the other sessions (Django's session auth hash).
SESSION_COOKIE_AGE = int(os.environ.get("BEKWAAM_SESSION_IDLE_SECONDS", str(8 * 3600)))
SESSION_SAVE_EVERY_REQUEST = True
# ...but config.sessions skips the write while the stored deadline is under a minute old.
SESSION_ENGINE = "config.sessions"
# The notification bell's count is cached per user this long at most (notifications.selectors).
BEKWAAM_UNREAD_CACHE_SECONDS = int(os.environ.get("BEKWAAM_UNREAD_CACHE_SECONDS", "60"))
# Password-reset links work once, for this many seconds (default 1 hour).
PASSWORD_RESET_TIMEOUT = int(os.environ.get("BEKWAAM_PASSWORD_RESET_TIMEOUT", "3600"))

# Login throttling: five failures per username and address lock that pair for an hour.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# axes would also write a row for every successful sign-in (address, browser) that nothing
# reads and nothing deletes: 10 000 students signing in daily leave millions a year. The
# audit log records sign-ins already, and is pruned (organisation.audit).
AXES_DISABLE_ACCESS_LOG = True

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Nederlands")), ("en", _("Engels"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", VAR_DIR / "static"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns on every start otherwise
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Front-end packages come from npm at set-up (package.json), never from a CDN.
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("vendor/bootstrap-icons", BASE_DIR / "node_modules" / "bootstrap-icons" / "font"),
]
# Uploads live outside the web root and are only served through access-checked views.
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media-never-served/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Object storage: with a bucket, uploads, thumbnails and reports live in an S3-compatible
# store (MinIO, a cloud bucket), so any web node or worker can read what another wrote.
# The names are django-storages' own. Without a bucket the local disk above stays the
# embedded default.


def s3_storage(environ) -> dict:
    """The STORAGES entry for an S3-compatible bucket, from django-storages' names."""
    endpoint = environ.get("AWS_S3_ENDPOINT_URL") or None
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": environ["AWS_STORAGE_BUCKET_NAME"],
            "endpoint_url": endpoint,
            "access_key": environ.get("AWS_ACCESS_KEY_ID") or None,
            "secret_key": environ.get("AWS_SECRET_ACCESS_KEY") or None,
            "region_name": environ.get("AWS_S3_REGION_NAME") or ("us-east-1" if endpoint else None),
            "location": environ.get("AWS_LOCATION", ""),
            # A self-hosted endpoint (http://minio:9000) has no per-bucket host names.
            "addressing_style": environ.get("AWS_S3_ADDRESSING_STYLE")
            or ("path" if endpoint else None),
            "signature_version": "s3v4",
            # Objects stay private: no ACL, no public URL; every read goes through a view.
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": 60,
            # Uploads get random names, and reports are written under their job's name on
            # purpose: a PUT replaces an object whole, readers see the old or the new one.
            "file_overwrite": True,
            # Files read whole (thumbnails, ZIP assembly) spill to a temporary file past 5 MB.
            "max_memory_size": 5 * 1024 * 1024,
        },
    }


AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
if AWS_STORAGE_BUCKET_NAME:
    STORAGES["default"] = s3_storage(os.environ)

# The cache is shared by every web node when Redis is configured, so nothing a request
# needs lives in one process; the embedded default keeps a per-process memory cache.
CACHE_URL = os.environ.get("CACHE_URL") or os.environ.get("REDIS_URL", "")
if CACHE_URL:
    CACHES = {
        "default": {
            # Redis away is a cache miss, not an error page (config.cache).
            "BACKEND": "config.cache.ForgivingRedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "bekwaam",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Template fragments that depend only on the code, the role, the page and the language
# (templates/base.html): kept per process, so they cost no round trip to Redis and a new
# release, which starts new processes, never serves the old release's fragments.
CACHES["fragments"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "fragments",
    "OPTIONS": {"MAX_ENTRIES": 5000},
}
# The embedded default serves static files straight from the finders; production runs
# collectstatic and lets nginx serve them.
WHITENOISE_USE_FINDERS = env_bool("WHITENOISE_USE_FINDERS", True)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Content-Security-Policy: nothing inline, nothing from third parties.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
# After a school sign-in, logging out continues at the school's provider (organisation.sso).
CONTENT_SECURITY_POLICY = with_sso_form_action(
    CONTENT_SECURITY_POLICY, _SSO["BEKWAAM_OIDC_LOGOUT_ORIGINS"]
)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if SECURE:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # Behind nginx the health check comes over plain HTTP from inside the network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Celery: with no broker configured tasks run in-process, so the embedded default needs none.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Long work has queues of its own, so that a report rush or an import of thousands of
# students never holds up a mail, a thumbnail or a sweep behind it, and the student reports
# of klas reports (a task per student, reports.services.KLAS_QUEUE) never hold up a
# student's own report or a klas report's ZIP. A plain `celery worker` takes from every
# queue in turn (kombu's Redis transport rotates them after each message);
# `-Q reports,klas-reports` gives reports workers of their own.
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_QUEUES = [Queue(name) for name in ("celery", "reports", "klas-reports", "imports")]
CELERY_TASK_ROUTES = {
    "reports.tasks.render_report": {"queue": "reports"},
    "organisation.tasks.run_import": {"queue": "imports"},
}
# WeasyPrint keeps about 0.22 MB of every PDF it writes (a klas report of 226 students on
# one worker child: 173 MB after its first PDF, 221 MB at the end), so a child making a school's
# reports would grow by gigabytes. A child past this size finishes its task and is replaced
# by a fresh one (the prefork pool, as in production).
BEKWAAM_WORKER_MAX_MEMORY_MB = int(os.environ.get("BEKWAAM_WORKER_MAX_MEMORY_MB", "400"))
CELERY_WORKER_MAX_MEMORY_PER_CHILD = BEKWAAM_WORKER_MAX_MEMORY_MB * 1024  # in KiB
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# PDF reports: the task's hard time limit. One student report takes a second or two and a
# klas's ZIP a few more, so a minute is generous; a worker's claim (lease) lasts a little
# longer than this, and the sweep looks twice per time limit, so a report whose worker was
# killed is taken over within about 1.5 time limits (reports.services.lease_seconds).
BEKWAAM_REPORT_TIME_LIMIT = int(os.environ.get("BEKWAAM_REPORT_TIME_LIMIT", "60"))
BEKWAAM_REPORT_SWEEP_SECONDS = max(5, BEKWAAM_REPORT_TIME_LIMIT // 2)
# Seconds between beat's sweeps of the outbox (notifications.tasks.sweep_mail).
BEKWAAM_MAIL_SWEEP_INTERVAL = float(os.environ.get("BEKWAAM_MAIL_SWEEP_INTERVAL", "30"))
# At most this many mails a minute (0: no limit), for a mail server with a quota (Exchange
# Online allows 30 a minute per mailbox): the sweep then queues every mail, at that rate,
# and a start-of-year import's thousands of activation mails go out over hours instead of
# being refused and given up. Needs a broker (without one mails are sent at commit).
BEKWAAM_MAIL_PER_MINUTE = int(os.environ.get("BEKWAAM_MAIL_PER_MINUTE", "0"))
# Run by `celery beat`; the times are in CELERY_TIMEZONE (Europe/Amsterdam).
CELERY_BEAT_SCHEDULE = {
    "portfolios-daily-digest": {
        "task": "portfolios.tasks.send_daily_digests",
        "schedule": crontab(hour=7, minute=0),
    },
    # Sends outbox mails that never reached the broker, were deferred or lost their worker.
    "notifications-sweep-mail": {
        "task": "notifications.tasks.sweep_mail",
        "schedule": BEKWAAM_MAIL_SWEEP_INTERVAL,
    },
    "organisation-prune-audit-log": {
        "task": "organisation.tasks.prune_audit_log",
        "schedule": crontab(hour=3, minute=30),
    },
    # Expired sessions and old sign-in records (organisation.audit.sign_ins_prune).
    "organisation-prune-sign-ins": {
        "task": "organisation.tasks.prune_sign_ins",
        "schedule": crontab(hour=3, minute=40),
    },
    "organisation-prune-import-files": {
        "task": "organisation.tasks.prune_import_files",
        "schedule": crontab(hour=3, minute=45),
    },
    "notifications-prune-sent-mail": {
        "task": "notifications.tasks.prune_sent_mail",
        "schedule": crontab(hour=3, minute=50),
    },
    # Re-queues report jobs whose worker died (reports.services.sweep_stuck_jobs).
    "reports-sweep-stuck": {
        "task": "reports.tasks.sweep_stuck_reports",
        "schedule": float(BEKWAAM_REPORT_SWEEP_SECONDS),
    },
}
# Redis hands an unacknowledged message to another worker after this many seconds; the
# report claim (reports.services) makes such a second delivery harmless.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "3600"))
}
# Publishing a task while the broker is down gives up after about a second (then the request
# goes on and the outbox sweep sends later) instead of holding the request for long.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.3,
    "interval_max": 0.5,
}
CELERY_BROKER_TRANSPORT_OPTIONS.update(socket_connect_timeout=3, socket_timeout=10)
# Outbox mails: a worker holds a mail this many seconds (the send task is killed before), and
# beat sweeps every BEKWAAM_MAIL_SWEEP_INTERVAL seconds: a mail whose worker died goes out
# within lease + interval (90 s by default).
BEKWAAM_MAIL_LEASE = int(os.environ.get("BEKWAAM_MAIL_LEASE", "60"))
# The sweep leaves a just-written mail to its own task for this many seconds.
BEKWAAM_MAIL_SWEEP_GRACE = int(os.environ.get("BEKWAAM_MAIL_SWEEP_GRACE", "15"))
# Tests only: seconds a mail task sleeps after claiming its row, to kill it mid-send.
BEKWAAM_MAIL_TEST_DELAY = float(os.environ.get("BEKWAAM_MAIL_TEST_DELAY", "0"))

EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# Well inside the mail lease (BEKWAAM_MAIL_LEASE): a hung server is an error, not a stall.
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "20"))
# The file backend (DJANGO_EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend)
# writes each mail under this directory; the outbox tests read what a worker sent there.
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Bekwaam <noreply@localhost>")

# SBB XML uploads: a full SBB export is tens of MB.
SBB_XML_MAX_BYTES = int(os.environ.get("SBB_XML_MAX_BYTES", str(100 * 1024 * 1024)))
# Evidence uploads: a short phone video is the largest thing a student should need.
BEKWAAM_UPLOAD_MAX_BYTES = int(os.environ.get("BEKWAAM_UPLOAD_MAX_BYTES", str(100 * 1024 * 1024)))
BEKWAAM_STUDENT_QUOTA_BYTES = int(
    os.environ.get("BEKWAAM_STUDENT_QUOTA_BYTES", str(1024 * 1024 * 1024))
)
# ClamAV's clamd scans every upload when this is set (tcp://127.0.0.1:3310 or
# unix:///run/clamav/clamd.ctl); a scanner that is set but down refuses uploads. Unset (the
# embedded default, a laptop or a demo) means no scan: clamd needs about 1 GB of memory for
# its signatures, more than a small install should need. Set clamd's StreamMaxLength to at
# least BEKWAAM_UPLOAD_MAX_BYTES, or large files are refused.
BEKWAAM_CLAMD_URL = os.environ.get("BEKWAAM_CLAMD_URL", "")
BEKWAAM_CLAMD_TIMEOUT = float(os.environ.get("BEKWAAM_CLAMD_TIMEOUT", "60"))
# Behind nginx, let it send the file (internal location /protected-media/ -> MEDIA_ROOT)
# after Django has checked access, so a worker is not tied up streaming video.
BEKWAAM_X_ACCEL_REDIRECT = env_bool("BEKWAAM_X_ACCEL_REDIRECT", False)
# Invite links for praktijkopleiders work once, and for this many seconds (default 7 days).
BEKWAAM_INVITE_MAX_AGE = int(os.environ.get("BEKWAAM_INVITE_MAX_AGE", str(7 * 24 * 3600)))
# A praktijkopleider may still review evidence from an ended BPV-periode for this many days
# (signing off stops at its end date); after that the student is gone for them.
BEKWAAM_BPV_GRACE_DAYS = int(os.environ.get("BEKWAAM_BPV_GRACE_DAYS", "14"))
# Audit log rows are kept this long, then the beat task deletes them (the PostgreSQL trigger
# allows DELETE of older rows only).
BEKWAAM_AUDIT_RETENTION_DAYS = int(os.environ.get("BEKWAAM_AUDIT_RETENTION_DAYS", "730"))
# Sent e-mails (their text names students and quotes feedback) are kept this long for "did
# that mail go out?", then the beat task deletes them; unsent and failed ones stay.
BEKWAAM_MAIL_RETENTION_DAYS = int(os.environ.get("BEKWAAM_MAIL_RETENTION_DAYS", "90"))
# Links in e-mails are absolute: mails are sent from a task, not from a request.
BEKWAAM_BASE_URL = os.environ.get("BEKWAAM_BASE_URL", "http://127.0.0.1:8000")
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Uploads over 5 MB are spooled here, and cleaned copies are made here. A directory of our
# own, so that what a killed worker left behind can be swept (portfolios/uploads.py) without
# touching anyone else's files in /tmp.
FILE_UPLOAD_TEMP_DIR = os.environ.get("BEKWAAM_UPLOAD_TEMP_DIR") or str(VAR_DIR / "upload-tmp")
Path(FILE_UPLOAD_TEMP_DIR).mkdir(parents=True, exist_ok=True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    # WeasyPrint logs every rendering step at INFO.
    "loggers": {"axes": {"level": "WARNING"}, "weasyprint": {"level": "WARNING"}},
}
