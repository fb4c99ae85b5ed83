"""The caps of SPEC section 2, in one place."""

from datetime import timedelta

# O-02: organizations a user owns that are live or still being cleaned up.
OWNED_ORGANIZATIONS_MAX = 2
# M-01: members per organization, OWNER included.
MEMBERS_MAX = 10
# M-07: organizations a user belongs to.
MEMBERSHIPS_MAX = 5
# I-03: how long an invitation can be accepted.
INVITATION_TTL = timedelta(days=7)
