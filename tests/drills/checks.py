"""What must hold after every drill: each effect happened exactly once."""

from __future__ import annotations

import json

from tests.drills.load import Ledger
from tests.drills.stack import manage


def answers_assert_expected(ledger: Ledger) -> None:
    """Every answer is in the contract: no 500, no dropped connection."""
    unexpected = ledger.unexpected()
    assert not unexpected, (
        f"{len(unexpected)} unexpected answers, e.g. {unexpected[:5]}; "
        f"all: {ledger.summary()}"
    )


def orders_assert_booked_once(drill, ledger: Ledger) -> None:
    """Each Idempotency-Key placed at most one order, and no order is orphaned.

    The orders in the database are exactly those whose 201 a shopper got,
    and each holds one RESERVATION per item, for the item's quantity.
    """
    assert not ledger.unresolved, f"checkouts never answered 201: {ledger.unresolved}"
    rows = drill.query("SELECT id::text, idempotency_key FROM orders_order")
    assert len(rows) == len(ledger.placed)
    assert dict((key, order_id) for order_id, key in rows) == ledger.placed

    mismatched = drill.query(
        """
        SELECT o.id, items.n, items.qty, coalesce(res.n, 0), coalesce(res.qty, 0)
        FROM orders_order o
        JOIN (SELECT order_id, count(*) n, sum(qty) qty
              FROM orders_orderitem GROUP BY order_id) items
          ON items.order_id = o.id
        LEFT JOIN (SELECT ref_id, count(*) n, sum(qty) qty
                   FROM inventory_stockmovement
                   WHERE kind = 'RESERVATION' AND ref_type = 'order'
                   GROUP BY ref_id) res
          ON res.ref_id = o.id::text
        WHERE items.n <> coalesce(res.n, 0) OR items.qty <> coalesce(res.qty, 0)
        """
    )
    assert not mismatched, f"orders whose reservations differ: {mismatched}"
    orphans = drill.scalar(
        """
        SELECT count(*) FROM inventory_stockmovement m
        WHERE m.kind = 'RESERVATION'
          AND NOT EXISTS (SELECT 1 FROM orders_order o WHERE o.id::text = m.ref_id)
        """
    )
    assert orphans == 0


def stock_assert_consistent(drill) -> None:
    """`manage.py verify_stock` finds every balance equal to ledger and orders."""
    output = manage(drill.env, "verify_stock")
    assert "Every stock balance matches." in output


def server_assert_no_unhandled_errors(drill) -> None:
    """The app logged no unhandled exception (a 500, whatever the client saw).

    The idempotency middleware may turn a 500 into a 503 when Redis fails
    again while it releases its lock; the log still tells.
    """
    error_log = drill.work_dir / "logs" / "error.log"
    lines = error_log.read_text().splitlines() if error_log.exists() else []
    records = [json.loads(line) for line in lines if line.strip()]
    unhandled = [
        record
        for record in records
        if record.get("status_code") == 500 or record["logger"] == "django.request"
    ]
    assert not unhandled, "\n\n".join(
        f"{record['message']}\n{record.get('exception', '')[-1500:]}"
        for record in unhandled[:3]
    )
