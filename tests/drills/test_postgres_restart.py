"""Drill: PostgreSQL restarts under load."""

import pytest

from tests.drills.outage import outage_under_load_assert_survived


@pytest.mark.drill
@pytest.mark.parametrize("mode", ["fast", "immediate"])
def test_postgres_restarted_under_load_answers_503_then_recovers_without_double_booking(
    drill, app, mode
):
    """`fast` is an orderly restart; `immediate` a crash with recovery on start."""
    # Stopping ends every session, mid-transaction or not.
    outage_under_load_assert_survived(
        drill,
        app,
        stop=lambda: drill.postgres.stop(mode),
        start=drill.postgres.start,
        outage_seconds=3.0,
    )
