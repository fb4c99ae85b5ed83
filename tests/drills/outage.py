"""One outage under load, and what must hold afterwards, for any service."""

from __future__ import annotations

import json
import time
from collections.abc import Callable

from tests.drills.checks import (
    answers_assert_expected,
    orders_assert_booked_once,
    server_assert_no_unhandled_errors,
    stock_assert_consistent,
)
from tests.drills.load import Ledger, shoppers_start, shoppers_stop
from tests.drills.stack import run_script

SHOPPERS = 6
STOCK = 10_000
# After the service is back, answers from requests started later than this
# must all succeed: the app reconnects by itself.
RECOVERY_SECONDS = 3.0


def outage_under_load_assert_survived(
    drill,
    app,
    *,
    stop: Callable[[], None],
    start: Callable[[], None],
    outage_seconds: float,
) -> None:
    """Take a service away while buyers check out; assert the app came through."""
    # Given buyers checking out in a loop
    seed = json.loads(
        run_script(
            drill.env,
            "from tests.drills.scenario import shop_seed; "
            f"shop_seed(buyers={SHOPPERS}, stock={STOCK})",
        )
    )
    ledger = Ledger()
    shoppers = shoppers_start(
        app.base_url, seed["buyer_tokens"], seed["variant_id"], ledger
    )

    # When the service goes away and comes back
    try:
        time.sleep(3)
        down_at = time.monotonic()
        stop()
        time.sleep(outage_seconds)
        start()
        up_at = time.monotonic()
        time.sleep(6)
    finally:
        shoppers_stop(shoppers, timeout=60)

    # Then every answer was in the contract, 503 while it was down
    answers_assert_expected(ledger)
    server_assert_no_unhandled_errors(drill)
    during = [a for a in ledger.answers if down_at <= a.started < up_at]
    assert any(a.status == 503 for a in during), ledger.summary()
    after = [a for a in ledger.answers if a.started >= up_at + RECOVERY_SECONDS]
    assert after and all(a.status in (200, 201) for a in after), ledger.summary()

    # And no checkout booked twice, and stock agrees with the ledger
    assert ledger.placed
    orders_assert_booked_once(drill, ledger)
    stock_assert_consistent(drill)
