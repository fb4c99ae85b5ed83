"""Check every stock balance against the ledger and the PENDING orders."""

from django.core.management.base import BaseCommand, CommandError

from inventory.selectors import stock_discrepancies


class Command(BaseCommand):
    help = (
        "Recompute available from the ledger and reserved from PENDING orders; "
        "report every balance that differs and exit non-zero if any does."
    )

    def handle(self, *args, **options) -> None:
        discrepancies = stock_discrepancies()
        for item in discrepancies:
            self.stdout.write(
                f"variant {item.variant_id}: {item.field} is {item.actual}, "
                f"expected {item.expected}"
            )
        if discrepancies:
            raise CommandError(f"{len(discrepancies)} stock balance(s) disagree.")
        self.stdout.write(self.style.SUCCESS("Every stock balance matches."))
