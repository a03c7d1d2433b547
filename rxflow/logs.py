"""Structured logs: one JSON object per line. Turn records carry ids, states, tools and timings;
message text only when RXFLOW_DEBUG is on (Assistant._persist decides what goes in).

Bounded: no line carries more than LINE_CHARS of any one field, and error lines (ours, uvicorn's and the
tracebacks Gradio prints for a failed event, whose text can carry the event's inputs) are rate-limited:
at most `error_lines_per_minute` a minute, the rest counted in one line when the minute ends.
"""

from __future__ import annotations

import json
import logging
import sys
import threading
import time
import traceback

FIELD_CHARS = 500  # the longest a message or an error may be in a line


def clip(text: str, limit: int = FIELD_CHARS) -> str:
    return text if len(text) <= limit else text[:limit] + f"… ({len(text):,} characters)"


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        msg = record.getMessage()
        try:
            body = json.loads(msg) if msg.startswith("{") else {"message": clip(msg)}
        except json.JSONDecodeError:
            body = {"message": clip(msg)}
        out = {"ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"), "level": record.levelname,
               "logger": record.name, **body}
        if record.exc_info:
            out["error"] = clip(self.formatException(record.exc_info).splitlines()[-1])
        return json.dumps(out, default=str)


class ErrorBudget(logging.Filter):
    """At most `per_minute` lines at WARNING or above a minute (shared by every logger it is attached to);
    the first line after a minute with some dropped says how many were."""

    def __init__(self, per_minute: int = 30):
        super().__init__()
        self.per_minute = per_minute
        self._guard = threading.Lock()
        self._window, self._used, self.dropped = 0, 0, 0

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING:
            return True
        with self._guard:
            window = int(time.monotonic() // 60)
            if window != self._window:
                if self.dropped:
                    record.msg = f"{record.getMessage()} [{self.dropped:,} error lines dropped in the minute before]"
                    record.args = None
                self._window, self._used, self.dropped = window, 0, 0
            self._used += 1
            if self._used > self.per_minute:
                self.dropped += 1
                return False
        return True


BUDGET = ErrorBudget()
gradio_log = logging.getLogger("rxflow.gradio")


class _QuietTraceback:
    """Stands in for the traceback module inside Gradio's queue and routes: a failed event is one bounded
    JSON line (the exception's type and the first line of its message) under the error budget, not a
    traceback whose message repeats the event's inputs."""

    def __getattr__(self, name):
        return getattr(traceback, name)

    @staticmethod
    def print_exc(*args, **kwargs) -> None:
        kind, error, _ = sys.exc_info()
        first = (str(error).strip().splitlines() or [""])[0] if error is not None else ""
        gradio_log.error(json.dumps({"event": "gradio_error",
                                     "error": f"{kind.__name__ if kind else 'Error'}: {clip(first, 160)}"}))


def quiet_gradio() -> None:
    """Gradio prints a full traceback for every failed event (a malformed one included) straight to stderr,
    before any function of ours could refuse it: route those through the bounded logger instead."""
    import gradio.queueing
    import gradio.routes

    for module in (gradio.queueing, gradio.routes):
        module.traceback = _QuietTraceback()


def setup(level: str = "INFO", error_lines_per_minute: int | None = None) -> None:
    """JSON lines on stderr for the rxflow loggers (idempotent); the error budget on them and on uvicorn's."""
    if error_lines_per_minute is not None:
        BUDGET.per_minute = error_lines_per_minute
    logger = logging.getLogger("rxflow")
    if not any(isinstance(h.formatter, JsonFormatter) for h in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter())
        handler.addFilter(BUDGET)
        logger.addHandler(handler)
        logger.propagate = False
    logger.setLevel(level.upper())
    for name in ("uvicorn.error", "uvicorn", "gradio"):
        other = logging.getLogger(name)
        if BUDGET not in other.filters:
            other.addFilter(BUDGET)
