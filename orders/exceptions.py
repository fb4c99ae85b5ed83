from marketplace.errors import DomainError


class CartNotOpen(DomainError):
    code = "CART_NOT_OPEN"
    default_detail = "This cart is no longer open."


class CartEmpty(DomainError):
    code = "CART_EMPTY"
    default_detail = "The cart has no items."


class PriceChanged(DomainError):
    code = "PRICE_CHANGED"
    default_detail = "Prices changed since the items were added; review the cart."


class ProductUnavailable(DomainError):
    code = "PRODUCT_UNAVAILABLE"
    default_detail = "This product is not available."


class InvalidTransition(DomainError):
    code = "INVALID_TRANSITION"
    default_detail = "The order cannot move to that status from its current one."
