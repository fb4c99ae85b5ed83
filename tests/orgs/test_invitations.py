import hashlib
import logging
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from marketplace.logfiles import JsonFormatter
from orgs.models import Invitation, InvitationStatus, Membership, Role
from tests.accounts.factories import UserFactory
from tests.conftest import client_for
from tests.orgs.factories import (
    InvitationFactory,
    MembershipFactory,
    OrganizationFactory,
    invitation_with_token,
    members_fill,
)

pytestmark = pytest.mark.django_db

INVITATION_FIELDS = {
    "id",
    "organization_id",
    "email",
    "role",
    "status",
    "expires_at",
    "created_at",
}
LINK = re.compile(r"https?://\S+/invitations/([A-Za-z0-9_-]+)")


@pytest.fixture
def organization(user):
    return OrganizationFactory(owner=user)


def _invite(client, organization, email="new@example.com", role="MEMBER", **extra):
    return client.post(
        f"/organizations/{organization.pk}/invitations",
        {"email": email, "role": role},
        format="json",
        **extra,
    )


def _token_from_outbox() -> str:
    (message,) = mail.outbox
    return LINK.search(message.body).group(1)


# --- I-01 -------------------------------------------------------------------


def test_i01_owner_invites_an_admin(organization, user_client):
    response = _invite(user_client, organization, role="ADMIN")

    assert response.status_code == 201
    body = response.json()
    assert set(body) == INVITATION_FIELDS
    assert (body["role"], body["status"]) == ("ADMIN", "PENDING")
    assert body["organization_id"] == str(organization.pk)


def test_i01_admin_invites_a_member(organization):
    admin = MembershipFactory(organization=organization, role=Role.ADMIN).user

    response = _invite(client_for(admin), organization, role="MEMBER")

    assert response.status_code == 201


def test_i01_admin_cannot_invite_an_admin(organization):
    admin = MembershipFactory(organization=organization, role=Role.ADMIN).user

    response = _invite(client_for(admin), organization, role="ADMIN")

    assert response.status_code == 403
    assert response.json()["code"] == "PERMISSION_DENIED"
    assert not Invitation.objects.exists()


def test_i01_inviting_a_current_member_is_refused(organization, user_client):
    member = MembershipFactory(organization=organization).user

    response = _invite(user_client, organization, email=member.email.upper())

    assert response.status_code == 409
    assert response.json()["code"] == "ALREADY_MEMBER"


def test_i01_full_organization_is_refused(organization, user_client):
    members_fill(organization, 10)

    response = _invite(user_client, organization)

    assert response.status_code == 409
    assert response.json()["code"] == "MEMBER_LIMIT_REACHED"


@pytest.mark.parametrize(
    "body, field",
    [
        ({"email": "a@example.com", "role": "OWNER"}, "role"),
        ({"email": "a@example.com", "role": "BOSS"}, "role"),
        ({"email": "not-an-email", "role": "MEMBER"}, "email"),
        ({"role": "MEMBER"}, "email"),
    ],
)
def test_i01_invalid_input_is_a_validation_error(
    organization, user_client, body, field
):
    response = user_client.post(
        f"/organizations/{organization.pk}/invitations", body, format="json"
    )

    assert response.status_code == 400
    assert field in response.json()["details"]


def test_i01_email_is_stored_lowercase(organization, user_client):
    response = _invite(user_client, organization, email="Mixed.Case@Example.COM")

    assert response.json()["email"] == "mixed.case@example.com"


# --- I-02 -------------------------------------------------------------------


