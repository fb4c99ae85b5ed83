from marketplace.errors import DomainError


class SlugTaken(DomainError):
    code = "SLUG_TAKEN"
    default_detail = "This slug is already in use."


class OrgLimitReached(DomainError):
    code = "ORG_LIMIT_REACHED"
    default_detail = "You already own the maximum number of organizations."


class MemberLimitReached(DomainError):
    code = "MEMBER_LIMIT_REACHED"
    default_detail = "The organization has the maximum number of members."


class MembershipLimitReached(DomainError):
    code = "MEMBERSHIP_LIMIT_REACHED"
    default_detail = "You already belong to the maximum number of organizations."


class AlreadyMember(DomainError):
    code = "ALREADY_MEMBER"
    default_detail = "This person is already a member."


class NotAMember(DomainError):
    code = "NOT_A_MEMBER"
    default_detail = "This user is not a member of the organization."


class CannotChangeOwnRole(DomainError):
    code = "CANNOT_CHANGE_OWN_ROLE"
    default_detail = "The OWNER cannot change its own role."


class OwnerCannotLeave(DomainError):
    code = "OWNER_CANNOT_LEAVE"
    default_detail = "The OWNER cannot leave; transfer ownership first."


class InvitationNotPending(DomainError):
    code = "INVITATION_NOT_PENDING"
    default_detail = "This invitation is no longer pending."


class InvitationExpired(DomainError):
    status_code = 410
    code = "INVITATION_EXPIRED"
    default_detail = "This invitation has expired."


class InvitationEmailMismatch(DomainError):
    status_code = 403
    code = "INVITATION_EMAIL_MISMATCH"
    default_detail = "This invitation is addressed to another e-mail."


class RoleTooLow(DomainError):
    status_code = 403
    code = "PERMISSION_DENIED"
    default_detail = "Your role does not allow this."


class AlreadyOwner(DomainError):
    """Transfer to the current OWNER: bad input, reported on the field."""

    status_code = 400
    code = "VALIDATION_ERROR"
    default_detail = "Invalid input."
