"""One turn: guard -> load -> understand -> act -> transition -> respond -> persist.

`Assistant.handle(session_id, message) -> Turn` is the one entry point the UI, the CLI and
the evals share. The session's context lives in DuckDB, so a restart loses nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import threading
import time
import uuid

from programs.modules import StepFailed, collect_traces
from programs.offline import Vocabulary
from rxflow.config import Settings, get_settings
from rxflow.flow import handlers, replies
from rxflow.flow.context import Conversation
from rxflow.flow.states import State
from rxflow.flow.transitions import Trigger
from rxflow.flow.turn import Turn, TurnWork
from rxflow.guard import clean
from rxflow.store import Store
from rxflow.tools import ToolContext

log = logging.getLogger("rxflow.turns")


RESULT_EXCERPT = 400  # characters of a tool result kept in the stored turn record


class UnknownSession(KeyError):
    pass


def resolve_program_name(program: str | None, lm: str | None) -> str:
    """auto: the offline program without an LM; with one, zero-shot (the LM answers every step,
    the offline predictor only where it fails). Settings.program says the same."""
    if program in (None, "", "auto"):
        return "zero-shot" if lm else "offline"
    return program


class Assistant:
    def __init__(self, store: Store, programs, settings: Settings | None = None):
        self.store = store
        self.programs = programs
        self.settings = settings or get_settings()
        self._locks: dict[str, threading.Lock] = {}
        self._locks_guard = threading.Lock()
        self._others = {p.patient_id: p for p in store.patients()}

    @classmethod
    def from_settings(cls, lm: str | None = None, program: str | None = None, store: Store | None = None,
                      settings: Settings | None = None) -> Assistant:
        from rxflow.environment import build

        return build(settings, lm=lm, program=program, store=store)

    @property
    def program_label(self) -> str:
        return self.programs.label

    # ------------------------------------------------------------------ sessions
    def start(self, patient_id: str, session_id: str | None = None, today: dt.date | None = None) -> str:
        if self.store.patient(patient_id) is None:
            raise ValueError(f"Unknown patient {patient_id}")
        session_id = session_id or uuid.uuid4().hex
        conv = Conversation(session_id=session_id, patient_id=patient_id, today=today or self.settings.today)
        self.store.save_session(session_id, patient_id, conv.state.value, conv.model_dump(mode="json"))
        return session_id

    def conversation(self, session_id: str) -> Conversation:
        row = self.store.load_session(session_id)
        if row is None:
            raise UnknownSession(session_id)
        return Conversation.model_validate(row["context"])

    def _lock(self, session_id: str) -> threading.Lock:
        with self._locks_guard:
            return self._locks.setdefault(session_id, threading.Lock())

    # ------------------------------------------------------------------ the turn
    def handle(self, session_id: str, message: object) -> Turn:
        # One turn at a time per session: a double-clicked "yes" waits for the first.
        with self._lock(session_id):
            return self._handle(session_id, message)

    def _handle(self, session_id: str, message: object) -> Turn:
        start = time.perf_counter()
        conv = self.conversation(session_id)
        notice = None
        if dt.datetime.now() - conv.last_active > dt.timedelta(seconds=self.settings.session_timeout):
            conv = Conversation(session_id=session_id, patient_id=conv.patient_id, today=conv.today)
            notice = replies.say(conv.lang, "expired_session")
        text, refusal = clean(message, self.settings.max_message_chars)
        if refusal is None:
            refusal = self._other_patient(conv, text)
        if refusal is not None:
            return self._finish_guarded(conv, refusal if notice is None else f"{notice}\n\n{refusal}", start)

        ctx = ToolContext(self.store, conv.patient_id, conv.today)
        w = TurnWork(conv, text, ctx, self.programs)
        if notice:
            w.line(notice)
        with collect_traces() as traces:
            try:
                handlers.run(w)
            except StepFailed:
                # LM-only (strict) programs: a step the LM could not answer fails the turn, visibly;
                # nothing was written and the conversation keeps its place.
                w.replies = [replies.say(conv.lang, "not_understood")]
            except Exception:
                log.exception("turn failed in %s", conv.state)
                conv.reset_refill()
                conv.queue = []
                w.replies = [replies.say(conv.lang, "error")]
                w.go(Trigger.ERROR)
        w.traces = traces
        return self._finish(w, start)

    def _other_patient(self, conv: Conversation, text: str) -> str | None:
        """A request that names another patient (by id or by name) is refused before anything runs."""
        low = text.lower()
        me = self._others.get(conv.patient_id)
        for pid, p in self._others.items():
            if pid == conv.patient_id:
                continue
            if re.search(rf"\b{pid.lower()}\b", low) or f"{p.first_name} {p.last_name}".lower() in low \
                    or re.search(rf"\b{re.escape(p.first_name.lower())}'s\b", low) \
                    or re.search(rf"\b(?:mr|mrs|ms|miss)\.? {re.escape(p.last_name.lower())}\b", low):
                return replies.say(conv.lang, "other_patient", name=f", {me.first_name}" if me else "")
        return None

    def _finish_guarded(self, conv: Conversation, reply: str, start: float) -> Turn:
        conv.turns += 1
        conv.last_active = dt.datetime.now()
        turn = Turn(session_id=conv.session_id, turn_no=conv.turns, state_before=conv.state, state=conv.state,
                    path=[conv.state], reply=reply, slots=conv.slots.model_dump(), program=self.program_label,
                    guarded=True, ms=round((time.perf_counter() - start) * 1000, 2))
        self._persist(conv, turn)
        return turn

    def _finish(self, w: TurnWork, start: float) -> Turn:
        conv = w.conv
        reply = w.reply or replies.say(conv.lang, "help_idle", example="lisinopril")
        conv.remember(w.message, reply)
        conv.turns += 1
        conv.last_active = dt.datetime.now()
        lm_calls = sum(t.lm_calls for t in w.traces)
        unknown = sum(1 for t in w.traces if t.lm_calls and t.tokens is None)
        tokens = sum(t.tokens or 0 for t in w.traces) if not unknown else None
        fallbacks = [{"step": t.step, "error": t.error} for t in w.traces if t.source in ("fallback", "failed")]
        conv.lm_calls += lm_calls
        conv.tokens += tokens or 0
        conv.tokens_unknown += unknown
        conv.fallbacks += len(fallbacks)
        turn = Turn(
            session_id=conv.session_id, turn_no=conv.turns, state_before=w.state_before, state=conv.state,
            path=w.path, reply=reply, language=conv.lang, intent=w.intent, topic=w.topic, slots=conv.slots.model_dump(),
            dosage=w.dosage,
            tool_calls=[c.to_dict() for c in w.tool_calls], alerts=w.alerts, order=w.order, outcome=w.outcome,
            program=self.program_label, lm_calls=lm_calls, tokens=tokens, fallbacks=fallbacks,
            steps=[{k: v for k, v in t.__dict__.items() if k != "inputs"} for t in w.traces],
            ms=round((time.perf_counter() - start) * 1000, 2))
        turn._traces = w.traces
        self._persist(conv, turn)
        return turn

    def _persist(self, conv: Conversation, turn: Turn) -> None:
        conv.trim()
        record = turn.model_dump(mode="json")
        # The stored record keeps each tool call's arguments, outcome and timing, and a bounded
        # excerpt of its result (the full result went to the caller): a turn row stays small.
        record["tool_calls"] = [{**{k: v for k, v in c.items() if k != "data"},
                                 "result": json.dumps(c["data"], default=str)[:RESULT_EXCERPT] if c["data"] else None}
                                for c in record["tool_calls"]]
        if not self.settings.debug:
            record.pop("reply", None)  # free text stays out of the turn log unless debugging
        self.store.save_session(conv.session_id, conv.patient_id, conv.state.value, conv.model_dump(mode="json"),
                                {**record, "state_before": turn.state_before.value, "state_after": turn.state.value})
        line = {"event": "turn", "session": conv.session_id, "patient": conv.patient_id, "turn": turn.turn_no,
                "state": turn.state.value, "path": [s.value for s in turn.path],
                "tools": [{"name": c["name"], "ok": c["ok"], "ms": c["ms"]} for c in turn.tool_calls],
                "alerts": [a.code.value for a in turn.alerts], "lm_calls": turn.lm_calls,
                "fallbacks": len(turn.fallbacks), "ms": turn.ms, "guarded": turn.guarded}
        if self.settings.debug and conv.history:
            line["message"], line["reply"] = conv.history[-1][0], turn.reply
        log.info(json.dumps(line))


def vocabulary_of(store: Store) -> Vocabulary:
    """Every catalogue name (generic, brand, abbreviation) -> generic, for the offline extractor."""
    names: dict[str, str] = {}
    for d in store.catalogue.values():
        for n in [d.generic_name, *d.brand_names, *d.abbreviations]:
            names.setdefault(n.lower(), d.generic_name)
    return Vocabulary(names)


__all__ = ["Assistant", "State", "Turn", "UnknownSession"]
