"""Live order events (D-08, SPEC 4 SSE): the event log, publishing and the stream.

OrderTransition rows are the persisted event log and their per-order
`sequence` is the SSE event id, so a client resuming with Last-Event-ID gets
every row after it from the database. Live delivery goes through Redis
pub/sub (one channel per order): whichever server process commits a
transition publishes it, and every process holding a stream for that order
forwards it.
"""

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator
from datetime import datetime
from uuid import UUID

import redis.asyncio as aioredis
from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import connection
from django_redis import get_redis_connection
from redis.exceptions import RedisError

from orders.models import Order, OrderTransition

logger = logging.getLogger(__name__)

CHANNEL_PREFIX = "order-events:"
# Comment lines keep proxies and load balancers from closing an idle stream.
HEARTBEAT_SECONDS = 15.0
# How long a browser waits before reconnecting after the stream ends.
RETRY_MILLISECONDS = 3000

OrderEvent = dict


def order_event_channel(order_id: UUID | str) -> str:
    return f"{CHANNEL_PREFIX}{order_id}"


def order_event_publish(order: Order, transition: OrderTransition) -> None:
    """Publish one committed transition to every server process.

    A lost publish is not lost data: the transition is in the database and
    a client that reconnects with Last-Event-ID receives it.
    """
    event = _event(order.pk, transition, order.tracking_code)
    try:
        get_redis_connection("default").publish(
            order_event_channel(order.pk), json.dumps(event)
        )
    except RedisError:
        logger.warning(
            "Could not publish event %s of order %s",
            transition.sequence,
            order.pk,
            exc_info=True,
            extra={"order_id": str(order.pk)},
        )


def order_events_backlog(
    *, order: Order, last_event_id: int | None
) -> list[OrderEvent]:
    """Return what a connecting client is sent before live events.

    A new client gets the current status; a resuming one every event after
    `last_event_id`, or the current status again when it missed nothing.
    """
    events = _history(order)
    if last_event_id is not None:
        missed = [event for event in events if event["id"] > last_event_id]
        if missed:
            return missed
    return events[-1:]


def connection_release() -> None:
    """Give back this thread's database connection, outside a transaction.

    A stream stays open for minutes; holding a connection for each would
    exhaust PostgreSQL's connections long before the server's memory.
    """
    if not connection.in_atomic_block:
        connection.close()


def _backlog_read(*, order: Order, last_event_id: int | None) -> list[OrderEvent]:
    try:
        return order_events_backlog(order=order, last_event_id=last_event_id)
    finally:
        connection_release()


async def order_event_stream(
    *, order: Order, last_event_id: int | None, deadline: float
) -> AsyncIterator[str]:
    """Yield the SSE text of the order's backlog, then of live events.

    Subscribes before reading the backlog so no event falls between the
    two; events seen twice are dropped by id. Ends at `deadline` (a
    time.time() value: the access token's expiry), so a revoked or expired
    token stops receiving events and the client reconnects with a new one.
    """
    client = aioredis.Redis.from_url(settings.REDIS_URL)
    pubsub = client.pubsub()
    try:
        await pubsub.subscribe(order_event_channel(order.pk))
        backlog = await sync_to_async(_backlog_read)(
            order=order, last_event_id=last_event_id
        )
        yield f"retry: {RETRY_MILLISECONDS}\n\n"
        last_sent = -1
        for event in backlog:
            yield sse_format(event)
            last_sent = event["id"]

        async for published in _live(pubsub, deadline):
            if published is None:
                yield ": keep-alive\n\n"
            elif published["id"] > last_sent:
                yield sse_format(published)
                last_sent = published["id"]
    finally:
        await _close(pubsub, client)


def sse_format(event: OrderEvent) -> str:
    """Encode one event as `id`, `event: status` and a one-line JSON `data`."""
    data = {key: value for key, value in event.items() if key != "id"}
    return f"id: {event['id']}\nevent: status\ndata: {json.dumps(data)}\n\n"


async def _live(pubsub, deadline: float) -> AsyncIterator[OrderEvent | None]:
    """Yield published events, and None whenever a heartbeat is due."""
    next_heartbeat = time.monotonic() + HEARTBEAT_SECONDS
    while time.time() < deadline:
        wait = min(next_heartbeat - time.monotonic(), deadline - time.time())
        message = await pubsub.get_message(
            ignore_subscribe_messages=True, timeout=max(wait, 0.0)
        )
        if message is not None:
            yield json.loads(message["data"])
        elif time.monotonic() >= next_heartbeat:
            yield None
            next_heartbeat = time.monotonic() + HEARTBEAT_SECONDS
        else:
            # A subscribe confirmation returns at once; do not spin on it.
            await asyncio.sleep(0)


async def _close(pubsub, client) -> None:
    try:
        await pubsub.aclose()
        await client.aclose()
    except RedisError:
        logger.debug("Event stream's Redis connection was already gone")


def _history(order: Order) -> list[OrderEvent]:
    events: list[OrderEvent] = []
    tracking_code = ""
    for transition in order.transitions.order_by("sequence"):
        tracking_code = transition.tracking_code or tracking_code
        events.append(_event(order.pk, transition, tracking_code))
    if not events:
        # An order written without its creation row still has a status.
        events.append(_status_event(order))
    return events


def _event(
    order_id: UUID, transition: OrderTransition, tracking_code: str
) -> OrderEvent:
    return {
        "id": transition.sequence,
        "order_id": str(order_id),
        "status": transition.to_status,
        "previous_status": transition.from_status or None,
        "tracking_code": tracking_code,
        "at": _iso(transition.created_at),
    }


def _status_event(order: Order) -> OrderEvent:
    return {
        "id": 0,
        "order_id": str(order.pk),
        "status": order.status,
        "previous_status": None,
        "tracking_code": order.tracking_code,
        "at": _iso(order.updated_at),
    }


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")