def test_i02_only_the_token_hash_is_stored(
    organization, user_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _invite(user_client, organization)

    token = _token_from_outbox()
    invitation = Invitation.objects.get()
    assert len(token) >= 43  # 32 random bytes, base64url
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    stored = [str(value) for value in Invitation.objects.values().get().values()]
    assert not any(token in value for value in stored)


def test_i02_token_is_in_no_response_and_no_log_line(
    organization, user_client, django_capture_on_commit_callbacks, caplog
):
    caplog.set_level(logging.DEBUG)
    invitee = UserFactory(email="new@example.com")
    invitee_client = client_for(invitee)

    with django_capture_on_commit_callbacks(execute=True):
        created = _invite(user_client, organization, HTTP_IDEMPOTENCY_KEY="k1")
    replayed = _invite(user_client, organization, HTTP_IDEMPOTENCY_KEY="k1")
    token = _token_from_outbox()
    token_hash = Invitation.objects.get().token_hash
    listed = user_client.get(f"/organizations/{organization.pk}/invitations")
    filtered = user_client.get(
        f"/organizations/{organization.pk}/invitations?status=PENDING"
    )
    accepted = invitee_client.post(f"/invitations/{token}/accept")
    again = invitee_client.post(f"/invitations/{token}/reject")
    second = _invite(user_client, organization, email="other@example.com")
    revoked = user_client.delete(
        f"/organizations/{organization.pk}/invitations/{second.json()['id']}"
    )

    responses = [created, replayed, listed, filtered, accepted, again, second, revoked]
    assert [r.status_code for r in responses] == [
        201,
        201,
        200,
        200,
        200,
        409,
        201,
        204,
    ]
    for response in responses:
        assert token not in response.content.decode()
        assert token_hash not in response.content.decode()
    formatter = JsonFormatter()  # what the log files receive, extras included
    for record in caplog.records:
        assert token not in formatter.format(record), record.getMessage()
    for log_file in Path(settings.LOGS_DIR).glob("*.log"):
        assert token not in log_file.read_text(encoding="utf-8"), log_file.name


def test_i02_email_task_message_carries_no_token(
    organization, user_client, django_capture_on_commit_callbacks, monkeypatch
):
    from orgs import tasks

    queued = []
    monkeypatch.setattr(
        tasks.invitation_email_send,
        "delay",
        lambda *args, **kwargs: queued.append((args, kwargs)),
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = _invite(user_client, organization)

    assert queued == [((response.json()["id"],), {})]


def test_i02_email_is_sent_after_commit_and_its_link_accepts(
    organization, user_client, django_capture_on_commit_callbacks
):
    invitee = UserFactory(email="new@example.com")

    with django_capture_on_commit_callbacks() as callbacks:
        response = _invite(user_client, organization, role="ADMIN")
    assert response.status_code == 201
    assert mail.outbox == []  # nothing leaves before the commit
    for callback in callbacks:
        callback()

    (message,) = mail.outbox
    assert message.to == ["new@example.com"]
    assert organization.name in message.subject
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    token = _token_from_outbox()
    assert f"{settings.PUBLIC_BASE_URL}/invitations/{token}" in message.body
    assert f"/invitations/{token}" in html
    accepted = client_for(invitee).post(f"/invitations/{token}/accept")
    assert accepted.status_code == 200
    assert accepted.json()["role"] == "ADMIN"
    assert Membership.objects.filter(organization=organization, user=invitee).exists()


def test_i02_no_email_when_the_invitation_is_rolled_back(
    organization, user, django_capture_on_commit_callbacks
):
    from orgs.exceptions import MemberLimitReached
    from orgs.services.invitations import invitation_create

    members_fill(organization, 10)

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(MemberLimitReached),
    ):
        invitation_create(
            organization_id=organization.pk,
            inviter=user,
            email="x@example.com",
            role="MEMBER",
        )

    assert mail.outbox == []


def test_i02_email_skipped_when_superseded_before_sending(
    organization, user_client, django_capture_on_commit_callbacks, monkeypatch
):
    from orgs import tasks

    queued = []
    monkeypatch.setattr(tasks.invitation_email_send, "delay", queued.append)
    with django_capture_on_commit_callbacks(execute=True):
        _invite(user_client, organization, email="same@example.com")
        _invite(user_client, organization, email="same@example.com")
    first_id, second_id = queued
    monkeypatch.undo()

    tasks.invitation_email_send.delay(first_id)
    assert mail.outbox == []
    tasks.invitation_email_send.delay(second_id)
    assert len(mail.outbox) == 1


# --- I-03 -------------------------------------------------------------------


def test_i03_invitation_expires_seven_days_after_creation(organization, user_client):
    response = _invite(user_client, organization)

    invitation = Invitation.objects.get(pk=response.json()["id"])
    assert invitation.expires_at - invitation.created_at == pytest.approx(
        timedelta(days=7), abs=timedelta(seconds=1)
    )


# --- I-04 / I-05 ------------------------------------------------------------


def test_i04_i05_accept_creates_the_membership_and_marks_accepted(organization):
    invitee = UserFactory()
    invitation, token = invitation_with_token(
        organization=organization, email=invitee.email, role=Role.ADMIN
    )

    response = client_for(invitee).post(f"/invitations/{token}/accept")

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"user_id", "email", "name", "role", "joined_at"}
    assert (body["user_id"], body["role"]) == (str(invitee.pk), "ADMIN")
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.ACCEPTED
    assert invitation.responded_at is not None


def test_i04_accept_matches_email_case_insensitively(organization):
    invitee = UserFactory(email="person@example.com")
    _invitation, token = invitation_with_token(
        organization=organization, email="person@example.com"
    )

    response = client_for(invitee).post(f"/invitations/{token}/accept")

    assert response.status_code == 200


def test_i04_accept_by_another_email_is_refused(organization):
    _invitation, token = invitation_with_token(organization=organization)

    response = client_for(UserFactory()).post(f"/invitations/{token}/accept")

    assert response.status_code == 403
    assert response.json()["code"] == "INVITATION_EMAIL_MISMATCH"


