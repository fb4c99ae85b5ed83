"""Queueing a task after commit survives a broker that is down."""

import logging

import pytest
from celery import shared_task
from kombu.exceptions import OperationalError

from marketplace.tasks import enqueue_on_commit

calls: list[str] = []


@shared_task
def _record(value: str) -> None:
    calls.append(value)


@shared_task
def _explode(value: str) -> None:
    raise RuntimeError(value)


@pytest.fixture(autouse=True)
def _no_calls():
    calls.clear()


@pytest.mark.django_db
def test_task_is_queued_only_when_the_transaction_commits(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        enqueue_on_commit(_record, value="after commit")
        assert calls == []

    assert calls == ["after commit"]


@pytest.mark.django_db
def test_unreachable_broker_is_logged_not_raised(
    django_capture_on_commit_callbacks, monkeypatch, caplog
):
    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to broker. Connection refused.")

    monkeypatch.setattr(_record, "apply_async", refuse)

    with (
        caplog.at_level(logging.ERROR, logger="marketplace.tasks"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        enqueue_on_commit(_record, value="lost")

    assert calls == []
    (record,) = caplog.records
    assert record.task_kwargs == {"value": "lost"}
    assert "broker is unreachable" in record.getMessage()


@pytest.mark.django_db
def test_a_failing_task_is_not_mistaken_for_a_broker_outage(
    django_capture_on_commit_callbacks,
):
    # Eager in tests: the task's own error must still reach the test.
    with (
        pytest.raises(RuntimeError, match="boom"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        enqueue_on_commit(_explode, value="boom")
