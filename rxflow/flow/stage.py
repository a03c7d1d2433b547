"""A stage: one resting state of the conversation, in one place.

A stage says what it asks and answers everything the conversation may do while it rests there:

    enter(w, trigger, **facts)  the table moved the conversation here: say the question (or pass through)
    handle(w, ext)              the state's own reading of a message no dialogue act took
    follow_up(w, ext)           a reply that only makes sense right after what this stage showed
    reprompt(w)                 ask the pending question again (after a question answered mid-flow)
    help(w)                     what this step is about, then the question again
    leave(w, skip)              "never mind" / "skip this one"
    abandon(w)                  drop what is in flight, silently ("start over")
    set_aside(w, for_write)     another task takes over (a cancellation, a request to a human)
    settle(w)                   nothing more to ask here: come to rest at START
    reshow(w)                   the language changed: show the question (or summary) again in it

Moving on is `w.go(trigger, **facts)`: the transition table picks the next state and its stage's
`enter` runs. A stage never imports another stage; the table is the only link between them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from programs.types import Asks
from rxflow.flow import basket, orders, refilling, replies
from rxflow.flow.registry import STAGES
from rxflow.flow.states import State
from rxflow.flow.transitions import Trigger as T

if TYPE_CHECKING:
    from rxflow.flow.turn import TurnWork


def stage(cls):
    """Register a stage class (one instance per state)."""
    if cls.state in STAGES:
        raise ValueError(f"Two stages for {cls.state}")
    STAGES[cls.state] = cls()
    return cls


class Stage:
    state: ClassVar[State]
    asks: ClassVar[Asks] = "nothing"  # what the reader is told was just asked (programs/types.py)
    question: ClassVar[str | None] = None  # the reply key that asks this stage's question again
    takes_yes: ClassVar[bool] = False  # a write's summary is pending here: the consent gate reads first
    mid_flow: ClassVar[bool] = False  # something is in flight: leaving abandons it
    idle: ClassVar[bool] = False  # a new request may start here
    switchable: ClassVar[bool] = False  # naming another of the patient's medications switches to it
    choosing: ClassVar[bool] = False  # the pharmacy offers are on the table: one asked about joins them

    def enter(self, w: TurnWork, trigger: T, **facts) -> None:
        """Arrived on `trigger`: say the question. Most stages are asked by the one who moved here."""

    def handle(self, w: TurnWork, ext) -> None:
        raise NotImplementedError(f"{self.state} does not rest")

    def follow_up(self, w: TurnWork, ext) -> bool:
        return False

    def reprompt(self, w: TurnWork) -> None:
        if self.question:
            w.say(self.question)

    def help(self, w: TurnWork) -> None:
        conv, s = w.conv, w.conv.slots
        key = f"help.{self.state.value}"
        if key in replies.EN:
            order_id = getattr(conv.pending, "order_id", None) or ""
            w.say(key, medication=s.medication or "", strength=s.strength or "", frequency=s.frequency or "",
                  order_id=order_id)
        else:
            w.say("help_idle", example=refilling.example(w))
        self.reprompt(w)

    def leave(self, w: TurnWork, skip: bool = False) -> None:
        w.say("goodbye", first=w.first_name)
        w.go(T.INFO)

    def abandon(self, w: TurnWork) -> None:
        """Nothing is in flight in a resting state without a question."""

    def set_aside(self, w: TurnWork, for_write: str) -> None:
        """Another task takes over (`for_write`: 'cancel' or 'request'); nothing was written."""

    def reshow(self, w: TurnWork) -> None:
        self.reprompt(w)

    def settle(self, w: TurnWork) -> None:
        """Nothing more to ask (a request answered or refused): come to rest at START."""
        w.go(T.INFO)


class IdleStage(Stage):
    """A state where nothing is in flight: any new request may start here."""

    idle = True

    def follow_up(self, w: TurnWork, ext) -> bool:
        # Right after an order was placed or shown, "what about the flonase" names another medication whose
        # order is open: the question goes on about orders (a refill of it would only be refused as in progress).
        f = w.conv.focus
        if f is None or f.kind not in ("ordered", "shown") or ext.intent != "refill" or not ext.mentions:
            return False
        named = orders.orders_named(w, ext, orders.open_orders(w))
        if not named or isinstance(named, str):
            return False
        w.intent = "track_order"
        for o in named[:3]:
            orders.track_one(w, o.order_id)
        return True

    def handle(self, w: TurnWork, ext) -> None:
        focus = w.conv.focus_rx
        if ext.intent == "refill" or ext.mentions or ext.rx_number:
            refilling.volunteered(w, ext)
        if ext.intent == "refill" and ext.everything and not ext.mentions:
            return basket.start(w, ext)  # "refill everything that's due"
        if ext.intent == "refill" and not ext.mentions and ext.refers and focus and \
                any(m.rx_id == focus for m in w.history().medications):
            return refilling.begin(w, [focus])  # "ok then just refill it": the one just discussed
        if ext.rx_number and not ext.mentions:
            return refilling.by_number(w, ext.rx_number)
        if ext.mentions or ext.intent == "refill":
            return refilling.start_refill(w, list(ext.mentions))
        example = refilling.example(w)
        if ext.intent == "greeting":
            w.say("greeting", first=w.first_name)
            w.add(replies.say(w.lang, "help_idle", example=example))
        else:
            w.say("help_idle", example=example)
        w.go(T.INFO)

    def reprompt(self, w: TurnWork) -> None:
        w.go(T.INFO)  # nothing to ask again: the answer stands alone


class SummaryStage(Stage):
    """Resting at the summary of a write that is no order (a request to a human, a setting): only the
    consent gate's yes writes it. The answer is read as at an order summary (a hedge is no "no"); a no, a
    leave or a new refill named declines it (`decline`), and the refill starts."""

    takes_yes = True
    mid_flow = True

    def answer(self, w: TurnWork) -> str:
        p = w.conv.pending
        answer = w.programs.confirm_order(message=w.message, summary=p.summary).answer if p is not None else "no"
        w.intent = {"no": "deny"}.get(answer, w.intent)
        return answer

    def declined(self, w: TurnWork, ext, answer: str) -> bool:
        """A no, a leave or a new refill: declined (and the refill started). False: none of them."""
        if answer == "no" or ext.intent == "leave" or (ext.intent == "refill" and ext.mentions):
            self.decline(w)
            if ext.intent == "refill" and ext.mentions:
                refilling.start_refill(w, list(ext.mentions))
            return True
        return False

    def decline(self, w: TurnWork) -> None:
        raise NotImplementedError

    def leave(self, w: TurnWork, skip: bool = False) -> None:
        self.decline(w)


class RefillStage(Stage):
    """A state of a refill in flight (which medication, the dose, the pharmacy, the summary)."""

    mid_flow = True

    def leave(self, w: TurnWork, skip: bool = False) -> None:
        conv = w.conv
        medication = conv.slots.medication
        queue = conv.queue if skip else []
        self.abandon(w)
        if skip and queue and medication:
            conv.queue = queue
            w.say("skipped", medication=medication)
            refilling.next_in_queue(w)
        else:
            w.say("left")

    def abandon(self, w: TurnWork) -> None:
        conv = w.conv
        if conv.slots.rx_id or conv.candidates or conv.basket:
            w.end_refill("abandoned")
        conv.reset_refill()
        conv.queue = []
        w.go(T.STOP)

    def set_aside(self, w: TurnWork, for_write: str) -> None:
        medication = w.conv.slots.medication
        self.abandon(w)
        if medication:
            w.say("set_aside", medication=medication)
