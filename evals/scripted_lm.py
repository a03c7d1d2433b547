"""Scripted LMs, with no network: a DSPy engine whose answers a function computes, and one that
answers from gold labels with deliberate mistakes. Used by the tests, the compile test and the
benchmark (which counts LM calls and tokens per turn without a real model)."""

from __future__ import annotations

import json
import re
import threading
import zlib
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


def prompt_chars(request) -> int:
    system = request.system if isinstance(request.system, str) else str(request.system or "")
    return len(system) + sum(len(m.text or "") for m in request.messages)


class ScriptedEngine:
    """A DSPy LM engine whose answer is computed by `answer(inputs) -> output fields` (or raw text).

    It goes through DSPy's real adapters: the request is what ChatAdapter formatted, and the
    text returned is parsed by the same adapter, so field names and types are exercised. Usage is
    reported from the real prompt: input tokens estimated at 4 characters a token (an estimate,
    said as such wherever it is reported), output tokens likewise from the answer.
    `raw`: `answer` receives the whole request instead of the last message's fields.
    """

    CHARS_PER_TOKEN = 4

    def __init__(self, answer: Callable, tokens: int | None = None, raw: bool = False):
        self.answer, self.tokens, self.raw, self.calls = answer, tokens, raw, 0
        self.prompt_chars = 0
        self.lock = threading.Lock()

    def complete(self, request):
        chars = prompt_chars(request)
        with self.lock:
            self.calls += 1
            self.prompt_chars += chars
        out = self.answer(request) if self.raw else self.answer(user_fields(request))
        text = out if isinstance(out, str) else format_answer(out)
        if self.tokens is not None:
            usage = Usage(input_tokens=self.tokens, output_tokens=self.tokens // 2)
        else:
            usage = Usage(input_tokens=-(-chars // self.CHARS_PER_TOKEN), output_tokens=-(-len(text) // self.CHARS_PER_TOKEN))
        return Response(id=None, model="scripted", message=Message.assistant([TextPart(text)]), finish_reason="stop",
                        usage=usage)


def scripted_lm(answer: Callable, tokens: int | None = None, raw: bool = False) -> tuple[dspy.LM, ScriptedEngine]:
    engine = ScriptedEngine(answer, tokens, raw)
    return dspy.LM("local/scripted", engine=engine, cache=False), engine


def which_step(inputs: dict) -> str:
    """Which step a request is for: the one in the step table whose input fields the request
    carries, the most specific first (defaults to the last, the pharmacy choice)."""
    from programs.modules import STEPS

    fitting = [name for name, spec in STEPS.items() if set(spec.inputs) <= set(inputs)]
    return max(fitting, key=lambda name: len(STEPS[name].inputs)) if fitting else "pharmacy"


_KEYS = re.compile(r"\bkey='?\"?:? ?['\"]?(\w+)|\"key\": \"(\w+)\"")


def question_key(step: str, fields) -> tuple:
    """What identifies one question to a step: its words and the options it was asked about (the
    same words from another patient are another question). `fields`: an Example or the fields a
    request carried (as the adapter wrote them)."""
    text = str(fields[GoldLM.KEY[step]] if not isinstance(fields, dict) else fields.get(GoldLM.KEY[step], "")).strip()
    options = fields.get("medications") or fields.get("offers") if isinstance(fields, dict) else \
        (fields.get("medications") or fields.get("offers"))
    if isinstance(options, str):
        keys = tuple(sorted(a or b for a, b in _KEYS.findall(options)))
    else:
        keys = tuple(sorted(o.key for o in options or []))
    return step, text, keys


class GoldLM:
    """Answers from the gold labels of a set of examples, wrong on purpose for every `wrong_every`-th
    distinct question: a stand-in for an imperfect LM, so optimizers have something to select."""

    KEY = {"extract": "message", "resolve": "mention", "dosage": "message", "pharmacy": "message", "confirm": "message"}
    MISTAKES = {"extract": {"intent": "question"}, "resolve": {"matches": []}, "dosage": {"verdict": "unclear"},
                "pharmacy": {"pharmacy_id": None, "criterion": "none"}, "confirm": {"answer": "unclear"}}

    def __init__(self, examples: dict, wrong_every: int = 4, tokens: int | None = None):
        self.gold: dict[tuple[str, str], dict] = {}
        self.wrong: set[tuple[str, str]] = set()
        for step, rows in examples.items():
            for i, ex in enumerate(rows):
                key = question_key(step, ex)
                labelled = {k: ex[k] for k in ex.labels() if k in STEP_DEFAULTS[step]}
                self.gold.setdefault(key, {**STEP_DEFAULTS[step], **labelled})
                if i % wrong_every == wrong_every - 1:
                    self.wrong.add(key)
        self.lm, self.engine = scripted_lm(self.answer, tokens)

    def answer(self, inputs: dict) -> dict:
        step = which_step(inputs)
        key = question_key(step, inputs)
        out = {k: (v.model_dump() if hasattr(v, "model_dump") else v)
               for k, v in self.gold.get(key, STEP_DEFAULTS[step]).items()}
        if key in self.wrong:  # the deliberate mistakes
            out = {**out, **self.MISTAKES[step]}
        return out


# ----------------------------------------------------------------------------- an LM that compiling can help
STEP_DEFAULTS = {
    "extract": {"intent": "other", "topic": "none", "mentions": [], "order_id": None, "pharmacy": None,
                "reply_language": "en", "rx_number": None, "everything": False, "fulfilment": "none", "action": "on"},
    "resolve": {"matches": []},
    "dosage": {"stated_strength": None, "stated_frequency": None, "stated_count": None, "dose_changed": False,
               "verdict": "unclear", "reason": ""},
    "pharmacy": {"pharmacy_id": None, "criterion": "none", "for_all": False},
    "confirm": {"answer": "unclear", "change": "none"},
}
_OUTPUT_FIELDS = re.compile(r"Your output fields are:(.*?)(?:All interactions|$)", re.S)


class DemoSensitiveLM:
    """A stand-in LM that does a step well only when the compiled prompt helps it, and that wrong demos
    mislead, so an optimizer must pick the right demos (not merely put some in the prompt).

    - Without demos or a tuned instruction it is right on about a quarter of the questions (a fixed,
      hashed subset: a weak model, not a hopeless one) and gives a fixed wrong answer on the rest.
    - With demos it reads them as a model reads examples: it knows each demo's question (from the labels)
      and judges the demo's answer with the step's own metric (evals.labels.correct). If every demo is
      right it answers with the gold label; if any demo is wrong it is misled and copies that demo's
      answer (the wrong class) instead, even on the questions it gets right alone.
    - An instruction with TUNED in it (what it answers an optimizer's own requests with: instruction
      proposals, reflections, rules) helps like right demos do; wrong demos mislead it all the same.

    So a compiled program scores higher than zero-shot only if compiling really changed its prompts,
    and only with demos an optimizer checked: unchecked ones (a zero-shot teacher's guesses) hurt."""

    TUNED = "TUNED: read the patient's words against the options listed and answer with the field values only."

    def __init__(self, examples: dict):
        self.gold: dict[tuple[str, str], dict] = {}
        self.want: dict[tuple, tuple[dict, dict]] = {}  # question -> (the labels' gold, the example's inputs)
        for step, rows in examples.items():
            for ex in rows:
                labelled = {k: ex[k] for k in ex.labels() if k in STEP_DEFAULTS[step]}
                key = question_key(step, ex)
                self.gold.setdefault(key, {**STEP_DEFAULTS[step], **labelled})
                if "_gold" in ex:
                    self.want.setdefault(key, (ex["_gold"], {k: ex[k] for k in ex.inputs()}))
        self.helped = self.unhelped = self.misled = 0
        self.lm, self.engine = scripted_lm(self.answer_request, raw=True)

    @classmethod
    def from_labels(cls, splits=("train", "dev")) -> DemoSensitiveLM:
        """One that knows every labelled question of the splits (unbalanced: every one the replay asks)."""
        from evals import examples

        known: dict[str, list] = {}
        for split in splits:
            for step, rows in examples.build(split, balance=False).items():
                known.setdefault(step, []).extend(rows)
        return cls(known)

    def demos(self, request, step: str) -> list[tuple[dict, dict]]:
        """The (question fields, answer fields) of each demo in the prompt (a user then an assistant message)."""
        msgs = request.messages
        out = []
        for user, answer in zip(msgs, msgs[1:], strict=False):
            if user.role == "user" and answer.role == "assistant":
                fields = dict(FIELD.findall(user.text or ""))
                shown = {k: _value(v) for k, v in FIELD.findall(answer.text or "")
                         if not v.strip().startswith("Not supplied for this particular example")}
                out.append(({k: v.strip() for k, v in fields.items()}, shown))
        return out

    def demo_is_right(self, step: str, question: dict, answer: dict) -> bool:
        """The step's metric on a demo (a demo whose question has no label counts as right: it cannot be judged)."""
        from evals import labels

        known = self.want.get(question_key(step, question))
        if known is None:
            return True
        want, inputs = known
        try:
            return bool(labels.correct(step, want, answer, inputs))
        except Exception:
            return False

    def answer_request(self, request) -> str:
        system = request.system if isinstance(request.system, str) else str(request.system or "")
        fields = user_fields(request)
        if not fields or "Your input fields are" not in system:
            return f"```\n{self.TUNED}\n```"  # a raw prompt (GEPA's reflection): an instruction in a code block
        step = which_step(fields)
        task_fields = set(STEP_DEFAULTS[step])
        wanted = re.findall(r"`(\w+)`", (_OUTPUT_FIELDS.search(system) or [None, ""])[1])
        if not wanted or not set(wanted) <= task_fields | {"reasoning"}:
            # An optimizer's own signature (propose an instruction, give feedback): any text will do,
            # and an instruction it asks for carries TUNED.
            values = {w: self._meta_value(w, system) for w in wanted}
            return json.dumps(values) if "Outputs will be a JSON object" in system else format_answer(values)
        question = fields.get(GoldLM.KEY[step], "").strip()
        lucky = zlib.crc32(f"{step}:{question}".encode()) % 4 == 0
        shown = self.demos(request, step)
        wrong = [a for q, a in shown if not self.demo_is_right(step, q, a)]
        helped = bool(shown) or "TUNED" in system
        gold = self.gold.get(question_key(step, fields))
        if wrong:
            self.misled += 1
            out = {**STEP_DEFAULTS[step], **(gold or {}), **{k: v for k, v in wrong[0].items() if k in task_fields}}
        elif helped:
            self.helped += 1
            out = gold if gold is not None else STEP_DEFAULTS[step]
        else:
            self.unhelped += 1
            out = gold if lucky and gold is not None else STEP_DEFAULTS[step]
        return format_answer({k: v for k, v in out.items() if k in wanted})

    def _meta_value(self, field: str, system: str):
        """An optimizer's own output field: an instruction with TUNED in it, or a plausible value of its type."""
        m = re.search(rf"`{field}` \(([^)]*)\)", system)
        kind = m.group(1) if m else "str"
        if kind.startswith("dict"):
            return {"extract": self.TUNED, "resolve": self.TUNED, "dosage": self.TUNED, "pharmacy": self.TUNED,
                    "confirm": self.TUNED}
        if kind.startswith("list"):
            return [self.TUNED]
        if kind.startswith(("int", "float")):
            return 1
        if kind.startswith("bool"):
            return True
        return self.TUNED


def _value(text: str):
    """A field's value as the adapter wrote it: JSON where it parses (lists, numbers, booleans), else the text."""
    text = text.strip()
    if text in ("None", "null"):
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text
