"""Helpers the test modules share: a tool call that must succeed or fail, and an Assistant on an LM."""

from __future__ import annotations

import programs
from rxflow.assistant import Assistant, vocabulary_of
from rxflow.config import Settings
from rxflow.tools import call_tool


def ok(ctx, name: str, **args):
    """The tool's typed output; the call must succeed."""
    r = call_tool(ctx, name, args)
    assert r.ok, r.error
    return r.output


def ok_json(ctx, name: str, **args) -> dict:
    """The tool's output as JSON (what the turn record and the page show); the call must succeed."""
    r = call_tool(ctx, name, args)
    assert r.ok, r.error
    return r.data


def err(ctx, name: str, **args) -> dict:
    """The tool's error (code, reason, message and details); the call must fail."""
    r = call_tool(ctx, name, args)
    assert not r.ok, r.data
    return r.error


def lm_assistant(store, lm, program: str = "zero-shot", **settings) -> Assistant:
    """An Assistant whose program answers with `lm` (a scripted or fake LM: nothing leaves the machine)."""
    return Assistant(store, programs.load(program, lm=lm, vocabulary=vocabulary_of(store)), Settings(**settings))
