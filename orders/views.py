from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.authentication import request_user
from marketplace.idempotency import HEADER, parse_key
from marketplace.validation import validated
from orders import selectors, serializers
from orders.models import Cart, CartItem, Order, OrderStatus
from orders.services import cart as cart_services
from orders.services.checkout import order_checkout
from orgs.permissions import IsOrgMember

STATUS_PARAMETER = OpenApiParameter(
    "status", OpenApiTypes.STR, enum=OrderStatus.values, required=False
)


def _status_filter(request: Request) -> str | None:
    value = request.query_params.get("status")
    if value is not None and value not in OrderStatus.values:
        raise ValidationError(
            {"status": [f"Must be one of {', '.join(OrderStatus.values)}."]}
        )
    return value


class CartView(GenericAPIView):
    """The caller's OPEN carts, one per organization."""

    # For the schema generator; the selectors do the reading.
    queryset = Cart.objects.none()
    serializer_class = serializers.CartSerializer

    @extend_schema(responses={200: serializers.CartSerializer(many=True)})
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(
            selectors.carts_open_list(buyer=request_user(request))
        )
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class CartItemsView(GenericAPIView):
    """C-01..C-03: add a variant to the cart of its organization."""

    # For the schema generator; the selectors do the reading.
    queryset = Cart.objects.none()
    serializer_class = serializers.CartSerializer
    idempotent = True

    @extend_schema(
        request=serializers.CartItemAddSerializer,
        responses={201: serializers.CartSerializer},
        description=(
            "Adds to the OPEN cart of the variant's organization, creating it. "
            "Adding a variant already in the cart raises its quantity and keeps "
            "its price snapshot. The resulting quantity is checked against "
            "`available` (409 INSUFFICIENT_STOCK) but not held. An unknown variant "
            "is 404; an inactive or deleted product is 409 PRODUCT_UNAVAILABLE."
        ),
    )
    def post(self, request: Request) -> Response:
        data = validated(serializers.CartItemAddSerializer, request.data)
        cart = cart_services.cart_item_add(buyer=request_user(request), **data)
        return Response(self.get_serializer(cart).data, status=status.HTTP_201_CREATED)


class CartItemView(GenericAPIView):
    """Change the quantity of an item of the caller's cart, or remove it."""

    # For the schema generator; the selectors do the reading.
    queryset = CartItem.objects.none()
    serializer_class = serializers.CartSerializer

    @extend_schema(
        request=serializers.CartItemUpdateSerializer,
        responses={200: serializers.CartSerializer},
        description=(
            "Raising the quantity checks the product and the stock; lowering it "
            "always succeeds. Answers the whole cart."
        ),
    )
    def patch(self, request: Request, item_id) -> Response:
        data = validated(serializers.CartItemUpdateSerializer, request.data)
        cart = cart_services.cart_item_update(
            buyer=request_user(request), item_id=item_id, qty=data["qty"]
        )
        return Response(self.get_serializer(cart).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, item_id) -> Response:
        cart_services.cart_item_remove(buyer=request_user(request), item_id=item_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class OrdersView(GenericAPIView):
    """The caller's orders as a buyer; POST checks a cart out (D-01, D-02)."""

    # For the schema generator; the selectors do the reading.
    queryset = Order.objects.none()
    serializer_class = serializers.OrderSerializer
    idempotent = True

    @extend_schema(
        parameters=[STATUS_PARAMETER],
        responses={200: serializers.OrderSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        orders = selectors.orders_of_buyer(
            buyer=request_user(request), status=_status_filter(request)
        )
        page = self.paginate_queryset(orders)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        request=serializers.CheckoutSerializer,
        responses={201: serializers.OrderSerializer},
        description=(
            "Reserves every item and places a PENDING order in one transaction. "
            "409 PRICE_CHANGED lists `details.items` of `{variant_id, "
            "snapshot_cents, current_cents}` and refreshes the snapshots; retry "
            "with a new Idempotency-Key. The key is stored on the order: a retry "
            "with it answers the same order even after the key store forgot it."
        ),
    )
    def post(self, request: Request) -> Response:
        data = validated(serializers.CheckoutSerializer, request.data)
        raw_key = request.headers.get(HEADER)
        order = order_checkout(
            buyer=request_user(request),
            idempotency_key=parse_key(raw_key) if raw_key is not None else None,
            **data,
        )
        return Response(self.get_serializer(order).data, status=status.HTTP_201_CREATED)


class OrderView(GenericAPIView):
    """One order, for its buyer or any member of the seller organization."""

    # For the schema generator; the selectors do the reading.
    queryset = Order.objects.none()
    serializer_class = serializers.OrderSerializer

    def get(self, request: Request, order_id) -> Response:
        order = selectors.order_get_visible(
            user=request_user(request), order_id=order_id
        )
        return Response(self.get_serializer(order).data)


class OrganizationOrdersView(GenericAPIView):
    """The orders a seller organization received."""

    # For the schema generator; the selectors do the reading.
    queryset = Order.objects.none()
    serializer_class = serializers.OrderSerializer
    permission_classes = [IsOrgMember]

    def get_organization_id(self):
        return self.kwargs["organization_id"]

    @extend_schema(
        parameters=[STATUS_PARAMETER],
        responses={200: serializers.OrderSerializer(many=True)},
    )
    def get(self, request: Request, organization_id) -> Response:
        orders = selectors.orders_of_organization(
            organization_id=organization_id, status=_status_filter(request)
        )
        page = self.paginate_queryset(orders)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
