"""Settings, read from the environment with the prefix RXFLOW_ (pydantic-settings)."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path

from pydantic import Field
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
    session_timeout: int = Field(3600, description="Seconds of inactivity before a session expires.")
    max_message_chars: int = Field(2000)
    lm_timeout: float = Field(20.0, description="Seconds before an LM call is abandoned for the offline fallback.")
    log_level: str = Field("INFO")
    debug: bool = Field(False, description="Log message text (off: only ids, states and timings).")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
