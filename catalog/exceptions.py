from marketplace.errors import DomainError


class SkuTaken(DomainError):
    code = "SKU_TAKEN"
    default_detail = "This SKU is already used in the organization."


class ImageLimitReached(DomainError):
    code = "IMAGE_LIMIT_REACHED"
    default_detail = "A product has at most 8 images."
