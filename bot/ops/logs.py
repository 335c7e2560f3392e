"""Logging, configured once at the entry point: levelled lines as text, or JSON for log collectors."""

from __future__ import annotations

import json
import logging
import time


class JsonFormatter(logging.Formatter):
    """One JSON object per line, for log collectors (journald, Docker, Loki) that index fields."""

    # The "Z" written after the time is only true if the clock it reads is UTC.
    converter = staticmethod(time.gmtime)

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure_logging(level: str, log_format: str = "text") -> None:
    """Configure the root logger once, at the entry point: levelled lines as text or as JSON."""
    handler = logging.StreamHandler()
    if log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)-8s %(name)s: %(message)s", datefmt="%Y-%m-%d %H:%M:%S")
        )
    # A no-op when the root logger already has handlers (a test runner's): configured once, by the entry point.
    logging.basicConfig(level=level, handlers=[handler])
    # discord.py's own INFO lines are useful; its DEBUG gateway chatter drowns everything else.
    if level == "DEBUG":
        logging.getLogger("discord.gateway").setLevel(logging.INFO)
