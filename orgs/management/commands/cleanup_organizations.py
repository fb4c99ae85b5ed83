"""Finish the cleanup of deleted organizations, as the beat job does (O-05)."""

from django.core.management.base import BaseCommand

from orgs.services.cleanup import organizations_cleanup


class Command(BaseCommand):
    help = "Clean up deleted organizations not cleaned yet (safe to rerun)."

    def handle(self, *args, **options) -> None:
        cleaned = organizations_cleanup()
        self.stdout.write(f"Organizations cleaned up: {cleaned}")
