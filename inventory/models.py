from django.conf import settings
from django.db import models

from catalog.models import Variant
from marketplace.models import UUIDModel


class MovementKind(models.TextChoices):
    IN = "IN"
    OUT = "OUT"
    ADJUST = "ADJUST"
    RESERVATION = "RESERVATION"
    RELEASE = "RELEASE"


class StockMovement(UUIDModel):
    """S-01: the append-only ledger; code never updates or deletes a row."""

    variant = models.ForeignKey(
        Variant, on_delete=models.PROTECT, related_name="movements"
    )
    kind = models.CharField(max_length=11, choices=MovementKind.choices)
    qty = models.IntegerField()
    reason = models.CharField(max_length=200)
    ref_type = models.CharField(max_length=30, blank=True)
    ref_id = models.CharField(max_length=64, blank=True)
    # Null only for movements made by the system (organization cleanup).
    audit_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            # S-02: qty is positive, except ADJUST, a non-zero correction.
            models.CheckConstraint(
                condition=(models.Q(kind="ADJUST", qty__lt=0) | models.Q(qty__gt=0)),
                name="movement_qty_sign",
            ),
        ]
        indexes = [
            models.Index(fields=["variant", "-id"]),
            models.Index(fields=["ref_type", "ref_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.qty} of {self.variant_id}"


class StockBalance(models.Model):
    """The ledger's running totals for one variant, kept in step with it.

    Each movement updates this row in the same transaction, under its row
    lock, so reading a balance costs the same however long the ledger grows.
    """

    variant = models.OneToOneField(
        Variant, on_delete=models.CASCADE, primary_key=True, related_name="balance"
    )
    available = models.IntegerField(default=0)
    reserved = models.IntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            # S-04, enforced by the database as a last line of defence.
            models.CheckConstraint(
                condition=models.Q(available__gte=0),
                name="balance_available_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(reserved__gte=0),
                name="balance_reserved_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.variant_id}: {self.available} available"

    @property
    def on_hand(self) -> int:
        return self.available + self.reserved
