"""Permission classes for `org:<ROLE>` endpoints (SPEC 1, Auth kinds).

A view that uses them implements `get_organization_id()`, returning the id of
the organization that owns the resource addressed (raising NotFound when the
resource does not exist). The caller's membership is resolved once per
request; the view reads it with `request_membership(request, view)`.

Non-members get 404, so the resource's existence is not revealed; members
whose role is too low get 403; anonymous callers get 401.
"""

from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from accounts.authentication import request_user
from orgs.models import ROLE_RANK, Membership, Role
from orgs.selectors import membership_get


def request_membership(request: Request, view) -> Membership:
    """Resolve (once) the caller's membership in the view's organization."""
    membership = getattr(request, "membership", None)
    if membership is None:
        membership = membership_get(
            user=request_user(request), organization_id=view.get_organization_id()
        )
        if membership is None:
            raise NotFound()
        # Requests take ad-hoc attributes at run time; the stubs declare none.
        request.membership = membership  # type: ignore[attr-defined]
    return membership


class _OrgRole(BasePermission):
    role: Role

    def has_permission(self, request: Request, view) -> bool:
        if not request.user or not request.user.is_authenticated:
            return False
        membership = request_membership(request, view)
        return ROLE_RANK[membership.role] >= ROLE_RANK[self.role]


class IsOrgMember(_OrgRole):
    """Any member of the organization passes: MEMBER, ADMIN or OWNER."""

    role = Role.MEMBER
    message = "Members only."


class IsOrgAdmin(_OrgRole):
    """ADMIN and OWNER pass."""

    role = Role.ADMIN
    message = "This needs the ADMIN role or above."


class IsOrgOwner(_OrgRole):
    """Only the OWNER passes."""

    role = Role.OWNER
    message = "Only the organization's OWNER may do this."
