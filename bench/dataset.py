"""The benchmark's base data, loaded once and kept across runs.

100,000 catalog products are written by PostgreSQL itself from
`generate_series` (each with one variant, its price, its balance and the
ledger's `IN` row behind it), so loading takes seconds, not minutes. Two
variants get long ledgers (1,000 and 1,000,000 rows) whose balances are then
recomputed from the ledger, so `verify_stock` agrees with every balance.

A row in `bench_dataset` marks a finished load; the whole load is one
transaction, so a failed or interrupted load leaves no marker and no rows.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from uuid import UUID

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper
from django.utils import timezone

from accounts.models import User
from catalog.models import PriceHistory, Variant
from orgs.models import Invitation, Membership, Organization, Role
from reviews.models import Review

DATASET_VERSION = "v1"
BIG_ORGS = 4
PRODUCTS_PER_BIG_ORG = 25_000
SMALL_ORGS = 20
SMALL_LEDGER_ROWS = 1_000
LARGE_LEDGER_ROWS = 1_000_000
BUYERS = 1_500
LIST_ROWS = 25
ORG_STAFF = 9
INITIAL_STOCK = 1_000
SPREAD_VARIANTS = 50

# UUIDv7 from a timestamp: 48 bits of milliseconds over a random v4, with the
# version nibble turned from 4 into 7 (bits 52 and 53 of the 128).
UUID7_FUNCTION = """
CREATE OR REPLACE FUNCTION pg_temp.bench_uuid7(ts timestamptz) RETURNS uuid AS $$
  SELECT encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid()) PLACING
    substring(int8send(floor(extract(epoch FROM ts) * 1000)::bigint) FROM 3)
    FROM 1 FOR 6), 52, 1), 53, 1), 'hex')::uuid
$$ LANGUAGE sql VOLATILE
"""

PRODUCT_ROWS = """
CREATE TEMP TABLE bench_rows ON COMMIT DROP AS
SELECT n, ts, org.id AS org_id, org.owner_id,
       pg_temp.bench_uuid7(ts) AS product_id, pg_temp.bench_uuid7(ts) AS variant_id,
       pg_temp.bench_uuid7(ts) AS price_id, pg_temp.bench_uuid7(ts) AS movement_id
FROM (
    SELECT n, now() - make_interval(secs => (%(total)s - n) * 0.01) AS ts,
           (%(orgs)s::uuid[])[(n - 1) / %(per_org)s + 1] AS org_id
    FROM generate_series(1, %(total)s) AS n
) AS numbered
JOIN orgs_organization AS org ON org.id = numbered.org_id
"""

PRODUCT_INSERTS = [
    """INSERT INTO catalog_product (id, organization_id, title, description,
           is_active, image_keys, created_at, updated_at)
       SELECT product_id, org_id, %(prefix)s || ' product ' || n,
              'Generated for the benchmark, number ' || n || '.', true, '{}', ts, ts
       FROM bench_rows""",
    """INSERT INTO catalog_variant (id, product_id, organization_id, sku,
           attributes, created_at)
       SELECT variant_id, product_id, org_id, %(prefix)s || '-' || n,
              '{"size": "M"}', ts
       FROM bench_rows""",
    """INSERT INTO catalog_pricehistory (id, variant_id, amount_cents, currency,
           valid_from, created_at)
       SELECT price_id, variant_id, 1000 + n %% 9000, 'BRL', ts, ts FROM bench_rows""",
    """INSERT INTO inventory_stockmovement (id, variant_id, kind, qty, reason,
           ref_type, ref_id, audit_user_id, created_at)
       SELECT movement_id, variant_id, 'IN', %(stock)s, 'bench initial stock', '', '',
              owner_id, ts
       FROM bench_rows""",
    """INSERT INTO inventory_stockbalance (variant_id, available, reserved, updated_at)
       SELECT variant_id, %(stock)s, 0, ts FROM bench_rows""",
    "DROP TABLE bench_rows",
]

# Alternating IN 2 / OUT 1 rows; the balance is recomputed afterwards.
LEDGER_INSERT = """
INSERT INTO inventory_stockmovement (id, variant_id, kind, qty, reason, ref_type,
    ref_id, audit_user_id, created_at)
SELECT pg_temp.bench_uuid7(ts), %(variant)s,
       CASE WHEN i %% 2 = 1 THEN 'IN' ELSE 'OUT' END,
       CASE WHEN i %% 2 = 1 THEN 2 ELSE 1 END, 'bench ledger', '', '', %(user)s, ts
FROM (
    SELECT i, now() - make_interval(secs => 2000 + (%(rows)s - i) * 0.0001) AS ts
    FROM generate_series(1, %(rows)s) AS i
) AS numbered
"""

BALANCE_FROM_LEDGER = """
UPDATE inventory_stockbalance AS balance
SET available = ledger.available, reserved = 0, updated_at = now()
FROM (
    SELECT variant_id, SUM(CASE WHEN kind IN ('OUT', 'RESERVATION') THEN -qty
                                ELSE qty END) AS available
    FROM inventory_stockmovement WHERE variant_id = ANY(%(variants)s::uuid[])
    GROUP BY variant_id
) AS ledger
WHERE balance.variant_id = ledger.variant_id
"""


@dataclass(frozen=True)
class VariantRoles:
    """The main organization's variants that each scenario works on."""

    ledger_small: UUID
    ledger_large: UUID
    hot: UUID
    spread: list[UUID]
    listing: UUID


@dataclass(frozen=True)
class People:
    owners: list[User]
    staff: list[User]
    buyers: list[User]
    heavy: User


def main_organization() -> Organization:
    return Organization.objects.get(slug="bench-big-0")


