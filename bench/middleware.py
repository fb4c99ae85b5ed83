"""Count the SQL queries of each request and answer them in `X-Query-Count`."""

from collections.abc import Callable
from typing import Any

from django.db import connection
from django.http import HttpRequest, HttpResponse

QUERY_COUNT_HEADER = "X-Query-Count"


class _QueryCounter:
    """An execute wrapper that counts the statements it lets through."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(
        self, execute: Callable, sql: str, params: Any, many: bool, context: dict
    ) -> Any:
        self.count += 1
        return execute(sql, params, many, context)


class QueryCountMiddleware:
    """Bench-only: measure, not guess, how many queries an endpoint issues."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        counter = _QueryCounter()
        with connection.execute_wrapper(counter):
            response = self.get_response(request)
        response[QUERY_COUNT_HEADER] = str(counter.count)
        return response
