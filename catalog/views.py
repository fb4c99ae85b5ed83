"""The public catalog and the seller endpoints for products, variants and images."""

from collections.abc import Callable
from urllib.parse import urlencode
from uuid import UUID

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.authentication import request_user
from catalog import selectors, serializers, services
from catalog.cache import page_cached
from catalog.models import PriceHistory, Product, Variant
from marketplace.errors import NotFound
from marketplace.pagination import CursorPagination
from marketplace.validation import validated
from orgs.permissions import IsOrgAdmin, IsOrgMember, request_membership
from reviews.models import Review
from reviews.serializers import ReviewSerializer


def _variant_input(data: dict) -> services.VariantInput:
    return services.VariantInput(**data)


class _OrgScopedView(GenericAPIView):
    """Members read, ADMIN and above write (M-04, M-05)."""

    read_methods = ("GET", "HEAD", "OPTIONS")

    def get_permissions(self):
        if self.request.method in self.read_methods:
            return [IsOrgMember()]
        return [IsOrgAdmin()]


class _ProductScopedView(_OrgScopedView):
    queryset = Product.objects.none()

    def get_organization_id(self) -> UUID:
        if not hasattr(self, "_organization_id"):
            self._organization_id = selectors.product_organization_id(
                product_id=self.kwargs["product_id"]
            )
        return self._organization_id

    def product(self) -> Product:
        return selectors.product_get(product_id=self.kwargs["product_id"])


class _VariantScopedView(_OrgScopedView):
    def get_organization_id(self) -> UUID:
        return self.variant().organization_id

    def variant(self) -> Variant:
        if not hasattr(self, "_variant"):
            self._variant = selectors.variant_get(variant_id=self.kwargs["variant_id"])
        return self._variant


# --- Products --------------------------------------------------------------


class OrganizationProductsView(_OrgScopedView):
    """The organization's products (P-01); creating one is a single transaction."""

    idempotent = True
    queryset = Product.objects.none()
    serializer_class = serializers.ProductSerializer

    def get_organization_id(self) -> UUID:
        return self.kwargs["organization_id"]

    @extend_schema(responses={200: serializers.ProductSerializer(many=True)})
    def get(self, request: Request, organization_id: UUID) -> Response:
        products = selectors.organization_products(
            organization=request_membership(request, self).organization
        )
        page = self.paginate_queryset(products)
        data = serializers.ProductSerializer(page, many=True).data
        return self.get_paginated_response(data)

    @extend_schema(
        request=serializers.ProductCreateSerializer,
        responses={201: serializers.ProductSerializer},
    )
    def post(self, request: Request, organization_id: UUID) -> Response:
        data = validated(serializers.ProductCreateSerializer, request.data)
        product = services.product_create(
            organization=request_membership(request, self).organization,
            user=request_user(request),
            title=data["title"],
            description=data["description"],
            is_active=data["is_active"],
            variants=[_variant_input(variant) for variant in data["variants"]],
        )
        product = selectors.product_get(product_id=product.pk)
        body = serializers.ProductSerializer(product).data
        return Response(body, status=status.HTTP_201_CREATED)


class ProductDetailView(_ProductScopedView):
    serializer_class = serializers.ProductSerializer

    @extend_schema(responses={200: serializers.ProductSerializer})
    def get(self, request: Request, product_id: UUID) -> Response:
        return Response(serializers.ProductSerializer(self.product()).data)

    @extend_schema(
        request=serializers.ProductUpdateSerializer,
        responses={200: serializers.ProductSerializer},
    )
    def patch(self, request: Request, product_id: UUID) -> Response:
        data = validated(serializers.ProductUpdateSerializer, request.data)
        services.product_update(product=self.product(), **data)
        return Response(serializers.ProductSerializer(self.product()).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, product_id: UUID) -> Response:
        services.product_delete(product=self.product())
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Images ----------------------------------------------------------------


class ImagePresignView(_ProductScopedView):
    """P-09: a presigned PUT, valid 15 minutes, for a JPEG, PNG or WebP."""

    serializer_class = serializers.PresignSerializer

    @extend_schema(
        request=serializers.PresignSerializer,
        responses={200: serializers.UploadTicketSerializer},
    )
    def post(self, request: Request, product_id: UUID) -> Response:
        data = validated(serializers.PresignSerializer, request.data)
        ticket = services.image_upload_presign(
            product=self.product(), content_type=data["content_type"]
        )
        return Response(
            {
                "key": ticket.key,
                "url": ticket.url,
                "method": "PUT",
                "headers": ticket.headers,
                "expires_in": ticket.expires_in,
            }
        )


class ProductImagesView(_ProductScopedView):
    """P-08: set the ordered image list, each new object checked in storage."""

    serializer_class = serializers.ImageKeysSerializer

    @extend_schema(
        request=serializers.ImageKeysSerializer,
        responses={200: serializers.ProductSerializer},
    )
    def patch(self, request: Request, product_id: UUID) -> Response:
        data = validated(serializers.ImageKeysSerializer, request.data)
        services.product_images_set(
            product=self.product(), image_keys=data["image_keys"]
        )
        return Response(serializers.ProductSerializer(self.product()).data)


class ProductImageView(_ProductScopedView):
    @extend_schema(responses={204: None})
    def delete(self, request: Request, product_id: UUID, key: str) -> Response:
        services.product_image_remove(product=self.product(), key=key)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Variants and prices ---------------------------------------------------


