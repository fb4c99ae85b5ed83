"""Demo catalog for seed_demo: a few hundred products across the sellers.

Each live organization without products gets its share of about 300
products, with variants, attributes, a price history (one variant per
seller has a price scheduled for the future), initial stock recorded on the
ledger, and generated PNG images uploaded to the bucket. Organizations that
already have products are left alone, so running it twice changes nothing.
"""

import math
import random
import struct
import zlib
from datetime import datetime, timedelta

from botocore.exceptions import BotoCoreError, ClientError
from django.db import transaction
from django.utils import timezone

from catalog import images
from catalog.cache import catalog_changed
from catalog.models import PriceHistory, Product, Variant
from inventory.models import MovementKind, StockBalance
from inventory.services import Movement, stock_movements_record
from marketplace.ids import uuid7
from orgs.models import Organization

PRODUCTS_TOTAL = 300

# Category: (nouns, attribute name -> values, price range in cents).
CATEGORIES = {
    "apparel": (
        ["Camiseta", "Moletom", "Jaqueta", "Bermuda", "Vestido", "Calça jeans"],
        {"size": ["P", "M", "G", "GG"], "color": ["preto", "branco", "azul", "verde"]},
        (3990, 24990),
    ),
    "shoes": (
        ["Tênis de corrida", "Sandália", "Bota", "Sapatilha", "Chinelo"],
        {"size": ["36", "38", "40", "42", "44"], "color": ["preto", "cinza", "bege"]},
        (4990, 59990),
    ),
    "home": (
        ["Caneca", "Luminária", "Almofada", "Jogo de panelas", "Toalha de banho"],
        {"color": ["terracota", "branco", "grafite", "mostarda"]},
        (1990, 39990),
    ),
    "electronics": (
        [
            "Fone Bluetooth",
            "Carregador USB-C",
            "Caixa de som",
            "Smartwatch",
            "Mouse sem fio",
        ],
        {"color": ["preto", "branco", "azul"], "model": ["padrão", "pro"]},
        (4990, 149990),
    ),
}
ADJECTIVES = ["Clássico", "Essencial", "Premium", "Urbano", "Eco", "Compacto", "Leve"]
IMAGE_COLORS = [
    (231, 76, 60),
    (46, 134, 193),
    (39, 174, 96),
    (243, 156, 18),
    (142, 68, 173),
]


def seed(*, stdout) -> None:
    """Create the demo catalog for every live organization that has none."""
    organizations = list(
        Organization.objects.filter(deleted_at__isnull=True, is_active=True)
        .select_related("owner")
        .order_by("slug")
    )
    if not organizations:
        stdout.write("Catalog: no organizations to fill")
        return

    share = math.ceil(PRODUCTS_TOTAL / len(organizations))
    created = uploaded = 0
    for organization in organizations:
        if organization.products.exists():
            continue
        rng = random.Random(organization.slug)
        products, variants = _catalog_insert(organization, share, rng)
        uploaded += _images_upload(products, rng, stdout)
        created += len(products)
        stdout.write(
            f"Catalog: {organization.slug}: {len(products)} products, "
            f"{len(variants)} variants"
        )

    transaction.on_commit(catalog_changed)
    stdout.write(f"Catalog: {created} products created, {uploaded} images uploaded")


def png_bytes(*, width: int, height: int, color: tuple[int, int, int]) -> bytes:
    """A striped RGB PNG, written by hand (no imaging library needed)."""
    light = tuple(min(255, channel + 60) for channel in color)
    rows = b"".join(
        b"\x00"
        + b"".join(bytes(color if (x + y) // 8 % 2 else light) for x in range(width))
        for y in range(height)
    )
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(rows))
        + _png_chunk(b"IEND", b"")
    )


