"""One turn of the conversation: the consent gate, then the reading, then the dialogue acts, then the stage.

    run(w)   1. a write's summary is pending and the consent gate (programs/consent.py) reads an
                unconditional yes to it -> carry it out (rxflow/flow/writes/)
             2. read the message (the Understand module: intent, topic, mentions, and the language
                to answer in from now on), told what the stage just asked
             3. a follow-up to what the stage just showed, then a dialogue act (rxflow/flow/acts.py)
             4. otherwise the stage's own reading (rxflow/flow/stages/)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rxflow.flow import acts, caregiving, services, stages, writes  # noqa: F401  (stages: registers every stage)

if TYPE_CHECKING:
    from rxflow.flow.turn import TurnWork


def run(w: TurnWork) -> None:
    conv = w.conv
    if w.switched is not None:
        w.stage.abandon(w)  # what was in flight was on the other record: nothing of it carries over
        conv.queue = []
    if w.stage.takes_yes and writes.consented(w):
        return writes.carry_out(w)
    ext = w.programs.understand(message=w.message, history=conv.history_text(), asks=w.stage.asks,
                                medications=w.med_options(), offers=w.offer_options() if conv.offers else [],
                                language=conv.lang)
    w.intent, w.topic = ext.intent, ext.topic
    switched = ext.reply_language != conv.lang
    conv.lang = ext.reply_language
    if w.switched is not None:  # whose record is in use, said first and in the language of this message
        said, w.replies = w.replies, []
        caregiving.say_record(w, w.switched)
        w.replies += said
    if switched and ext.intent in ("other", "help") and not ext.mentions:
        return acts.language_switched(w)  # "in English please": nothing else asked
    if w.switched is not None and ext.intent in ("other", "greeting") and not ext.mentions:
        return caregiving.settle(w)  # "back to me", "I'm doing my mom's refills today": the record is the news
    if services.follow(w, ext) or w.stage.follow_up(w, ext) or acts.take(w, ext):
        return
    w.stage.handle(w, ext)  # the stage now: a follow-up that was not one may have settled elsewhere
