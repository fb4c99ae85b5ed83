"""Checkout scenarios: ledger growth, idempotent replay, one hot SKU.

Every checkout buys one unit from an OPEN cart prepared for its own buyer;
wrk sends `POST /orders` with the cart id and a unique Idempotency-Key per
line of a pairs file. Compared runs alternate halves of their files.
"""

from pathlib import Path
from statistics import mean, median

from bench.context import Context
from bench.wrk import Load, WrkResult, wrk_run

ORDERS = "/orders"
RACE_CONNECTIONS = 50
MAX_SECONDS = 300.0


def halves(path: Path) -> list[Path]:
    """Split a pairs file into two files, first half and second half."""
    lines = path.read_text().splitlines()
    middle = len(lines) // 2
    parts = []
    for index, chunk in enumerate((lines[:middle], lines[middle:]), start=1):
        part = path.with_name(f"{path.stem}-{index}{path.suffix}")
        part.write_text("\n".join(chunk) + "\n")
        parts.append(part)
    return parts


def checkouts(ctx: Context, pairs: Path, connections: int) -> WrkResult:
    """Send one checkout per line of `pairs`; return wrk's report."""
    result = wrk_run(
        Load(
            ctx.url(ORDERS),
            connections=connections,
            threads=1 if connections == 1 else 2,
            seconds=MAX_SECONDS,
            script="checkout.lua",
            script_env={"BENCH_PAIRS": str(pairs)},
        ),
        ctx.stop,
    )
    expected = len(pairs.read_text().splitlines())
    if result.script.get("real") != expected:
        raise RuntimeError(f"{pairs.name}: {result.script} for {expected} lines")
    return result


def statuses(results: list[WrkResult]) -> dict[str, int]:
    """Add up the response statuses the checkout script counted."""
    total: dict[str, int] = {}
    for result in results:
        for status, count in result.script.get("statuses", {}).items():
            total[status] = total.get(status, 0) + count
    return total


def rate(results: list[WrkResult]) -> float:
    """Checkout answers per second over the runs together."""
    answered = sum(result.script["real"] for result in results)
    return answered / sum(result.duration_s for result in results)


def _require_checkout(ctx: Context) -> None:
    ctx.require(ORDERS, ctx.fixture["owner_token"])


def checkout_growth_and_replay(ctx: Context) -> None:
    """p50 of checkouts on 1,000,000 ledger rows over 1,000; then replay them."""
    _require_checkout(ctx)
    small = halves(ctx.run_dir / "growth_small.tsv")
    large = halves(ctx.run_dir / "growth_large.tsv")
    runs: dict[str, list[WrkResult]] = {"small": [], "large": []}
    for small_half, large_half in zip(small, large, strict=True):
        runs["small"].append(checkouts(ctx, small_half, 1))
        runs["large"].append(checkouts(ctx, large_half, 1))
    replays = [checkouts(ctx, half, 1) for half in small]

    for name, results in (*runs.items(), ("replay", replays)):
        refuse_server_errors(name, results)
    for size, results in runs.items():
        ctx.results[f"checkout_p50_ms_{size}"] = median(r.p50_ms for r in results)
        ctx.results[f"checkout_statuses_{size}"] = statuses(results)
    ctx.results["replay_p50_ms"] = median(r.p50_ms for r in replays)
    ctx.results["replay_statuses"] = statuses(replays)
    ctx.results["replayed"] = sum(r.script["replayed"] for r in replays)


def hot_sku(ctx: Context) -> None:
    """Checkouts/s of 50 buyers racing for one variant vs 50 different variants."""
    _require_checkout(ctx)
    runs: dict[str, list[WrkResult]] = {"hot": [], "spread": []}
    hot_halves = halves(ctx.run_dir / "hot.tsv")
    spread_halves = halves(ctx.run_dir / "spread.tsv")
    for hot_half, spread_half in zip(hot_halves, spread_halves, strict=True):
        runs["hot"].append(checkouts(ctx, hot_half, RACE_CONNECTIONS))
        runs["spread"].append(checkouts(ctx, spread_half, RACE_CONNECTIONS))

    ctx.results["oversell"] = oversell(ctx)
    for name, results in runs.items():
        ctx.results[f"{name}_statuses"] = statuses(results)
    for name, results in runs.items():
        refuse_server_errors(name, results)
        ctx.results[f"{name}_checkouts_per_s"] = round(rate(results), 1)
        ctx.results[f"{name}_p50_ms"] = mean(r.p50_ms for r in results)


def refuse_server_errors(name: str, results: list[WrkResult]) -> None:
    """A rate made of 5xx answers measures nothing: fail the scenario."""
    errors = sum(n for code, n in statuses(results).items() if code >= "500")
    if errors:
        raise RuntimeError(
            f"{name}: {errors} checkouts answered 5xx; see var/bench/logs/error.log"
        )


def oversell(ctx: Context) -> dict:
    """Compare what the hot variant sold with what it had (S-04)."""
    variant = ctx.fixture["variants"]["hot"]
    stock = ctx.fixture["hot_stock"]
    sold = ctx.sql(
        "SELECT coalesce(sum(item.qty), 0) FROM orders_orderitem AS item "
        "JOIN orders_order AS o ON o.id = item.order_id "
        "WHERE item.variant_id = %(variant)s AND o.status <> 'CANCELLED'",
        {"variant": variant},
    )[0][0]
    available, reserved = ctx.sql(
        "SELECT available, reserved FROM inventory_stockbalance "
        "WHERE variant_id = %(variant)s",
        {"variant": variant},
    )[0]
    return {
        "stock": stock,
        "sold": int(sold),
        "available": available,
        "reserved": reserved,
        "oversold": max(0, int(sold) - stock),
        "consistent": available + reserved == stock and reserved == int(sold),
    }
