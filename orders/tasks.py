"""Periodic jobs of the orders app (the beat schedule is in settings)."""

from celery import shared_task

from orders.services.cart import carts_expire as _carts_expire


@shared_task(name="orders.tasks.carts_expire")
def carts_expire() -> int:
    """C-04: expire carts idle for 24 h; runs every 10 minutes."""
    return _carts_expire()
