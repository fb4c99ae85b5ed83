"""Routes of SPEC section 4, Organizations and Members and invitations."""

from django.urls import path

from orgs import views

_ORG = "organizations/<uuid:organization_id>"

urlpatterns = [
    path("organizations", views.OrganizationListView.as_view(), name="organizations"),
    path(_ORG, views.OrganizationDetailView.as_view(), name="organization-detail"),
    path(
        f"{_ORG}/transfer-ownership",
        views.TransferOwnershipView.as_view(),
        name="organization-transfer-ownership",
    ),
    path(
        f"{_ORG}/members", views.MemberListView.as_view(), name="organization-members"
    ),
    # `me` is its own route: the <uuid:> converter never matches it.
    path(
        f"{_ORG}/members/me", views.MemberLeaveView.as_view(), name="organization-leave"
    ),
    path(
        f"{_ORG}/members/<uuid:user_id>",
        views.MemberDetailView.as_view(),
        name="organization-member",
    ),
    path(
        f"{_ORG}/invitations",
        views.InvitationListView.as_view(),
        name="organization-invitations",
    ),
    path(
        f"{_ORG}/invitations/<uuid:invitation_id>",
        views.InvitationDetailView.as_view(),
        name="organization-invitation",
    ),
    path(
        "invitations/<str:token>/accept",
        views.InvitationAcceptView.as_view(),
        name="invitation-accept",
    ),
    path(
        "invitations/<str:token>/reject",
        views.InvitationRejectView.as_view(),
        name="invitation-reject",
    ),
]
