import secrets
from datetime import timedelta

import factory
from django.utils import timezone

from orgs.models import Invitation, Membership, Organization, Role
from orgs.selectors import invitation_token_hash
from tests.accounts.factories import UserFactory


class OrganizationFactory(factory.django.DjangoModelFactory[Organization]):
    """An organization with its OWNER membership, as O-01 creates it."""

    class Meta:
        model = Organization
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Seller {n}")
    slug = factory.Sequence(lambda n: f"seller-{n}")
    owner = factory.SubFactory(UserFactory)

    @factory.post_generation
    def owner_membership(obj, create, extracted, **kwargs):
        if create:
            Membership.objects.create(organization=obj, user=obj.owner, role=Role.OWNER)


class MembershipFactory(factory.django.DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    organization = factory.SubFactory(OrganizationFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.MEMBER


class InvitationFactory(factory.django.DjangoModelFactory[Invitation]):
    """A PENDING invitation; pass `token=` to know the raw token it hashes."""

    class Meta:
        model = Invitation

    class Params:
        token = factory.LazyFunction(lambda: secrets.token_urlsafe(32))

    organization = factory.SubFactory(OrganizationFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.com")
    role = Role.MEMBER
    token_hash = factory.LazyAttribute(lambda o: invitation_token_hash(token=o.token))
    invited_by = factory.SelfAttribute("organization.owner")
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))


def invitation_with_token(**kwargs) -> tuple[Invitation, str]:
    """A PENDING invitation and the raw token that designates it."""
    token = secrets.token_urlsafe(32)
    return InvitationFactory(token=token, **kwargs), token


def members_fill(organization: Organization, total: int) -> list[Membership]:
    """Add MEMBERs until the organization has `total` members, OWNER included."""
    missing = total - organization.memberships.count()
    return MembershipFactory.create_batch(missing, organization=organization)
