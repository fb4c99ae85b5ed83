"""The event stream's pieces without a server: backlog, heartbeats, deadline."""

import asyncio
import json
import time

import pytest
from django_redis import get_redis_connection

from orders import events
from orders.models import OrderStatus
from orders.services.transitions import order_transition
from tests.orders.lifecycle_factories import pending_order

pytestmark = pytest.mark.django_db

S = OrderStatus


def test_d08_backlog_of_a_new_client_is_the_current_status():
    order = pending_order()
    order_transition(order_id=order.pk, to_status=S.PAID, actor=None)

    backlog = events.order_events_backlog(order=order, last_event_id=None)

    assert [(e["id"], e["status"], e["previous_status"]) for e in backlog] == [
        (2, S.PAID, S.PENDING)
    ]


def test_d08_backlog_carries_the_tracking_code_forward():
    order = pending_order()
    order_transition(order_id=order.pk, to_status=S.PAID, actor=None)
    order_transition(
        order_id=order.pk, to_status=S.SHIPPED, actor=None, tracking_code="T1"
    )
    order_transition(order_id=order.pk, to_status=S.DELIVERED, actor=None)

    backlog = events.order_events_backlog(order=order, last_event_id=1)

    assert [(e["id"], e["tracking_code"]) for e in backlog] == [
        (2, ""),
        (3, "T1"),
        (4, "T1"),
    ]


def test_d08_event_text_has_id_event_and_one_line_of_json():
    event = {
        "id": 7,
        "order_id": "o",
        "status": "PAID",
        "previous_status": "PENDING",
        "tracking_code": "",
        "at": "2026-01-01T00:00:00Z",
    }

    text = events.sse_format(event)

    head, data = text.split("data: ")
    assert head == "id: 7\nevent: status\n"
    assert data.endswith("\n\n") and "\n" not in data[:-2]
    assert json.loads(data) == {k: v for k, v in event.items() if k != "id"}


class SilentPubSub:
    async def get_message(self, ignore_subscribe_messages: bool, timeout: float):
        await asyncio.sleep(timeout)
        return None


def test_d08_idle_stream_sends_heartbeats_and_ends_at_the_deadline(monkeypatch):
    monkeypatch.setattr(events, "HEARTBEAT_SECONDS", 0.05)

    async def collect() -> list:
        deadline = time.time() + 0.3
        return [item async for item in events._live(SilentPubSub(), deadline)]

    started = time.monotonic()
    items = asyncio.run(collect())

    assert time.monotonic() - started < 2
    assert items and all(item is None for item in items)


def test_d08_event_is_published_only_when_the_transaction_commits(
    django_capture_on_commit_callbacks,
):
    order = pending_order()
    pubsub = get_redis_connection("default").pubsub()
    pubsub.subscribe(events.order_event_channel(order.pk))
    pubsub.get_message(timeout=1)

    with django_capture_on_commit_callbacks() as callbacks:
        order_transition(order_id=order.pk, to_status=S.PAID, actor=None)
    before_commit = pubsub.get_message(timeout=0.2)
    for callback in callbacks:
        callback()
    after_commit = pubsub.get_message(timeout=2)
    pubsub.close()

    assert before_commit is None
    assert json.loads(after_commit["data"]) | {"at": None} == {
        "id": 2,
        "order_id": str(order.pk),
        "status": S.PAID,
        "previous_status": S.PENDING,
        "tracking_code": "",
        "at": None,
    }
