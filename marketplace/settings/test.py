"""Settings for the test suite: the real services, with faster hashing."""

from marketplace.settings.base import *  # noqa: F403

# Still bcrypt (U-03), with the fewest rounds so each hash takes milliseconds.
PASSWORD_HASHERS = ["marketplace.testing.FastBCryptSHA256PasswordHasher"]

# Tasks run in the test process when their transaction commits.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True

LOGS_DIR = BASE_DIR / "var" / "test" / "logs"  # noqa: F405
LOGS_DIR.mkdir(parents=True, exist_ok=True)
for _handler in LOGGING["handlers"].values():  # noqa: F405
    if "filename" in _handler:
        _handler["filename"] = str(LOGS_DIR / _handler["filename"].rsplit("/", 1)[1])
LOGGING["handlers"]["console"]["level"] = "CRITICAL"  # noqa: F405

EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
