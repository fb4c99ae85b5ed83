"""Request ids and the one log line per request."""

import contextvars
import logging
import re
import time
import uuid

from django.http import HttpRequest, HttpResponse

logger = logging.getLogger("marketplace.request")

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar(
    "request_id", default=""
)

# A client-sent id is echoed only if it is short and harmless in a log line.
_CLIENT_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


class RequestIdFilter(logging.Filter):
    """Stamp every record with the id of the request being served, if any."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = request_id_var.get()
        return True


class RequestIdMiddleware:
    """Accept or generate X-Request-ID, echo it, and log the request once."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        sent = request.headers.get("X-Request-ID", "")
        request_id = sent if _CLIENT_ID.match(sent) else uuid.uuid4().hex
        # Requests take ad-hoc attributes at run time; the stubs declare none.
        request.request_id = request_id  # type: ignore[attr-defined]
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)

        response["X-Request-ID"] = request_id
        path = loggable_path(request)
        logger.info(
            "%s %s %s",
            request.method,
            path,
            response.status_code,
            extra={
                "request_id": request_id,
                "method": request.method,
                "path": path,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                "user_id": _user_id(request),
            },
        )
        return response


def _user_id(request: HttpRequest) -> str:
    # DRF copies the user it authenticated onto the Django request.
    user = getattr(request, "user", None)
    return str(user.pk) if user is not None and user.is_authenticated else ""


def loggable_path(request: HttpRequest) -> str:
    """Return the request path with its secrets masked.

    The query string is left out (`?access_token=` on the event stream), and
    a URL segment captured as `token` (invitation links, I-02) is masked.
    """
    path = request.path
    match = getattr(request, "resolver_match", None)
    secret = match.kwargs.get("token") if match is not None else None
    if secret:
        path = path.replace(str(secret), "[token]")
    return path
