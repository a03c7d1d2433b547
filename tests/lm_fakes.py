"""The fakes the LM-path tests use: a fake OpenAI-compatible server on 127.0.0.1 and the scripted LMs."""

from __future__ import annotations

from evals.fake_openai import FakeOpenAI
from evals.scripted_lm import GoldLM, ScriptedEngine, format_answer, scripted_lm, user_fields, which_step

__all__ = ["FakeOpenAI", "GoldLM", "ScriptedEngine", "format_answer", "scripted_lm", "user_fields", "which_step"]
