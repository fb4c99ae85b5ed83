"""Organizations, members and invitations (SPEC section 4).

Views check who may call and shape the answer; the rules live in
`orgs.services`. Endpoints under /organizations/{id} resolve the caller's
membership through `orgs.permissions` (404 for outsiders, 403 below the role).
"""

from uuid import UUID

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.authentication import request_user
from marketplace.validation import validated
from orgs import selectors, serializers
from orgs.models import Invitation, Membership, Organization
from orgs.permissions import IsOrgAdmin, IsOrgMember, IsOrgOwner, request_membership
from orgs.services import invitations, members, organizations


class _OrganizationScoped(APIView):
    """Views addressed by /organizations/{organization_id}/...

    `method_permissions` maps an HTTP method to the role it needs; any other
    method needs membership, so outsiders get 404 before a 405.
    """

    method_permissions: dict[str, type[BasePermission]] = {}

    def get_organization_id(self) -> UUID:
        return self.kwargs["organization_id"]

    def get_permissions(self) -> list[BasePermission]:
        method = self.request.method or ""
        permission = self.method_permissions.get(method, IsOrgMember)
        return [permission()]

    @property
    def organization(self) -> Organization:
        return request_membership(self.request, self).organization


class OrganizationListView(generics.ListAPIView):
    """The caller's organizations (with its role), and O-01 creation."""

    serializer_class = serializers.OrganizationListItemSerializer
    permission_classes = [IsAuthenticated]
    idempotent = True

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Organization.objects.none()
        return selectors.organizations_of_user(user=request_user(self.request))

    @extend_schema(
        request=serializers.OrganizationWriteSerializer,
        responses={201: serializers.OrganizationSerializer},
    )
    def post(self, request: Request) -> Response:
        data = validated(serializers.OrganizationWriteSerializer, request.data)
        organization = organizations.organization_create(
            user=request_user(request), **data
        )
        body = serializers.OrganizationSerializer(organization).data
        return Response(body, status=status.HTTP_201_CREATED)


class OrganizationDetailView(_OrganizationScoped):
    """One organization: read (MEMBER), rename or delete (OWNER)."""

    method_permissions = {"GET": IsOrgMember, "PATCH": IsOrgOwner, "DELETE": IsOrgOwner}

    @extend_schema(responses={200: serializers.OrganizationSerializer})
    def get(self, request: Request, organization_id: UUID) -> Response:
        return Response(serializers.OrganizationSerializer(self.organization).data)

    @extend_schema(
        request=serializers.OrganizationUpdateSerializer,
        responses={200: serializers.OrganizationSerializer},
    )
    def patch(self, request: Request, organization_id: UUID) -> Response:
        data = validated(serializers.OrganizationUpdateSerializer, request.data)
        organization = organizations.organization_update(
            organization_id=organization_id, actor=request_user(request), **data
        )
        return Response(serializers.OrganizationSerializer(organization).data)

    @extend_schema(responses={202: None})
    def delete(self, request: Request, organization_id: UUID) -> Response:
        organizations.organization_delete(
            organization_id=organization_id, user=request_user(request)
        )
        return Response(status=status.HTTP_202_ACCEPTED)


class TransferOwnershipView(_OrganizationScoped):
    """O-04: the OWNER hands the organization to another member."""

    method_permissions = {"POST": IsOrgOwner}
    idempotent = True

    @extend_schema(
        request=serializers.TransferOwnershipSerializer,
        responses={200: serializers.OrganizationSerializer},
    )
    def post(self, request: Request, organization_id: UUID) -> Response:
        data = validated(serializers.TransferOwnershipSerializer, request.data)
        organization = organizations.organization_transfer(
            organization_id=organization_id,
            target_user_id=data["user_id"],
            actor=request_user(request),
        )
        return Response(serializers.OrganizationSerializer(organization).data)


class MemberListView(_OrganizationScoped, generics.ListAPIView):
    """The organization's members, newest first."""

    serializer_class = serializers.MemberSerializer
    method_permissions = {"GET": IsOrgMember}

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Membership.objects.none()
        return selectors.members_of(organization=self.organization)


class MemberDetailView(_OrganizationScoped):
    """M-06 role changes and M-08 removal, by the OWNER."""

    method_permissions = {"PATCH": IsOrgOwner, "DELETE": IsOrgOwner}

    @extend_schema(
        request=serializers.RoleChangeSerializer,
        responses={200: serializers.MemberSerializer},
    )
    def patch(self, request: Request, organization_id: UUID, user_id: UUID) -> Response:
        data = validated(serializers.RoleChangeSerializer, request.data)
        membership = members.membership_role_change(
            organization_id=organization_id,
            user_id=user_id,
            role=data["role"],
            actor=request_user(request),
        )
        return Response(serializers.MemberSerializer(membership).data)

    @extend_schema(responses={204: None})
    def delete(
        self, request: Request, organization_id: UUID, user_id: UUID
    ) -> Response:
        members.membership_remove(
            organization_id=organization_id,
            user_id=user_id,
            actor=request_user(request),
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class MemberLeaveView(_OrganizationScoped):
    """M-08: a member leaves; the OWNER cannot."""

    method_permissions = {"DELETE": IsOrgMember}

    @extend_schema(responses={204: None})
    def delete(self, request: Request, organization_id: UUID) -> Response:
        user = request_user(request)
        members.membership_remove(
            organization_id=organization_id, user_id=user.id, actor=user
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class InvitationListView(_OrganizationScoped, generics.ListAPIView):
    """Invitations in every status (`?status=`), and I-01 creation."""

    serializer_class = serializers.InvitationSerializer
    method_permissions = {"GET": IsOrgAdmin, "POST": IsOrgAdmin}
    idempotent = True

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Invitation.objects.none()
        query = validated(serializers.InvitationFilterSerializer, self.request.GET)
        return selectors.invitations_of(
            organization=self.organization, status=query.get("status")
        )

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "status", enum=serializers.InvitationStatus.values, required=False
            )
        ]
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=serializers.InvitationCreateSerializer,
        responses={201: serializers.InvitationSerializer},
    )
    def post(self, request: Request, organization_id: UUID) -> Response:
        data = validated(serializers.InvitationCreateSerializer, request.data)
        issued = invitations.invitation_create(
            organization_id=organization_id, inviter=request_user(request), **data
        )
        body = serializers.InvitationSerializer(issued.invitation).data
        return Response(body, status=status.HTTP_201_CREATED)


class InvitationDetailView(_OrganizationScoped):
    """I-07: revoke a PENDING invitation."""

    method_permissions = {"DELETE": IsOrgAdmin}

    @extend_schema(responses={204: None})
    def delete(
        self, request: Request, organization_id: UUID, invitation_id: UUID
    ) -> Response:
        invitations.invitation_revoke(
            organization_id=organization_id,
            invitation_id=invitation_id,
            actor=request_user(request),
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class InvitationAcceptView(APIView):
    """I-04/I-05: the invited user joins; answers the new membership."""

    idempotent = True

    @extend_schema(request=None, responses={200: serializers.MemberSerializer})
    def post(self, request: Request, token: str) -> Response:
        membership = invitations.invitation_accept(
            token=token, user=request_user(request)
        )
        return Response(serializers.MemberSerializer(membership).data)


class InvitationRejectView(APIView):
    """The invited user turns the invitation down."""

    @extend_schema(request=None, responses={204: None})
    def post(self, request: Request, token: str) -> Response:
        invitations.invitation_reject(token=token, user=request_user(request))
        return Response(status=status.HTTP_204_NO_CONTENT)
