"""Business metrics of checkout, exported on /metrics."""

from prometheus_client import Counter

CHECKOUTS_REFUSED = Counter(
    "marketplace_checkouts_refused_total",
    "Checkouts refused, by the error code answered.",
    ["reason"],
)