class ProductVariantsView(_ProductScopedView):
    idempotent = True
    serializer_class = serializers.VariantInputSerializer

    @extend_schema(
        request=serializers.VariantInputSerializer,
        responses={201: serializers.VariantSerializer},
    )
    def post(self, request: Request, product_id: UUID) -> Response:
        data = validated(serializers.VariantInputSerializer, request.data)
        variant = services.variant_create(
            product=self.product(),
            user=request_user(request),
            variant=_variant_input(data),
        )
        variant = selectors.variant_get(variant_id=variant.pk)
        body = serializers.VariantSerializer(variant).data
        return Response(body, status=status.HTTP_201_CREATED)


class VariantDetailView(_VariantScopedView):
    queryset = Variant.objects.none()
    serializer_class = serializers.VariantUpdateSerializer

    @extend_schema(
        request=serializers.VariantUpdateSerializer,
        responses={200: serializers.VariantSerializer},
    )
    def patch(self, request: Request, variant_id: UUID) -> Response:
        data = validated(serializers.VariantUpdateSerializer, request.data)
        services.variant_update(variant=self.variant(), attributes=data["attributes"])
        variant = selectors.variant_get(variant_id=variant_id)
        return Response(serializers.VariantSerializer(variant).data)


class PricePagination(CursorPagination):
    """Latest start first, scheduled prices on top; served by the price index."""

    # DRF takes a sequence of fields here; its stubs allow only one.
    ordering = ("-valid_from", "-id")  # type: ignore[assignment]


class VariantPricesView(_VariantScopedView):
    """P-05: the append-only price history of a variant."""

    idempotent = True
    queryset = PriceHistory.objects.none()
    serializer_class = serializers.PriceSerializer
    pagination_class = PricePagination

    @extend_schema(responses={200: serializers.PriceSerializer(many=True)})
    def get(self, request: Request, variant_id: UUID) -> Response:
        page = self.paginate_queryset(selectors.variant_prices(variant=self.variant()))
        data = serializers.PriceSerializer(page, many=True).data
        return self.get_paginated_response(data)

    @extend_schema(
        request=serializers.PriceCreateSerializer,
        responses={201: serializers.PriceSerializer},
    )
    def post(self, request: Request, variant_id: UUID) -> Response:
        data = validated(serializers.PriceCreateSerializer, request.data)
        price = services.price_add(variant=self.variant(), **data)
        body = serializers.PriceSerializer(price).data
        return Response(body, status=status.HTTP_201_CREATED)


# --- Public catalog --------------------------------------------------------


def _request_key(request: Request) -> str:
    """The request's absolute URL with its query parameters in a fixed order."""
    query = urlencode(sorted(request.query_params.lists()), doseq=True)
    return f"{request.build_absolute_uri(request.path)}?{query}"


def _cached_response(request: Request, build: Callable[[], dict]) -> Response:
    """Answer a public catalog read from the page cache, building it on a miss."""
    return Response(
        page_cached(
            request_key=_request_key(request),
            build=build,
            seconds_until_change=selectors.seconds_until_next_price,
        )
    )


CATALOG_FILTERS = [
    OpenApiParameter("q", str, description="Words in the title or description."),
    OpenApiParameter("organization", str, description="The seller's slug."),
    OpenApiParameter("min_price_cents", int),
    OpenApiParameter("max_price_cents", int),
]


class CatalogView(GenericAPIView):
    """P-07: what anyone can buy, newest first, cached until something changes."""

    permission_classes = [AllowAny]
    queryset = Product.objects.none()
    serializer_class = serializers.CatalogEntrySerializer

    @extend_schema(
        parameters=CATALOG_FILTERS,
        responses={200: serializers.CatalogEntrySerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        filters = validated(serializers.CatalogFilterSerializer, request.query_params)

        def build() -> dict:
            products = selectors.catalog_products_filter(
                selectors.catalog_entries(),
                q=filters.get("q"),
                organization_slug=filters.get("organization"),
                min_price_cents=filters.get("min_price_cents"),
                max_price_cents=filters.get("max_price_cents"),
            )
            page = self.paginate_queryset(products)
            data = serializers.CatalogEntrySerializer(page, many=True).data
            return self.get_paginated_response(data).data

        return _cached_response(request, build)


class CatalogProductView(GenericAPIView):
    permission_classes = [AllowAny]
    queryset = Product.objects.none()
    serializer_class = serializers.CatalogDetailSerializer

    @extend_schema(responses={200: serializers.CatalogDetailSerializer})
    def get(self, request: Request, product_id: UUID) -> Response:
        def build() -> dict:
            product = selectors.catalog_product_get(product_id=product_id)
            return serializers.CatalogDetailSerializer(product).data

        return _cached_response(request, build)


class CatalogProductReviewsView(GenericAPIView):
    """Reviews of a product the catalog shows; hidden products are 404 here too."""

    permission_classes = [AllowAny]
    queryset = Review.objects.none()
    serializer_class = ReviewSerializer

    @extend_schema(responses={200: ReviewSerializer(many=True)})
    def get(self, request: Request, product_id: UUID) -> Response:
        if not selectors.catalog_product_visible(product_id=product_id):
            raise NotFound()
        page = self.paginate_queryset(selectors.product_reviews(product_id=product_id))
        data = ReviewSerializer(page, many=True).data
        return self.get_paginated_response(data)
