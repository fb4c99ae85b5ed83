"""The invitation e-mail (I-02): the link carries the raw token.

The link points at `{PUBLIC_BASE_URL}/invitations/{token}`, the page a
frontend shows to accept or reject; the e-mail also names the API calls,
`POST /invitations/{token}/accept` and `.../reject`, for clients without one.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from orgs.models import Invitation


def invitation_link(*, token: str) -> str:
    """The link the invitation e-mail carries."""
    return f"{settings.PUBLIC_BASE_URL.rstrip('/')}/invitations/{token}"


def invitation_email_build(
    *, invitation: Invitation, token: str
) -> EmailMultiAlternatives:
    """Render the text and HTML versions of the invitation e-mail."""
    inviter = invitation.invited_by
    link = invitation_link(token=token)
    context = {
        "organization_name": invitation.organization.name,
        "inviter_name": (inviter.name or inviter.email) if inviter else "",
        "role": invitation.role,
        "link": link,
        "accept_url": f"{link}/accept",
        "reject_url": f"{link}/reject",
        "expires_at": invitation.expires_at,
    }
    message = EmailMultiAlternatives(
        subject=f"You are invited to join {invitation.organization.name}",
        body=render_to_string("emails/invitation.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[invitation.email],
    )
    message.attach_alternative(
        render_to_string("emails/invitation.html", context), "text/html"
    )
    return message
