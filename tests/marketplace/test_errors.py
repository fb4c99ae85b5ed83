"""Every error path answers the envelope {"detail", "code", "details"}."""

import pytest

from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.marketplace.urls")]


def assert_envelope(response, status: int, code: str) -> dict:
    assert response.status_code == status
    body = response.json()
    assert set(body) == {"detail", "code", "details"}
    assert body["code"] == code
    assert isinstance(body["detail"], str) and body["detail"]
    assert isinstance(body["details"], dict)
    return body


def test_validation_errors_name_each_field(api_client):
    response = api_client.post("/auth/signup", {"email": "nope"}, format="json")

    body = assert_envelope(response, 400, "VALIDATION_ERROR")
    assert set(body["details"]) == {"email", "password"}
    assert all(isinstance(m, list) for m in body["details"].values())


def test_malformed_json_is_a_validation_error(api_client):
    response = api_client.post(
        "/auth/login", data="{not json", content_type="application/json"
    )

    body = assert_envelope(response, 400, "VALIDATION_ERROR")
    assert "body" in body["details"]


def test_missing_token_is_401(api_client):
    assert_envelope(api_client.get("/users/me"), 401, "NOT_AUTHENTICATED")


@pytest.mark.parametrize("token", ["garbage", "a.b.c"])
def test_bad_token_is_401_token_invalid(api_client, token):
    response = api_client.get("/users/me", HTTP_AUTHORIZATION=f"Bearer {token}")

    assert_envelope(response, 401, "TOKEN_INVALID")


def test_unknown_url_is_404(api_client):
    assert_envelope(api_client.get("/no/such/thing"), 404, "NOT_FOUND")


def test_wrong_method_is_405(api_client):
    assert_envelope(api_client.get("/auth/login"), 405, "METHOD_NOT_ALLOWED")


def test_unsupported_media_type_is_415(api_client):
    response = api_client.post("/auth/login", data="email=a", content_type="text/plain")

    assert_envelope(response, 415, "UNSUPPORTED_MEDIA_TYPE")


def test_body_over_5_mib_is_413_before_anything_reads_it(api_client):
    response = api_client.post(
        "/auth/signup",
        data=b"x" * (5 * 1024 * 1024 + 1),
        content_type="application/json",
    )

    body = assert_envelope(response, 413, "PAYLOAD_TOO_LARGE")
    assert body["details"]["max_bytes"] == 5 * 1024 * 1024


def test_unhandled_error_is_500_without_internals(api_client):
    response = api_client.post("/test/failing-once", {}, format="json")

    body = assert_envelope(response, 500, "INTERNAL_ERROR")
    assert "boom" not in response.content.decode()
    assert "Traceback" not in body["detail"]


def test_login_is_throttled_per_ip_and_email_with_retry_after(api_client, settings):
    UserFactory(email="target@example.com")
    attempt = {"email": "target@example.com", "password": "wrong password!!"}

    answers = [
        api_client.post("/auth/login", attempt, format="json") for _ in range(11)
    ]

    assert [a.status_code for a in answers[:10]] == [401] * 10
    assert_envelope(answers[10], 429, "RATE_LIMITED")
    assert int(answers[10]["Retry-After"]) > 0
    # Another e-mail from the same address has its own budget.
    other = api_client.post(
        "/auth/login", {"email": "x@example.com", "password": PASSWORD}, format="json"
    )
    assert other.status_code == 401


def test_database_outage_is_503(api_client, user_client, monkeypatch):
    from django.db import OperationalError

    from accounts import views

    def database_down(**kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(views.services, "user_update", database_down)

    response = user_client.patch("/users/me", {"name": "x"}, format="json")

    body = assert_envelope(response, 503, "SERVICE_UNAVAILABLE")
    assert "connection refused" not in body["detail"]
    assert response["Retry-After"]


def test_request_id_is_generated_or_echoed(api_client):
    generated = api_client.get("/health/liveness")
    echoed = api_client.get("/health/liveness", HTTP_X_REQUEST_ID="abc-123")
    hostile = api_client.get("/health/liveness", HTTP_X_REQUEST_ID="a b\nc")

    assert len(generated["X-Request-ID"]) == 32
    assert echoed["X-Request-ID"] == "abc-123"
    assert hostile["X-Request-ID"] != "a b\nc"
