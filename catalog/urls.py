from django.urls import path

from catalog import views

urlpatterns = [
    path("catalog", views.CatalogView.as_view(), name="catalog"),
    path(
        "catalog/<uuid:product_id>",
        views.CatalogProductView.as_view(),
        name="catalog-product",
    ),
    path(
        "catalog/<uuid:product_id>/reviews",
        views.CatalogProductReviewsView.as_view(),
        name="catalog-product-reviews",
    ),
    path(
        "organizations/<uuid:organization_id>/products",
        views.OrganizationProductsView.as_view(),
        name="organization-products",
    ),
    path(
        "products/<uuid:product_id>", views.ProductDetailView.as_view(), name="product"
    ),
    path(
        "products/<uuid:product_id>/images/presign",
        views.ImagePresignView.as_view(),
        name="product-images-presign",
    ),
    path(
        "products/<uuid:product_id>/images",
        views.ProductImagesView.as_view(),
        name="product-images",
    ),
    # Object keys contain slashes: products/<id>/<name>.<ext>.
    path(
        "products/<uuid:product_id>/images/<path:key>",
        views.ProductImageView.as_view(),
        name="product-image",
    ),
    path(
        "products/<uuid:product_id>/variants",
        views.ProductVariantsView.as_view(),
        name="product-variants",
    ),
    path(
        "variants/<uuid:variant_id>", views.VariantDetailView.as_view(), name="variant"
    ),
    path(
        "variants/<uuid:variant_id>/prices",
        views.VariantPricesView.as_view(),
        name="variant-prices",
    ),
]
