"""The caps under concurrency: real clients, each with its own connection."""

import threading

import pytest
from django.db import connection

from orgs.models import Invitation, InvitationStatus, Membership, Organization, Role
from tests.accounts.factories import UserFactory
from tests.conftest import client_for
from tests.orgs.factories import (
    MembershipFactory,
    OrganizationFactory,
    invitation_with_token,
    members_fill,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.concurrency]


def _race(*requests) -> list:
    """Run the callables at the same moment, one thread each; return answers."""
    barrier = threading.Barrier(len(requests))
    answers: list = [None] * len(requests)

    def run(index: int, request) -> None:
        try:
            barrier.wait()
            answers[index] = request()
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(index, request))
        for index, request in enumerate(requests)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return answers


def _outcome(response) -> tuple[int, str | None]:
    code = response.json().get("code") if response.status_code >= 400 else None
    return response.status_code, code


def test_o02_two_simultaneous_creates_take_one_last_slot():
    user = UserFactory()
    OrganizationFactory(owner=user)
    clients = [client_for(user), client_for(user)]

    answers = _race(
        *[
            lambda client=client, n=n: client.post(
                "/organizations", {"name": f"Race {n}"}, format="json"
            )
            for n, client in enumerate(clients)
        ]
    )

    assert sorted(_outcome(answer) for answer in answers) == [
        (201, None),
        (409, "ORG_LIMIT_REACHED"),
    ]
    assert Organization.objects.filter(owner=user).count() == 2


def test_m01_i08_two_simultaneous_accepts_take_one_last_seat():
    organization = OrganizationFactory()
    members_fill(organization, 9)
    invitees = [UserFactory(), UserFactory()]
    tokens = [
        invitation_with_token(organization=organization, email=invitee.email)[1]
        for invitee in invitees
    ]
    clients = [client_for(invitee) for invitee in invitees]

    answers = _race(
        *[
            lambda client=client, token=token: client.post(
                f"/invitations/{token}/accept"
            )
            for client, token in zip(clients, tokens, strict=True)
        ]
    )

    assert sorted(_outcome(answer) for answer in answers) == [
        (200, None),
        (409, "MEMBER_LIMIT_REACHED"),
    ]
    assert organization.memberships.count() == 10
    assert Invitation.objects.filter(status=InvitationStatus.ACCEPTED).count() == 1


def test_m07_i08_user_at_four_accepting_two_at_once_gets_one():
    invitee = UserFactory()
    MembershipFactory.create_batch(4, user=invitee)
    tokens = [
        invitation_with_token(organization=OrganizationFactory(), email=invitee.email)[
            1
        ]
        for _ in range(2)
    ]
    clients = [client_for(invitee), client_for(invitee)]

    answers = _race(
        *[
            lambda client=client, token=token: client.post(
                f"/invitations/{token}/accept"
            )
            for client, token in zip(clients, tokens, strict=True)
        ]
    )

    assert sorted(_outcome(answer) for answer in answers) == [
        (200, None),
        (409, "MEMBERSHIP_LIMIT_REACHED"),
    ]
    assert Membership.objects.filter(user=invitee).count() == 5


def test_m07_create_and_accept_at_once_take_one_last_membership():
    user = UserFactory()
    MembershipFactory.create_batch(4, user=user)
    _invitation, token = invitation_with_token(
        organization=OrganizationFactory(), email=user.email
    )
    creator, acceptor = client_for(user), client_for(user)

    answers = _race(
        lambda: creator.post("/organizations", {"name": "Mine"}, format="json"),
        lambda: acceptor.post(f"/invitations/{token}/accept"),
    )

    assert sorted(answer.status_code for answer in answers) in ([200, 409], [201, 409])
    assert Membership.objects.filter(user=user).count() == 5


def test_o04_concurrent_transfers_leave_exactly_one_owner():
    organization = OrganizationFactory()
    targets = [
        MembershipFactory(organization=organization, role=Role.ADMIN).user
        for _ in range(2)
    ]
    owner = client_for(organization.owner)
    second_owner_session = client_for(organization.owner)

    answers = _race(
        *[
            lambda client=client, target=target: client.post(
                f"/organizations/{organization.pk}/transfer-ownership",
                {"user_id": str(target.pk)},
                format="json",
            )
            for client, target in zip(
                [owner, second_owner_session], targets, strict=True
            )
        ]
    )

    # The loser lost its OWNER role to the winner before its turn came.
    assert sorted(_outcome(answer) for answer in answers) == [
        (200, None),
        (403, "PERMISSION_DENIED"),
    ]
    owners = list(organization.memberships.filter(role=Role.OWNER))
    assert len(owners) == 1
    organization.refresh_from_db()
    assert organization.owner_id == owners[0].user_id


def test_o05_cleanup_run_twice_at_once_cleans_once():
    from orgs.services import cleanup

    organization = OrganizationFactory()
    members_fill(organization, 3)
    Organization.objects.filter(pk=organization.pk).update(
        deleted_at="2026-01-01T00:00:00Z", is_active=False
    )

    answers = _race(cleanup.organizations_cleanup, cleanup.organizations_cleanup)

    assert sorted(answers) == [0, 1]
    organization.refresh_from_db()
    assert organization.cleaned_up_at is not None
    assert not organization.memberships.exists()
