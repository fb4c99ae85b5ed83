"""Drill: the Celery worker is killed in the middle of an organization's cleanup."""

import json
import re

import httpx
import pytest
import redis

from tests.drills.checks import stock_assert_consistent
from tests.drills.stack import Worker, run_script, wait_until

ORDERS = 100
ITEMS_PER_ORDER = 2
TASK = "orgs.tasks.organization_cleanup_task"
CANCELLED_LINE = re.compile(r"Order \S+ moved from PENDING to CANCELLED")
# Kill once the task is visibly under way, long before it can finish.
KILL_AFTER_CANCELLATIONS = 10


def _task_ids(worker: Worker) -> list[str]:
    return re.findall(rf"Task {re.escape(TASK)}\[([0-9a-f-]+)\] received", worker.log())


def _cleaned_up(drill, organization_id: str) -> bool:
    return bool(
        drill.scalar(
            "SELECT cleaned_up_at IS NOT NULL FROM orgs_organization "
            f"WHERE id = '{organization_id}'"
        )
    )


@pytest.mark.drill
def test_worker_killed_mid_cleanup_runs_it_again_and_cancels_each_order_once(
    drill, app, workers
):
    # Given a seller with many PENDING orders, and a worker
    seed = json.loads(
        run_script(
            drill.env,
            "from tests.drills.scenario import pending_orders_seed; "
            f"pending_orders_seed(orders={ORDERS})",
        )
    )
    organization_id = seed["organization_id"]
    # The seed's order e-mails are queued too; they are not this drill's task.
    redis.Redis.from_url(drill.redis.url).delete("celery")
    first = Worker(drill.env, drill.work_dir, "worker-1")
    workers.append(first)
    first.start()
    wait_until(
        lambda: "ready." in first.log(), 30, lambda: f"no worker:\n{first.log()}"
    )

    # When the organization is deleted, and its cleanup task is killed mid-way
    response = httpx.delete(
        f"{app.base_url}/organizations/{organization_id}",
        headers={"Authorization": f"Bearer {seed['owner_token']}"},
        timeout=15,
    )
    assert response.status_code == 202
    wait_until(
        lambda: len(CANCELLED_LINE.findall(first.log())) >= KILL_AFTER_CANCELLATIONS,
        30,
        lambda: f"the cleanup never started:\n{first.log()[-3000:]}",
        interval=0.05,
    )
    first.kill()

    # Then its transaction left nothing behind
    assert not _cleaned_up(drill, organization_id)
    assert (
        drill.scalar(
            "SELECT count(*) FROM inventory_stockmovement WHERE kind = 'RELEASE'"
        )
        == 0
    )

    # When a new worker starts
    second = Worker(drill.env, drill.work_dir, "worker-2")
    workers.append(second)
    second.start()

    # Then the same task is delivered again and the cleanup completes
    wait_until(
        lambda: _cleaned_up(drill, organization_id),
        45,
        lambda: f"the cleanup never finished:\n{second.log()[-3000:]}",
    )
    # (A run longer than the visibility timeout is delivered once more; that
    # run finds the organization cleaned and changes nothing.)
    assert _task_ids(first) and set(_task_ids(second)) == set(_task_ids(first))

    # And each order was cancelled once, returning its stock once
    assert drill.query("SELECT status, count(*) FROM orders_order GROUP BY status") == [
        ("CANCELLED", ORDERS)
    ]
    assert (
        drill.scalar(
            "SELECT count(*) FROM orders_ordertransition WHERE to_status = 'CANCELLED'"
        )
        == ORDERS
    )
    assert drill.query(
        "SELECT count(*), sum(qty) FROM inventory_stockmovement WHERE kind = 'RELEASE'"
    ) == [(ORDERS * ITEMS_PER_ORDER, ORDERS * 3)]
    assert drill.scalar("SELECT sum(reserved) FROM inventory_stockbalance") == 0
    stock_assert_consistent(drill)
