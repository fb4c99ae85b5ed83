"""Cached public catalog pages and their invalidation.

Cached pages are keyed by a version number; anything that can change what
the catalog shows (a product, a variant, a price, an image, stock crossing
zero) bumps it on commit, and every old page becomes unreachable at once.

A scheduled price takes effect with no write at all, so a page is never
cached past the next `valid_from` still in the future, and never for more
than a minute. When Redis is down the cache misses and pages come from the
database.
"""

import hashlib
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache

VERSION_KEY = "catalog:version"
PAGE_TTL_SECONDS = 60


def catalog_version() -> int:
    """Return the current version, starting a fresh counter if it was lost."""
    version = cache.get(VERSION_KEY)
    if version is None:
        # A lost counter restarts from the clock rather than from zero, so
        # pages cached under numbers used before stay unreachable.
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)
        version = cache.get(VERSION_KEY)
    return version or 0


def catalog_changed() -> None:
    """Make every cached catalog page stale."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, time.time_ns(), timeout=None)


def page_cached(
    *,
    request_key: str,
    build: Callable[[], Any],
    seconds_until_change: Callable[[], float | None],
) -> Any:
    """Return the page cached for this request, or build and cache it.

    The version is read before the database is, so a page built from data
    that changes meanwhile lands under a version nobody reads any more.
    `seconds_until_change` runs before `build` for the same reason: a price
    that starts while the page is built shortens the page's life, never
    lengthens it.
    """
    if not settings.CATALOG_CACHE_ENABLED:
        return build()

    digest = hashlib.sha256(request_key.encode()).hexdigest()
    key = f"catalog:page:{catalog_version()}:{digest}"
    page = cache.get(key)
    if page is not None:
        return page

    until_change = seconds_until_change()
    page = build()
    ttl = (
        PAGE_TTL_SECONDS
        if until_change is None
        else min(PAGE_TTL_SECONDS, int(until_change))
    )
    if ttl >= 1:
        cache.set(key, page, timeout=ttl)
    return page
