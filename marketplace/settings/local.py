"""Settings for `make run` on a developer's machine."""

from marketplace.settings.base import *  # noqa: F403
from marketplace.settings.base import BASE_DIR

# Beat's state stays out of the working tree, beside the embedded services.
CELERY_BEAT_SCHEDULE_FILENAME = str(BASE_DIR / "var" / "dev" / "celerybeat-schedule")
