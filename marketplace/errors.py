"""The error envelope: every non-2xx answer is {"detail", "code", "details"}.

Domain code raises `DomainError` subclasses that carry a stable code and the
data a client needs; this module is the one place that turns them, and every
other exception, into the envelope.
"""

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.db import OperationalError as DatabaseOperationalError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from redis.exceptions import RedisError
from rest_framework import exceptions as drf
from rest_framework.response import Response
from rest_framework_simplejwt.exceptions import InvalidToken

from marketplace.requestlog import loggable_path

logger = logging.getLogger(__name__)


class DomainError(Exception):
    """A refused operation with a stable code; subclasses set the class fields."""

    status_code = 409
    code = "CONFLICT"
    default_detail = "The request conflicts with the current state."

    def __init__(self, detail: str | None = None, **details: Any) -> None:
        self.detail = detail or self.default_detail
        self.details = details
        super().__init__(self.detail)


class NotFound(DomainError):
    status_code = 404
    code = "NOT_FOUND"
    default_detail = "Not found."


class ServiceUnavailable(DomainError):
    status_code = 503
    code = "SERVICE_UNAVAILABLE"
    default_detail = "A service this request needs is unavailable; retry shortly."


def envelope(
    status: int, code: str, detail: str, details: dict | None = None
) -> JsonResponse:
    body = {"detail": detail, "code": code, "details": details or {}}
    return JsonResponse(body, status=status)


# DRF's exceptions, by class, to the contract's codes. Order matters: the
# first matching class wins, so subclasses come before their parents.
_DRF_CODES: list[tuple[type[drf.APIException], str]] = [
    (InvalidToken, "TOKEN_INVALID"),
    (drf.NotAuthenticated, "NOT_AUTHENTICATED"),
    (drf.AuthenticationFailed, "INVALID_CREDENTIALS"),
    (drf.PermissionDenied, "PERMISSION_DENIED"),
    (drf.NotFound, "NOT_FOUND"),
    (drf.MethodNotAllowed, "METHOD_NOT_ALLOWED"),
    (drf.NotAcceptable, "NOT_ACCEPTABLE"),
    (drf.UnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE"),
    (drf.Throttled, "RATE_LIMITED"),
    (drf.ValidationError, "VALIDATION_ERROR"),
    (drf.ParseError, "VALIDATION_ERROR"),
]


def exception_handler(exc: Exception, context: dict) -> Response:
    """DRF's EXCEPTION_HANDLER: answer every exception with the envelope."""
    if isinstance(exc, DomainError):
        return _response(exc.status_code, exc.code, exc.detail, exc.details)
    if isinstance(exc, (Http404, drf.NotFound)):
        return _response(404, "NOT_FOUND", "Not found.")
    if isinstance(exc, DjangoPermissionDenied):
        return _response(403, "PERMISSION_DENIED", "You may not do this.")
    if isinstance(exc, RequestDataTooBig):
        return _payload_too_large_response()
    if isinstance(exc, drf.APIException):
        return _api_exception_response(exc)
    if isinstance(exc, (RedisError, DatabaseOperationalError)):
        return _unavailable_response(exc, context)

    request = context.get("request")
    logger.error(
        "Unhandled error in %s %s",
        getattr(request, "method", "?"),
        loggable_path(request) if request is not None else "?",
        exc_info=exc,
        extra={"status_code": 500},
    )
    return _response(500, "INTERNAL_ERROR", "Internal server error.")


def _api_exception_response(exc: drf.APIException) -> Response:
    code = next(code for cls, code in _DRF_CODES if isinstance(exc, cls))
    if isinstance(exc, drf.ValidationError):
        return _response(400, code, "Invalid input.", _field_errors(exc.detail))
    if isinstance(exc, drf.ParseError):
        return _response(400, code, "Malformed request body.", {"body": [str(exc)]})

    response = _response(exc.status_code, code, _text(exc.detail))
    if isinstance(exc, drf.Throttled):
        wait = exc.wait  # type: ignore[attr-defined]  # missing from DRF's stubs
        if wait is not None:
            response["Retry-After"] = str(max(1, int(wait)))
    if isinstance(exc, drf.AuthenticationFailed) and isinstance(exc.detail, dict):
        response.data["detail"] = _text(exc.detail.get("detail", "Invalid token."))
    return response


def _unavailable_response(exc: Exception, context: dict) -> Response:
    request = context.get("request")
    logger.error(
        "Backing service unavailable in %s %s: %s",
        getattr(request, "method", "?"),
        loggable_path(request) if request is not None else "?",
        exc.__class__.__name__,
        exc_info=exc,
        extra={"status_code": 503},
    )
    response = _response(503, "SERVICE_UNAVAILABLE", ServiceUnavailable.default_detail)
    response["Retry-After"] = "5"
    return response


def _field_errors(detail: Any) -> dict[str, list[str]]:
    """Flatten DRF's nested error detail into {"field": ["message", ...]}."""
    if isinstance(detail, dict):
        errors: dict[str, list[str]] = {}
        for field, value in detail.items():
            for nested, messages in _field_errors(value).items():
                key = field if nested == "non_field_errors" else f"{field}.{nested}"
                errors.setdefault(key, []).extend(messages)
        return errors
    if isinstance(detail, list):
        if detail and all(isinstance(item, dict) for item in detail):
            return {
                f"{index}.{key}" if key != "non_field_errors" else str(index): messages
                for index, item in enumerate(detail)
                for key, messages in _field_errors(item).items()
            }
        return {"non_field_errors": [_text(item) for item in detail]}
    return {"non_field_errors": [_text(detail)]}


def _text(detail: Any) -> str:
    if isinstance(detail, list):
        return " ".join(_text(item) for item in detail)
    if isinstance(detail, dict):
        return " ".join(_text(item) for item in detail.values())
    return str(detail)


def _response(
    status: int, code: str, detail: str, details: dict | None = None
) -> Response:
    return Response(
        {"detail": detail, "code": code, "details": details or {}}, status=status
    )


def _payload_too_large_response() -> Response:
    limit = settings.MAX_REQUEST_BODY_BYTES
    return _response(
        413, "PAYLOAD_TOO_LARGE", "Request body too large.", {"max_bytes": limit}
    )


class BodySizeLimitMiddleware:
    """Refuse request bodies over the limit before anything reads them."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return envelope(400, "VALIDATION_ERROR", "Invalid Content-Length.")
        if length > settings.MAX_REQUEST_BODY_BYTES:
            return envelope(
                413,
                "PAYLOAD_TOO_LARGE",
                "Request body too large.",
                {"max_bytes": settings.MAX_REQUEST_BODY_BYTES},
            )
        return self.get_response(request)


# Django's handlers for requests that never reach a DRF view (unknown URLs,
# the admin, errors raised in middleware).


def bad_request(request: HttpRequest, exception: Exception) -> JsonResponse:
    if isinstance(exception, RequestDataTooBig):
        return envelope(413, "PAYLOAD_TOO_LARGE", "Request body too large.")
    return envelope(400, "VALIDATION_ERROR", "Bad request.")


def permission_denied(request: HttpRequest, exception: Exception) -> JsonResponse:
    return envelope(403, "PERMISSION_DENIED", "You may not do this.")


def page_not_found(request: HttpRequest, exception: Exception) -> JsonResponse:
    return envelope(404, "NOT_FOUND", "Not found.")


def server_error(request: HttpRequest) -> JsonResponse:
    return envelope(500, "INTERNAL_ERROR", "Internal server error.")
