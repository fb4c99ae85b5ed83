"""Queue Celery tasks once the work that caused them has committed."""

import logging
from typing import Any

from celery import Task
from django.db import transaction
from kombu.exceptions import OperationalError as BrokerUnavailable

logger = logging.getLogger(__name__)


def enqueue_on_commit(task: Task, **kwargs: Any) -> None:
    """Queue `task` with these keyword arguments when the transaction commits.

    The broker being down must not turn a request whose writes committed
    into an error: its client would retry something that already happened.
    The lost message is logged instead; work that must happen has a
    periodic job that finds it in the database (organization cleanup).
    """
    transaction.on_commit(lambda: _enqueue(task, kwargs))


def _enqueue(task: Task, kwargs: dict[str, Any]) -> None:
    try:
        task.apply_async(kwargs=kwargs)
    except BrokerUnavailable:
        logger.error(
            "Could not queue %s: the broker is unreachable",
            task.name,
            exc_info=True,
            extra={"task": task.name, "task_kwargs": kwargs},
        )
