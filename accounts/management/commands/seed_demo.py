"""Fill the database with a believable demo; safe to run again."""

from importlib import import_module

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.demo import DEMO_PASSWORD, STAFF_EMAIL

# Each app's demo builds on the ones before it.
DEMO_MODULES = [
    "accounts.demo",
    "orgs.demo",
    "catalog.demo",
    "inventory.demo",
    "orders.demo",
    "reviews.demo",
]


class Command(BaseCommand):
    help = "Create demo sellers, products, stock, buyers, orders and reviews."

    def handle(self, *args, **options) -> None:
        for name in DEMO_MODULES:
            with transaction.atomic():
                import_module(name).seed(stdout=self.stdout)

        self.stdout.write(
            self.style.SUCCESS(
                f"Demo ready. Admin: http://127.0.0.1:8000/admin/ as {STAFF_EMAIL} / "
                f"{DEMO_PASSWORD}; every demo user has that password."
            )
        )
