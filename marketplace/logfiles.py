"""JSON-lines log files, one per level, that GET /logs reads back."""

import json
import logging
from datetime import UTC, datetime

# Attributes every LogRecord has; anything else was passed through `extra`.
_STANDARD_ATTRS = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """Format a record as one JSON object with the `extra` context inline."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD_ATTRS and key != "request":
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


class LevelFileHandler(logging.FileHandler):
    """Append to one file the records of exactly one level.

    `only_level` is a level name, `ERROR+` for ERROR and above, or
    `SERVER_ERROR` for records that carry a status_code of 500 or more.
    """

    def __init__(self, filename: str, only_level: str, **kwargs) -> None:
        super().__init__(filename, encoding="utf-8", delay=True, **kwargs)
        self.only_level = only_level

    def filter(self, record: logging.LogRecord) -> bool:
        if not super().filter(record):
            return False
        if self.only_level == "SERVER_ERROR":
            return getattr(record, "status_code", 0) >= 500
        if self.only_level == "ERROR+":
            return record.levelno >= logging.ERROR
        return record.levelname == self.only_level


class UncaughtOnly(logging.Filter):
    """Keep only django.request records that carry a traceback.

    Django logs every 5xx response; the ones our exception handler answered
    were already logged there, with the traceback and the request id.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return record.exc_info is not None
