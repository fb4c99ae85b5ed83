"""Rate limits from RATE_LIMIT_USER, RATE_LIMIT_ANON and RATE_LIMIT_AUTH."""

import hashlib

from rest_framework import throttling
from rest_framework.request import Request


class UserRateThrottle(throttling.UserRateThrottle):
    """100/min per authenticated user by default."""

    scope = "user"


class AnonRateThrottle(throttling.AnonRateThrottle):
    """60/min per client IP for anonymous calls by default."""

    scope = "anon"


class AuthRateThrottle(throttling.SimpleRateThrottle):
    """10/min per client IP and e-mail, for login and signup.

    Keying on both stops one address from guessing many passwords without
    letting one attacker lock a victim out from everywhere.
    """

    scope = "auth"

    def get_cache_key(self, request: Request, view) -> str:
        email = ""
        if isinstance(request.data, dict):
            email = str(request.data.get("email", "")).strip().lower()
        ident = f"{self.get_ident(request)}|{email}"
        digest = hashlib.sha256(ident.encode()).hexdigest()
        return self.cache_format % {"scope": self.scope, "ident": digest}
