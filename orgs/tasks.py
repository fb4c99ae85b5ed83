"""Background work of the orgs app: the invitation e-mail and the O-05/I-04 jobs.

Beat runs `invitations_expire` hourly and `organizations_cleanup` every
minute (settings.CELERY_BEAT_SCHEDULE); both are safe to run twice or at once.
"""

import logging
import smtplib
from uuid import UUID

from celery import shared_task
from django_redis import get_redis_connection

from orgs import emails
from orgs.limits import INVITATION_TTL
from orgs.models import Invitation, InvitationStatus
from orgs.services import cleanup, invitations

logger = logging.getLogger(__name__)

_MAIL_RETRY_SECONDS = 60


def invitation_email_enqueue(*, invitation_id: UUID, token: str) -> None:
    """Queue the invitation e-mail; call it from `transaction.on_commit`.

    The raw token does not travel in the task message: Celery logs a task's
    arguments (and eager runs log them in full), so it waits in Redis under
    the invitation's id until the worker has sent the e-mail (I-02).
    """
    redis = get_redis_connection("default")
    redis.set(_token_key(invitation_id), token, ex=int(INVITATION_TTL.total_seconds()))
    invitation_email_send.delay(str(invitation_id))


def _token_key(invitation_id: UUID | str) -> str:
    return f"orgs:invitation-token:{invitation_id}"


@shared_task(bind=True, max_retries=5, ignore_result=True)
def invitation_email_send(self, invitation_id: str) -> None:
    """Send the invitation e-mail, unless the invitation is no longer pending."""
    redis = get_redis_connection("default")
    invitation = (
        Invitation.objects.select_related("organization", "invited_by")
        .filter(pk=invitation_id, status=InvitationStatus.PENDING)
        .first()
    )
    token = redis.get(_token_key(invitation_id))
    if invitation is None or token is None:
        logger.warning(
            "Invitation e-mail not sent: invitation no longer pending or token gone",
            extra={"invitation_id": invitation_id},
        )
        redis.delete(_token_key(invitation_id))
        return

    message = emails.invitation_email_build(invitation=invitation, token=token.decode())
    try:
        message.send()
    except (smtplib.SMTPException, OSError) as exc:
        raise self.retry(exc=exc, countdown=_MAIL_RETRY_SECONDS) from None
    redis.delete(_token_key(invitation_id))
    logger.info(
        "Invitation e-mail sent",
        extra={
            "invitation_id": invitation_id,
            "organization_id": str(invitation.organization_id),
        },
    )


@shared_task(ignore_result=True)
def invitations_expire() -> int:
    """Hourly: mark overdue PENDING invitations EXPIRED."""
    return invitations.invitations_expire()


@shared_task(ignore_result=True)
def organizations_cleanup() -> int:
    """Every minute: finish the cleanup of deleted organizations (O-05)."""
    return cleanup.organizations_cleanup()


@shared_task(ignore_result=True)
def organization_cleanup_task(organization_id: str) -> bool:
    """Clean one organization right after its deletion commits."""
    return cleanup.organization_cleanup(organization_id=UUID(organization_id))
