"""One turn: guard -> load -> understand -> act -> transition -> respond -> persist.

`Assistant.handle(session_id, message) -> Turn` is the one entry point the UI, the CLI and
the evals share. The session's context lives in DuckDB, so a restart loses nothing.

Sessions: `start(patient_id, client=...)` makes a secret id (rxflow/sessions.py). An id is checked by
format before any lookup, lock or log line; an expired session is refused (neither resumed nor read) and
its rows are deleted after a grace period by a sweep that runs when sessions start. A session that never
took a turn expires sooner. Live sessions are shared fairly: a client has a cap of its own, and at the
global cap the client holding the most gives up its idlest session. In demo mode each session writes
orders in a sandbox of its own, and only the demo patients can be picked.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import secrets
import threading
import time

from programs.language import conversation_language
from programs.modules import StepFailed, collect_traces
from programs.offline import Vocabulary
from programs.people import People, Person
from rxflow import clock, sessions
from rxflow.config import Settings, get_settings
from rxflow.demo_patients import DEMO_PATIENTS
from rxflow.domain import OPEN_ORDER_STATUSES
from rxflow.flow import caregiving, dialogue, replies
from rxflow.flow.context import Conversation
from rxflow.flow.states import State
from rxflow.flow.transitions import Trigger
from rxflow.flow.turn import Turn, TurnWork
from rxflow.flow.writes import base as writes
from rxflow.guard import clean
from rxflow.store import Store, StoreUnavailable
from rxflow.tools import REGISTRY, ToolContext, ToolResult, call_tool
from rxflow.tools.orders import status_now
from rxflow.views import OrderRow, Receipt, RequestRow, SessionView

log = logging.getLogger("rxflow.turns")


RESULT_EXCERPT = 400  # characters of a tool result kept in the stored turn record
GUARDED_SHOWN = 300  # characters of a refused message kept in the history (the chat shows it)


class UnknownSession(KeyError):
    """No live session has this id, or it is not an id the server could have made. The message
    never repeats the id (it may be a secret, or five megabytes)."""

    def __init__(self, message: str = "unknown session"):
        super().__init__(message)


class StaleStep(RuntimeError):
    """A message meant for an earlier step (a quick reply drawn before the last turn): not handled."""


class SessionExpired(UnknownSession):
    """The session was idle longer than the timeout: it can be neither resumed nor read."""

    def __init__(self):
        super().__init__("session expired")


class UnknownPatient(ValueError):
    """A session cannot be started for this patient (unknown, or not a demo patient in demo mode).
    The same error either way, so asking does not tell who exists."""


class SessionLimit(RuntimeError):
    """As many sessions are live as the settings allow, and no client holds more than one."""


def resolve_program_name(program: str | None, lm: str | None) -> str:
    """auto: the offline program without an LM; with one, zero-shot (the LM answers every step,
    the offline predictor only where it fails). Settings.program says the same."""
    if program in (None, "", "auto"):
        return "zero-shot" if lm else "offline"
    return program


MAX_CLOCK_SHIFT = 60 * 24 * 400  # minutes the demo's clock may be moved on in all (Conversation.clock_shift)

class Assistant:
    def __init__(self, store: Store, programs, settings: Settings | None = None):
        self.store = store
        self.programs = programs
        self.settings = settings or get_settings()
        self._locks = sessions.SessionLocks()
        self._owners = sessions.Owners()
        self._start_guard = threading.Lock()
        # The first sweep comes one interval after start-up, like every later one (expired rows wait 30 s more
        # after a restart): an immediate one cost each new Assistant nine DELETEs (5 ms; evals and the tests
        # build thousands). With sweep_interval=0 every session start sweeps, the first included.
        self._last_sweep = time.monotonic()
        self._by_mode: dict[str, object] = {}  # the other programs a session may switch to (lazily built)
        self._people = People([Person(p.patient_id, p.first_name, p.last_name) for p in store.patients()],
                              not_people=names_not_people(store))

    @property
    def program_label(self) -> str:
        return self.programs.label

    @property
    def demo(self) -> bool:
        return self.settings.mode == "demo"

    # ------------------------------------------------------------------ per-session choices
    def program_modes(self) -> list[str]:
        """What a session may switch between: offline / hybrid / lm, when an LM is configured (else none)."""
        return ["offline", "hybrid", "lm"] if self.programs.lm is not None else []

    def programs_for(self, conv: Conversation):
        """The program answering this session: the configured one unless the session switched."""
        mode = conv.program
        if not mode or mode not in self.program_modes() or self.programs.mode == mode:
            return self.programs
        if mode not in self._by_mode:
            import programs

            name = {"offline": "offline", "hybrid": "hybrid", "lm": "zero-shot"}[mode]
            self._by_mode[mode] = programs.load(name, lm=self.programs.lm if name != "offline" else None,
                                                vocabulary=vocabulary_of(self.store))
        return self._by_mode[mode]

    def choose(self, session_id: str, *, language: str | None = None, program: str | None = None) -> Conversation:
        """Set a session's reply language ('en' / 'es'; the patient's own words can still switch it) or its
        program mode (one of program_modes()). Anything else is refused with ValueError."""
        if language is not None and language not in ("en", "es"):
            raise ValueError("language must be 'en' or 'es'")
        if program is not None and program not in self.program_modes():
            raise ValueError(f"program must be one of {self.program_modes()}")
        with self._locks.hold(session_id):
            conv = self.conversation(session_id)
            conv.lang = language or conv.lang
            conv.program = program or conv.program
            self.store.save_session(session_id, conv.state.value, conv.model_dump(mode="json"))
        return conv

    def turn_records(self, session_id: str) -> list[dict]:
        """The session's stored turn records (bounded), oldest first: what a reloaded page redraws."""
        self.conversation(session_id)
        return self.store.turn_records(session_id)

    # ------------------------------------------------------------------ what the page shows
    def view(self, session_id: str, turn: Turn | None = None) -> SessionView:
        """What the page shows beside the chat (rxflow/views.py): the patient card, the receipt, the
        orders and requests tables, the Explain data. `turn`: the session's last turn, whose own
        patient_history and list_requests answers are reused while still true (read after its last
        write), so the refill rules do not run again; otherwise (a page load, a turn that read
        neither) each tool is called once here."""
        conv = self.conversation(session_id)
        reused = turn._fresh if turn is not None and turn.session_id == sessions.digest(session_id) \
            and turn.turn_no == conv.turns else {}
        ctx = self.context(conv)

        def answer(tool: str):
            if tool in reused:
                return reused[tool]
            r = call_tool(ctx, tool)
            return r.output if r.ok else None

        requests = answer("list_requests")
        return SessionView(
            conversation=conv, now=ctx.clock, outbox=answer("outbox"),
            record_name=conv.record_name if conv.record_id else None,
            record_relation=conv.record_relation if conv.record_id else None, program=self.programs_for(conv).label,
            first_name=self.store.patient(conv.patient_id).first_name, history=answer("patient_history"),
            requests=[RequestRow.of(line) for line in (requests.requests if requests else [])],
            orders=[OrderRow.at(row, ctx.clock) for row in
                    self.store.order_lines(conv.record_id or conv.patient_id, conv.sandbox)],
            receipt=self._receipt(conv, ctx.clock), open_order=self._open_order(conv))

    def move_clock(self, session_id: str, minutes: int) -> dt.datetime:
        """The demo's clock control: move this session's world forward `minutes` (1 to 7 days at a time, 400 days
        in all), so texts due by then arrive and orders come ready. Other sessions keep their own time. Returns
        the session's world time now."""
        if not isinstance(minutes, int) or isinstance(minutes, bool) or not 1 <= minutes <= 7 * 24 * 60:
            raise ValueError("minutes: 1 to 10080")
        with self._locks.hold(session_id):
            conv = self.conversation(session_id)
            conv.clock_shift = min(conv.clock_shift + minutes, MAX_CLOCK_SHIFT)
            self.store.save_session(session_id, conv.state.value, conv.model_dump(mode="json"))
            return self.context(conv).clock

    def context(self, conv: Conversation) -> ToolContext:
        """The tools' view for a session: the record in use (the patient's own, or a dependant's they are
        authorised for: checked again here), its sandbox, and the world's clock (its own time, moved on by
        the demo's clock control)."""
        now = (conv.now or clock.world_now(self.settings)) + dt.timedelta(minutes=conv.clock_shift)
        return ToolContext.acting(self.store, conv.patient_id, conv.record_id or conv.patient_id, now.date(),
                                  conv.sandbox, now=now)

    def open_order(self, session_id: str) -> str | None:
        """The latest order this session placed that can still be tracked or cancelled (Track / Cancel)."""
        return self._open_order(self.conversation(session_id))

    def _open_order(self, conv: Conversation) -> str | None:
        for oid in reversed(conv.orders):
            o = self.store.order(oid, conv.sandbox)
            if o is not None and o.status in OPEN_ORDER_STATUSES:
                return oid
        return None

    def _receipt(self, conv: Conversation, at: dt.datetime) -> Receipt | None:
        if not conv.orders:
            return None
        o = self.store.order(conv.orders[-1], conv.sandbox)
        product = self.store.product(o.product_id)
        return Receipt(order_id=o.order_id, medication=self.store.drug(product.drug_id).generic_name,
                       strength=product.strength_label, brand=o.dispense_brand, quantity=o.quantity,
                       days_supply=o.days_supply, pharmacy=self.store.pharmacy(o.pharmacy_id).name, price=o.price,
                       price_type=o.price_type, status=o.status, ready_at=o.ready_at, fulfilment=o.fulfilment,
                       arrives_from=o.arrives_from, arrives_until=o.arrives_until, status_now=status_now(o, at))

    def offered_patients(self) -> list[str]:
        """Who a session can be started for: the demo patients in demo mode, everyone otherwise."""
        return list(DEMO_PATIENTS) if self.demo else [p.patient_id for p in self.store.patients()]

    # ------------------------------------------------------------------ sessions
    def start(self, patient_id: str, today: dt.date | None = None, client: str | None = None,
              now: dt.datetime | None = None) -> str:
        """A new session for `patient_id`; returns its id (a secret: only its digest is ever shown).
        `client`: who asks (the page's and the API's callers, by address): its share of the live
        sessions is capped. In-process callers (evals, the CLI) pass none. `now`: the world's clock pinned
        (evals); none: the world's time now."""
        offered = isinstance(patient_id, str) and self.store.patient(patient_id) is not None \
            and (not self.demo or patient_id in DEMO_PATIENTS)
        if not offered:
            raise UnknownPatient("Pick one of the patients offered.")
        self.sweep_if_due()
        session_id = sessions.new_id()
        # In demo mode a session writes in a sandbox of its own: it sees the seeded world and its own orders.
        sandbox = secrets.token_hex(8) if self.demo else ""
        if now is None and today is not None and today != self.settings.today:
            now = dt.datetime.combine(today, clock.world_now(self.settings).time())
        conv = Conversation(session_id=session_id, patient_id=patient_id, now=now,
                            today=now.date() if now else today or self.settings.today,
                            sandbox=sandbox)
        with self._start_guard:  # count and insert together, so concurrent starts cannot pass the cap
            self._make_room(client)
            self.store.create_session(session_id, patient_id, conv.state.value, conv.model_dump(mode="json"), sandbox)
            if client is not None:
                self._owners.add(session_id, client)
        return session_id

    def renew(self, session_id: str, client: str | None = None) -> str | None:
        """A session that expired before its first turn (a page opened and left) is replaced by a new one for
        the same patient, in the same language: nothing was lost, so the page goes on unasked. None for any
        other session (expired with a conversation, live, unknown)."""
        if not sessions.well_formed(session_id):
            return None
        row = self.store.load_session(session_id)
        if row is None or row["turn_count"] or not self._expired(row):
            return None
        old = Conversation.model_validate(row["context"])
        new = self.start(old.patient_id, old.today, client=client)
        if old.lang != "en":
            self.choose(new, language=old.lang)
        return new

    # ------------------------------------------------------------------ fair shares of the live sessions
    def _live(self) -> list[dict]:
        """The sessions live now (id, updated_at, turn_count): idle less than the timeout, or, for one
        that never took a turn, less than the short one."""
        fresh = self._idle_since(self.settings.fresh_session_timeout)
        rows = self.store.rows("SELECT session_id, updated_at, turn_count FROM sessions WHERE updated_at >= ?",
                               [self._idle_since(self.settings.session_timeout)])
        return [r for r in rows if r["turn_count"] or r["updated_at"] >= fresh]

    def _make_room(self, client: str | None) -> None:
        """Room for one more session, fairly: a client at its own cap gives up its idlest session; at the
        global cap the client holding the most gives up its idlest (sessions from before a restart count
        as one holder). Refused (SessionLimit) only when no holder has more than one. Called under the
        start guard."""
        mine = self._owners.count(client) if client is not None else 0
        if mine < self.settings.max_sessions_per_client and \
                self.store.live_sessions(self._idle_since(self.settings.session_timeout)) < \
                self.settings.max_live_sessions:
            return  # both counts can only over-count (expired sessions not yet forgotten): there is room
        live = self._live()
        self._owners.keep({r["session_id"] for r in live})
        held: dict[str, list[dict]] = {}
        for r in live:
            held.setdefault(self._owners.of(r["session_id"]), []).append(r)
        if client is not None and len(held.get(client, [])) >= self.settings.max_sessions_per_client:
            gone = self._evict(sessions.idlest(held[client]), "client_cap")
            held[client].remove(gone)
            live.remove(gone)
        if len(live) < self.settings.max_live_sessions:
            return
        biggest = max(held.values(), key=len)
        if len(biggest) < 2:
            raise SessionLimit("too many live sessions")
        self._evict(sessions.idlest(biggest), "global_cap")

    def _evict(self, row: dict, why: str) -> dict:
        """Expire one session now (its tab is told so; one that never took a turn is replaced unasked);
        the sweep deletes its rows after the grace period, as for any expired session."""
        long_ago = self._idle_since(self.settings.session_timeout + 1)
        with self.store.transaction() as cur:
            cur.execute("UPDATE sessions SET updated_at = ? WHERE session_id = ?", [long_ago, row["session_id"]])
        self._owners.drop(row["session_id"])
        log.info(json.dumps({"event": "session_evicted", "why": why, "session": sessions.digest(row["session_id"]),
                             "turns": row["turn_count"]}))
        return row

    def conversation(self, session_id: str) -> Conversation:
        """The session's context. Refuses a malformed id before any lookup, and an expired session."""
        if not sessions.well_formed(session_id):
            raise UnknownSession()
        row = self.store.load_session(session_id)
        if row is None:
            raise UnknownSession()
        if self._expired(row):
            raise SessionExpired()
        return Conversation.model_validate(row["context"])

    def resume_token(self, session_id: str) -> str:
        """A token for a browser tab to resume `session_id` after a reload (the tab never holds the
        session id). Only its digest is stored; a new token replaces the previous one."""
        self.conversation(session_id)  # live sessions only
        token = sessions.new_id()
        self.store.set_resume(session_id, sessions.token_digest(token))
        return token

    def resume(self, token: object) -> tuple[str, str] | None:
        """(session id, the tab's next token) for a token this server gave, while its session is live;
        else None. A token works once: resuming replaces it."""
        if not sessions.well_formed(token):
            return None
        following = sessions.new_id()
        row = self.store.rotate_resume(sessions.token_digest(token), sessions.token_digest(following))
        if row is None:
            return None
        try:
            self.conversation(row["session_id"])  # live (a session that never took a turn expires sooner)
        except UnknownSession:
            return None
        return row["session_id"], following

    def holds(self, session_id: str, token: object) -> bool:
        """Does the tab holding `token` own `session_id` (the token this server last gave for it)? The page's
        events carry both: a Gradio session hash seen elsewhere reaches no conversation without the token."""
        if not sessions.well_formed(session_id) or not sessions.well_formed(token):
            return False
        row = self.store.load_session(session_id)
        return row is not None and row.get("resume") == sessions.token_digest(token)

    def _idle_since(self, seconds: float) -> dt.datetime:
        return dt.datetime.now() - dt.timedelta(seconds=seconds)

    def _expired(self, row: dict) -> bool:
        """A session row idle longer than the timeout (the short one if it never took a turn)."""
        timeout = self.settings.session_timeout if row["turn_count"] else self.settings.fresh_session_timeout
        return row["updated_at"] < self._idle_since(min(timeout, self.settings.session_timeout))

    def sweep(self) -> dict[str, int]:
        """Delete the rows of sessions expired for longer than the grace period (turns, sandboxed orders)."""
        self._last_sweep = time.monotonic()
        gone = self.store.sweep(self._idle_since(self.settings.session_timeout + self.settings.session_grace))
        self._owners.keep({r["session_id"] for r in self._live()})  # who holds what: only the live sessions
        if any(gone.values()):
            log.info(json.dumps({"event": "sweep", **gone}))
        return gone

    def sweep_if_due(self) -> None:
        """A sweep at most every `sweep_interval` seconds (cheap enough to call on every session start)."""
        if time.monotonic() - self._last_sweep >= self.settings.sweep_interval:
            self.sweep()

    # ------------------------------------------------------------------ the turn
    def handle(self, session_id: str, message: object, at_turn: int | None = None, typed: bool = False) -> Turn:
        """One turn. Raises UnknownSession (also for a malformed id, before any lock or log) or
        SessionExpired. A store that cannot be used gives a Turn with one clear reply, nothing written.

        `at_turn`: the step the message was sent against (the turns the page had seen). If another turn
        came first: a quick reply (drawn for that step) raises StaleStep and nothing runs; a typed
        message (`typed`) runs, but at a summary a yes is not taken: the summary pending now is shown
        and asked again. Checked under the session's lock, so a yes sent while one summary was on
        screen can never answer another."""
        if not sessions.well_formed(session_id):
            raise UnknownSession()
        # One turn at a time per session: a double-clicked "yes" waits for the first.
        with self._locks.hold(session_id):
            return self._turn(session_id, message, at_turn, typed)

    def converse(self, session_id: str, message: object, at_turn: int | None = None,
                 typed: bool = False) -> tuple[Turn, SessionView | None, list[dict] | None]:
        """A turn (as handle) and what the page shows after it: the view and the stored turn records the
        chat is drawn from, read under the same lock, so two messages sent at once from one tab each
        come back with the chat as the server holds it, in order."""
        if not sessions.well_formed(session_id):
            raise UnknownSession()
        with self._locks.hold(session_id):
            turn = self._turn(session_id, message, at_turn, typed)
            try:
                return turn, self.view(session_id, turn), self.store.turn_records(session_id)
            except StoreUnavailable:  # the turn is answered (it may have written): the page shows its reply alone
                return turn, None, None

    def _turn(self, session_id: str, message: object, at_turn: int | None, typed: bool) -> Turn:
        start = time.perf_counter()
        conv = None
        try:
            conv = self.conversation(session_id)
            stale = at_turn is not None and conv.turns != at_turn
            if stale and not typed:
                raise StaleStep(f"drawn at turn {at_turn}, the conversation is at {conv.turns}")
            self.store.check()  # a deleted or replaced file: say so before anything runs
            return self._handle(conv, message, start, stale)
        except StoreUnavailable as e:
            log.error(json.dumps({"event": "store_unavailable", "session": sessions.digest(session_id),
                                  "error": str(e)[:300]}))
            return self._unavailable(session_id, conv, start)

    def _handle(self, conv: Conversation, message: object, start: float, stale: bool = False) -> Turn:
        text, refusal = clean(message, self.settings.max_message_chars)
        record = None
        if refusal is None:
            record = self._record_meant(conv, text)
            if record.kind == "refuse":
                # Said in the language the message is written in (the first message sets the conversation's).
                conv.lang = conversation_language(conv.lang, text, first=not conv.history)
                refusal = self._other_patient_reply(conv)
        if refusal is not None:
            return self._finish_guarded(conv, message, refusal, start)
        switched = None
        if record.kind in ("switch", "back"):
            now = record.dependant.patient_id if record.kind == "switch" else None
            switched = record if now != conv.record_id else None
            conv.record_id = now
            d = record.dependant if record.kind == "switch" else None
            conv.record_name, conv.record_relation = (d.name, d.relationship) if d else (None, None)

        ctx = self.context(conv)
        w = TurnWork(conv, text, ctx, self.programs_for(conv), record=switched)
        with collect_traces() as traces:
            try:
                if stale and w.stage.takes_yes and writes.consented(w):
                    writes.ask_again(w)  # a yes to a summary the patient had not seen yet
                else:
                    dialogue.run(w)
                writes.name_the_yes(w)
            except StepFailed:
                # LM-only (strict) programs: a step the LM could not answer fails the turn, visibly;
                # nothing was written and the conversation keeps its place.
                w.replies = [replies.say(conv.lang, "not_understood")]
            except StoreUnavailable:
                if not wrote(w):
                    raise
                # The write is committed: the patient is told so ("Done!"), whatever failed after it.
                log.exception("turn failed after its write in %s", conv.state)
            except Exception:
                log.exception("turn failed in %s", conv.state)
                if not wrote(w):
                    conv.reset_refill()
                    conv.queue = []
                    w.replies = [replies.say(conv.lang, "error")]
                    w.go(Trigger.ERROR)
        w.traces = traces
        return self._finish(w, start)

    def _record_meant(self, conv: Conversation, text: str) -> caregiving.Record:
        """Whose record the message asks about (rxflow/flow/caregiving.py): a request about anyone but the
        signed-in patient and the dependants they are authorised for is refused before anything runs, in the
        same words whether or not that person exists (programs/people.py reads the message)."""
        def dependants() -> list[caregiving.Dependant]:
            found = call_tool(ToolContext(self.store, conv.patient_id, conv.today, conv.sandbox), "my_dependants")
            return [caregiving.Dependant(d.patient_id, d.first_name, d.last_name, d.relationship)
                    for d in (found.output.dependants if found.ok else [])]

        return caregiving.meant(self._people, text, conv.patient_id, conv.record_id, dependants)

    def _other_patient_reply(self, conv: Conversation) -> str:
        me = self.store.patient(conv.patient_id)
        return replies.say(conv.lang, "other_patient", name=f", {me.first_name}" if me else "")

    def _finish_guarded(self, conv: Conversation, message: object, reply: str, start: float) -> Turn:
        # Kept in the history as the page showed it (clipped), so the chat the server draws has it too.
        shown = message if isinstance(message, str) else ""
        conv.remember(shown[:GUARDED_SHOWN] + ("…" if len(shown) > GUARDED_SHOWN else ""), reply)
        conv.turns += 1
        conv.last_active = dt.datetime.now()
        turn = Turn(session_id=sessions.digest(conv.session_id), turn_no=conv.turns, state_before=conv.state,
                    state=conv.state, path=[conv.state], reply=reply, slots=conv.slots.model_dump(),
                    language=conv.lang, record=conv.record_id or conv.patient_id,
                    program=self.program_label, guarded=True, ms=round((time.perf_counter() - start) * 1000, 2))
        self._persist(conv, turn)
        return turn

    def _unavailable(self, session_id: str, conv: Conversation | None, start: float) -> Turn:
        """The store cannot be used: one clear reply, the conversation where it was, nothing stored."""
        state = conv.state if conv else State.START
        return Turn(session_id=sessions.digest(session_id), turn_no=conv.turns if conv else 0, state_before=state,
                    state=state, path=[state], reply=replies.say(conv.lang if conv else "en", "store_unavailable"),
                    slots=conv.slots.model_dump() if conv else {}, program=self.program_label, guarded=True,
                    ms=round((time.perf_counter() - start) * 1000, 2))

    def _finish(self, w: TurnWork, start: float) -> Turn:
        conv = w.conv
        remember_writes(w)
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
            session_id=sessions.digest(conv.session_id), turn_no=conv.turns, state_before=w.state_before, state=conv.state,
            path=w.path, reply=reply, language=conv.lang, intent=w.intent, topic=w.topic, slots=w.slots.model_dump(),
            record=conv.record_id or conv.patient_id,
            dosage=w.dosage,
            tool_calls=[c.to_dict() for c in w.tool_calls], alerts=w.alerts, order=w.order, placed=w.placed,
            outcome=w.outcome,
            program=w.programs.label, lm_calls=lm_calls, tokens=tokens, fallbacks=fallbacks,
            steps=[{k: v for k, v in t.__dict__.items() if k != "inputs"} for t in w.traces],
            ms=round((time.perf_counter() - start) * 1000, 2))
        turn._traces = w.traces
        turn._fresh = fresh_reads(w.tool_calls)
        try:
            self._persist(conv, turn)
        except StoreUnavailable:
            if not wrote(w):
                raise
            # The write is committed but the session could not be saved (a full disk): the reply still
            # says what was done. A retried yes finds the same order by its key, and the session lists it.
            log.exception("session not saved after a write")
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
        self.store.save_session(conv.session_id, conv.state.value, conv.model_dump(mode="json"),
                                {**record, "state_before": turn.state_before.value, "state_after": turn.state.value},
                                keep=self.settings.turns_kept)
        line = {"event": "turn", "session": turn.session_id, "patient": conv.patient_id, "turn": turn.turn_no,
                "state": turn.state.value, "path": [s.value for s in turn.path],
                "tools": [{"name": c["name"], "ok": c["ok"], "ms": c["ms"]} for c in turn.tool_calls],
                "alerts": [a.code.value for a in turn.alerts], "lm_calls": turn.lm_calls,
                "fallbacks": len(turn.fallbacks), "ms": turn.ms, "guarded": turn.guarded}
        if self.settings.debug and conv.history:
            line["message"], line["reply"] = conv.history[-1][0], turn.reply
        log.info(json.dumps(line))


