"""Schemathesis against the project's own OpenAPI schema, every operation.

The schema is generated in-process and every case is sent through the WSGI
application, inside the test's database transaction. The caller owns the
world's organization and is also the buyer of its cart, orders and review,
so generated requests reach real objects: a share of the path parameters
and of the id fields in bodies are swapped for ids that exist.

Checks: no 5xx, every status and content type documented, and every body
(successes and the error envelope alike) valid against the schema.
"""

import json
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from rest_framework.throttling import SimpleRateThrottle
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts import tokens
from tests.api.world import world_build

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]

MAX_EXAMPLES = 15
SEED = 20240601
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# The order's event stream never ends on its own; tests/orders covers it.
EXCLUDED_PATHS = ["/orders/{order_id}/events"]


def _schema_document() -> dict:
    document = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(document))


schema = schemathesis.openapi.from_dict(
    _schema_document(),
    config=schemathesis.Config.from_dict(
        {
            "seed": SEED,
            "generation": {
                "max-examples": MAX_EXAMPLES,
                "deterministic": True,
            },
        }
    ),
).exclude(path=EXCLUDED_PATHS)
schema.app = get_wsgi_application()

# Ids that exist, by parameter or body field name; filled for each test.
KNOWN: dict[str, list[str]] = {}


def _with_known(values: dict[str, Any], pick: int) -> dict[str, Any]:
    """Swap every field that names a known kind of id for one that exists."""
    swapped = dict(values)
    for name in values:
        choices = KNOWN.get(name)
        if choices:
            swapped[name] = choices[pick % len(choices)]
    return swapped


def _known_strategy(values: Any) -> st.SearchStrategy:
    if not isinstance(values, dict):
        return st.just(values)
    # Three cases in seven keep the generated values; the rest address real
    # objects, so that success responses get validated too.
    return st.integers(min_value=-3, max_value=3).map(
        lambda pick: values if pick < 0 else _with_known(values, pick)
    )


@schema.hook
def flatmap_path_parameters(context, path_parameters):
    return _known_strategy(path_parameters)


@schema.hook
def flatmap_body(context, body):
    return _known_strategy(body)


@pytest.fixture
def _keep_test_connection():
    """Keep the test's connection open across requests, as Django's Client does.

    The WSGI handler closes the connection when a request finishes, which
    would end the transaction that holds the test's data.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def caller_token(db, s3, monkeypatch, _keep_test_connection) -> str:
    """Build the world, remember its ids, and answer the OWNER-buyer's token."""
    # Many examples of one operation exceed 100/min; limits are tested elsewhere.
    monkeypatch.setattr(
        SimpleRateThrottle,
        "THROTTLE_RATES",
        {"user": "100000/min", "anon": "100000/min", "auth": "100000/min"},
    )
    world = world_build(owner_buys=True)
    KNOWN.clear()
    KNOWN.update(
        organization_id=[str(world.organization.pk)],
        user_id=[str(world.member.pk), str(world.admin.pk)],
        invitation_id=[str(world.invitation.pk)],
        token=[world.invitation_token],
        product_id=[str(world.product.pk)],
        key=[world.image_key],
        variant_id=[str(world.variant.pk), str(world.reviewed_variant.pk)],
        item_id=[str(world.cart_item.pk)],
        cart_id=[str(world.cart.pk)],
        order_id=[
            str(world.pending_order.pk),
            str(world.paid_order.pk),
            str(world.shipped_order.pk),
        ],
        review_id=[str(world.review.pk)],
    )
    return tokens.token_pair_issue(user=world.owner).access_token


@schema.parametrize()
@settings(
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    max_examples=MAX_EXAMPLES,
)
def test_api_conforms_to_its_schema(case, caller_token):
    # call_and_validate raises on any failed check; the status is asserted
    # again so the test reads as what it proves.
    response = case.call_and_validate(
        headers={"Authorization": f"Bearer {caller_token}"}, checks=CHECKS
    )

    assert response.status_code < 500
