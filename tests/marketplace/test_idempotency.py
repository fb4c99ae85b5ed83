import multiprocessing

import pytest
from django_redis import get_redis_connection

from tests.conftest import client_for
from tests.marketplace.racer import post_raced_key
from tests.marketplace.urls import RUNS_KEY

pytestmark = pytest.mark.urls("tests.marketplace.urls")


def runs() -> int:
    return int(get_redis_connection("default").get(RUNS_KEY) or 0)


def post(client, path="/test/counting", body=None, key="key-1", **headers):
    if key is not None:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    return client.post(path, body or {"n": 1}, format="json", **headers)


def test_retry_with_same_key_and_body_replays_the_stored_response(api_client):
    first = post(api_client)
    retry = post(api_client)

    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json() == {"runs": 1}
    assert retry["Idempotent-Replayed"] == "true"
    assert retry["Location"] == first["Location"]
    assert "Idempotent-Replayed" not in first
    assert runs() == 1


def test_replay_never_carries_set_cookie(api_client):
    first = post(api_client)
    retry = post(api_client)

    assert "session-ish" in first.cookies
    assert "Set-Cookie" not in retry
    assert "session-ish" not in retry.cookies


def test_json_key_order_and_spacing_do_not_make_another_body(api_client):
    post(api_client, body={"a": 1, "b": 2})

    retry = api_client.post(
        "/test/counting",
        data='{ "b": 2,  "a": 1 }',
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="key-1",
    )

    assert retry.status_code == 201
    assert retry["Idempotent-Replayed"] == "true"


def test_same_key_with_another_body_is_422(api_client):
    post(api_client, body={"n": 1})

    reused = post(api_client, body={"n": 2})

    assert reused.status_code == 422
    assert reused.json()["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert runs() == 1


@pytest.mark.parametrize("key", ["", "x" * 256, "naïve", "tab\there"])
def test_malformed_key_is_400(api_client, key):
    response = post(api_client, key=key)

    assert response.status_code == 400
    assert response.json()["code"] == "IDEMPOTENCY_KEY_INVALID"
    assert runs() == 0


def test_quoted_key_is_the_same_key_as_bare(api_client):
    post(api_client, key="abc")

    retry = post(api_client, key='"abc"')

    assert retry["Idempotent-Replayed"] == "true"


def test_key_is_scoped_to_the_callers_credentials(db, user):
    from tests.accounts.factories import UserFactory

    mine = post(client_for(user))
    theirs = post(client_for(UserFactory()))

    assert "Idempotent-Replayed" not in theirs
    assert mine.json() != theirs.json()
    assert runs() == 2


def test_key_is_scoped_to_the_path(api_client):
    post(api_client, path="/test/counting")

    other = post(api_client, path="/test/failing-once")

    assert "Idempotent-Replayed" not in other


def test_a_key_whose_first_request_is_running_is_409(api_client):
    # Another process holds the key: its lock sits in the shared Redis.
    post(api_client, key="warm-up")
    lock_keys = get_redis_connection("default").keys("idem:response:*")
    held = lock_keys[0].decode().replace("idem:response:", "idem:lock:")
    get_redis_connection("default").delete(lock_keys[0])
    get_redis_connection("default").set(held, "another-process", ex=30)

    response = post(api_client, key="warm-up")

    assert response.status_code == 409
    assert response.json()["code"] == "IDEMPOTENCY_IN_PROGRESS"
    assert runs() == 1


def test_5xx_is_not_stored_so_a_retry_runs_again(api_client):
    crashed = post(api_client, path="/test/failing-once")
    retry = post(api_client, path="/test/failing-once")

    assert crashed.status_code == 500
    assert crashed.json()["code"] == "INTERNAL_ERROR"
    assert "SELECT" not in crashed.content.decode()
    assert retry.status_code == 201
    assert "Idempotent-Replayed" not in retry


def test_4xx_is_stored_and_replayed(api_client):
    first = api_client.post(
        "/test/counting",
        data="{bad json",
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k",
    )
    retry = api_client.post(
        "/test/counting",
        data="{bad json",
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k",
    )

    assert first.status_code == retry.status_code == 400
    assert retry["Idempotent-Replayed"] == "true"


def test_without_the_header_requests_pass_through(api_client):
    post(api_client, key=None)
    second = post(api_client, key=None)

    assert second.json() == {"runs": 2}
    assert "Idempotent-Replayed" not in second


def test_endpoints_without_idem_ignore_the_header(api_client):
    post(api_client, path="/test/not-idempotent", key="")
    second = post(api_client, path="/test/not-idempotent", key="")

    assert second.status_code == 201
    assert second.json() == {"runs": 2}


def test_dead_redis_answers_503_not_a_duplicate(api_client, settings):
    from django_redis.pool import ConnectionFactory

    settings.CACHES = {
        "default": settings.CACHES["default"] | {"LOCATION": "redis://127.0.0.1:1/0"}
    }
    ConnectionFactory._pools.clear()
    try:
        response = post(api_client)
    finally:
        ConnectionFactory._pools.clear()

    assert response.status_code == 503
    assert response.json()["code"] == "SERVICE_UNAVAILABLE"


@pytest.mark.concurrency
def test_two_processes_racing_on_one_key_run_the_handler_once():
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(2)
    results = context.Queue()
    workers = [
        context.Process(target=post_raced_key, args=(barrier, results, index))
        for index in range(2)
    ]

    for worker in workers:
        worker.start()
    answers = sorted(results.get(timeout=30)[1:] for _ in workers)
    for worker in workers:
        worker.join(timeout=30)

    assert runs() == 1
    assert answers[0] == (201, {"runs": 1})
    assert answers[1][0] == 409
    assert answers[1][1]["code"] == "IDEMPOTENCY_IN_PROGRESS"


def test_browsable_api_sessions_are_scoped_to_their_user(db, client):
    from tests.accounts.factories import UserFactory

    first, second = UserFactory(), UserFactory()

    def session_post():
        return client.post(
            "/test/counting",
            {"n": 1},
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY="key-1",
        )

    client.force_login(first)
    mine = session_post()
    client.force_login(second)
    theirs = session_post()

    assert "Idempotent-Replayed" not in theirs
    assert runs() == 2
    assert mine.status_code == theirs.status_code == 201
