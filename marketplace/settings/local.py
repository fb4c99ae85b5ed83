"""Settings for `make run` on a developer's machine."""
from marketplace.settings.base import *  # noqa: F403

CELERY_BEAT_SCHEDULE_FILENAME = str(BASE_DIR / "var" / "dev" / "celerybeat-schedule")  # noqa: F405