def variant_roles(*, organization: Organization) -> VariantRoles:
    """Pick the scenario variants by SKU, the same ones on every run."""
    skus = {"BIG-1": "small", "BIG-2": "large", "BIG-3": "hot", "BIG-100": "listing"}
    skus |= {f"BIG-{n}": f"spread-{n}" for n in range(4, 4 + SPREAD_VARIANTS)}
    found = dict(
        Variant.objects.filter(organization=organization, sku__in=skus).values_list(
            "sku", "id"
        )
    )
    by_role = {role: found[sku] for sku, role in skus.items()}
    return VariantRoles(
        ledger_small=by_role["small"],
        ledger_large=by_role["large"],
        hot=by_role["hot"],
        spread=[by_role[f"spread-{n}"] for n in range(4, 4 + SPREAD_VARIANTS)],
        listing=by_role["listing"],
    )


def dataset_loaded() -> bool:
    """Whether a finished load of this dataset version is in the database."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_dataset "
            "(version text PRIMARY KEY, loaded_at timestamptz NOT NULL)"
        )
        cursor.execute(
            "SELECT 1 FROM bench_dataset WHERE version = %s", [DATASET_VERSION]
        )
        return cursor.fetchone() is not None


@transaction.atomic
def dataset_load() -> None:
    """Write the whole dataset and its marker in one transaction."""
    people = _people_create()
    big = _organizations_create(people.owners[:BIG_ORGS], "big")
    small = _organizations_create(people.owners[BIG_ORGS:], "small")
    _memberships_create(big[0], small, people)
    _invitations_create(big[0], people.owners[0])

    with connection.cursor() as cursor:
        cursor.execute(UUID7_FUNCTION)
        _products_insert(cursor, big, PRODUCTS_PER_BIG_ORG, "BIG")
        _products_insert(cursor, small, 1, "SMALL")
    _extra_rows_create(big[0], people)

    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO bench_dataset VALUES (%s, now())", [DATASET_VERSION]
        )


def _people_create() -> People:
    password = make_password(None)

    def users(prefix: str, count: int) -> list[User]:
        return User.objects.bulk_create(
            User(
                email=f"{prefix}-{i}@bench.local",
                name=f"{prefix} {i}",
                password=password,
            )
            for i in range(count)
        )

    return People(
        owners=users("owner", BIG_ORGS + SMALL_ORGS),
        staff=users("staff", ORG_STAFF),
        buyers=users("buyer", BUYERS),
        heavy=users("heavy", 1)[0],
    )


def _organizations_create(owners: list[User], kind: str) -> list[Organization]:
    organizations = Organization.objects.bulk_create(
        Organization(name=f"Bench {kind} {i}", slug=f"bench-{kind}-{i}", owner=owner)
        for i, owner in enumerate(owners)
    )
    Membership.objects.bulk_create(
        Membership(organization=organization, user=organization.owner, role=Role.OWNER)
        for organization in organizations
    )
    return organizations


def _memberships_create(
    main: Organization, small: list[Organization], people: People
) -> None:
    """Fill the main organization (M-01: 10) and its owner's memberships (M-07: 5)."""
    rows = [
        Membership(organization=main, user=user, role=Role.MEMBER)
        for user in people.staff
    ]
    rows += [
        Membership(organization=organization, user=main.owner, role=Role.MEMBER)
        for organization in small[:4]
    ]
    Membership.objects.bulk_create(rows)


def _invitations_create(main: Organization, owner: User) -> None:
    expires = timezone.now() + timedelta(days=7)
    Invitation.objects.bulk_create(
        Invitation(
            organization=main,
            email=f"invitee-{i}@bench.local",
            role=Role.MEMBER,
            token_hash=hashlib.sha256(secrets.token_bytes(32)).hexdigest(),
            invited_by=owner,
            expires_at=expires,
        )
        for i in range(LIST_ROWS)
    )


def _products_insert(
    cursor: CursorWrapper,
    organizations: list[Organization],
    per_org: int,
    prefix: str,
) -> None:
    params: dict[str, Any] = {
        "orgs": [str(organization.pk) for organization in organizations],
        "per_org": per_org,
        "total": per_org * len(organizations),
        "prefix": prefix,
        "stock": INITIAL_STOCK,
    }
    cursor.execute(PRODUCT_ROWS, params)
    for statement in PRODUCT_INSERTS:
        cursor.execute(statement, params)


def _extra_rows_create(main: Organization, people: People) -> None:
    """Long ledgers, a long price history and many reviews on chosen variants."""
    roles = variant_roles(organization=main)
    with connection.cursor() as cursor:
        for variant_id, rows in (
            (roles.ledger_small, SMALL_LEDGER_ROWS - 1),
            (roles.ledger_large, LARGE_LEDGER_ROWS - 1),
        ):
            cursor.execute(
                LEDGER_INSERT,
                {"variant": variant_id, "rows": rows, "user": main.owner_id},
            )
        cursor.execute(
            BALANCE_FROM_LEDGER,
            {"variants": [str(roles.ledger_small), str(roles.ledger_large)]},
        )
    _history_create(roles.listing, people.buyers[:LIST_ROWS])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _history_create(variant_id: UUID, reviewers: list[User]) -> None:
    variant = Variant.objects.get(pk=variant_id)
    first = PriceHistory.objects.filter(variant=variant).earliest("valid_from")
    PriceHistory.objects.bulk_create(
        PriceHistory(
            variant=variant,
            amount_cents=first.amount_cents + i,
            valid_from=first.valid_from - timedelta(days=i + 1),
        )
        for i in range(LIST_ROWS)
    )
    Review.objects.bulk_create(
        Review(
            user=user,
            variant=variant,
            product_id=variant.product_id,
            score=1 + i % 5,
            comment="Bench review.",
        )
        for i, user in enumerate(reviewers)
    )
