"""dspy.Examples per signature, from a split's turn labels.

The train conversations are replayed with the offline program capturing each step's inputs
(the patient's medication list, the offers on the table, the history); each captured input is
paired with the gold answer the turn's labels imply. Only labelled facts become gold: intent
(extract), the medication the turn lands on (resolve), the dose verdict (dosage), the chosen
pharmacy (pharmacy) and the state after an order summary (confirm).
"""

from __future__ import annotations

from collections import defaultdict

import dspy

from evals import dataset
from evals.run import build_assistant
from programs.modules import STEPS
from rxflow.offers import ORDERINGS

INPUTS = {name: spec.inputs for name, spec in STEPS.items()}


def build(split: str = "train", limit: int | None = None) -> dict[str, list[dspy.Example]]:
    assistant = build_assistant("offline", None, capture=True)
    store = assistant.store
    out: dict[str, list[dspy.Example]] = defaultdict(list)
    seen: set[tuple] = set()
    for spec in dataset.load(dataset.split_path(split))[:limit]:
        store.reset_runtime(assistant.settings.mock_dir)
        sid = assistant.start(spec.patient_id, today=spec.today)
        for t in spec.turns:
            conv = assistant.conversation(sid)
            before, pending = conv.state, conv.pending
            turn = assistant.handle(sid, t.user)
            e = t.expect
            if e is None:
                continue
            traces = list(turn.traces)
            if pending is not None and before.value == "CONFIRM_ORDER" and not any(x.step == "confirm" for x in traces):
                # The consent gate took this answer before any program read it; the confirm step still
                # learns from it (what an LM would have been asked).
                from programs.modules import StepTrace

                traces.append(StepTrace("confirm", "offline", 0.0, inputs={"message": t.user, "summary": pending.summary}))
            for trace in traces:
                gold = _gold(trace.step, trace, e, before, store, spec.patient_id)
                if gold is None:
                    continue
                key = (trace.step, repr(sorted((k, str(v)) for k, v in trace.inputs.items())))
                if key in seen:
                    continue
                seen.add(key)
                out[trace.step].append(dspy.Example(**trace.inputs, **gold).with_inputs(*INPUTS[trace.step]))
    return dict(out)


def _gold(step: str, trace, e, before, store, patient_id) -> dict | None:
    if step == "extract" and e.intent and before.value in ("START", "COMPLETE", "IDENTIFY_MEDICATION"):
        meds = [{"text": e.slots.medication, "strength": None, "frequency": None}] if e.slots and e.slots.medication else []
        return {"intent": e.intent, "topic": trace.outputs.get("topic", "none"), "mentions": meds,
                "order_id": trace.outputs.get("order_id"), "pharmacy": trace.outputs.get("pharmacy")}
    if step == "resolve" and e.slots and e.slots.medication and e.state == "CONFIRM_DOSAGE":
        keys = [m.key for m in trace.inputs["medications"] if m.name == e.slots.medication]
        if keys:
            return {"matches": keys, "confidence": 1.0}
    if step == "dosage" and e.dosage:
        return {"stated_strength": trace.outputs.get("stated_strength"),
                "stated_frequency": trace.outputs.get("stated_frequency"),
                "stated_count": trace.outputs.get("stated_count"), "dose_changed": trace.outputs.get("dose_changed"),
                "verdict": e.dosage, "reason": ""}
    if step == "pharmacy" and e.slots and e.slots.pharmacy_id:
        return {"pharmacy_id": e.slots.pharmacy_id, "criterion": "none", "for_all": False}
    if step == "confirm" and before.value == "CONFIRM_ORDER" and e.state:
        answer = {"COMPLETE": "yes", "CONFIRM_DOSAGE": "yes", "SELECT_PHARMACY": "change" if e.intent == "change" else "no"}
        if e.state in answer:
            return {"answer": answer[e.state], "change": "pharmacy" if e.intent == "change" else "none"}
    return None


# ----------------------------------------------------------------------------- metrics per signature
def _pick(offers, criterion):
    key = ORDERINGS.get(criterion)
    return min(offers, key=key).key if key and offers else None


def metric(step: str):
    def extract(ex, pred, trace=None):
        ok = pred.intent == ex.intent
        if ex.mentions:
            ok = ok and bool(pred.mentions)
        return ok

    def resolve(ex, pred, trace=None):
        return sorted(pred.matches or []) == sorted(ex.matches)

    def dosage(ex, pred, trace=None):
        return pred.verdict == ex.verdict

    def pharmacy(ex, pred, trace=None):
        chosen = pred.pharmacy_id or _pick(ex.offers, pred.criterion)
        return chosen == ex.pharmacy_id

    def confirm(ex, pred, trace=None):
        return pred.answer == ex.answer or (ex.answer in ("no", "change") and pred.answer in ("no", "change"))

    return {"extract": extract, "resolve": resolve, "dosage": dosage, "pharmacy": pharmacy, "confirm": confirm}[step]