def wrote(w: TurnWork) -> bool:
    """Did a write tool succeed in this turn (an order, a cancellation, a request committed)?"""
    return any(c.kind == "write" and c.ok for c in w.tool_calls)


def remember_writes(w: TurnWork) -> None:
    """The order or request a yes found already written (a retried yes after a crash between the write's
    commit and the session's save: the idempotency key returns the first one) is listed by the session
    as if this turn had written it, so Track and Cancel know it."""
    conv = w.conv
    placed = (w.order or {}).get("order", {}).get("order_id")
    if placed and placed not in conv.orders:
        conv.orders.append(placed)
    sent = conv.focus.request_id if w.outcome == "request_sent" and conv.focus else None
    if sent and sent not in conv.requests:
        conv.requests.append(sent)


def fresh_reads(calls: list[ToolResult], tools=("patient_history", "list_requests")) -> dict[str, object]:
    """The answers of `tools` called with their default arguments (the whole list) after the turn's last
    write: still what the store says when the turn ends (a write may change them), by tool name."""
    fresh: dict[str, object] = {}
    for c in reversed(calls):
        if c.kind == "write":
            break
        if c.name in tools and c.ok and _defaults_only(c):
            fresh.setdefault(c.name, c.output)
    return fresh


def _defaults_only(c: ToolResult) -> bool:
    args = REGISTRY[c.name].args_model
    return args.model_validate(c.args) == args()


