"""Invalidation of cached public catalog pages.

Cached pages are keyed by a version number; anything that can change what
the catalog shows (a product, a price, stock crossing zero) bumps it, and
every old page becomes unreachable at once.
"""
from django.core.cache import cache

VERSION_KEY = "catalog:version"


def catalog_version() -> int:
    return cache.get(VERSION_KEY) or 0


def catalog_changed() -> None:
    """Make every cached catalog page stale."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 1, timeout=None)
