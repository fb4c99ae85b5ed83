"""The SSE load process: hold many order event streams open and time events.

    python -m bench.sse_client <streams.json>

`streams.json` holds `{"base_url", "streams": [{"order_id", "token"}]}`.
The process opens every stream (`GET /orders/{id}/events?access_token=`),
waits for each one's first event (the current status), then prints
`READY <open> <failed>`. It then reads `EXPECT <n>` from stdin, waits until
`n` transition events have arrived (or a timeout), and prints `RESULT {...}`
with each event's delay: arrival time minus the event's `at`, which is when
the transition row was written, just before its commit.
"""

import asyncio
import contextlib
import json
import sys
import time
from datetime import datetime
from pathlib import Path

import httpx

OPEN_CONCURRENCY = 50
OPEN_TIMEOUT = 180.0
EVENTS_TIMEOUT = 60.0


class Streams:
    """Every open stream's state, shared by the reader tasks."""

    def __init__(self) -> None:
        self.opened = 0
        self.failed = 0
        self.delays_ms: list[float] = []
        self.errors: list[str] = []
        self.arrived = asyncio.Event()
        self.expected: int | None = None

    def event_arrived(self, delay_ms: float) -> None:
        self.delays_ms.append(delay_ms)
        if self.expected is not None and len(self.delays_ms) >= self.expected:
            self.arrived.set()


def parse_events(buffer: str) -> tuple[list[dict], str]:
    """Split complete SSE events off `buffer`; return their data and the rest."""
    events = []
    *blocks, rest = buffer.split("\n\n")
    for block in blocks:
        lines = block.split("\n")
        data = [line[5:].strip() for line in lines if line.startswith("data:")]
        if data:
            events.append(json.loads("\n".join(data)))
    return events, rest


def event_delay_ms(event: dict, arrival: float) -> float:
    """Milliseconds from the event's `at` to `arrival` (a time.time() value)."""
    at = datetime.fromisoformat(event["at"].replace("Z", "+00:00")).timestamp()
    return (arrival - at) * 1000


async def stream_read(
    client: httpx.AsyncClient,
    url: str,
    streams: Streams,
    gate: asyncio.Semaphore,
    opened: asyncio.Event,
) -> None:
    """Hold one stream: the first event opens it, later ones are timed."""
    first_status = None
    buffer = ""
    await gate.acquire()
    try:
        async with client.stream("GET", url) as response:
            if response.status_code != 200:
                raise ValueError(f"stream answered {response.status_code}")
            async for chunk in response.aiter_text():
                arrival = time.time()
                buffer += chunk
                events, buffer = parse_events(buffer)
                for event in events:
                    if first_status is None:
                        first_status = event["status"]
                        streams.opened += 1
                        gate.release()
                        opened.set()
                    elif event["status"] != first_status:
                        streams.event_arrived(event_delay_ms(event, arrival))
    except (httpx.HTTPError, ValueError, KeyError) as error:
        streams.errors.append(repr(error)[:200])
    finally:
        if first_status is None:
            streams.failed += 1
            gate.release()
            opened.set()


async def main_async(config: dict) -> dict:
    streams = Streams()
    gate = asyncio.Semaphore(OPEN_CONCURRENCY)
    opened = asyncio.Event()
    limits = httpx.Limits(max_connections=None, max_keepalive_connections=None)
    timeout = httpx.Timeout(30.0, read=None)
    async with httpx.AsyncClient(limits=limits, timeout=timeout) as client:
        tasks = [
            asyncio.create_task(
                stream_read(client, _stream_url(config, item), streams, gate, opened)
            )
            for item in config["streams"]
        ]
        await _wait_all_opened(streams, len(tasks), opened)
        _say(f"READY {streams.opened} {streams.failed}")

        streams.expected = await _read_expected()
        if len(streams.delays_ms) >= streams.expected:
            streams.arrived.set()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(streams.arrived.wait(), EVENTS_TIMEOUT)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    return {
        "opened": streams.opened,
        "failed": streams.failed,
        "delays_ms": streams.delays_ms,
        "errors": streams.errors[:5],
    }


def _stream_url(config: dict, item: dict) -> str:
    base = config["base_url"]
    return f"{base}/orders/{item['order_id']}/events?access_token={item['token']}"


async def _wait_all_opened(streams: Streams, total: int, opened: asyncio.Event) -> None:
    deadline = time.monotonic() + OPEN_TIMEOUT
    while streams.opened + streams.failed < total and time.monotonic() < deadline:
        opened.clear()
        try:
            await asyncio.wait_for(opened.wait(), 1.0)
        except TimeoutError:
            continue


async def _read_expected() -> int:
    line = await asyncio.to_thread(sys.stdin.readline)
    return int(line.split()[1]) if line.startswith("EXPECT") else 0


def _say(line: str) -> None:
    print(line, flush=True)


def main() -> int:
    config = json.loads(Path(sys.argv[1]).read_text())
    result = asyncio.run(main_async(config))
    _say("RESULT " + json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
