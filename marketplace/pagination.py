"""Cursor pagination, the default for every list (SPEC 1, Pagination)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import pagination
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request

MAX_PAGE_SIZE = 100


def page_size_from(request: Request, default: int) -> int:
    """Read `page_size`, refusing values outside 1..100 instead of clamping."""
    raw = request.query_params.get("page_size")
    if raw is None:
        return default
    # isdigit() alone also passes "²", which int() refuses: ASCII digits only.
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= MAX_PAGE_SIZE:
        raise ValidationError(
            {"page_size": [f"Must be a whole number from 1 to {MAX_PAGE_SIZE}."]}
        )
    return int(raw)


class CursorPagination(pagination.CursorPagination):
    """Keyset pages over the time-ordered UUIDv7 id.

    Ids grow with creation time and are unique, so `-id` gives newest first
    and every page, however deep, is one indexed range scan.
    """

    ordering = "-id"
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_page_size(self, request: Request) -> int:
        return page_size_from(request, self.page_size)

    def decode_cursor(self, request: Request):
        # DRF answers a bad cursor with 404; it is bad input, not a missing page.
        try:
            return super().decode_cursor(request)
        except NotFound:
            raise ValidationError({"cursor": ["Invalid cursor."]}) from None

    def paginate_queryset(self, queryset, request: Request, view=None):
        # A well-formed but forged cursor can carry a position the ordering
        # field cannot hold (not a UUID, not a date); that is bad input too.
        try:
            return super().paginate_queryset(queryset, request, view)
        except DjangoValidationError:
            if self.cursor_query_param not in request.query_params:
                raise
            raise ValidationError({"cursor": ["Invalid cursor."]}) from None


class LogPagination(pagination.PageNumberPagination):
    """Offset pages, used only by GET /logs."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_page_size(self, request: Request) -> int:
        return page_size_from(request, self.page_size)
