"""Health, logs, metrics, schema, docs, the browsable API and the admin."""

import json
import logging

import pytest

from marketplace.logview import read_entries

pytestmark = pytest.mark.urls("tests.marketplace.urls")


def test_liveness_touches_nothing(api_client):
    # No django_db mark: any query would raise here.
    response = api_client.get("/health/liveness")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readiness_is_200_when_every_service_answers(api_client, s3):
    response = api_client.get("/health/readiness")

    assert response.json() == {
        "status": "ok",
        "checks": {"database": True, "redis": True, "storage": True},
    }
    assert response.status_code == 200


@pytest.mark.django_db
def test_readiness_is_503_when_storage_is_down(api_client, monkeypatch):
    from marketplace import health

    def unreachable():
        raise ConnectionError("no route")

    monkeypatch.setattr(health, "_storage", unreachable)

    response = api_client.get("/health/readiness")

    assert response.status_code == 503
    assert response.json()["checks"] == {
        "database": True,
        "redis": True,
        "storage": False,
    }


@pytest.mark.django_db
def test_readiness_is_503_when_redis_is_down(api_client, settings):
    from django_redis.pool import ConnectionFactory

    settings.CACHES = {
        "default": settings.CACHES["default"] | {"LOCATION": "redis://127.0.0.1:1/0"}
    }
    ConnectionFactory._pools.clear()
    try:
        response = api_client.get("/health/readiness")
    finally:
        ConnectionFactory._pools.clear()

    assert response.status_code == 503
    assert response.json()["checks"]["redis"] is False


def test_logs_endpoint_is_off_without_a_configured_token(api_client, settings):
    settings.LOGS_TOKEN = ""

    response = api_client.get("/logs", HTTP_X_TOKEN="anything")

    assert response.status_code == 404
    assert response.json()["code"] == "NOT_FOUND"


@pytest.mark.parametrize(
    "header, code",
    [
        ({}, "NOT_AUTHENTICATED"),
        ({"HTTP_X_TOKEN": "wrong"}, "INVALID_CREDENTIALS"),
    ],
)
def test_logs_endpoint_refuses_a_missing_or_wrong_token(
    api_client, settings, header, code
):
    settings.LOGS_TOKEN = "s3cret"

    response = api_client.get("/logs", **header)

    assert response.status_code == 401
    assert response.json()["code"] == code


def write_log(path, *entries) -> None:
    path.write_text("".join(json.dumps(entry) + "\n" for entry in entries))


def test_read_entries_filters_and_sorts_newest_first(tmp_path):
    write_log(
        tmp_path / "info.log",
        {"time": "2026-01-01T10:00:00.000Z", "level": "INFO", "message": "old order"},
        {"time": "2026-01-03T10:00:00.000Z", "level": "INFO", "message": "new order"},
    )
    write_log(
        tmp_path / "error.log",
        {"time": "2026-01-02T10:00:00.000Z", "level": "ERROR", "message": "mid cart"},
    )
    (tmp_path / "warning.log").write_text("not json\n")
    from datetime import UTC, datetime

    everything = read_entries(tmp_path)
    orders = read_entries(tmp_path, q="ORDER")
    errors = read_entries(tmp_path, source="error")
    window = read_entries(
        tmp_path,
        start=datetime(2026, 1, 2, tzinfo=UTC),
        end=datetime(2026, 1, 2, 23, tzinfo=UTC),
    )

    assert [e["message"] for e in everything] == ["new order", "mid cart", "old order"]
    assert [e["message"] for e in orders] == ["new order", "old order"]
    assert [e["message"] for e in errors] == ["mid cart"]
    assert [e["message"] for e in window] == ["mid cart"]


def test_logs_endpoint_pages_with_offsets(api_client, settings, tmp_path):
    settings.LOGS_TOKEN = "s3cret"
    settings.LOGS_DIR = tmp_path
    write_log(
        tmp_path / "info.log",
        *[
            {"time": f"2026-01-01T10:00:0{n}.000Z", "message": f"m{n}"}
            for n in range(5)
        ],
    )

    first = api_client.get("/logs?page_size=2", HTTP_X_TOKEN="s3cret").json()
    last = api_client.get("/logs?page_size=2&page=3", HTTP_X_TOKEN="s3cret").json()

    assert first["count"] == 5
    assert [e["message"] for e in first["results"]] == ["m4", "m3"]
    assert [e["message"] for e in last["results"]] == ["m0"]


def test_logs_endpoint_refuses_an_unknown_source(api_client, settings):
    settings.LOGS_TOKEN = "s3cret"

    response = api_client.get("/logs?source=everything", HTTP_X_TOKEN="s3cret")

    assert response.status_code == 400
    assert "source" in response.json()["details"]


@pytest.mark.django_db
def test_an_unhandled_error_reaches_error_and_500_logs_with_its_request_id(
    api_client, settings
):
    settings.LOGS_TOKEN = "s3cret"

    api_client.post("/test/failing-once", {}, format="json", HTTP_X_REQUEST_ID="req-42")
    for handler in logging.getLogger().handlers:
        handler.flush()

    for source in ("500", "error"):
        page = api_client.get(f"/logs?source={source}&q=req-42", HTTP_X_TOKEN="s3cret")
        entries = page.json()["results"]
        assert entries, source
        assert entries[0]["request_id"] == "req-42"
        assert "boom" in entries[0]["exception"]


def test_logs_files_hold_one_level_each(settings):
    logging.getLogger("tests.levels").warning("only-in-warning-%s", 7)
    for handler in logging.getLogger().handlers:
        handler.flush()

    found = {
        path.name: "only-in-warning-7" in path.read_text()
        for path in settings.LOGS_DIR.glob("*.log")
    }

    assert found["warning.log"] is True
    assert not any(hit for name, hit in found.items() if name != "warning.log")


@pytest.mark.django_db
def test_metrics_expose_http_database_and_business_series(api_client):
    api_client.get("/health/readiness")

    text = api_client.get("/metrics").content.decode()

    assert "django_http_requests_latency_seconds_by_view_method" in text
    assert "django_db_execute_total" in text
    assert "marketplace_idempotent_replays_total" in text


@pytest.mark.django_db
def test_schema_documents_the_error_envelope_on_every_operation(api_client):
    schema = api_client.get("/api/schema/?format=json").json()

    assert schema["components"]["schemas"]["Error"]["required"] == [
        "detail",
        "code",
        "details",
    ]
    operations = [
        operation
        for item in schema["paths"].values()
        for operation in item.values()
        if isinstance(operation, dict) and "responses" in operation
    ]
    assert operations
    for operation in operations:
        assert {"400", "401", "404", "500"} <= set(operation["responses"])


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_docs_are_served_without_any_cdn(api_client, path):
    response = api_client.get(path)

    html = response.content.decode()
    assert response.status_code == 200
    assert "/static/drf_spectacular_sidecar/" in html
    assert "cdn." not in html and "unpkg" not in html and "jsdelivr" not in html


def test_browsable_api_renders_html(api_client):
    response = api_client.get("/health/readiness", HTTP_ACCEPT="text/html")

    assert response.status_code in (200, 503)


@pytest.mark.django_db
def test_browsable_api_renders_an_endpoint_page(user_client):
    response = user_client.get("/users/me", HTTP_ACCEPT="text/html")

    assert response.status_code == 200
    assert "text/html" in response["Content-Type"]
    assert b"Users" in response.content or b"Me" in response.content


@pytest.mark.django_db
def test_admin_login_page_is_served(client):
    response = client.get("/admin/login/")

    assert response.status_code == 200
    assert b"password" in response.content.lower()
