"""Mark overdue PENDING invitations EXPIRED, as the hourly beat job does."""

from django.core.management.base import BaseCommand

from orgs.services.invitations import invitations_expire


class Command(BaseCommand):
    help = "Mark PENDING invitations past their expiry EXPIRED (safe to rerun)."

    def handle(self, *args, **options) -> None:
        expired = invitations_expire()
        self.stdout.write(f"Invitations expired: {expired}")
