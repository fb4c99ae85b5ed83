"""Liveness and readiness probes."""

import logging
from typing import cast

from django.core.files.storage import default_storage
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django_redis import get_redis_connection
from storages.backends.s3 import S3Storage

logger = logging.getLogger(__name__)


def liveness(request: HttpRequest) -> JsonResponse:
    """Answer 200 while the process can serve; touch nothing else."""
    return JsonResponse({"status": "ok"})


def readiness(request: HttpRequest) -> JsonResponse:
    """Answer 200 only when the database, Redis and object storage answer."""
    checks = {
        "database": _check(_database),
        "redis": _check(_redis),
        "storage": _check(_storage),
    }
    ready = all(checks.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": checks},
        status=200 if ready else 503,
    )


def _check(probe) -> bool:
    try:
        probe()
    except Exception:
        logger.warning("Readiness check %s failed", probe.__name__, exc_info=True)
        return False
    return True


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _redis() -> None:
    get_redis_connection("default").ping()


def _storage() -> None:
    # settings.STORAGES makes the default storage S3's.
    bucket = cast(S3Storage, default_storage).bucket
    bucket.meta.client.head_bucket(Bucket=bucket.name)
