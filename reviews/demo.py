"""Demo order histories and reviews for seed_demo; runs after the orders demo.

The orders demo places a few PENDING orders for the demo buyers; this one
places some more through the same checkout, with fixed idempotency keys.
Then the demo orders walk fixed paths through the state machine, so every
status exists with its history, and the delivered ones get reviews. Each
order's path is fixed by its position, so a second run finds every order
at its target and changes nothing.
"""

from accounts.demo import BUYER_EMAILS
from accounts.models import User
from catalog.models import Variant
from inventory.models import StockBalance
from marketplace.errors import DomainError
from orders.models import CartStatus, Order, OrderStatus
from orders.services.cart import cart_item_add
from orders.services.checkout import order_checkout
from orders.services.transitions import order_transition
from reviews.exceptions import AlreadyReviewed
from reviews.models import Review
from reviews.services import review_create

S = OrderStatus
PATHS: list[list[str]] = [
    [S.PAID, S.SHIPPED, S.DELIVERED],
    [S.PAID, S.SHIPPED, S.DELIVERED],
    [S.PAID, S.SHIPPED],
    [S.PAID],
    [S.CANCELLED],
    [S.PAID, S.CANCELLED],
    [],
]
# The seller moves an order forward; the buyer cancels and confirms.
SELLER_STEPS = {S.PAID, S.SHIPPED}
REVIEWS = [
    (5, "Exactly as described and arrived quickly."),
    (4, "Good quality; the box was a little dented."),
    (5, "Second time I buy it. Recommended."),
    (3, "Works, but the colour is lighter than in the photo."),
]


def seed(*, stdout) -> None:
    """Move the demo orders along their paths, then review what was delivered."""
    _orders_place()
    orders = list(
        Order.objects.filter(buyer__email__in=BUYER_EMAILS)
        .select_related("organization__owner", "buyer")
        .order_by("id")
    )
    moved = sum(
        _walk(order, PATHS[index % len(PATHS)]) for index, order in enumerate(orders)
    )
    reviewed = _review_delivered()
    stdout.write(f"Reviews: {moved} order transitions, {reviewed} reviews added")


def _orders_place() -> None:
    """Place one order per path, so every path has an order to walk."""
    # Buyers with an open cart keep it as the orders demo left it.
    buyers = list(
        User.objects.filter(email__in=BUYER_EMAILS)
        .exclude(carts__status=CartStatus.OPEN)
        .order_by("email")
    )
    in_stock = StockBalance.objects.filter(available__gte=5).values("variant_id")
    variants = list(
        Variant.objects.filter(
            pk__in=in_stock,
            product__is_active=True,
            product__deleted_at__isnull=True,
            organization__deleted_at__isnull=True,
        ).order_by("id")
    )
    if not buyers or not variants:
        return
    for number in range(len(PATHS)):
        buyer = buyers[number % len(buyers)]
        _order_place(buyer, variants[number % len(variants)], number)


def _order_place(buyer: User, variant: Variant, number: int) -> None:
    key = f"demo-lifecycle-{number}"
    if Order.objects.filter(
        buyer__email__in=BUYER_EMAILS, idempotency_key=key
    ).exists():
        return
    try:
        cart = cart_item_add(buyer=buyer, variant_id=variant.pk, qty=1)
        order_checkout(
            buyer=buyer,
            cart_id=cart.pk,
            shipping_address="Rua Augusta 500, São Paulo SP, 01305-000",
            idempotency_key=key,
        )
    except DomainError:
        # Demo stock ran short or a price moved; the demo goes on without it.
        return


def _walk(order: Order, path: list[str]) -> int:
    remaining = _remaining(order.status, path)
    for to_status in remaining:
        actor = order.organization.owner if to_status in SELLER_STEPS else order.buyer
        order_transition(
            order_id=order.pk,
            to_status=to_status,
            actor=actor,
            tracking_code=f"BR{order.pk.hex[-10:].upper()}",
        )
    return len(remaining)


def _remaining(status: str, path: list[str]) -> list[str]:
    if status == S.PENDING:
        return path
    if status in path:
        return path[path.index(status) + 1 :]
    # Someone moved it off its path by hand; leave it be.
    return []


def _review_delivered() -> int:
    added = 0
    delivered = (
        Order.objects.filter(buyer__email__in=BUYER_EMAILS, status=S.DELIVERED)
        .select_related("buyer")
        .prefetch_related("items__variant")
    )
    for number, order in enumerate(delivered.order_by("id")):
        for item in order.items.all():
            if Review.objects.filter(user=order.buyer, variant=item.variant).exists():
                continue
            score, comment = REVIEWS[(number + added) % len(REVIEWS)]
            try:
                review_create(
                    user=order.buyer, variant=item.variant, score=score, comment=comment
                )
            except AlreadyReviewed:
                continue
            added += 1
    return added
