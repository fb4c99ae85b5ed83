from marketplace.errors import DomainError


class ReviewNotAllowed(DomainError):
    status_code = 403
    code = "REVIEW_NOT_ALLOWED"
    default_detail = "Only buyers with a delivered order of this variant may review it."


class AlreadyReviewed(DomainError):
    code = "ALREADY_REVIEWED"
    default_detail = "You have already reviewed this variant."
