"""D-08 and SPEC 4 SSE, end to end through two real uvicorn server processes.

Server A holds the event streams; transitions go through server B (or the
test process), so every delivery crosses processes through Redis.
"""

import json
import logging
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from django.conf import settings
from django.db import connection

from accounts import tokens
from orders.models import OrderStatus
from orders.services.transitions import order_transition
from tests.accounts.factories import UserFactory
from tests.orders.lifecycle_factories import pending_order
from tests.orgs.factories import MembershipFactory

pytestmark = [pytest.mark.django_db(transaction=True)]

S = OrderStatus
TIMEOUT = httpx.Timeout(10.0)
ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    # The embedded PostgreSQL listens on a unix socket: its host is a path.
    host = quote(db["HOST"] or "127.0.0.1", safe="")
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgresql://{db['USER']}{password}@{host}{port}/{db['NAME']}"


def _start(port: int, log: Path) -> subprocess.Popen:
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "marketplace.settings.test",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": settings.REDIS_URL,
        # No pooled connection outlives a request, so the test database can
        # be dropped at the end of the session.
        "DB_POOL_MAX_SIZE": "0",
    }
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "marketplace.asgi:application",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--no-access-log",
    ]
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT
    )


def _wait_ready(base: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"server exited: {log.read_text()[-3000:]}")
        try:
            if httpx.get(f"{base}/health/liveness", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    pytest.fail(f"server not ready: {log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def servers(django_db_setup, tmp_path_factory) -> Iterator[tuple[str, str]]:
    """Two uvicorn processes on the test database and Redis: (A, B)."""
    logs = tmp_path_factory.mktemp("servers")
    started = []
    try:
        for name in ("a", "b"):
            port = _free_port()
            log = logs / f"{name}.log"
            started.append((f"http://127.0.0.1:{port}", _start(port, log), log))
        for base, process, log in started:
            _wait_ready(base, process, log)
        yield started[0][0], started[1][0]
    finally:
        for _, process, _ in started:
            process.terminate()
        for _, process, _ in started:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def bearer(user) -> dict[str, str]:
    access = tokens.token_pair_issue(user=user).access_token
    return {"Authorization": f"Bearer {access}"}


def read_event(lines: Iterator[str]) -> dict:
    """Read one SSE event (skipping comments and retry-only blocks)."""
    fields: dict[str, str] = {}
    for line in lines:
        if line == "":
            if "data" in fields:
                return {
                    "id": int(fields["id"]),
                    "event": fields["event"],
                    "data": json.loads(fields["data"]),
                }
            fields = {}
        elif not line.startswith(":"):
            name, _, value = line.partition(":")
            fields[name] = value[1:] if value.startswith(" ") else value
    raise AssertionError("stream ended before an event")


def stream(base: str, order, *, headers: dict, params: dict | None = None):
    return httpx.Client(timeout=TIMEOUT).stream(
        "GET",
        f"{base}/orders/{order.pk}/events",
        headers={"Accept": "text/event-stream", **headers},
        params=params,
    )


def post(base: str, order, action: str, user, body: dict | None = None):
    return httpx.post(
        f"{base}/orders/{order.pk}/{action}",
        json=body or {},
        headers=bearer(user),
        timeout=TIMEOUT,
    )


def test_d08_events_published_by_one_server_reach_a_client_on_another(servers):
    server_a, server_b = servers
    order = pending_order()
    owner = order.organization.owner

    with stream(server_a, order, headers=bearer(order.buyer)) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        lines = response.iter_lines()
        first = read_event(lines)

        paid = post(server_b, order, "mark-paid", owner)
        second = read_event(lines)
        post(server_b, order, "ship", owner, {"tracking_code": "BR777"})
        third = read_event(lines)

    assert paid.status_code == 200
    assert first["id"] == 1
    assert first["event"] == "status"
    assert first["data"] == {
        "order_id": str(order.pk),
        "status": S.PENDING,
        "previous_status": None,
        "tracking_code": "",
        "at": first["data"]["at"],
    }
    assert first["data"]["at"].endswith("Z")
    assert (second["id"], second["data"]["status"]) == (2, S.PAID)
    assert second["data"]["previous_status"] == S.PENDING
    assert (third["id"], third["data"]["status"]) == (3, S.SHIPPED)
    assert third["data"]["tracking_code"] == "BR777"


def test_d08_transition_in_another_process_is_published_after_commit(servers):
    server_a, _ = servers
    order = pending_order()

    with stream(server_a, order, headers=bearer(order.buyer)) as response:
        lines = response.iter_lines()
        read_event(lines)
        order_transition(order_id=order.pk, to_status=S.CANCELLED, actor=order.buyer)
        event = read_event(lines)

    assert (event["id"], event["data"]["status"]) == (2, S.CANCELLED)
    assert event["data"]["previous_status"] == S.PENDING


def test_d08_last_event_id_resumes_with_every_missed_event(servers):
    server_a, _ = servers
    order = pending_order()
    owner = order.organization.owner
    order_transition(order_id=order.pk, to_status=S.PAID, actor=owner)
    order_transition(
        order_id=order.pk, to_status=S.SHIPPED, actor=owner, tracking_code="BR1"
    )

    headers = bearer(order.buyer) | {"Last-Event-ID": "1"}
    with stream(server_a, order, headers=headers) as response:
        lines = response.iter_lines()
        missed = [read_event(lines), read_event(lines)]
        order_transition(order_id=order.pk, to_status=S.DELIVERED, actor=order.buyer)
        live = read_event(lines)

    assert [(e["id"], e["data"]["status"]) for e in missed] == [
        (2, S.PAID),
        (3, S.SHIPPED),
    ]
    assert (live["id"], live["data"]["status"]) == (4, S.DELIVERED)
    assert live["data"]["tracking_code"] == "BR1"


def test_d08_query_last_event_id_resumes_too(servers):
    server_a, _ = servers
    order = pending_order()
    order_transition(order_id=order.pk, to_status=S.CANCELLED, actor=order.buyer)

    with stream(
        server_a, order, headers=bearer(order.buyer), params={"lastEventId": "1"}
    ) as response:
        event = read_event(response.iter_lines())

    assert (event["id"], event["data"]["status"]) == (2, S.CANCELLED)


def test_d08_resuming_with_nothing_missed_sends_the_current_status(servers):
    server_a, _ = servers
    order = pending_order()
    order_transition(order_id=order.pk, to_status=S.CANCELLED, actor=order.buyer)

    headers = bearer(order.buyer) | {"Last-Event-ID": "2"}
    with stream(server_a, order, headers=headers) as response:
        event = read_event(response.iter_lines())

    assert (event["id"], event["data"]["status"]) == (2, S.CANCELLED)


@pytest.fixture
def quiet_http_client():
    """Keep this test process's own httpx request log out of the shared files.

    The files are written by the servers and by this process; only what the
    servers write is under test, and httpx logs full URLs at INFO.
    """
    client_logger = logging.getLogger("httpx")
    level = client_logger.level
    client_logger.setLevel(logging.WARNING)
    yield
    client_logger.setLevel(level)


def log_offsets() -> dict[Path, int]:
    return {path: path.stat().st_size for path in settings.LOGS_DIR.glob("*.log")}


def written_since(offsets: dict[Path, int]) -> str:
    text = ""
    for path in settings.LOGS_DIR.glob("*.log"):
        with path.open("rb") as log:
            log.seek(offsets.get(path, 0))
            text += log.read().decode(errors="replace")
    return text


def test_d08_access_token_in_query_works_and_never_reaches_a_log(
    servers, quiet_http_client
):
    server_a, _ = servers
    order = pending_order()
    token = tokens.token_pair_issue(user=order.buyer).access_token
    bad_token = f"not-a-token-{uuid.uuid4().hex}"
    offsets = log_offsets()

    with stream(server_a, order, headers={}, params={"access_token": token}) as ok:
        event = read_event(ok.iter_lines())
    refused = httpx.get(
        f"{server_a}/orders/{order.pk}/events",
        params={"access_token": bad_token},
        timeout=TIMEOUT,
    )
    time.sleep(0.5)

    assert event["data"]["status"] == S.PENDING
    assert refused.status_code == 401
    assert refused.json()["code"] == "TOKEN_INVALID"
    written = written_since(offsets)
    assert f"/orders/{order.pk}/events 200" in written
    assert f"/orders/{order.pk}/events 401" in written
    assert token not in written
    assert bad_token not in written
    assert "access_token" not in written


def test_d08_only_the_buyer_reads_the_stream(servers):
    server_a, _ = servers
    order = pending_order()
    seller = MembershipFactory(organization=order.organization).user
    url = f"{server_a}/orders/{order.pk}/events"

    outsider = httpx.get(url, headers=bearer(UserFactory()), timeout=TIMEOUT)
    member = httpx.get(url, headers=bearer(seller), timeout=TIMEOUT)
    anonymous = httpx.get(url, timeout=TIMEOUT)

    assert (outsider.status_code, outsider.json()["code"]) == (404, "NOT_FOUND")
    assert (member.status_code, member.json()["code"]) == (403, "PERMISSION_DENIED")
    assert (anonymous.status_code, anonymous.json()["code"]) == (
        401,
        "NOT_AUTHENTICATED",
    )
