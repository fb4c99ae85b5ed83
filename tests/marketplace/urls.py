"""Routes that exist only in tests: handlers that are slow, fail, or count runs."""

import time

from django.urls import include, path
from django_redis import get_redis_connection
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.urls import (  # noqa: F401
    handler400,
    handler403,
    handler404,
    handler500,
)

RUNS_KEY = "test:handler-runs"


class CountingView(APIView):
    """An Idem endpoint that counts its runs, optionally slowly."""

    permission_classes = [AllowAny]
    idempotent = True

    def post(self, request):
        time.sleep(float(request.data.get("sleep", 0)))
        runs = get_redis_connection("default").incr(RUNS_KEY)
        response = Response({"runs": runs}, status=201)
        response["Location"] = f"/things/{runs}"
        response.set_cookie("session-ish", "never replayed")
        return response


class FailingOnceView(APIView):
    """An Idem endpoint whose first run crashes."""

    permission_classes = [AllowAny]
    idempotent = True

    def post(self, request):
        runs = get_redis_connection("default").incr(RUNS_KEY)
        if runs == 1:
            raise RuntimeError("boom: SELECT secret FROM internals")
        return Response({"runs": runs}, status=201)


class NotIdempotentView(APIView):
    permission_classes = [AllowAny]

    def post(self, request):
        runs = get_redis_connection("default").incr(RUNS_KEY)
        return Response({"runs": runs}, status=201)


urlpatterns = [
    path("test/counting", CountingView.as_view()),
    path("test/failing-once", FailingOnceView.as_view()),
    path("test/not-idempotent", NotIdempotentView.as_view()),
    path("", include("marketplace.urls")),
]
