from django.urls import path

from reviews import views

urlpatterns = [
    path(
        "variants/<uuid:variant_id>/reviews",
        views.VariantReviewsView.as_view(),
        name="variant-reviews",
    ),
    path("reviews/<uuid:review_id>", views.ReviewView.as_view(), name="review"),
]
