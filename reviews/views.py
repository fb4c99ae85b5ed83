from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.authentication import request_user
from marketplace.validation import validated
from reviews import selectors, services
from reviews.models import Review
from reviews.serializers import ReviewCreateSerializer, ReviewSerializer


class VariantReviewsView(GenericAPIView):
    """A variant's public reviews; buyers who received it post one (R-01..R-03)."""

    serializer_class = ReviewSerializer
    # Only for the schema generator; reads go through the selectors.
    queryset = Review.objects.none()
    idempotent = True

    def get_permissions(self) -> list[BasePermission]:
        if self.request.method == "GET":
            return [AllowAny()]
        return [IsAuthenticated()]

    @extend_schema(responses={200: ReviewSerializer(many=True)})
    def get(self, request: Request, variant_id) -> Response:
        variant = selectors.variant_public_get(variant_id=variant_id)
        page = self.paginate_queryset(selectors.reviews_of_variant(variant=variant))
        return self.get_paginated_response(ReviewSerializer(page, many=True).data)

    @extend_schema(request=ReviewCreateSerializer, responses={201: ReviewSerializer})
    def post(self, request: Request, variant_id) -> Response:
        body = validated(ReviewCreateSerializer, request.data)
        variant = selectors.variant_public_get(variant_id=variant_id)
        review = services.review_create(
            user=request_user(request), variant=variant, **body
        )
        return Response(ReviewSerializer(review).data, status=status.HTTP_201_CREATED)


class ReviewView(APIView):
    """Only the author deletes a review; staff moderate in the admin."""

    @extend_schema(responses={204: None})
    def delete(self, request: Request, review_id) -> Response:
        review = selectors.review_get(review_id=review_id)
        if review.user_id != request.user.pk:
            raise PermissionDenied("Only the author may delete a review.")
        services.review_delete(review=review)
        return Response(status=status.HTTP_204_NO_CONTENT)
