"""Drill: PostgreSQL restarts under load."""

import json
import time

import pytest

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
OUTAGE_SECONDS = 3.0
RECOVERY_SECONDS = 3.0


@pytest.mark.drill
@pytest.mark.parametrize("mode", ["fast", "immediate"])
def test_postgres_restarted_under_load_answers_503_then_recovers_without_double_booking(
    drill, app, mode
):
    """`fast` is an orderly restart; `immediate` a crash with recovery on start."""
    # Given buyers checking out in a loop, holding persistent connections
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

    # When PostgreSQL stops (ending every session, mid-transaction or not)
    # and starts again
    try:
        time.sleep(3)
        down_at = time.monotonic()
        drill.postgres.stop(mode)
        time.sleep(OUTAGE_SECONDS)
        drill.postgres.start()
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
