"""The summary's ratios, verdicts and table, from made-up figures."""

from bench.summary import TARGETS, summarize, table

FIGURES = {
    "bare_rps_warm": 1000.0,
    "catalog_rps_warm": 700.0,
    "bare_rps_uncached": 1000.0,
    "catalog_rps_uncached": 200.0,
    "page_1_p50_ms": 10.0,
    "page_500_p50_ms": 11.0,
    "balance_p50_ms_small": 4.0,
    "balance_p50_ms_large": 4.4,
    "checkout_p50_ms_small": 30.0,
    "checkout_p50_ms_large": 33.0,
    "replay_p50_ms": 6.0,
    "hot_checkouts_per_s": 60.0,
    "spread_checkouts_per_s": 100.0,
    "oversell": {"oversold": 0, "consistent": True},
    "verify_stock_clean": True,
    "sse_fanout_p99_ms": 42.5,
    "sse_memory_per_stream_kib": 55.0,
    "max_queries_per_request": 6,
}


def test_every_required_key_is_computed():
    summary = summarize(FIGURES)

    assert summary["catalog_vs_bare_ratio"] == 0.7
    assert summary["catalog_uncached_vs_bare_ratio"] == 0.2
    assert summary["deep_page_ratio"] == 1.1
    assert summary["balance_growth_ratio"] == 1.1
    assert summary["checkout_growth_ratio"] == 1.1
    assert summary["hot_sku_checkout_ratio"] == 0.6
    assert summary["replay_vs_checkout_ratio"] == 0.2
    assert summary["sse_fanout_p99_ms"] == 42.5
    assert summary["max_queries_per_request"] == 6
    assert summary["sse_memory_per_stream_kib"] == 55.0


def test_verdicts_respect_the_direction_of_each_target():
    verdicts = summarize(FIGURES)["targets"]

    assert verdicts["catalog_vs_bare_ratio"] == {"target": ">= 0.6", "met": True}
    assert verdicts["catalog_uncached_vs_bare_ratio"]["met"] is False
    assert verdicts["deep_page_ratio"] == {"target": "<= 1.3", "met": True}
    assert verdicts["sse_fanout_p99_ms"] == {"target": "report", "met": None}


def test_hot_sku_fails_when_stock_was_oversold():
    oversold = FIGURES | {"oversell": {"oversold": 3, "consistent": False}}

    assert summarize(oversold)["targets"]["hot_sku_checkout_ratio"]["met"] is False


def test_hot_sku_fails_when_verify_stock_is_not_clean():
    dirty = FIGURES | {"verify_stock_clean": False}

    assert summarize(dirty)["targets"]["hot_sku_checkout_ratio"]["met"] is False


def test_missing_figures_give_none_and_show_as_skipped():
    summary = summarize({"bare_rps_warm": 1000.0})

    assert summary["catalog_vs_bare_ratio"] is None
    assert "SKIPPED" in table(summary)


def test_table_has_a_row_per_key_with_its_verdict():
    lines = table(summarize(FIGURES)).splitlines()

    assert len(lines) == 1 + len(TARGETS) + 1
    assert lines[1].split() == ["catalog_vs_bare_ratio", "0.7", ">=", "0.6", "pass"]
    assert any(line.split()[-1] == "MISS" for line in lines)
