"""Queries per request, measured: every list with page_size=20, and details.

The bench settings add a middleware that counts each request's SQL
statements and answers them in `X-Query-Count`. Run on the server whose
catalog cache is off, so catalog pages count their real queries.
"""

from bench.context import Context
from bench.middleware import QUERY_COUNT_HEADER

PAGE = "page_size=20"


def endpoints(fixture: dict, order_id: str | None) -> dict[str, tuple[str, str | None]]:
    """Each endpoint's path and the token it is called with, by name."""
    org = fixture["organization_id"]
    product = fixture["listing_product_id"]
    listing = fixture["variants"]["listing"]
    ledger = fixture["variants"]["ledger_small"]
    owner, heavy = fixture["owner_token"], fixture["heavy_token"]
    paths = {
        "catalog": (f"/catalog?{PAGE}", None),
        "catalog reviews": (f"/catalog/{product}/reviews?{PAGE}", None),
        "organizations": (f"/organizations?{PAGE}", owner),
        "org products": (f"/organizations/{org}/products?{PAGE}", owner),
        "org members": (f"/organizations/{org}/members?{PAGE}", owner),
        "org invitations": (f"/organizations/{org}/invitations?{PAGE}", owner),
        "org orders": (f"/organizations/{org}/orders?{PAGE}", owner),
        "buyer orders": (f"/orders?{PAGE}", heavy),
        "cart": (f"/cart?{PAGE}", heavy),
        "variant prices": (f"/variants/{listing}/prices?{PAGE}", owner),
        "stock movements": (f"/variants/{ledger}/stock/movements?{PAGE}", owner),
        "variant reviews": (f"/variants/{listing}/reviews?{PAGE}", None),
        "catalog detail": (f"/catalog/{product}", None),
        "organization detail": (f"/organizations/{org}", owner),
        "product detail": (f"/products/{product}", owner),
        "stock balance": (f"/variants/{ledger}/stock/balance", owner),
        "user me": ("/users/me", owner),
    }
    if order_id:
        paths["order detail"] = (f"/orders/{order_id}", heavy)
    return paths


def query_counts(ctx: Context) -> None:
    """Call every endpoint twice; record the larger count, rows and status."""
    fixture = ctx.fixture
    orders = ctx.get(f"/orders?{PAGE}", fixture["heavy_token"])
    results = orders.json().get("results", []) if orders.status_code == 200 else []
    order_id = results[0]["id"] if results else None

    measured = {}
    for name, (path, token) in endpoints(fixture, order_id).items():
        ctx.stop.checkpoint()
        measured[name] = _measure(ctx, path, token)
    ctx.results["queries"] = measured

    answered = {name: row for name, row in measured.items() if row["status"] == 200}
    if answered:
        worst = max(answered, key=lambda name: answered[name]["queries"])
        ctx.results["max_queries_per_request"] = answered[worst]["queries"]
        ctx.results["max_queries_endpoint"] = worst
    ctx.results["queries_missing"] = sorted(set(measured) - set(answered))


def _measure(ctx: Context, path: str, token: str | None) -> dict:
    counts, status, rows = [], 0, None
    for _ in range(2):
        response = ctx.get(path, token)
        status = response.status_code
        counts.append(int(response.headers.get(QUERY_COUNT_HEADER, "-1")))
        if status == 200 and isinstance(response.json(), dict):
            results = response.json().get("results")
            rows = len(results) if isinstance(results, list) else None
    return {"queries": max(counts), "status": status, "rows": rows, "path": path}
