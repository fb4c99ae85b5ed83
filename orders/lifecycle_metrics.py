"""Business metrics of the order lifecycle, exported on GET /metrics.

`marketplace_orders_by_status` is read from the database at scrape time, so
every server process reports the same, true figure; the transition counter
is per process, as Prometheus counters are, and is summed by the query.
"""

import logging
from collections.abc import Iterator

from django.db import DatabaseError
from django.db.models import Count
from prometheus_client import REGISTRY, Counter
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from orders.models import Order, OrderStatus

logger = logging.getLogger(__name__)

ORDER_TRANSITIONS = Counter(
    "marketplace_order_transitions_total",
    "Committed order status changes.",
    ["from_status", "to_status"],
)


def transition_count(from_status: str, to_status: str) -> None:
    """Count one committed transition."""
    ORDER_TRANSITIONS.labels(from_status=from_status, to_status=to_status).inc()


class OrdersByStatusCollector(Collector):
    """Report how many orders are in each status right now."""

    def describe(self) -> list[GaugeMetricFamily]:
        # Registering calls describe(), so importing this module runs no query.
        return [_gauge()]

    def collect(self) -> Iterator[GaugeMetricFamily]:
        gauge = _gauge()
        try:
            counts = dict(
                Order.objects.values_list("status").annotate(n=Count("id")).order_by()
            )
        except DatabaseError:
            logger.warning("Could not count orders by status for /metrics")
            return
        for status in OrderStatus.values:
            gauge.add_metric([status], counts.get(status, 0))
        yield gauge


def _gauge() -> GaugeMetricFamily:
    return GaugeMetricFamily(
        "marketplace_orders_by_status", "Orders in each status.", labels=["status"]
    )


REGISTRY.register(OrdersByStatusCollector())
