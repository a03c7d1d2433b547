"""Structured logs: one JSON object per line. Turn records carry ids, states, tools and timings;
message text only when RXFLOW_DEBUG is on (Assistant._persist decides what goes in)."""

from __future__ import annotations

import json
import logging
import sys


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        msg = record.getMessage()
        try:
            body = json.loads(msg) if msg.startswith("{") else {"message": msg}
        except json.JSONDecodeError:
            body = {"message": msg}
        out = {"ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"), "level": record.levelname,
               "logger": record.name, **body}
        if record.exc_info:
            out["error"] = self.formatException(record.exc_info).splitlines()[-1]
        return json.dumps(out, default=str)


def setup(level: str = "INFO") -> None:
    """JSON lines on stderr for the rxflow loggers (idempotent)."""
    logger = logging.getLogger("rxflow")
    if any(isinstance(h.formatter, JsonFormatter) for h in logger.handlers):
        logger.setLevel(level.upper())
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    logger.addHandler(handler)
    logger.setLevel(level.upper())
    logger.propagate = False
