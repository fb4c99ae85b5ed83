"""Expire idle carts now, as the periodic job does (C-04)."""

from django.core.management.base import BaseCommand

from orders.services.cart import carts_expire


class Command(BaseCommand):
    help = "Mark OPEN carts untouched for 24 hours as EXPIRED."

    def handle(self, *args, **options) -> None:
        expired = carts_expire()
        self.stdout.write(f"Expired {expired} cart(s).")
