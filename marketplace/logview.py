"""GET /logs: read the JSON-lines log files back, newest first."""

import hmac
import json
from datetime import datetime
from pathlib import Path

from django.conf import settings
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import AuthenticationFailed, NotAuthenticated
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.errors import NotFound
from marketplace.pagination import LogPagination
from marketplace.validation import validated

SOURCES = {
    "debug": ["debug.log"],
    "info": ["info.log"],
    "warning": ["warning.log"],
    "error": ["error.log"],
    "500": ["500.log"],
    # 500.log repeats lines of error.log, so "all" leaves it out.
    "all": ["debug.log", "info.log", "warning.log", "error.log"],
}


class LogQuery(serializers.Serializer):
    # DRF's metaclass lifts declared fields off the class; the stubs see
    # this one shadow `Field.source`.
    source = serializers.ChoiceField(  # type: ignore[assignment]
        choices=sorted(SOURCES), default="all"
    )
    q = serializers.CharField(required=False, allow_blank=True, max_length=200)
    start = serializers.DateTimeField(required=False)
    end = serializers.DateTimeField(required=False)


class LogPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = serializers.ListField(child=serializers.DictField())


class LogView(APIView):
    """Read log entries; needs `X-Token` equal to LOGS_TOKEN."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    pagination_class = LogPagination

    def get_authenticate_header(self, request: Request) -> str:
        # Without one, DRF would turn our 401s into 403s.
        return "X-Token"

    @extend_schema(
        parameters=[
            LogQuery,
            OpenApiParameter("X-Token", str, OpenApiParameter.HEADER, required=True),
            OpenApiParameter("page", int),
            OpenApiParameter("page_size", int),
        ],
        responses={200: LogPageSerializer},
    )
    def get(self, request: Request) -> Response:
        _check_token(request)
        query = validated(LogQuery, request.query_params)

        entries = read_entries(Path(settings.LOGS_DIR), **query)

        paginator = self.pagination_class()
        page = paginator.paginate_queryset(entries, request, view=self)
        return paginator.get_paginated_response(page)


def _check_token(request: Request) -> None:
    secret = settings.LOGS_TOKEN
    if not secret:
        raise NotFound()
    sent = request.headers.get("X-Token")
    if not sent:
        raise NotAuthenticated("X-Token header required.")
    if not hmac.compare_digest(sent.encode(), secret.encode()):
        raise AuthenticationFailed("Invalid X-Token.")


def read_entries(
    logs_dir: Path,
    *,
    source: str = "all",
    q: str = "",
    start: datetime | None = None,
    end: datetime | None = None,
) -> list[dict]:
    """Return matching entries of the source's files, newest first."""
    needle = q.lower()
    entries = []
    for name in SOURCES[source]:
        path = logs_dir / name
        if not path.exists():
            continue
        with path.open(encoding="utf-8", errors="replace") as lines:
            for line in lines:
                if needle and needle not in line.lower():
                    continue
                entry = _parse(line)
                if entry is not None and _in_window(entry, start, end):
                    entries.append(entry)
    entries.sort(key=lambda entry: entry.get("time", ""), reverse=True)
    return entries


def _parse(line: str) -> dict | None:
    try:
        entry = json.loads(line)
    except ValueError:
        return None
    return entry if isinstance(entry, dict) else None


def _in_window(entry: dict, start: datetime | None, end: datetime | None) -> bool:
    try:
        at = datetime.fromisoformat(entry["time"].replace("Z", "+00:00"))
    except (KeyError, AttributeError, ValueError):
        return False
    return (start is None or at >= start) and (end is None or at <= end)