def test_i04_expired_invitation_answers_410_and_is_marked_expired(organization):
    invitee = UserFactory()
    invitation, token = invitation_with_token(
        organization=organization,
        email=invitee.email,
        expires_at=timezone.now() - timedelta(seconds=1),
    )

    response = client_for(invitee).post(f"/invitations/{token}/accept")

    assert response.status_code == 410
    assert response.json()["code"] == "INVITATION_EXPIRED"
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.EXPIRED
    assert not Membership.objects.filter(user=invitee).exists()


@pytest.mark.parametrize(
    "status",
    [
        InvitationStatus.ACCEPTED,
        InvitationStatus.REJECTED,
        InvitationStatus.REVOKED,
        InvitationStatus.SUPERSEDED,
    ],
)
def test_i04_terminal_invitation_cannot_be_accepted(organization, status):
    invitee = UserFactory()
    invitation, token = invitation_with_token(
        organization=organization, email=invitee.email, status=status
    )

    response = client_for(invitee).post(f"/invitations/{token}/accept")

    assert response.status_code == 409
    assert response.json()["code"] == "INVITATION_NOT_PENDING"
    invitation.refresh_from_db()
    assert invitation.status == status


def test_i04_already_expired_invitation_stays_expired(organization):
    invitee = UserFactory()
    invitation, token = invitation_with_token(
        organization=organization, email=invitee.email, status=InvitationStatus.EXPIRED
    )

    response = client_for(invitee).post(f"/invitations/{token}/accept")

    assert response.status_code == 410
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.EXPIRED


def test_i04_unknown_token_is_not_found(user_client):
    response = user_client.post("/invitations/no-such-token/accept")

    assert response.status_code == 404
    assert response.json()["code"] == "NOT_FOUND"


def test_i04_anonymous_cannot_accept(api_client, organization):
    _invitation, token = invitation_with_token(organization=organization)

    response = api_client.post(f"/invitations/{token}/accept")

    assert response.status_code == 401


def test_i04_accept_when_already_a_member_is_refused(organization):
    member = MembershipFactory(organization=organization).user
    _invitation, token = invitation_with_token(
        organization=organization, email=member.email
    )

    response = client_for(member).post(f"/invitations/{token}/accept")

    assert response.status_code == 409
    assert response.json()["code"] == "ALREADY_MEMBER"


def test_i05_accept_is_one_transaction(organization, monkeypatch):
    from orgs.services import invitations

    invitee = UserFactory()
    invitation, token = invitation_with_token(
        organization=organization, email=invitee.email
    )

    def failing_respond(invitation, status):
        raise RuntimeError("crash after the membership insert")

    monkeypatch.setattr(invitations, "_respond", failing_respond)

    with pytest.raises(RuntimeError):
        invitations.invitation_accept(token=token, user=invitee)

    assert not Membership.objects.filter(user=invitee).exists()
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.PENDING


def test_i05_accept_is_idempotent_with_a_key(organization):
    invitee = UserFactory()
    _invitation, token = invitation_with_token(
        organization=organization, email=invitee.email
    )
    client = client_for(invitee)

    first = client.post(f"/invitations/{token}/accept", HTTP_IDEMPOTENCY_KEY="a1")
    retry = client.post(f"/invitations/{token}/accept", HTTP_IDEMPOTENCY_KEY="a1")

    assert first.status_code == retry.status_code == 200
    assert retry.json() == first.json()
    assert retry["Idempotent-Replayed"] == "true"
    assert Membership.objects.filter(user=invitee).count() == 1


# --- I-06 / I-07 / I-08 -----------------------------------------------------


def test_i06_new_invitation_supersedes_the_pending_one(organization, user_client):
    first = _invite(user_client, organization, email="same@example.com")

    second = _invite(user_client, organization, email="SAME@example.com", role="ADMIN")

    assert second.status_code == 201
    statuses = dict(Invitation.objects.values_list("id", "status"))
    assert statuses[Invitation.objects.get(pk=first.json()["id"]).pk] == "SUPERSEDED"
    assert Invitation.objects.get(pk=second.json()["id"]).status == "PENDING"


def test_i06_superseded_token_no_longer_accepts(organization, user_client):
    invitee = UserFactory(email="same@example.com")
    _old, old_token = invitation_with_token(
        organization=organization, email=invitee.email
    )
    _invite(user_client, organization, email=invitee.email)

    response = client_for(invitee).post(f"/invitations/{old_token}/accept")

    assert response.status_code == 409
    assert response.json()["code"] == "INVITATION_NOT_PENDING"


def test_i07_revoke_a_pending_invitation(organization, user_client):
    invitation = InvitationFactory(organization=organization)

    response = user_client.delete(
        f"/organizations/{organization.pk}/invitations/{invitation.pk}"
    )

    assert response.status_code == 204
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.REVOKED


