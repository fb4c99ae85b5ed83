"""Order actions (D-04, D-09) and the order's live event stream (D-08).

Who may call, for an order that exists:
- its buyer and the active members of the seller organization see it;
  anyone else gets 404, as if it did not exist;
- cancel, confirm-delivery and the event stream are the buyer's: a seller
  member who is not the buyer gets 403;
- mark-paid and ship need ADMIN or OWNER of the seller organization: a
  MEMBER, or the buyer who is not an ADMIN there, gets 403.
"""

from dataclasses import dataclass
from typing import cast

from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.tokens import Token

from accounts.authentication import QueryTokenJWTAuthentication, request_user
from marketplace.errors import NotFound
from marketplace.validation import validated
from orders import events
from orders.models import Order
from orders.serializers import OrderSerializer
from orders.services import transitions
from orgs.models import ROLE_RANK, Membership, Role
from orgs.selectors import membership_get


@dataclass(frozen=True)
class OrderAccess:
    order: Order
    is_buyer: bool
    membership: Membership | None


def order_access(request: Request, view: APIView) -> OrderAccess:
    """Resolve (once) the addressed order and the caller's relation to it."""
    access = getattr(request, "order_access", None)
    if access is None:
        order = Order.objects.filter(pk=view.kwargs["order_id"]).first()
        if order is None:
            raise NotFound()
        user = request_user(request)
        membership = membership_get(user=user, organization_id=order.organization_id)
        is_buyer = order.buyer_id == user.pk
        if not is_buyer and membership is None:
            raise NotFound()
        access = OrderAccess(order=order, is_buyer=is_buyer, membership=membership)
        # Requests take ad-hoc attributes at run time; the stubs declare none.
        request.order_access = access  # type: ignore[attr-defined]
    return access


class IsOrderBuyer(BasePermission):
    """The order's buyer passes."""

    message = "Only the buyer may do this."

    def has_permission(self, request: Request, view) -> bool:
        return order_access(request, view).is_buyer


class IsOrderSellerAdmin(BasePermission):
    """ADMIN and OWNER members of the order's seller organization pass."""

    message = "This needs the ADMIN role or above in the seller organization."

    def has_permission(self, request: Request, view) -> bool:
        membership = order_access(request, view).membership
        return (
            membership is not None
            and ROLE_RANK[membership.role] >= ROLE_RANK[Role.ADMIN]
        )


class ShipSerializer(serializers.Serializer):
    tracking_code = serializers.CharField(
        min_length=1, max_length=transitions.TRACKING_CODE_MAX_LENGTH
    )


class _OrderActionView(APIView):
    idempotent = True

    def respond(self, order: Order) -> Response:
        order = Order.objects.prefetch_related("items").get(pk=order.pk)
        return Response(OrderSerializer(order).data)


class OrderCancelView(_OrderActionView):
    """The buyer cancels a PENDING or PAID order; its stock comes back."""

    permission_classes = [IsAuthenticated, IsOrderBuyer]

    @extend_schema(request=None, responses={200: OrderSerializer})
    def post(self, request: Request, order_id) -> Response:
        order = transitions.order_cancel(order_id=order_id, actor=request_user(request))
        return self.respond(order)


class OrderConfirmDeliveryView(_OrderActionView):
    """The buyer confirms a SHIPPED order arrived."""

    permission_classes = [IsAuthenticated, IsOrderBuyer]

    @extend_schema(request=None, responses={200: OrderSerializer})
    def post(self, request: Request, order_id) -> Response:
        order = transitions.order_confirm_delivery(
            order_id=order_id, actor=request_user(request)
        )
        return self.respond(order)


class OrderMarkPaidView(_OrderActionView):
    """D-09: the seller records a (mock) payment of a PENDING order."""

    permission_classes = [IsAuthenticated, IsOrderSellerAdmin]

    @extend_schema(request=None, responses={200: OrderSerializer})
    def post(self, request: Request, order_id) -> Response:
        order = transitions.order_mark_paid(
            order_id=order_id, actor=request_user(request)
        )
        return self.respond(order)


class OrderShipView(_OrderActionView):
    """The seller ships a PAID order with a tracking code."""

    permission_classes = [IsAuthenticated, IsOrderSellerAdmin]

    @extend_schema(request=ShipSerializer, responses={200: OrderSerializer})
    def post(self, request: Request, order_id) -> Response:
        body = validated(ShipSerializer, request.data)
        order = transitions.order_ship(
            order_id=order_id,
            actor=request_user(request),
            tracking_code=body["tracking_code"],
        )
        return self.respond(order)


class OrderEventsView(APIView):
    """D-08: the buyer's live stream of the order's status (text/event-stream).

    Sends the current status on connect, then one event per transition.
    `Last-Event-ID` (or `?lastEventId=`, as EventSource polyfills send it)
    resumes after that event. The token may come as `?access_token=`.
    """

    authentication_classes = [QueryTokenJWTAuthentication]
    permission_classes = [IsAuthenticated, IsOrderBuyer]
    # Errors answer in JSON even to a client that accepts only event streams.
    renderer_classes = [JSONRenderer]

    def perform_content_negotiation(self, request: Request, force: bool = False):
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        parameters=[
            OpenApiParameter("access_token", str, description="For EventSource."),
            OpenApiParameter("lastEventId", int, description="Resume after it."),
            OpenApiParameter("Last-Event-ID", int, OpenApiParameter.HEADER),
        ],
        responses={(200, "text/event-stream"): OpenApiTypes.STR},
    )
    def get(self, request: Request, order_id) -> StreamingHttpResponse:
        order = order_access(request, self).order
        # DRF's stubs expect its own token model; the JWT authenticator sets this.
        token = cast(Token, request.auth)
        events.connection_release()
        stream = events.order_event_stream(
            order=order,
            last_event_id=_last_event_id(request),
            deadline=float(token["exp"]),
        )
        response = StreamingHttpResponse(stream, content_type="text/event-stream")
        response["Cache-Control"] = "no-cache"
        # Tells nginx-like proxies not to buffer the stream.
        response["X-Accel-Buffering"] = "no"
        return response


def _last_event_id(request: Request) -> int | None:
    raw = request.headers.get("Last-Event-ID") or request.query_params.get(
        "lastEventId"
    )
    # An id this server never sent is treated as none: the client then
    # gets the current status, which is all it needs to be right again.
    if raw is None or not (raw.strip().isascii() and raw.strip().isdigit()):
        return None
    return int(raw)
