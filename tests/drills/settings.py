"""Settings for the processes a fault drill starts: production-like, plus speed.

Unlike the test settings, Celery is real (a broker and a worker), so a task
runs in another process and can be killed mid-way.
"""

from marketplace.settings.base import *  # noqa: F403

# Still bcrypt, with the fewest rounds: the drills' seeds create many users.
PASSWORD_HASHERS = ["marketplace.testing.FastBCryptSHA256PasswordHasher"]

# The drills' load comes from a few users on one address.
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {  # noqa: F405
    "user": "100000/min",
    "anon": "100000/min",
    "auth": "100000/min",
}

# An unacknowledged task (its worker was killed) is delivered again after
# this many seconds instead of the default hour; workers look for such tasks
# every second instead of every 100.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 5,
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}

# A request waits at most a second for a pooled connection, less than the
# drills' outages, so an outage shows as 503s rather than slow successes.
DATABASES["default"]["OPTIONS"]["pool"]["timeout"] = 1  # noqa: F405

# Only warnings and errors on the console: the drills read the processes' logs.
LOGGING["handlers"]["console"]["level"] = "WARNING"  # noqa: F405
