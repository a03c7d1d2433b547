"""dspy.Examples per signature, from a split's labelled conversations.

Inputs are captured by replaying the conversations (the medication list, the offers on the table,
what was just asked, the words as the patient wrote them); gold answers come from the turn's labels only
(evals/labels.py), never from a program's reading. Output fields the labels do not fix are left
out of the example (DSPy shows them to an LM as "not supplied"). Each step's examples are balanced
per class (intent, verdict, answer, criterion), so the majority class does not drown the rest.
"""

from __future__ import annotations

import functools
import hashlib
import random
from collections import Counter, defaultdict
from pathlib import Path

import dspy

from evals import dataset, labels
from evals.run import build_assistant
from evals.scoring import start_pinned
from programs.modules import STEPS, StepTrace

INPUTS = {name: spec.inputs for name, spec in STEPS.items()}
BALANCE_CAP = 3  # no class may have more than this many times the (lower) median class's examples


def replay(split: str, limit: int | None = None):
    """(step, inputs, gold) for every step of every labelled turn of a split (or a JSONL path), replayed
    offline with the rules alone (no learned student: what a step is asked must not depend on it).
    A dataset is replayed once per process, whatever `limit` asks: the rows are kept under the file's
    sha256 (an edited file is replayed again), so the compile, the student's training and the tests
    that use both share one replay."""
    path = dataset.split_path(split) if split in ("train", "dev", "test") else split
    for rows in _replayed(hashlib.sha256(Path(path).read_bytes()).hexdigest(), str(path))[:limit]:
        yield from rows


@functools.lru_cache(maxsize=16)
def _replayed(sha256: str, path: str) -> tuple[tuple[tuple[str, dict, dict], ...], ...]:
    """Per conversation of the file at `path` (whose digest is `sha256`, the cache's key), its rows."""
    return tuple(tuple(_replay_one(c)) for c in _conversations(sha256, path))


def _conversations(sha256: str, path: str):
    assistant = build_assistant("offline", None, capture=True)
    assistant.programs.student = None
    for spec in dataset.load(Path(path)):
        yield assistant, spec


def _replay_one(item):
    assistant, spec = item
    store = assistant.store
    store.reset_runtime()
    sid = start_pinned(assistant, spec)  # the world's clock pinned as the evals pin it
    for t in spec.turns:
        conv = assistant.conversation(sid)
        before, pending = conv.state.value, conv.pending
        turn = assistant.handle(sid, t.user)
        traces = list(turn.traces)
        if pending is not None and labels.asks_of(before) == "order_yes" and not any(x.step == "confirm" for x in traces):
            # The consent gate took this answer before any program read it; the confirm step
            # still learns from it (it is what an LM would have been asked).
            traces.append(StepTrace("confirm", "offline", 0.0,
                                    inputs={"message": t.user, "summary": pending.summary}))
        calls = Counter(x.step for x in traces)
        for trace in traces:
            want = labels.gold(trace.step, trace.inputs, t.expect, before, turn.state.value, calls[trace.step])
            if want is not None:
                yield trace.step, trace.inputs, want


def build(split: str = "train", limit: int | None = None, balance: bool = True,
          seed: int = 0) -> dict[str, list[dspy.Example]]:
    out: dict[str, list[dspy.Example]] = defaultdict(list)
    seen: set[tuple] = set()
    for step, inputs, want in replay(split, limit):
        key = (step, repr(sorted((k, str(v)) for k, v in inputs.items())))
        if key in seen:
            continue
        seen.add(key)
        fields = {k: v for k, v in want.items() if k in STEPS[step].outputs}
        ex = dspy.Example(**inputs, **fields, _gold=want).with_inputs(*INPUTS[step])
        out[step].append(ex)
    return {step: _balanced(rows, step, seed) if balance else rows for step, rows in out.items()}


def _balanced(rows: list[dspy.Example], step: str, seed: int) -> list[dspy.Example]:
    field = labels.CLASS_FIELD[step]
    if field is None:
        return rows
    by_class: dict[str, list[dspy.Example]] = defaultdict(list)
    for ex in rows:
        by_class[str(ex.get(field, ex["_gold"].get(field)))].append(ex)
    sizes = sorted(len(v) for v in by_class.values())
    cap = max(4, BALANCE_CAP * sizes[(len(sizes) - 1) // 2])  # the lower median class
    rng = random.Random(f"{seed}-{step}")
    kept = []
    for cls in sorted(by_class):
        group = by_class[cls]
        kept += rng.sample(group, cap) if len(group) > cap else group
    return kept


def class_counts(rows: list[dspy.Example], step: str) -> dict[str, int]:
    field = labels.CLASS_FIELD[step]
    return dict(Counter(str(ex["_gold"].get(field)) for ex in rows)) if field else {"-": len(rows)}


def metric(step: str):
    """The step's metric for DSPy optimizers and dspy.Evaluate: the labels' verdict on a prediction."""
    outputs = STEPS[step].outputs

    def judge(ex, pred, trace=None):
        got = {k: pred.get(k) for k in outputs}
        return labels.correct(step, ex["_gold"], got, ex.inputs().toDict())

    judge.__name__ = f"{step}_metric"
    return judge


def program_metric(ex, pred, trace=None):
    """For the whole program compiled at once: each example is judged by its own step's metric."""
    return metric(ex.step)(ex, pred, trace)
