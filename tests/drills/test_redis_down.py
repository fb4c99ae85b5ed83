"""Drill: Redis dies under load and comes back empty."""

import pytest

from tests.drills.outage import outage_under_load_assert_survived


@pytest.mark.drill
def test_redis_killed_under_load_answers_503_then_recovers_without_double_booking(
    drill, app
):
    # Killed, so it loses every key, then started again on the same port.
    outage_under_load_assert_survived(
        drill, app, stop=drill.redis.kill, start=drill.redis.start, outage_seconds=4.0
    )
