"""Reading wrk's `--latency` report and the bench scripts' BENCH_JSON line."""

import pytest

from bench.wrk import parse_output, to_ms

REPORT = """\
Running 8s test @ http://127.0.0.1:41235/catalog
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    46.20ms   26.97ms   1.20s    76.63%
    Req/Sec   180.50     53.72   310.00     69.00%
  Latency Distribution
     50%  840.12us
     75%   57.21ms
     90%    1.02s
     99%    2.50s
  1804 requests in 5.02s, 658.88KB read
  Socket errors: connect 0, read 2, write 0, timeout 3
  Non-2xx or 3xx responses: 7
Requests/sec:    359.36
Transfer/sec:    131.25KB
BENCH_JSON {"statuses": {"201": 5, "409": 2}, "real": 7, "replayed": 0}
"""


def test_durations_in_every_unit_become_milliseconds():
    assert to_ms("840.12", "us") == pytest.approx(0.84012)
    assert to_ms("57.21", "ms") == 57.21
    assert to_ms("1.5", "s") == 1500.0
    assert to_ms("2", "m") == 120_000.0


def test_report_gives_rate_percentiles_and_errors():
    result = parse_output(REPORT)

    assert result.requests == 1804
    assert result.duration_s == pytest.approx(5.02)
    assert result.rps == 359.36
    assert result.p50_ms == pytest.approx(0.84012)
    assert result.percentiles_ms[90.0] == 1020.0
    assert result.p99_ms == 2500.0
    assert result.non_2xx == 7
    assert result.socket_errors == 5


def test_script_summary_line_is_read():
    result = parse_output(REPORT)

    assert result.script["statuses"] == {"201": 5, "409": 2}
    assert result.script["real"] == 7


def test_clean_report_has_no_errors_and_no_script_data():
    lines = [
        line
        for line in REPORT.splitlines()
        if not line.startswith(("BENCH_JSON", "  Socket", "  Non-2xx"))
    ]

    result = parse_output("\n".join(lines))

    assert (result.non_2xx, result.socket_errors, result.script) == (0, 0, {})


def test_output_that_is_not_a_report_is_refused():
    with pytest.raises(ValueError, match="not a wrk report"):
        parse_output("unable to connect to 127.0.0.1:1 Connection refused\n")