# Pharmacies outside this world a patient may name to transfer a prescription from (two-word names read like
# a person's: "Rite Aid", "Duane Reade").
OTHER_PHARMACIES = ["Rite Aid", "Duane Reade", "Hy-Vee", "Publix", "Safeway", "Albertsons", "Meijer", "Wegmans",
                    "H-E-B", "Giant Eagle", "Harris Teeter", "Sav-On", "Winn-Dixie", "Shoprite", "Food Lion",
                    "Sam's Club", "Stop & Shop", "Fred Meyer", "Smith's", "King Soopers", "Good Neighbor",
                    "Health Mart", "Express Scripts", "Optum Rx", "Amazon Pharmacy", "Capsule"]


def names_not_people(store: Store) -> list[str]:
    """Names a message may use that are not patients: drugs, pharmacies and their chains, prescribers, plans."""
    names = [n for d in store.catalogue.values() for n in (d.generic_name, *d.brand_names, *d.abbreviations)]
    names += [n for ph in store.pharmacies() for n in (ph.name, ph.chain, ph.address)]
    names += [pr.name for pr in store.ref.prescribers.values()] + [pl.name for pl in store.ref.plans.values()]
    names += OTHER_PHARMACIES  # a transfer names where a prescription is now: a pharmacy, never a person
    return [n for n in names if n]


def vocabulary_of(store: Store) -> Vocabulary:
    """Every catalogue name (generic, brand, abbreviation) -> generic, and the world's pharmacies
    (names, chains, streets, towns), for the offline readers."""
    names: dict[str, str] = {}
    for d in store.catalogue.values():
        for n in [d.generic_name, *d.brand_names, *d.abbreviations]:
            names.setdefault(n.lower(), d.generic_name)
    places = []
    for p in store.pharmacies():
        street, _, town = p.address.partition(",")  # "120 Market St, Riverton"
        places.append({"name": p.name, "chain": p.chain, "street": street.strip(), "town": town.strip()})
    return Vocabulary(names, places)


__all__ = ["Assistant", "SessionExpired", "SessionLimit", "SessionView", "StaleStep", "State", "StoreUnavailable", "Turn",
           "UnknownPatient", "UnknownSession"]
