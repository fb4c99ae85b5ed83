import factory

from orgs.models import Membership, Organization, Role
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
    def owner_membership(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            Membership.objects.create(organization=obj, user=obj.owner, role=Role.OWNER)


class MembershipFactory(factory.django.DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    organization = factory.SubFactory(OrganizationFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.MEMBER
