"""Demo carts and orders for seed_demo, made through the cart and checkout
services the API uses: PENDING orders (their RESERVATION movements included)
and a few OPEN carts.

Safe to run twice: demo orders carry an idempotency key, so checkout returns
the existing order; a buyer who already has an OPEN cart gets no other.
"""

from accounts.demo import BUYER_EMAILS
from accounts.models import User
from catalog.models import Variant
from inventory.models import StockBalance
from marketplace.errors import DomainError
from orders.models import Cart, CartStatus, Order
from orders.services.cart import cart_item_add
from orders.services.checkout import order_checkout

# (buyer index, number of variants, quantity of each)
PENDING_ORDERS = [(0, 2, 1), (1, 1, 2), (2, 3, 1)]
OPEN_CARTS = [(3, 2, 1), (4, 1, 3)]
ADDRESSES = [
    "Av. Paulista 1000, São Paulo SP, 01310-100",
    "Rua da Assembleia 10, Rio de Janeiro RJ, 20011-000",
    "Av. Afonso Pena 1500, Belo Horizonte MG, 30130-004",
]


def seed(*, stdout) -> None:
    """Place the demo PENDING orders, then fill the demo OPEN carts."""
    buyers = list(User.objects.filter(email__in=BUYER_EMAILS).order_by("email"))
    variants = _variants_for_sale()
    if not buyers or not variants:
        stdout.write("Orders: no buyers or products with stock yet; skipped.")
        return

    placed = 0
    for number, (buyer_index, count, qty) in enumerate(PENDING_ORDERS):
        buyer = buyers[buyer_index % len(buyers)]
        lines = _lines(variants, offset=number, count=count)
        placed += _pending_order(buyer, lines, qty, number)
    carts = 0
    for number, (buyer_index, count, qty) in enumerate(OPEN_CARTS):
        buyer = buyers[buyer_index % len(buyers)]
        lines = _lines(variants, offset=number + len(PENDING_ORDERS), count=count)
        carts += _open_cart(buyer, lines, qty)

    stdout.write(
        f"Orders: {placed} PENDING orders and {carts} open carts of demo buyers."
    )


def _variants_for_sale() -> list[Variant]:
    in_stock = StockBalance.objects.filter(available__gte=5).values("variant_id")
    return list(
        Variant.objects.filter(
            pk__in=in_stock,
            product__is_active=True,
            product__deleted_at__isnull=True,
            organization__deleted_at__isnull=True,
        ).order_by("organization_id", "id")
    )


def _lines(variants: list[Variant], *, offset: int, count: int) -> list[Variant]:
    """Up to `count` variants of one organization, picked round the list."""
    first = variants[offset % len(variants)]
    same_seller = [v for v in variants if v.organization_id == first.organization_id]
    return same_seller[:count]


def _pending_order(buyer: User, lines: list[Variant], qty: int, number: int) -> int:
    key = f"demo-order-{number}"
    if Order.objects.filter(buyer=buyer, idempotency_key=key).exists():
        return 1
    try:
        for variant in lines:
            cart = cart_item_add(buyer=buyer, variant_id=variant.pk, qty=qty)
        order_checkout(
            buyer=buyer,
            cart_id=cart.pk,
            shipping_address=ADDRESSES[number % len(ADDRESSES)],
            idempotency_key=key,
        )
    except DomainError:
        # Demo stock ran short; the demo goes on without this order.
        return 0
    return 1


def _open_cart(buyer: User, lines: list[Variant], qty: int) -> int:
    if Cart.objects.filter(buyer=buyer, status=CartStatus.OPEN).exists():
        return 1
    try:
        for variant in lines:
            cart_item_add(buyer=buyer, variant_id=variant.pk, qty=qty)
    except DomainError:
        return 0
    return 1
