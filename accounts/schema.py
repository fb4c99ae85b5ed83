"""Teach drf-spectacular how the project's bearer authentication looks."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class BearerJWTScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.authentication.RevocableJWTAuthentication"
    name = "jwtAuth"
    match_subclasses = True

    def get_security_definition(self, auto_schema) -> dict:
        return {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}


class QueryTokenScheme(OpenApiAuthenticationExtension):
    """The event stream also takes the access token as `?access_token=`."""

    target_class = "accounts.authentication.QueryTokenJWTAuthentication"
    name = "jwtQueryAuth"
    priority = 1

    def get_security_definition(self, auto_schema) -> dict:
        return {"type": "apiKey", "in": "query", "name": "access_token"}
