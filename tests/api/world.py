"""One seller organization with every relation a caller can have to it.

The authorization matrix and the schema fuzz both address real objects:
an organization with an OWNER, an ADMIN and a MEMBER, a stocked product, a
buyer (not a member) with an open cart and orders in every state the
transitions start from, a review, and an invitation addressed to the buyer.
"""

from dataclasses import dataclass

from accounts.models import User
from catalog.models import Product, Variant
from orders.models import Cart, CartItem, Order
from orders.services import transitions
from orgs.models import Invitation, Organization, Role
from reviews.models import Review
from reviews.services import review_create
from tests.accounts.factories import UserFactory
from tests.catalog.factories import VariantFactory, member_of
from tests.inventory.factories import stock_in
from tests.orders.factories import open_cart
from tests.orders.lifecycle_factories import pending_order
from tests.orgs.factories import invitation_with_token

IMAGE_KEY_NAME = "cover.png"


@dataclass
class World:
    organization: Organization
    owner: User
    admin: User
    member: User
    buyer: User
    outsider: User
    product: Product
    variant: Variant
    reviewed_variant: Variant
    cart: Cart
    cart_item: CartItem
    pending_order: Order
    paid_order: Order
    shipped_order: Order
    review: Review
    invitation: Invitation
    invitation_token: str

    @property
    def image_key(self) -> str:
        return f"products/{self.product.pk}/{IMAGE_KEY_NAME}"


def _order_in(status: str, *, buyer: User, lines: list) -> Order:
    order = pending_order(buyer=buyer, lines=lines)
    seller = order.organization.owner
    if status in {"PAID", "SHIPPED", "DELIVERED"}:
        transitions.order_mark_paid(order_id=order.pk, actor=seller)
    if status in {"SHIPPED", "DELIVERED"}:
        transitions.order_ship(order_id=order.pk, actor=seller, tracking_code="BR1")
    if status == "DELIVERED":
        transitions.order_confirm_delivery(order_id=order.pk, actor=buyer)
    order.refresh_from_db()
    return order


def world_build(*, owner_buys: bool = False) -> World:
    """Build the world; the buyer is an outsider unless `owner_buys`."""
    variant = VariantFactory()
    organization = variant.organization
    product = variant.product
    reviewed_variant = VariantFactory(product=product)
    stock_in(variant, 50)
    stock_in(reviewed_variant, 50)
    product.image_keys = [f"products/{product.pk}/{IMAGE_KEY_NAME}"]
    product.save(update_fields=["image_keys"])

    buyer = organization.owner if owner_buys else UserFactory()
    cart = open_cart(buyer, (variant, 1))
    # Delivered: the buyer may review both variants and has reviewed one.
    _order_in("DELIVERED", buyer=buyer, lines=[(variant, 1), (reviewed_variant, 1)])
    review = review_create(
        user=buyer, variant=reviewed_variant, score=5, comment="Arrived fast."
    )
    invitation, token = invitation_with_token(
        organization=organization, email=buyer.email
    )

    return World(
        organization=organization,
        owner=organization.owner,
        admin=member_of(organization, Role.ADMIN),
        member=member_of(organization, Role.MEMBER),
        buyer=buyer,
        outsider=UserFactory(),
        product=product,
        variant=variant,
        reviewed_variant=reviewed_variant,
        cart=cart,
        cart_item=cart.items.get(),
        pending_order=_order_in("PENDING", buyer=buyer, lines=[(variant, 1)]),
        paid_order=_order_in("PAID", buyer=buyer, lines=[(variant, 1)]),
        shipped_order=_order_in("SHIPPED", buyer=buyer, lines=[(variant, 1)]),
        review=review,
        invitation=invitation,
        invitation_token=token,
    )
