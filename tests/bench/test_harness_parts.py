"""Pure parts of the harness: SSE parsing, pairs files, checkout rates."""

from datetime import UTC, datetime

import pytest

from bench.scenarios_orders import halves, rate, statuses
from bench.sse_client import event_delay_ms, parse_events
from bench.wrk import WrkResult


def result(real: int, seconds: float, codes: dict[str, int]) -> WrkResult:
    script = {"real": real, "statuses": codes}
    return WrkResult(real, seconds, real / seconds, {50.0: 1.0}, script=script)


def test_sse_events_are_split_and_the_partial_one_is_kept():
    buffer = (
        "retry: 3000\n\n"
        'id: 1\nevent: status\ndata: {"status": "PENDING"}\n\n'
        'id: 2\nevent: status\ndata: {"status": "PA'
    )

    events, rest = parse_events(buffer)

    assert events == [{"status": "PENDING"}]
    assert rest == 'id: 2\nevent: status\ndata: {"status": "PA'


def test_sse_heartbeat_comments_are_not_events():
    events, rest = parse_events(": keep-alive\n\n")

    assert (events, rest) == ([], "")


def test_event_delay_is_arrival_minus_the_transition_time():
    at = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)
    event = {"at": "2026-01-01T12:00:00Z"}

    assert event_delay_ms(event, at.timestamp() + 0.0425) == pytest.approx(42.5)


def test_pairs_file_is_split_into_two_halves_in_order(tmp_path):
    pairs = tmp_path / "hot.tsv"
    pairs.write_text("".join(f"token\tcart-{i}\tkey-{i}\n" for i in range(5)))

    first, second = halves(pairs)

    assert first.read_text().splitlines() == pairs.read_text().splitlines()[:2]
    assert second.read_text().splitlines() == pairs.read_text().splitlines()[2:]


def test_checkout_rate_and_statuses_add_up_over_runs():
    runs = [result(30, 1.0, {"201": 30}), result(10, 1.0, {"201": 5, "409": 5})]

    assert rate(runs) == 20.0
    assert statuses(runs) == {"201": 35, "409": 5}
