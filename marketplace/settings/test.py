"""Settings for the test suite: the real services, with faster hashing."""

from typing import Any, cast

from marketplace.settings.base import *  # noqa: F403

# Still bcrypt (U-03), with the fewest rounds so each hash takes milliseconds.
PASSWORD_HASHERS = ["marketplace.testing.FastBCryptSHA256PasswordHasher"]

# Tasks run in the test process when their transaction commits.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True

LOGS_DIR = BASE_DIR / "var" / "test" / "logs"  # noqa: F405
LOGS_DIR.mkdir(parents=True, exist_ok=True)
# LOGGING mixes value types, so its inferred type is too loose to index.
_handlers = cast(dict[str, dict[str, Any]], LOGGING["handlers"])  # noqa: F405
for _handler in _handlers.values():
    if "filename" in _handler:
        _handler["filename"] = str(LOGS_DIR / _handler["filename"].rsplit("/", 1)[1])
_handlers["console"]["level"] = "CRITICAL"

EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
