"""Per-run state: a clean slate of carts and orders, then what the scenarios use.

Each run deletes the previous run's carts, orders and the ledger rows they
wrote, recomputes the balances they touched from the ledger, then builds
OPEN carts (one per buyer and organization, C-01) and tokens, and writes
them to `var/bench/run/` for the load scripts: one `token<TAB>cart<TAB>key`
line per checkout, and `fixture.json` for everything else.
"""

import json
from dataclasses import dataclass
from pathlib import Path
from uuid import UUID

from django.db import connection, transaction

from accounts.models import User
from accounts.tokens import token_pair_issue
from bench import dataset
from catalog.models import Variant
from inventory.models import MovementKind
from inventory.services import Movement, stock_movement_record
from orders.models import Cart, CartItem
from orders.selectors import prices_current
from orders.services.checkout import order_checkout
from orgs.models import Organization

RUN_REASON = "bench run"
SHIPPING_ADDRESS = "Av. Paulista 1000, Sao Paulo SP, 01310-100"

RESET_STATEMENTS = [
    """CREATE TEMP TABLE bench_touched ON COMMIT DROP AS
       SELECT DISTINCT variant_id FROM inventory_stockmovement
       WHERE ref_type = 'order' OR reason = %(reason)s""",
    """DELETE FROM inventory_stockmovement
       WHERE ref_type = 'order' OR reason = %(reason)s""",
    "DELETE FROM orders_ordertransition",
    "DELETE FROM orders_orderitem",
    "DELETE FROM orders_order",
    "DELETE FROM orders_cartitem",
    "DELETE FROM orders_cart",
]


@dataclass(frozen=True)
class Sizes:
    """How many checkouts each scenario makes; each needs its own buyer."""

    growth: int = 150
    hot: int = 600
    hot_shortfall: int = 50
    spread: int = 600
    heavy_orders: int = 25

    @property
    def buyers_needed(self) -> int:
        return 2 * self.growth + self.hot + self.spread


@transaction.atomic
def state_reset() -> None:
    """Remove every cart and order and put the touched balances back."""
    with connection.cursor() as cursor:
        for statement in RESET_STATEMENTS:
            cursor.execute(statement, {"reason": RUN_REASON})
        cursor.execute("SELECT array_agg(variant_id) FROM bench_touched")
        touched = cursor.fetchone()[0] or []
        cursor.execute(dataset.BALANCE_FROM_LEDGER, {"variants": touched})


def run_prepare(*, run_id: str, out_dir: Path, sizes: Sizes) -> dict:
    """Reset, build every scenario's carts and tokens, write them to `out_dir`."""
    state_reset()
    main = dataset.main_organization()
    roles = dataset.variant_roles(organization=main)
    owner = main.owner
    buyers = list(User.objects.filter(email__startswith="buyer-").order_by("email"))
    if len(buyers) < sizes.buyers_needed:
        raise RuntimeError(f"{sizes.buyers_needed} buyers needed, {len(buyers)} found")

    _stock_set(roles.hot, sizes.hot - sizes.hot_shortfall, owner)
    heavy = User.objects.get(email="heavy-0@bench.local")
    _heavy_buyer_orders(heavy, main, roles.listing, sizes.heavy_orders)
    _heavy_buyer_carts(heavy)

    groups = _checkout_groups(roles, buyers, sizes)
    out_dir.mkdir(parents=True, exist_ok=True)
    tokens = _tokens([owner, heavy, *buyers[: sizes.buyers_needed]])
    for name, (variants, group_buyers) in groups.items():
        carts = _carts_create(main, variants, group_buyers)
        _pairs_write(out_dir / f"{name}.tsv", carts, tokens, run_id)

    fixture = _fixture(main, roles, owner, heavy, tokens, sizes)
    (out_dir / "fixture.json").write_text(json.dumps(fixture, indent=2))
    return fixture


def _checkout_groups(
    roles: dataset.VariantRoles, buyers: list[User], sizes: Sizes
) -> dict[str, tuple[list[UUID], list[User]]]:
    """Split the buyers between the scenarios; each buys one unit of a variant."""
    bounds = [sizes.growth, sizes.growth, sizes.hot, sizes.spread]
    starts = [sum(bounds[:i]) for i in range(len(bounds))]
    slices = [
        buyers[start : start + size] for start, size in zip(starts, bounds, strict=True)
    ]
    return {
        "growth_small": ([roles.ledger_small], slices[0]),
        "growth_large": ([roles.ledger_large], slices[1]),
        "hot": ([roles.hot], slices[2]),
        "spread": (roles.spread, slices[3]),
    }


def _stock_set(variant_id: UUID, available: int, user: User) -> None:
    """Move the variant's available stock to exactly `available`, via the ledger."""
    current = Variant.objects.get(pk=variant_id).balance.available
    if current == available:
        return
    stock_movement_record(
        movement=Movement(
            variant_id=variant_id,
            kind=MovementKind.ADJUST,
            qty=available - current,
            reason=RUN_REASON,
        ),
        user=user,
    )


def _carts_create(
    organization: Organization, variants: list[UUID], buyers: list[User]
) -> list[Cart]:
    prices = prices_current(variant_ids=variants)
    carts = Cart.objects.bulk_create(
        Cart(buyer=buyer, organization=organization) for buyer in buyers
    )
    CartItem.objects.bulk_create(
        CartItem(
            cart=cart,
            variant_id=variants[i % len(variants)],
            qty=1,
            price_snapshot_cents=prices[variants[i % len(variants)]].amount_cents,
        )
        for i, cart in enumerate(carts)
    )
    return carts


def _heavy_buyer_orders(
    heavy: User, organization: Organization, variant_id: UUID, count: int
) -> None:
    """Give one buyer, and the organization, more than a page of orders."""
    for _ in range(count):
        cart = _carts_create(organization, [variant_id], [heavy])[0]
        order_checkout(buyer=heavy, cart_id=cart.pk, shipping_address=SHIPPING_ADDRESS)


def _heavy_buyer_carts(heavy: User) -> None:
    """One OPEN cart in each small organization: a full page for `GET /cart`."""
    small = Organization.objects.filter(slug__startswith="bench-small-")
    for organization in small:
        variant = Variant.objects.filter(organization=organization).earliest("id")
        _carts_create(organization, [variant.pk], [heavy])


def _tokens(users: list[User]) -> dict[UUID, str]:
    return {user.pk: token_pair_issue(user=user).access_token for user in users}


def _pairs_write(
    path: Path, carts: list[Cart], tokens: dict[UUID, str], run_id: str
) -> None:
    lines = [
        f"{tokens[cart.buyer_id]}\t{cart.pk}\tbench-{run_id}-{cart.pk}"
        for cart in carts
    ]
    path.write_text("\n".join(lines) + "\n")


def _fixture(
    main: Organization,
    roles: dataset.VariantRoles,
    owner: User,
    heavy: User,
    tokens: dict[UUID, str],
    sizes: Sizes,
) -> dict:
    listing = Variant.objects.get(pk=roles.listing)
    return {
        "organization_id": str(main.pk),
        "owner_token": tokens[owner.pk],
        "heavy_token": tokens[heavy.pk],
        "variants": {
            "ledger_small": str(roles.ledger_small),
            "ledger_large": str(roles.ledger_large),
            "hot": str(roles.hot),
            "listing": str(roles.listing),
        },
        "listing_product_id": str(listing.product_id),
        "hot_stock": sizes.hot - sizes.hot_shortfall,
        "buyer_tokens": {str(user_id): token for user_id, token in tokens.items()},
    }
