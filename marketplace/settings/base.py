"""Settings shared by every environment; each value comes from the environment.

`local`, `test` and `production` import this module and change only what
differs there. SPEC section 6 lists the variables that are part of the contract.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    return env(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


SECRET_KEY = env("SECRET_KEY", "insecure-development-key-do-not-use-in-production")
DEBUG = env_bool("DEBUG")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "django_filters",
    "django_prometheus",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "storages",
    "accounts",
    "orgs",
    "catalog",
    "inventory",
    "orders",
    "reviews",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "marketplace.requestlog.RequestIdMiddleware",
    "marketplace.errors.BodySizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "marketplace.idempotency.IdempotencyMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "marketplace.urls"
ASGI_APPLICATION = "marketplace.asgi.application"
APPEND_SLASH = False

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Data stores -----------------------------------------------------------

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/marketplace"),
        conn_health_checks=True,
    )
}
# Under ASGI each request's sync code may run on a new thread, so Django's
# persistent connections are rarely reused and pile up until PostgreSQL
# refuses more, while opening one per request costs milliseconds. A pool per
# process lends each request a connection and takes it back at the end.
# DB_POOL_MAX_SIZE=0 turns it off (one connection per request), e.g. behind
# PgBouncer in transaction mode. A request that waits DB_POOL_TIMEOUT seconds
# for a connection (the database is down, or the pool exhausted) gets a 503.
DB_POOL_MAX_SIZE = int(env("DB_POOL_MAX_SIZE", "20"))
DB_POOL_TIMEOUT = float(env("DB_POOL_TIMEOUT", "5"))
if DB_POOL_MAX_SIZE:
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": DB_POOL_MAX_SIZE,
        "timeout": DB_POOL_TIMEOUT,
    }
# Metrics per query and per connection come from django-prometheus' wrapper.
DATABASES["default"]["ENGINE"] = "django_prometheus.db.backends.postgresql"

REDIS_URL = env("REDIS_URL", "redis://127.0.0.1:6379/0")
CACHES = {
    "default": {
        "BACKEND": "django_prometheus.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "mk",
        "OPTIONS": {
            "CLIENT_CLASS": "django_redis.client.DefaultClient",
            "SOCKET_CONNECT_TIMEOUT": 2,
            "SOCKET_TIMEOUT": 2,
        },
    }
}

# The cache is an accelerator: when Redis is down, cache reads miss and the
# request goes on (throttles open, pages come from the database). Code that
# needs Redis for correctness talks to it directly and answers 503.
DJANGO_REDIS_IGNORE_EXCEPTIONS = True
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
DJANGO_REDIS_LOGGER = "marketplace.cache"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# U-03: bcrypt. The SHA-256 pre-hash lets passwords longer than 72 bytes count.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
]

# --- Object storage (P-09) -------------------------------------------------

AWS_S3_ENDPOINT_URL = env("AWS_S3_ENDPOINT_URL") or None
# Presigned URLs are signed for the host a browser reaches; in compose the
# server talks to `minio:9000` while the browser sees `localhost:9000`.
AWS_S3_PUBLIC_ENDPOINT_URL = env("AWS_S3_PUBLIC_ENDPOINT_URL") or AWS_S3_ENDPOINT_URL
AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME", "marketplace")
AWS_ACCESS_KEY_ID = env("AWS_ACCESS_KEY_ID") or None
AWS_SECRET_ACCESS_KEY = env("AWS_SECRET_ACCESS_KEY") or None
AWS_S3_REGION_NAME = env("AWS_S3_REGION_NAME", "us-east-1")
AWS_S3_ADDRESSING_STYLE = "path"
AWS_S3_SIGNATURE_VERSION = "s3v4"
AWS_DEFAULT_ACL = None
AWS_QUERYSTRING_EXPIRE = 3600

STORAGES = {
    "default": {"BACKEND": "storages.backends.s3.S3Storage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Serve the admin's, DRF's and Swagger's assets straight from the installed
# packages, so no collectstatic step is needed outside production.
WHITENOISE_USE_FINDERS = True

# --- Mail ------------------------------------------------------------------

EMAIL_HOST = env("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(env("EMAIL_PORT", "25"))
    EMAIL_HOST_USER = env("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = env("MAIL_DIR", str(BASE_DIR / "var" / "mail"))
DEFAULT_FROM_EMAIL = env(
    "DEFAULT_FROM_EMAIL", "Marketplace <no-reply@marketplace.local>"
)
# Links in e-mails (invitations) point at the public site.
PUBLIC_BASE_URL = env("PUBLIC_BASE_URL", "http://127.0.0.1:8000")

# --- Time ------------------------------------------------------------------

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- HTTP API --------------------------------------------------------------

# SPEC: request bodies over 5 MiB are refused with 413.
MAX_REQUEST_BODY_BYTES = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_REQUEST_BODY_BYTES

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.RevocableJWTAuthentication",
        # Lets staff logged in at /api-auth/login/ use the browsable API;
        # DRF enforces CSRF on these session requests.
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "marketplace.pagination.CursorPagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_THROTTLE_CLASSES": [
        "marketplace.throttling.UserRateThrottle",
        "marketplace.throttling.AnonRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "user": env("RATE_LIMIT_USER", "100/min"),
        "anon": env("RATE_LIMIT_ANON", "60/min"),
        "auth": env("RATE_LIMIT_AUTH", "10/min"),
    },
    "EXCEPTION_HANDLER": "marketplace.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=int(env("JWT_ACCESS_MINUTES", "15"))),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=int(env("JWT_REFRESH_DAYS", "7"))),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": False,
    "ALGORITHM": "HS256",
    "SIGNING_KEY": env("JWT_SIGNING_KEY") or SECRET_KEY,
    "AUTH_HEADER_TYPES": ("Bearer",),
    "USER_ID_FIELD": "id",
    "USER_ID_CLAIM": "user_id",
}

# Public catalog pages are cached in Redis; off only to measure the database
# path (make bench) or to debug.
CATALOG_CACHE_ENABLED = env_bool("CATALOG_CACHE_ENABLED", True)

IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60
# How long an unfinished first request holds its key before a retry may run.
IDEMPOTENCY_LOCK_SECONDS = int(env("IDEMPOTENCY_LOCK_SECONDS", "60"))

SPECTACULAR_SETTINGS = {
    "TITLE": "Marketplace API",
    "DESCRIPTION": (
        "Multi-tenant, multi-seller marketplace. Every error answers "
        '`{"detail", "code", "details"}`; see the project README.'
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "RoleEnum": "orgs.models.Role",
        # Invitations and role changes may grant only these (M-06, I-01).
        "AssignableRoleEnum": "orgs.models.ASSIGNABLE_ROLE_CHOICES",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "marketplace.schema.add_error_responses",
    ],
}

# --- Background work -------------------------------------------------------

CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# With acks_late, a task whose worker died is handed out again after this
# many seconds (Redis' default is an hour). Longer tasks would run twice,
# so every task stays idempotent.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 600}
# Tasks outside `tasks` modules that the worker must know.
CELERY_IMPORTS = ["orders.notifications"]
CELERY_BEAT_SCHEDULE = {
    "invitations-expire": {
        "task": "orgs.tasks.invitations_expire",
        "schedule": 60 * 60,
    },
    "organizations-cleanup": {
        "task": "orgs.tasks.organizations_cleanup",
        "schedule": 60,
    },
    "carts-expire": {
        "task": "orders.tasks.carts_expire",
        "schedule": 10 * 60,
    },
}

# --- Logs ------------------------------------------------------------------

LOGS_DIR = Path(env("LOGS_DIR", str(BASE_DIR / "logs")))
LOGS_TOKEN = env("LOGS_TOKEN")
LOG_LEVEL = env("LOG_LEVEL", "INFO")
LOGS_DIR.mkdir(parents=True, exist_ok=True)


def _level_file(level: str) -> dict:
    return {
        "class": "marketplace.logfiles.LevelFileHandler",
        "filename": str(LOGS_DIR / f"{level.lower()}.log"),
        "level": level,
        "only_level": level,
        "formatter": "json",
        "filters": ["request_id"],
    }


# One JSON-lines file per level (each holds exactly that level), plus 500.log
# for unhandled errors; GET /logs reads them back.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "marketplace.requestlog.RequestIdFilter"},
        "uncaught_only": {"()": "marketplace.logfiles.UncaughtOnly"},
    },
    "formatters": {
        "json": {"()": "marketplace.logfiles.JsonFormatter"},
        "console": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "console",
            "filters": ["request_id"],
        },
        "debug_file": _level_file("DEBUG"),
        "info_file": _level_file("INFO"),
        "warning_file": _level_file("WARNING"),
        "error_file": _level_file("ERROR") | {"only_level": "ERROR+"},
        "server_error_file": {
            "class": "marketplace.logfiles.LevelFileHandler",
            "filename": str(LOGS_DIR / "500.log"),
            "level": "ERROR",
            "only_level": "SERVER_ERROR",
            "formatter": "json",
            "filters": ["request_id"],
        },
    },
    "root": {
        "level": LOG_LEVEL,
        "handlers": [
            "console",
            "debug_file",
            "info_file",
            "warning_file",
            "error_file",
            "server_error_file",
        ],
    },
    "loggers": {
        # Our request log already has every 4xx and our exception handler
        # every 5xx it answered; Django's copy matters only for the rest.
        "django.request": {"level": "ERROR", "filters": ["uncaught_only"]},
        "uvicorn.access": {"level": "WARNING"},
    },
}

PROMETHEUS_METRIC_NAMESPACE = "marketplace"