def _png_chunk(tag: bytes, data: bytes) -> bytes:
    checksum = zlib.crc32(tag + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", checksum)


def _catalog_insert(
    organization: Organization, count: int, rng: random.Random
) -> tuple[list[Product], list[Variant]]:
    now = timezone.now()
    categories = [rng.choice(list(CATEGORIES)) for _ in range(count)]
    with transaction.atomic():
        products = Product.objects.bulk_create(
            [_product(organization, category, rng) for category in categories]
        )
        variants: list[Variant] = []
        prices: list[PriceHistory] = []
        for product, category in zip(products, categories, strict=True):
            for variant in _variants(product, category, rng):
                variants.append(variant)
                prices += _price_history(variant, category, rng, now)
        Variant.objects.bulk_create(variants)
        prices.append(_scheduled_price(variants[0], prices[0].amount_cents, now))
        PriceHistory.objects.bulk_create(prices)
        StockBalance.objects.bulk_create([StockBalance(variant=v) for v in variants])

        # Stock only ever enters through the ledger, as in production.
        movements = [
            Movement(variant.pk, MovementKind.IN, qty, "initial stock")
            for variant in variants
            if (qty := _initial_stock(rng)) > 0
        ]
        stock_movements_record(movements=movements, user=organization.owner)
    return products, variants


def _product(organization: Organization, category: str, rng: random.Random) -> Product:
    noun = rng.choice(CATEGORIES[category][0])
    adjective = rng.choice(ADJECTIVES)
    return Product(
        id=uuid7(),
        organization=organization,
        title=f"{noun} {adjective}",
        description=(
            f"{noun} {adjective.lower()} da {organization.name}. "
            f"Categoria {category}; envio em até 2 dias úteis."
        ),
        # A few inactive products show the seller side's filters.
        is_active=rng.random() > 0.03,
    )


def _variants(product: Product, category: str, rng: random.Random) -> list[Variant]:
    options = CATEGORIES[category][1]
    combos = {
        tuple((name, rng.choice(values)) for name, values in options.items())
        for _ in range(rng.randint(1, 4))
    }
    ids = sorted(uuid7() for _ in combos)
    pairs = zip(ids, sorted(combos), strict=True)
    return [
        Variant(
            id=variant_id,
            product=product,
            organization_id=product.organization_id,
            sku=f"{category[:3].upper()}-{product.pk.hex[-8:]}-{index}",
            attributes=dict(combo),
        )
        for index, (variant_id, combo) in enumerate(pairs, start=1)
    ]


def _price_history(
    variant: Variant, category: str, rng: random.Random, now: datetime
) -> list[PriceHistory]:
    low, high = CATEGORIES[category][2]
    amount = rng.randrange(low, high, 100)
    history = [
        PriceHistory(
            variant=variant,
            amount_cents=amount,
            valid_from=now - timedelta(days=rng.randint(30, 90)),
        )
    ]
    if rng.random() < 0.3:
        # A past price change, so the history has more than one row.
        history.append(
            PriceHistory(
                variant=variant,
                amount_cents=max(990, amount - rng.randrange(500, 3000, 100)),
                valid_from=now - timedelta(days=rng.randint(1, 20)),
            )
        )
    return history


def _scheduled_price(
    variant: Variant, amount_cents: int, now: datetime
) -> PriceHistory:
    """A promotion announced for three days from now (P-05 allows the future)."""
    return PriceHistory(
        variant=variant,
        amount_cents=amount_cents * 9 // 10,
        valid_from=now + timedelta(days=3),
    )


def _initial_stock(rng: random.Random) -> int:
    # About one variant in twelve starts empty, so some products stay hidden.
    return 0 if rng.random() < 0.08 else rng.randint(1, 40)


def _images_upload(products: list[Product], rng: random.Random, stdout) -> int:
    uploaded = 0
    try:
        for product in products:
            if rng.random() > 0.4:
                continue
            keys = []
            for _ in range(rng.randint(1, 3)):
                key = images.image_key_new(
                    product_id=product.pk, content_type="image/png"
                )
                body = png_bytes(width=96, height=96, color=rng.choice(IMAGE_COLORS))
                images.object_put(key=key, body=body, content_type="image/png")
                keys.append(key)
            Product.objects.filter(pk=product.pk).update(image_keys=keys)
            uploaded += len(keys)
    except (BotoCoreError, ClientError) as error:
        # The demo still works without pictures when storage is unreachable.
        stdout.write(f"Catalog: images skipped, object storage unavailable ({error})")
    return uploaded
