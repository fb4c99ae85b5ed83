"""Turn the measured figures into the summary's ratios, verdicts and table."""

import operator
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Target:
    """A summary key, how it is computed, and the bound it should respect."""

    key: str
    compute: Callable[[dict], float | None]
    bound: float | None = None
    at_most: bool = True

    def met(self, value: float | None) -> bool | None:
        """True or False against the bound; None without a value or a bound."""
        if value is None or self.bound is None:
            return None
        compare = operator.le if self.at_most else operator.ge
        return compare(value, self.bound)

    def describe(self) -> str:
        if self.bound is None:
            return "report"
        return f"{'<=' if self.at_most else '>='} {self.bound:g}"


def ratio(numerator: str, denominator: str) -> Callable[[dict], float | None]:
    """A function of the results: `numerator / denominator`, if both exist."""

    def compute(results: dict) -> float | None:
        top, bottom = results.get(numerator), results.get(denominator)
        if top is None or not bottom:
            return None
        return round(top / bottom, 3)

    return compute


def figure(name: str) -> Callable[[dict], float | None]:
    return lambda results: results.get(name)


TARGETS = [
    Target(
        "catalog_vs_bare_ratio",
        ratio("catalog_rps_warm", "bare_rps_warm"),
        0.6,
        at_most=False,
    ),
    Target(
        "catalog_uncached_vs_bare_ratio",
        ratio("catalog_rps_uncached", "bare_rps_uncached"),
        0.3,
        at_most=False,
    ),
    Target("deep_page_ratio", ratio("page_500_p50_ms", "page_1_p50_ms"), 1.3),
    Target(
        "balance_growth_ratio",
        ratio("balance_p50_ms_large", "balance_p50_ms_small"),
        1.3,
    ),
    Target(
        "checkout_growth_ratio",
        ratio("checkout_p50_ms_large", "checkout_p50_ms_small"),
        1.3,
    ),
    Target(
        "hot_sku_checkout_ratio",
        ratio("hot_checkouts_per_s", "spread_checkouts_per_s"),
        0.5,
        at_most=False,
    ),
    Target(
        "replay_vs_checkout_ratio", ratio("replay_p50_ms", "checkout_p50_ms_small"), 0.3
    ),
    Target("sse_fanout_p99_ms", figure("sse_fanout_p99_ms")),
    Target("max_queries_per_request", figure("max_queries_per_request")),
]


def stock_sound(results: dict) -> bool | None:
    """No oversell on the hot variant and `verify_stock` clean, if both ran."""
    oversell = results.get("oversell")
    clean = results.get("verify_stock_clean")
    if oversell is None or clean is None:
        return None
    return oversell["oversold"] == 0 and oversell["consistent"] and clean


def summarize(results: dict) -> dict:
    """Return the summary: every target key, verdicts, and the raw figures."""
    summary: dict = {}
    verdicts: dict = {}
    for target in TARGETS:
        value = target.compute(results)
        met = target.met(value)
        if target.key == "hot_sku_checkout_ratio" and met is not None:
            met = met and bool(stock_sound(results))
        summary[target.key] = value
        verdicts[target.key] = {"target": target.describe(), "met": met}
    summary["sse_memory_per_stream_kib"] = results.get("sse_memory_per_stream_kib")
    summary["targets"] = verdicts
    summary["figures"] = results
    return summary


def verdict_word(met: bool | None, value: float | None) -> str:
    if value is None:
        return "SKIPPED"
    return {True: "pass", False: "MISS", None: "-"}[met]


def table(summary: dict) -> str:
    """A short fixed-width table: figure, value, target, verdict."""
    rows = [("figure", "value", "target", "result")]
    for target in TARGETS:
        value = summary[target.key]
        verdict = summary["targets"][target.key]
        shown = "-" if value is None else f"{value:g}"
        rows.append(
            (target.key, shown, verdict["target"], verdict_word(verdict["met"], value))
        )
    memory = summary.get("sse_memory_per_stream_kib")
    rows.append(
        (
            "sse_memory_per_stream_kib",
            "-" if memory is None else f"{memory:g}",
            "report",
            "-" if memory is not None else "SKIPPED",
        )
    )
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    return "\n".join(
        "  ".join(
            cell.ljust(width) for cell, width in zip(row, widths, strict=True)
        ).rstrip()
        for row in rows
    )
