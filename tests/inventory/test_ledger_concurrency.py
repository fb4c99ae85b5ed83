import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inventory.models import MovementKind, StockBalance, StockMovement
from inventory.selectors import stock_discrepancies
from inventory.services import Movement, stock_movements_record
from orgs.models import Role
from tests.accounts.factories import UserFactory
from tests.catalog.factories import VariantFactory
from tests.conftest import client_for
from tests.inventory.factories import stock_in
from tests.inventory.racing import race
from tests.orgs.factories import MembershipFactory


@pytest.fixture(autouse=True)
def _verify_stock_after_each_race():
    yield
    call_command("verify_stock")


INSERT_LEDGER = 'INSERT INTO "inventory_stockmovement"'
UPDATE_BALANCE = 'UPDATE "inventory_stockbalance"'


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_s04_concurrent_out_movements_never_drive_available_below_zero():
    variant = VariantFactory()
    stock_in(variant, 5)
    clients = []
    for _ in range(12):
        member = UserFactory()
        MembershipFactory(
            organization=variant.organization, user=member, role=Role.MEMBER
        )
        clients.append(client_for(member))
    url = f"/variants/{variant.pk}/stock/movements"
    body = {"kind": "OUT", "qty": 1, "reason": "sold at the counter"}

    responses = race([lambda c=c: c.post(url, body, format="json") for c in clients])

    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] * 5 + [409] * 7
    assert {r.json()["code"] for r in responses if r.status_code == 409} == {
        "INSUFFICIENT_STOCK"
    }
    assert StockBalance.objects.get(variant=variant).available == 0
    assert StockMovement.objects.filter(kind=MovementKind.OUT).count() == 5
    assert stock_discrepancies() == []


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_s04_concurrent_mixed_movements_keep_the_balance_equal_to_the_ledger():
    variant = VariantFactory()
    stock_in(variant, 3)

    def move(kind, qty):
        return lambda: stock_movements_record(
            movements=[Movement(variant.pk, kind, qty, "race")], user=None
        )

    calls = [move(MovementKind.OUT, 2) for _ in range(6)]
    calls += [move(MovementKind.IN, 1) for _ in range(6)]
    race(calls)

    balance = StockBalance.objects.get(variant=variant)
    assert balance.available >= 0
    assert stock_discrepancies() == []


@pytest.mark.django_db
def test_s04_the_balance_row_is_locked_before_the_ledger_insert(user):
    first, second = VariantFactory(), VariantFactory()
    stock_in(first, 1)
    stock_in(second, 1)

    with CaptureQueriesContext(connection) as captured:
        stock_movements_record(
            movements=[
                Movement(second.pk, MovementKind.OUT, 1, "sold"),
                Movement(first.pk, MovementKind.OUT, 1, "sold"),
            ],
            user=user,
        )

    sql = [query["sql"] for query in captured.captured_queries]
    lock = next(i for i, q in enumerate(sql) if "FOR UPDATE" in q)
    insert = next(i for i, q in enumerate(sql) if q.startswith(INSERT_LEDGER))
    update = next(i for i, q in enumerate(sql) if q.startswith(UPDATE_BALANCE))
    assert '"inventory_stockbalance"' in sql[lock]
    assert 'ORDER BY "inventory_stockbalance"."variant_id" ASC' in sql[lock]
    assert lock < insert < update
