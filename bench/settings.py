"""Production settings made runnable on one machine for the benchmark.

Everything that costs time per request stays as production has it (DEBUG
off, JSON logs, throttles, idempotency); only what needs a real deployment
changes: no TLS redirect, plain static storage, local hosts, rate limits
that a load test does not hit, and logs kept under var/bench.
"""

import os
from pathlib import Path

_BENCH_DIR = Path(__file__).resolve().parent.parent / "var" / "bench"
_UNLIMITED = "100000000/min"

# Read by the base settings at import time, so they are set before it.
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("LOGS_DIR", str(_BENCH_DIR / "logs"))
os.environ.setdefault("JWT_ACCESS_MINUTES", "600")
for _name in ("RATE_LIMIT_USER", "RATE_LIMIT_ANON", "RATE_LIMIT_AUTH"):
    os.environ.setdefault(_name, _UNLIMITED)

from marketplace.settings.production import *  # noqa: E402, F403
from marketplace.settings.production import (  # noqa: E402
    INSTALLED_APPS,
    MIDDLEWARE,
    STORAGES,
)

ROOT_URLCONF = "bench.urls"
SECURE_SSL_REDIRECT = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [*INSTALLED_APPS, "bench"]
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Outermost after the metrics, so it sees every query a request makes.
MIDDLEWARE = [MIDDLEWARE[0], "bench.middleware.QueryCountMiddleware", *MIDDLEWARE[1:]]