def test_i07_revoking_a_terminal_invitation_is_refused(organization, user_client):
    invitation = InvitationFactory(
        organization=organization, status=InvitationStatus.ACCEPTED
    )

    response = user_client.delete(
        f"/organizations/{organization.pk}/invitations/{invitation.pk}"
    )

    assert response.status_code == 409
    assert response.json()["code"] == "INVITATION_NOT_PENDING"
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.ACCEPTED


def test_i07_invitation_of_another_organization_is_not_found(organization, user_client):
    foreign = InvitationFactory()

    response = user_client.delete(
        f"/organizations/{organization.pk}/invitations/{foreign.pk}"
    )

    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == InvitationStatus.PENDING


def test_i08_accept_into_a_full_organization_is_refused(organization):
    members_fill(organization, 10)
    invitee = UserFactory()
    invitation, token = invitation_with_token(
        organization=organization, email=invitee.email
    )

    response = client_for(invitee).post(f"/invitations/{token}/accept")

    assert response.status_code == 409
    assert response.json()["code"] == "MEMBER_LIMIT_REACHED"
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.PENDING


def test_i08_accept_by_a_user_in_five_organizations_is_refused(organization):
    invitee = UserFactory()
    MembershipFactory.create_batch(5, user=invitee)
    _invitation, token = invitation_with_token(
        organization=organization, email=invitee.email
    )

    response = client_for(invitee).post(f"/invitations/{token}/accept")

    assert response.status_code == 409
    assert response.json()["code"] == "MEMBERSHIP_LIMIT_REACHED"


# --- Reject, listing, expiry job --------------------------------------------


def test_reject_sets_rejected(organization):
    invitee = UserFactory()
    invitation, token = invitation_with_token(
        organization=organization, email=invitee.email
    )

    response = client_for(invitee).post(f"/invitations/{token}/reject")

    assert response.status_code == 204
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.REJECTED
    assert not Membership.objects.filter(user=invitee).exists()


def test_reject_by_another_email_is_refused(organization):
    invitation, token = invitation_with_token(organization=organization)

    response = client_for(UserFactory()).post(f"/invitations/{token}/reject")

    assert response.status_code == 403
    assert response.json()["code"] == "INVITATION_EMAIL_MISMATCH"
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.PENDING


def test_reject_after_accept_changes_nothing(organization):
    invitee = UserFactory()
    invitation, token = invitation_with_token(
        organization=organization, email=invitee.email
    )
    client = client_for(invitee)
    client.post(f"/invitations/{token}/accept")

    response = client.post(f"/invitations/{token}/reject")

    assert response.status_code == 409
    assert response.json()["code"] == "INVITATION_NOT_PENDING"
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.ACCEPTED


def test_invitation_list_includes_every_status_and_filters(organization, user_client):
    for status in InvitationStatus.values:
        InvitationFactory(organization=organization, status=status)
    InvitationFactory()  # another organization's

    everything = user_client.get(f"/organizations/{organization.pk}/invitations")
    pending = user_client.get(
        f"/organizations/{organization.pk}/invitations?status=PENDING"
    )

    assert everything.status_code == 200
    assert {item["status"] for item in everything.json()["results"]} == set(
        InvitationStatus.values
    )
    assert set(everything.json()["results"][0]) == INVITATION_FIELDS
    assert [item["status"] for item in pending.json()["results"]] == ["PENDING"]


def test_invitation_list_refuses_an_unknown_status(organization, user_client):
    response = user_client.get(
        f"/organizations/{organization.pk}/invitations?status=LOST"
    )

    assert response.status_code == 400
    assert "status" in response.json()["details"]


def test_i04_expiry_job_marks_overdue_invitations_and_is_safe_to_rerun(organization):
    overdue = InvitationFactory(
        organization=organization, expires_at=timezone.now() - timedelta(minutes=1)
    )
    fresh = InvitationFactory(organization=organization)
    accepted_overdue = InvitationFactory(
        organization=organization,
        status=InvitationStatus.ACCEPTED,
        expires_at=timezone.now() - timedelta(minutes=1),
    )

    call_command("expire_invitations")
    call_command("expire_invitations")

    for invitation in (overdue, fresh, accepted_overdue):
        invitation.refresh_from_db()
    assert overdue.status == InvitationStatus.EXPIRED
    assert fresh.status == InvitationStatus.PENDING
    assert accepted_overdue.status == InvitationStatus.ACCEPTED


def test_i04_expiry_beat_task_runs_the_same_job(organization):
    from orgs.tasks import invitations_expire

    InvitationFactory(
        organization=organization, expires_at=timezone.now() - timedelta(minutes=1)
    )

    assert invitations_expire.delay().get() == 1
    assert invitations_expire.delay().get() == 0
