from django.conf import settings
from django.db import models

from catalog.models import Variant
from marketplace.models import TimestampedModel, UUIDModel
from orgs.models import Organization


class CartStatus(models.TextChoices):
    OPEN = "OPEN"
    CONVERTED = "CONVERTED"
    EXPIRED = "EXPIRED"
    # Closed by the organization's cleanup (O-05).
    CLOSED = "CLOSED"


class Cart(TimestampedModel):
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="carts"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="carts"
    )
    status = models.CharField(
        max_length=10, choices=CartStatus.choices, default=CartStatus.OPEN
    )
    currency = models.CharField(max_length=3, default="BRL")

    class Meta:
        ordering = ["-id"]
        constraints = [
            # C-01: one OPEN cart per buyer and organization.
            models.UniqueConstraint(
                fields=["buyer", "organization"],
                condition=models.Q(status="OPEN"),
                name="cart_one_open_per_org",
            ),
        ]
        indexes = [models.Index(fields=["status", "updated_at"])]

    def __str__(self) -> str:
        return f"cart {self.id} ({self.status})"


class CartItem(UUIDModel):
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="items")
    variant = models.ForeignKey(Variant, on_delete=models.PROTECT, related_name="+")
    qty = models.PositiveIntegerField()
    # C-03: the price the buyer saw when adding.
    price_snapshot_cents = models.BigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cart", "variant"], name="cart_item_one_per_variant"
            ),
            models.CheckConstraint(
                condition=models.Q(qty__gt=0), name="cart_item_qty_positive"
            ),
        ]


class OrderStatus(models.TextChoices):
    PENDING = "PENDING"
    PAID = "PAID"
    SHIPPED = "SHIPPED"
    DELIVERED = "DELIVERED"
    CANCELLED = "CANCELLED"


class Order(TimestampedModel):
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="orders"
    )
    cart = models.OneToOneField(
        Cart, on_delete=models.PROTECT, null=True, blank=True, related_name="order"
    )
    status = models.CharField(
        max_length=10, choices=OrderStatus.choices, default=OrderStatus.PENDING
    )
    total_cents = models.BigIntegerField()
    currency = models.CharField(max_length=3, default="BRL")
    shipping_address = models.CharField(max_length=500)
    tracking_code = models.CharField(max_length=100, blank=True)
    # D-01: the second line of defence behind the Redis idempotency store.
    # NULL, not "", for orders placed without a key: NULLs never collide
    # in the unique constraint below.
    idempotency_key = models.CharField(  # noqa: DJ001
        max_length=255, null=True, blank=True
    )

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["buyer", "idempotency_key"],
                name="order_idempotency_key_per_buyer",
            ),
        ]
        indexes = [
            models.Index(fields=["buyer", "-id"]),
            models.Index(fields=["buyer", "status", "-id"]),
            models.Index(fields=["organization", "-id"]),
            models.Index(fields=["organization", "status", "-id"]),
        ]

    def __str__(self) -> str:
        return f"order {self.id} ({self.status})"


class OrderItem(UUIDModel):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="items")
    variant = models.ForeignKey(Variant, on_delete=models.PROTECT, related_name="+")
    sku = models.CharField(max_length=64)
    product_title = models.CharField(max_length=200)
    qty = models.PositiveIntegerField()
    unit_price_cents = models.BigIntegerField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.qty} x {self.sku}"


class OrderTransition(models.Model):
    """One status change of an order: the audit trail and the SSE event log.

    `sequence` numbers an order's transitions from 1 and is the SSE event id.
    """

    order = models.ForeignKey(
        Order, on_delete=models.CASCADE, related_name="transitions"
    )
    sequence = models.PositiveIntegerField()
    from_status = models.CharField(
        max_length=10, choices=OrderStatus.choices, blank=True
    )
    to_status = models.CharField(max_length=10, choices=OrderStatus.choices)
    # Null when the system made it (organization cleanup).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    tracking_code = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["order", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["order", "sequence"], name="order_transition_sequence"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.from_status or '—'} → {self.to_status}"
