"""Settings, read from the environment with the prefix RXFLOW_ (pydantic-settings)."""

from __future__ import annotations

import datetime as dt
import os
from functools import lru_cache
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="RXFLOW_", env_file=".env", extra="ignore")

    lm: str | None = Field(None, description="DSPy/LiteLLM model string; unset means the offline program.")
    program: str = Field("auto", description="offline | zero-shot | hybrid | PATH to a compiled JSON; auto: offline "
                                             "without an LM, zero-shot (the LM answers every step) with one.")
    db_path: str = Field(str(ROOT / "var" / "rxflow.duckdb"), description="DuckDB file, or :memory:.")
    mock_dir: Path = Field(ROOT / "datasets" / "mock", description="Seed CSVs for the mock world.")
    # The mock world is pinned to a date so that evals are reproducible.
    today: dt.date = Field(dt.date(2026, 11, 24))
    # The world's clock (rxflow/clock.py): its zone, and, when pinned, the moment it is (world-local, such as
    # '2026-11-24T21:30'); unpinned, it is `today` at the current time of day in the zone.
    timezone: str = Field("America/New_York", description="The world's time zone (IANA name).")
    place: str = Field("Riverton", max_length=40, description="The world's town: the page names its clock after "
                                                              "it ('11:05 (Riverton time)').")
    now: dt.datetime | None = Field(None, description="The world's time, pinned (ISO, world-local, naive); "
                                                      "today is its date.")
    # demo: the public Space. Each session sees the seeded world plus only its own writes, only the demo
    # patients can be picked, and live sessions, request rates and stored turns are bounded.
    # shared: one world for everyone (evals, the CLI, a single-user deployment).
    mode: Literal["demo", "shared"] = Field("demo", description="demo (a sandbox per session) | shared (one world).")
    session_timeout: int = Field(3600, ge=1, le=10**9, description="Seconds of inactivity before a session expires.")
    session_grace: int = Field(600, ge=0, le=10**9, description="Seconds after expiry before a session's rows "
                                                                "(turns, sandboxed orders) are deleted.")
    sweep_interval: float = Field(30.0, ge=0, description="At most one expiry sweep per this many seconds "
                                                          "(run when a session starts).")
    max_live_sessions: int = Field(2000, ge=1, description="Sessions not yet expired. At the cap a new session "
                                                           "expires the idlest one of the client holding the most; "
                                                           "when no client holds more than one, it is refused.")
    max_sessions_per_client: int = Field(30, ge=1, description="Live sessions one client (an address) may hold; its "
                                                               "next one expires its idlest (page loads, Reset, API).")
    fresh_session_timeout: int = Field(600, ge=1, le=10**9, description="Seconds before a session that never took "
                                                                        "a turn expires (a page opened and left); "
                                                                        "the page replaces it unasked.")
    turns_kept: int = Field(50, ge=1, description="Turn records stored per session (the latest).")
    page_states: int = Field(500, ge=1, description="Gradio states kept, one per browser tab or API caller (~130 KB "
                                                    "each, the least recently used dropped first; a tab whose state "
                                                    "was dropped resumes with its token).")
    rate_per_minute: float = Field(60.0, ge=0, description="Requests per client per minute, sustained "
                                                           "(UI events and API calls); 0 turns the limit off.")
    rate_burst: int = Field(20, ge=1, description="Requests a client may send at once before the rate applies.")
    rate_clients: int = Field(10_000, ge=1, description="Clients the rate limiter remembers (least recent "
                                                        "forgotten first).")
    # In front of Gradio (rxflow/ui/gate.py): what a request costs before any event function runs.
    http_rate_per_minute: float = Field(240.0, ge=0, description="HTTP requests per client per minute to the app's "
                                                                 "routes (a turn makes four); 0 turns it off.")
    http_burst: int = Field(60, ge=1, description="HTTP requests a client may send at once.")
    max_request_bytes: int = Field(64_000, ge=1024, description="Largest request body accepted (a message is at "
                                                                "most max_message_chars characters).")
    error_lines_per_minute: int = Field(30, ge=1, description="Error lines the app's and Gradio's logs may write a "
                                                              "minute; the rest are counted, not written.")
    # On a Hugging Face Space (SPACE_ID is set) the TCP peer is HF's proxy, so every visitor would share one
    # rate-limit bucket; the client is the address that proxy adds to X-Forwarded-For.
    proxy_hops: int = Field(default_factory=lambda: 1 if os.environ.get("SPACE_ID") else 0, ge=0, le=5,
                            description="Proxies in front of the app whose X-Forwarded-For entries name the client "
                                        "(0: the TCP peer is the client; default 1 on a Hugging Face Space).")
    max_message_chars: int = Field(2000)
    lm_timeout: float = Field(20.0, description="Seconds before an LM call is abandoned for the offline fallback.")
    log_level: str = Field("INFO")
    debug: bool = Field(False, description="Log message text (off: only ids, states and timings).")

    @model_validator(mode="after")
    def _today_is_now(self) -> Settings:
        if self.now is not None:
            if self.now.tzinfo is not None:  # an offset given: the same moment, in the world's zone
                self.now = self.now.astimezone(ZoneInfo(self.timezone))
            self.now = self.now.replace(tzinfo=None, microsecond=0)
            self.today = self.now.date()
        return self


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
