"""Scripted LMs, with no network: a DSPy engine whose answers a function computes, and one that
answers from gold labels with deliberate mistakes. Used by the tests, the compile test and the
benchmark (which counts LM calls and tokens per turn without a real model)."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable

import dspy
from dspy.lm15 import Message, Response, TextPart, Usage

FIELD = re.compile(r"\[\[ ## (\w+) ## \]\]\n(.*?)(?=\n\n\[\[ ## |\Z)", re.S)


def user_fields(request) -> dict[str, str]:
    """The input fields of the last user message, as the ChatAdapter wrote them."""
    text = request.messages[-1].text or ""
    return {k: v.strip() for k, v in FIELD.findall(text)}


def format_answer(fields: dict) -> str:
    parts = [f"[[ ## {k} ## ]]\n{json.dumps(v) if not isinstance(v, str) else v}" for k, v in fields.items()]
    return "\n\n".join(parts + ["[[ ## completed ## ]]"])


class ScriptedEngine:
    """A DSPy LM engine whose answer is computed by `answer(inputs) -> output fields` (or raw text).

    It goes through DSPy's real adapters: the request is what ChatAdapter formatted, and the
    text returned is parsed by the same adapter, so field names and types are exercised.
    """

    def __init__(self, answer: Callable[[dict], dict | str], tokens: int = 50):
        self.answer, self.tokens, self.calls = answer, tokens, 0
        self.lock = threading.Lock()

    def complete(self, request):
        with self.lock:
            self.calls += 1
        out = self.answer(user_fields(request))
        text = out if isinstance(out, str) else format_answer(out)
        return Response(id=None, model="scripted", message=Message.assistant([TextPart(text)]), finish_reason="stop",
                        usage=Usage(input_tokens=self.tokens, output_tokens=self.tokens // 2))


def scripted_lm(answer: Callable[[dict], dict | str], tokens: int = 50) -> tuple[dspy.LM, ScriptedEngine]:
    engine = ScriptedEngine(answer, tokens)
    return dspy.LM("local/scripted", engine=engine, cache=False), engine


def which_step(inputs: dict) -> str:
    """Which signature a request is for, from the input fields the adapter wrote."""
    if "summary" in inputs:
        return "confirm"
    if "prescribed_strength" in inputs:
        return "dosage"
    if "mention" in inputs:
        return "resolve"
    if "state" in inputs:
        return "extract"
    return "pharmacy"


class GoldLM:
    """Answers from the gold labels of a set of examples, wrong on purpose for every `wrong_every`-th
    distinct question: a stand-in for an imperfect LM, so optimizers have something to select."""

    KEY = {"extract": "message", "resolve": "mention", "dosage": "message", "pharmacy": "message", "confirm": "message"}

    def __init__(self, examples: dict, wrong_every: int = 4):
        self.gold: dict[tuple[str, str], dict] = {}
        self.wrong: set[tuple[str, str]] = set()
        for step, rows in examples.items():
            for i, ex in enumerate(rows):
                key = (step, str(ex[self.KEY[step]]).strip())
                self.gold.setdefault(key, {k: ex[k] for k in ex.labels()})
                if i % wrong_every == wrong_every - 1:
                    self.wrong.add(key)
        self.lm, self.engine = scripted_lm(self.answer)

    def answer(self, inputs: dict) -> dict:
        step = which_step(inputs)
        key = (step, inputs.get(self.KEY[step], "").strip())
        gold = self.gold.get(key)
        if gold is None:
            gold = {"extract": {"intent": "other", "topic": "none", "mentions": [], "order_id": None, "pharmacy": None},
                    "resolve": {"matches": [], "confidence": 0.0},
                    "dosage": {"stated_strength": None, "stated_frequency": None, "stated_count": None,
                               "dose_changed": False, "verdict": "unclear", "reason": ""},
                    "pharmacy": {"pharmacy_id": None, "criterion": "none", "for_all": False},
                    "confirm": {"answer": "unclear", "change": "none"}}[step]
        out = {k: (v.model_dump() if hasattr(v, "model_dump") else v) for k, v in gold.items()}
        if key in self.wrong:  # the deliberate mistakes
            out = {**out, **{"extract": {"intent": "question"}, "resolve": {"matches": []},
                             "dosage": {"verdict": "unclear"}, "pharmacy": {"pharmacy_id": None, "criterion": "none"},
                             "confirm": {"answer": "unclear"}}[step]}
        return out
