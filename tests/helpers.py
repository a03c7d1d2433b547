"""Helpers the test modules share: a tool call that must succeed or fail, and an Assistant on an LM."""

from __future__ import annotations

import json

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


def page_functions(demo) -> dict:
    """The page's event functions by name, and `reply(text, sid, token, bound, request)`: a typed message sent
    the way the page sends it, through its outbox's dispatch step (rxflow/ui/app.py: OUTBOX)."""
    import json

    fn = {f.name: f.fn for f in demo.fns.values() if f.name}

    def reply(text, sid, token, bound, request):
        return fn["dispatch"](json.dumps({"kind": "typed", "text": text, "bound": bound}), sid, token, request)

    fn["reply"] = reply
    return fn


def at_stage(state: str) -> str:
    """A page check (JS): the Slots panel shows the conversation at `state` ('CONFIRM_DOSAGE'), by its stage's
    name in words in either language (the inspector shows no code names)."""
    from rxflow.flow.states import State
    from rxflow.ui import render

    names = json.dumps(sorted({render.stage_name(State(state), lang) for lang in ("en", "es")}))
    return (f"(() => {{ const e = document.querySelector('#slots'); "
            f"return !!e && {names}.some((n) => e.innerText.includes(n)); }})()")
