from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.authentication import request_user
from catalog.models import Variant
from inventory import selectors, serializers, services
from inventory.models import MovementKind, StockBalance, StockMovement
from marketplace.validation import validated
from orgs.permissions import IsOrgMember, request_membership


class _VariantStockView(GenericAPIView):
    """Resolve the addressed variant once; its organization decides who passes."""

    permission_classes = [IsOrgMember]

    @property
    def variant(self) -> Variant:
        if not hasattr(self, "_variant"):
            self._variant = selectors.stock_variant_get(
                variant_id=self.kwargs["variant_id"]
            )
        return self._variant

    def get_organization_id(self):
        return self.variant.organization_id


class StockMovementsView(_VariantStockView):
    """The variant's ledger (S-01): read it, or post IN, OUT or ADJUST."""

    serializer_class = serializers.StockMovementSerializer
    # For the schema generator; the selectors do the reading.
    queryset = StockMovement.objects.none()
    idempotent = True

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "kind", OpenApiTypes.STR, enum=MovementKind.values, required=False
            )
        ],
        responses={200: serializers.StockMovementSerializer(many=True)},
    )
    def get(self, request: Request, variant_id) -> Response:
        kind = request.query_params.get("kind")
        if kind is not None and kind not in MovementKind.values:
            raise ValidationError(
                {"kind": [f"Must be one of {', '.join(MovementKind.values)}."]}
            )
        movements = selectors.movements_list(variant=self.variant, kind=kind)
        page = self.paginate_queryset(movements)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        request=serializers.StockMovementCreateSerializer,
        responses={201: serializers.StockMovementSerializer},
        description=(
            "`kind` is IN, OUT or ADJUST: RESERVATION and RELEASE are written by "
            "orders only (400). ADJUST needs ADMIN (403) and takes a signed, "
            "non-zero `qty`; the other kinds a positive one. A movement that would "
            "make `available` negative is 409 INSUFFICIENT_STOCK."
        ),
    )
    def post(self, request: Request, variant_id) -> Response:
        payload = validated(serializers.StockMovementCreateSerializer, request.data)
        movement = services.stock_movement_manual_record(
            variant=self.variant,
            user=request_user(request),
            role=request_membership(request, self).role,
            **payload,
        )
        body = serializers.StockMovementSerializer(movement).data
        return Response(body, status=status.HTTP_201_CREATED)


class StockBalanceView(_VariantStockView):
    """The variant's balance, read from its balance row (S-03)."""

    serializer_class = serializers.BalanceSerializer
    queryset = StockBalance.objects.none()
    pagination_class = None

    def get(self, request: Request, variant_id) -> Response:
        balance = selectors.balance_get(variant=self.variant)
        return Response(self.get_serializer(balance).data)
