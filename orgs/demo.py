"""Demo sellers for seed_demo: organizations with owners, admins, members and
pending invitations, all made through the services the API uses.

Safe to run twice: existing users, organizations, memberships and pending
invitations are left as they are.
"""

import re
from dataclasses import dataclass

from accounts.demo import DEMO_PASSWORD
from accounts.models import User
from orgs.models import Invitation, InvitationStatus, Membership, Organization, Role
from orgs.services import invitations, members, organizations


@dataclass(frozen=True)
class DemoSeller:
    name: str
    slug: str
    owner: str
    admins: tuple[str, ...] = ()
    members: tuple[str, ...] = ()
    invited: tuple[tuple[str, str], ...] = ()


SELLERS = [
    DemoSeller(
        name="Loja do Bairro",
        slug="loja-do-bairro",
        owner="owner1@example.com",
        admins=("admin1@example.com",),
        members=("member1@example.com", "member2@example.com"),
        invited=(("buyer1@example.com", Role.MEMBER),),
    ),
    DemoSeller(
        name="Tech Imports",
        slug="tech-imports",
        owner="owner2@example.com",
        admins=("admin2@example.com",),
        members=("member3@example.com",),
        invited=(("newcomer1@example.com", Role.ADMIN),),
    ),
    DemoSeller(
        name="Casa & Jardim",
        slug="casa-e-jardim",
        owner="owner3@example.com",
        admins=("admin1@example.com", "admin3@example.com"),
        members=("member1@example.com",),
    ),
    DemoSeller(
        name="Moda Verde",
        slug="moda-verde",
        owner="owner1@example.com",
        members=("member2@example.com", "member3@example.com"),
        invited=(("buyer2@example.com", Role.MEMBER),),
    ),
]


def seed(*, stdout) -> None:
    """Create the demo sellers with their teams and pending invitations."""
    for seller in SELLERS:
        organization = _organization(seller)
        for email in seller.admins:
            _member(organization, email, Role.ADMIN)
        for email in seller.members:
            _member(organization, email, Role.MEMBER)
        for email, role in seller.invited:
            _invitation(organization, email, role)

    stdout.write(
        "Sellers: "
        + ", ".join(f"{seller.name} (owner {seller.owner})" for seller in SELLERS)
        + ". Invitation e-mails go to MAIL_DIR (or the mail catcher)."
    )


def _user(email: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        # owner1@example.com is "Owner 1".
        name = re.sub(r"(\d+)$", r" \1", email.split("@")[0]).title()
        user = User.objects.create_user(email, DEMO_PASSWORD, name=name)
    return user


def _organization(seller: DemoSeller) -> Organization:
    organization = Organization.objects.filter(slug=seller.slug).first()
    if organization is None:
        organization = organizations.organization_create(
            user=_user(seller.owner), name=seller.name, slug=seller.slug
        )
    return organization


def _member(organization: Organization, email: str, role: str) -> None:
    user = _user(email)
    if not Membership.objects.filter(organization=organization, user=user).exists():
        members.membership_add(
            organization_id=organization.pk, user_id=user.pk, role=role
        )


def _invitation(organization: Organization, email: str, role: str) -> None:
    pending = Invitation.objects.filter(
        organization=organization, email=email, status=InvitationStatus.PENDING
    )
    is_member = Membership.objects.filter(
        organization=organization, user__email=email
    ).exists()
    if pending.exists() or is_member:
        return
    invitations.invitation_create(
        organization_id=organization.pk,
        inviter=organization.owner,
        email=email,
        role=role,
    )
