"""Read scenarios: catalog against the bare endpoint, deep pages, balances.

Compared figures are measured in alternating rounds on the same server
(A, B, A, B), so a burst of machine noise lands on both sides.
"""

from statistics import mean

from bench.context import Context, Skipped
from bench.middleware import QUERY_COUNT_HEADER
from bench.wrk import Load, WrkResult, wrk_run

BARE = "/bench/bare"
CATALOG = "/catalog"
ROUNDS = 2
THROUGHPUT_SECONDS = 8.0
THROUGHPUT_CONNECTIONS = 16
LATENCY_SECONDS = 4.0
DEEP_PAGE = 500
PAGE_SIZE = 20


def alternate(ctx: Context, loads: dict[str, Load]) -> dict[str, list[WrkResult]]:
    """Run each load ROUNDS times, interleaved, and return the results by name."""
    results: dict[str, list[WrkResult]] = {name: [] for name in loads}
    for _ in range(ROUNDS):
        for name, load in loads.items():
            result = wrk_run(load, ctx.stop)
            if result.non_2xx or result.socket_errors:
                raise RuntimeError(
                    f"{load.url}: {result.non_2xx} non-2xx answers, "
                    f"{result.socket_errors} socket errors"
                )
            results[name].append(result)
    return results


def throughput(ctx: Context, path: str) -> Load:
    return Load(
        ctx.url(path),
        connections=THROUGHPUT_CONNECTIONS,
        seconds=THROUGHPUT_SECONDS,
    )


def latency(ctx: Context, path: str, token: str | None = None) -> Load:
    """One connection: the latency of one request at a time, not a queue."""
    headers = (f"Authorization: Bearer {token}",) if token else ()
    return Load(
        ctx.url(path),
        connections=1,
        threads=1,
        seconds=LATENCY_SECONDS,
        headers=headers,
    )


def catalog_vs_bare(ctx: Context, label: str) -> None:
    """Requests/s of GET /catalog over the bare endpoint's, side by side."""
    ctx.require(f"{CATALOG}?page_size={PAGE_SIZE}")
    if label == "uncached":
        require_cache_off(ctx)
    runs = alternate(
        ctx, {"bare": throughput(ctx, BARE), "catalog": throughput(ctx, CATALOG)}
    )
    bare = mean(run.rps for run in runs["bare"])
    catalog = mean(run.rps for run in runs["catalog"])
    ctx.results[f"bare_rps_{label}"] = round(bare, 1)
    ctx.results[f"catalog_rps_{label}"] = round(catalog, 1)
    ctx.results[f"catalog_p50_ms_{label}"] = mean(r.p50_ms for r in runs["catalog"])


def deep_page(ctx: Context) -> None:
    """p50 of catalog page 500 over page 1, following `next` links to get there."""
    first = f"{CATALOG}?page_size={PAGE_SIZE}"
    require_cache_off(ctx)
    deep = _walk(ctx, first, DEEP_PAGE)
    runs = alternate(ctx, {"first": latency(ctx, first), "deep": latency(ctx, deep)})
    ctx.results["page_1_p50_ms"] = mean(run.p50_ms for run in runs["first"])
    ctx.results[f"page_{DEEP_PAGE}_p50_ms"] = mean(run.p50_ms for run in runs["deep"])


def _walk(ctx: Context, path: str, pages: int) -> str:
    """Follow `next` from `path` to page number `pages`; return that page's path."""
    base = ctx.server.base_url
    for page in range(1, pages):
        ctx.stop.checkpoint()
        body = ctx.require(path).json()
        if not body.get("next"):
            raise Skipped(f"the catalog has only {page} pages of {PAGE_SIZE}")
        path = body["next"].removeprefix(base)
        # The catalog may build absolute links for another host name.
        path = path[path.index("/catalog") :] if "://" in path else path
    ctx.results["deep_page_path"] = path
    return path


def balance_growth(ctx: Context) -> None:
    """p50 of the balance read, 1,000,000 ledger rows against 1,000."""
    token = ctx.fixture["owner_token"]
    variants = ctx.fixture["variants"]
    paths = {
        size: f"/variants/{variants[f'ledger_{size}']}/stock/balance"
        for size in ("small", "large")
    }
    ctx.require(paths["small"], token)
    runs = alternate(
        ctx, {size: latency(ctx, path, token) for size, path in paths.items()}
    )
    for size in paths:
        ctx.results[f"balance_p50_ms_{size}"] = mean(r.p50_ms for r in runs[size])


def require_cache_off(ctx: Context) -> None:
    """Skip unless a repeated catalog request still reaches the database."""
    for _ in range(2):
        response = ctx.require(CATALOG)
    if response.headers.get(QUERY_COUNT_HEADER) == "0":
        raise Skipped(
            "the catalog is still served from its cache with "
            "CATALOG_CACHE_ENABLED=0 (catalog/cache.py does not read the setting)"
        )
