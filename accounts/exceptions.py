from marketplace.errors import DomainError


class EmailTaken(DomainError):
    code = "EMAIL_TAKEN"
    default_detail = "An account with this e-mail already exists."


class OwnerMustTransfer(DomainError):
    code = "OWNER_MUST_TRANSFER"
    default_detail = "Transfer or delete the organizations you own first."


class TokenInvalid(DomainError):
    status_code = 401
    code = "TOKEN_INVALID"
    default_detail = "Token is invalid, expired or revoked."


class InvalidCredentials(DomainError):
    status_code = 401
    code = "INVALID_CREDENTIALS"
    default_detail = "E-mail or password is wrong."
