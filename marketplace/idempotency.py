"""Idempotency-Key for the endpoints SPEC marks Idem.

A view opts in by listing its actions in `idempotent_actions` (viewsets) or
by setting `idempotent = True` (plain API views). The first completed answer
to (caller, method, path, key) is stored in Redis for 24 h and replayed to
retries. A Redis lock taken with SET NX makes a concurrent duplicate answer
409 in every process and on every host that shares the Redis.
"""

import hashlib
import json
import logging
import re
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django_redis import get_redis_connection
from prometheus_client import Counter
from redis.exceptions import RedisError

from marketplace.errors import envelope
from marketplace.requestlog import loggable_path

logger = logging.getLogger(__name__)

IDEMPOTENT_REPLAYS = Counter(
    "marketplace_idempotent_replays_total",
    "Responses answered from the idempotency store instead of the handler.",
)

HEADER = "Idempotency-Key"
_KEY = re.compile(r"^[\x20-\x7e]{1,255}$")
_NOT_STORED_CODES = {"IDEMPOTENCY_IN_PROGRESS"}
_NEVER_REPLAYED_HEADERS = {"set-cookie", "x-request-id", "content-length"}
# Compare-and-delete, so a request whose lock expired cannot free another's.
_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then
    return redis.call('del', KEYS[1])
end
return 0
"""


@dataclass(frozen=True)
class _Slot:
    """Where one (caller, method, path, key) keeps its lock and its answer."""

    response_key: str
    lock_key: str
    fingerprint: str


class IdempotencyMiddleware:
    """Store, replay and serialise requests that carry an Idempotency-Key."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        raw_key = request.headers.get(HEADER)
        if raw_key is None or not _is_idempotent(view_func, request.method):
            return None

        key = parse_key(raw_key)
        if key is None:
            return envelope(
                400,
                "IDEMPOTENCY_KEY_INVALID",
                "Idempotency-Key must be 1-255 printable ASCII characters.",
            )

        slot = _slot(request, key)
        try:
            return _run_once(request, slot, view_func, view_args, view_kwargs)
        except RedisError:
            logger.error(
                "Idempotency store unreachable; refusing %s %s",
                request.method,
                loggable_path(request),
                exc_info=True,
            )
            return envelope(
                503,
                "SERVICE_UNAVAILABLE",
                "Cannot guarantee idempotency right now; retry shortly.",
            )


def parse_key(raw: str) -> str | None:
    """Return the key sent bare or as a quoted string, or None if malformed."""
    if len(raw) >= 2 and raw[0] == raw[-1] == '"':
        raw = raw[1:-1]
    return raw if _KEY.match(raw) else None


def _is_idempotent(view_func, method: str) -> bool:
    actions = getattr(view_func, "actions", None)
    view_class = getattr(view_func, "cls", None)
    if actions is not None and view_class is not None:
        action = actions.get(method.lower())
        return action in getattr(view_class, "idempotent_actions", ())
    return method == "POST" and getattr(view_class, "idempotent", False)


def _slot(request: HttpRequest, key: str) -> _Slot:
    credentials = request.headers.get("Authorization") or _session_or_address(request)
    scope = "\n".join([credentials, request.method or "", request.path, key])
    digest = hashlib.sha256(scope.encode()).hexdigest()
    return _Slot(
        response_key=f"idem:response:{digest}",
        lock_key=f"idem:lock:{digest}",
        fingerprint=_fingerprint(request.body),
    )


def _session_or_address(request: HttpRequest) -> str:
    # Browsable-API callers are their session's user; anyone else their IP.
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"session-user:{user.pk}"
    return "anonymous:" + request.META.get("REMOTE_ADDR", "")


def _fingerprint(body: bytes) -> str:
    # Key order and spacing do not make a JSON body different.
    try:
        canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":"))
        data = canonical.encode()
    except ValueError:
        data = body
    return hashlib.sha256(data).hexdigest()


def _run_once(request, slot: _Slot, view_func, view_args, view_kwargs):
    redis = get_redis_connection("default")

    stored = redis.get(slot.response_key)
    if stored is not None:
        return _replay(json.loads(stored), slot)

    owner = uuid.uuid4().hex
    if not redis.set(
        slot.lock_key, owner, nx=True, ex=settings.IDEMPOTENCY_LOCK_SECONDS
    ):
        return _busy(redis, slot)

    try:
        # The first request may have finished between our read and our lock.
        stored = redis.get(slot.response_key)
        if stored is not None:
            return _replay(json.loads(stored), slot)

        response = view_func(request, *view_args, **view_kwargs)
        if hasattr(response, "render"):
            response = response.render()
        if _is_storable(response):
            redis.set(
                slot.response_key,
                json.dumps(_snapshot(response, slot.fingerprint)),
                ex=settings.IDEMPOTENCY_TTL_SECONDS,
            )
        return response
    finally:
        redis.eval(_RELEASE, 1, slot.lock_key, owner)


def _busy(redis, slot: _Slot) -> HttpResponse:
    stored = redis.get(slot.response_key)
    if stored is not None:
        return _replay(json.loads(stored), slot)
    return envelope(
        409,
        "IDEMPOTENCY_IN_PROGRESS",
        "A request with this Idempotency-Key is still being processed.",
    )


def _is_storable(response: HttpResponse) -> bool:
    if response.status_code >= 500 or response.status_code == 429:
        return False
    if getattr(response, "streaming", False):
        return False
    code = getattr(response, "data", None)
    return not (isinstance(code, dict) and code.get("code") in _NOT_STORED_CODES)


def _snapshot(response: HttpResponse, fingerprint: str) -> dict:
    headers = [
        (name, value)
        for name, value in response.items()
        if name.lower() not in _NEVER_REPLAYED_HEADERS
    ]
    return {
        "fingerprint": fingerprint,
        "status": response.status_code,
        "headers": headers,
        "body": response.content.decode("utf-8"),
    }


def _replay(stored: dict, slot: _Slot) -> HttpResponse:
    if stored["fingerprint"] != slot.fingerprint:
        return envelope(
            422,
            "IDEMPOTENCY_KEY_REUSED",
            "This Idempotency-Key was used with a different request body.",
        )

    IDEMPOTENT_REPLAYS.inc()
    response = HttpResponse(stored["body"], status=stored["status"])
    for name, value in stored["headers"]:
        response[name] = value
    response["Idempotent-Replayed"] = "true"
    return response
