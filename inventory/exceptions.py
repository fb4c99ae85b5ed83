from marketplace.errors import DomainError


class InsufficientStock(DomainError):
    code = "INSUFFICIENT_STOCK"
    default_detail = "Not enough stock available."

    def __init__(self, *, variant_id, requested: int, available: int) -> None:
        super().__init__(
            variant_id=str(variant_id), requested=requested, available=available
        )


class AdjustNotAllowed(DomainError):
    status_code = 403
    code = "PERMISSION_DENIED"
    default_detail = "ADJUST movements need the ADMIN role or above."
