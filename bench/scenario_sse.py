"""SSE fan-out: 1,000 open order streams, then transitions, timed end to end.

A separate process (bench/sse_client.py) holds the streams. Once all are
open, the workers' memory is read from /proc, some orders are marked paid
by the seller over HTTP, and the client reports, per event, the time from
the transition's `at` (written in its transaction, just before the commit)
to the event's arrival.
"""

import json
import select
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from statistics import quantiles
from typing import IO

import httpx

from bench.context import Context, Skipped
from marketplace.devstack import ROOT, stop_process

STREAMS = 1_000
TRANSITIONS = 200
TRANSITION_CONCURRENCY = 4
READY_TIMEOUT = 240.0
RESULT_TIMEOUT = 90.0


def sse_fanout(ctx: Context) -> None:
    """Open the streams, measure memory, transition orders, collect delays."""
    orders = _pending_orders(ctx)
    config = {"base_url": ctx.server.base_url, "streams": orders}
    config_path = ctx.run_dir / "sse_streams.json"
    config_path.write_text(json.dumps(config))

    rss_before = ctx.server.workers_rss_bytes()
    client = _client_start(config_path)
    try:
        _, opened, failed = _read_line(client, "READY", READY_TIMEOUT).split()
        rss_open = ctx.server.workers_rss_bytes()
        paid = _mark_paid(ctx, [order["order_id"] for order in orders[:TRANSITIONS]])
        _pipe(client.stdin).write(f"EXPECT {paid}\n")
        _pipe(client.stdin).flush()
        result = json.loads(_read_line(client, "RESULT", RESULT_TIMEOUT)[7:])
    finally:
        stop_process(client)

    _record(ctx, result, int(opened), int(failed), paid, rss_open - rss_before)
    if int(failed) or paid < TRANSITIONS:
        raise RuntimeError(
            f"{failed} of {len(orders)} streams refused ({result['errors'][:1]}), "
            f"{paid} of {TRANSITIONS} orders marked paid; see var/bench/logs/"
        )


def _pending_orders(ctx: Context) -> list[dict]:
    """PENDING orders with their buyers' tokens, one stream each."""
    tokens = ctx.fixture["buyer_tokens"]
    rows = ctx.sql(
        "SELECT id, buyer_id FROM orders_order WHERE status = 'PENDING' ORDER BY id"
    )
    orders = [
        {"order_id": str(order_id), "token": tokens[str(buyer_id)]}
        for order_id, buyer_id in rows
        if str(buyer_id) in tokens
    ]
    if len(orders) < STREAMS:
        raise Skipped(f"{STREAMS} PENDING orders needed, {len(orders)} found")
    probe = ctx.get(f"/orders/{orders[0]['order_id']}/events?access_token=x")
    if probe.status_code == 404:
        raise Skipped("GET /orders/{id}/events answers 404: endpoint missing")
    return orders[:STREAMS]


def _client_start(config_path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "bench.sse_client", str(config_path)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def _pipe(stream: IO[str] | None) -> IO[str]:
    # `_client_start` opens stdin and stdout as pipes, so neither is None.
    if stream is None:
        raise RuntimeError("the SSE client was started without its pipes")
    return stream


def _read_line(process: subprocess.Popen[str], prefix: str, timeout: float) -> str:
    """Wait for the client's line starting with `prefix`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([_pipe(process.stdout)], [], [], 1.0)
        if ready:
            line = _pipe(process.stdout).readline()
            if not line:
                break
            if line.startswith(prefix):
                return line.strip()
    raise RuntimeError(f"the SSE client did not report {prefix} in {timeout:g}s")


def _mark_paid(ctx: Context, order_ids: list[str]) -> int:
    """Mark orders paid as the seller, a few at a time; return how many were."""
    headers = {"Authorization": f"Bearer {ctx.fixture['owner_token']}"}

    def pay(order_id: str) -> int:
        response = httpx.post(
            ctx.url(f"/orders/{order_id}/mark-paid"), headers=headers, timeout=60
        )
        return response.status_code

    with ThreadPoolExecutor(TRANSITION_CONCURRENCY) as pool:
        codes = list(pool.map(pay, order_ids))
    ctx.results["mark_paid_statuses"] = {
        str(code): codes.count(code) for code in sorted(set(codes))
    }
    return codes.count(200)


def _record(
    ctx: Context, result: dict, opened: int, failed: int, paid: int, rss_delta: int
) -> None:
    delays = sorted(result["delays_ms"])
    ctx.results["sse_streams_open"] = opened
    ctx.results["sse_streams_failed"] = failed
    ctx.results["sse_transitions"] = paid
    ctx.results["sse_events_received"] = len(delays)
    ctx.results["sse_client_errors"] = result["errors"]
    per_stream = rss_delta / max(opened, 1) / 1024
    ctx.results["sse_memory_per_stream_kib"] = round(per_stream, 1)
    if len(delays) >= 2:
        cuts = quantiles(delays, n=100, method="inclusive")
        ctx.results["sse_fanout_p50_ms"] = round(cuts[49], 1)
        ctx.results["sse_fanout_p99_ms"] = round(cuts[98], 1)
