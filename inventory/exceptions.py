from marketplace.errors import DomainError


class InsufficientStock(DomainError):
    code = "INSUFFICIENT_STOCK"
    default_detail = "Not enough stock available."

    def __init__(self, *, variant_id, requested: int, available: int) -> None:
        super().__init__(
            variant_id=str(variant_id), requested=requested, available=available
        )
