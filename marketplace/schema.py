"""OpenAPI additions: the error envelope on every operation."""

ERROR_STATUSES = {
    "400": "Invalid input (VALIDATION_ERROR, IDEMPOTENCY_KEY_INVALID).",
    "401": "Missing, bad, expired or revoked credentials.",
    "403": "The caller's role is too low for this.",
    "404": "Not found, or not visible to the caller.",
    "405": "Method not allowed.",
    "409": "Conflicts with the current state; `code` says which rule.",
    "410": "Gone (an expired invitation).",
    "413": "Request body over 5 MiB.",
    "415": "Unsupported media type.",
    "422": "Idempotency-Key reused with another body.",
    "429": "Rate limited; see Retry-After.",
    "500": "Internal error.",
    "503": "A backing service is unavailable.",
}

ERROR_SCHEMA = {
    "type": "object",
    "required": ["detail", "code", "details"],
    "properties": {
        "detail": {"type": "string"},
        "code": {"type": "string", "description": "Stable UPPER_SNAKE code."},
        "details": {"type": "object", "additionalProperties": True},
    },
}


def add_error_responses(result: dict, generator, request, public) -> dict:
    """drf-spectacular post-processing hook: document the envelope everywhere."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = ERROR_SCHEMA
    error_ref = {"$ref": "#/components/schemas/Error"}

    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            responses = operation.setdefault("responses", {})
            for status, description in ERROR_STATUSES.items():
                responses.setdefault(
                    status,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": error_ref}},
                    },
                )
    return result
