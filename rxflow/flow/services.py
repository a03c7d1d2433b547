"""Standing settings a patient sets in conversation: automatic refills, refill reminders, and texts when
an order is ready. Each change is a write behind its own summary and yes (rxflow/flow/writes/setting.py);
listing what is set is a read that keeps the conversation's place.

Which prescription, which enrolment or reminder, and whether anything needs changing at all is decided
here from the tools; the programs only say what the patient asked for (topic and action).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rxflow.flow import refilling, replies, writes
from rxflow.flow.pending import Focus
from rxflow.flow.transitions import Trigger as T
from rxflow.flow.writes.setting import propose_setting
from rxflow.tools import ToolFailed

if TYPE_CHECKING:
    from rxflow.flow.turn import TurnWork

SETTINGS = ("auto_refill", "reminder", "texts")


def take(w: TurnWork, ext, service: str | None = None, action: str | None = None) -> None:
    """A request about a standing setting (topic auto_refill, reminder or texts; action on, off, pause,
    resume or list)."""
    service, action = service or ext.topic, action or ext.action
    p = w.conv.pending
    if p is not None and p.kind == "setting" and "?" in w.message and not ext.mentions:
        writes.show(w)  # "what time will the text come?" at a reminder's summary: the summary says; still open
        return w.go(T.SETTING_UNCLEAR)
    {"auto_refill": auto_refill, "reminder": reminder, "texts": texts}[service](w, ext, action)


def follow(w: TurnWork, ext) -> bool:
    """The assistant just asked which medication a setting or a transfer is for: a message naming one
    answers it ("the metformin", "rx 1003")."""
    f = w.conv.focus
    if f is None or f.kind != "asked" or not f.service or not (ext.mentions or ext.rx_number):
        return False
    service, _, action = f.service.partition("/")
    if ext.intent not in ("refill", "other", "confirm", "question") or ext.topic not in ("none", service):
        return False
    w.conv.focus = None
    if service == "transfer":
        from rxflow.flow import transfers  # transfers imports this module's neighbours, not this one

        transfers.start(w, ext)
    else:
        take(w, ext, service, action or "on")
    return True


def _which_rx(w: TurnWork, ext, service: str, action: str = "on") -> str | None:
    """The prescription a setting is for: one named (or numbered), else the one in play or just discussed.
    None: asked which (the next message naming one answers it)."""
    if ext.rx_number:
        own = refilling.own_numbered(w, ext.rx_number)
        return own.rx_id if own is not None else None
    if ext.mentions:
        groups = refilling.resolve_mentions(w, list(ext.mentions))
        if groups and len(groups[0][0]) == 1:
            return groups[0][0][0]
        if not groups:
            return None  # not theirs: said by resolve_mentions
    else:
        rx_id = w.conv.slots.rx_id or w.conv.focus_rx
        if rx_id and any(m.rx_id == rx_id for m in w.history().medications):
            return rx_id
    w.say(f"setting_which.{service}", example=refilling.example(w))
    w.line(refilling.med_list(w))
    w.conv.focus = Focus(kind="asked", service=f"{service}/{action}")
    return None


def pharmacy_named(w: TurnWork, ext, rx_id: str) -> str | None:
    """A pharmacy the message names for the setting ("... at costco"), among those with the medication."""
    if not ext.pharmacy:
        return None
    quotes = w.tools.price_lookup(rx_id=rx_id).quotes
    if not quotes:
        return None
    w.conv.offers = list(quotes)
    try:
        choice = refilling.choose_offer(w)
    finally:
        w.conv.offers = []
    return choice.offer.pharmacy_id if choice.offer is not None else None


def _refused(w: TurnWork, e: ToolFailed, medication: str) -> None:
    """A setting the rules refuse (auto-refill of a controlled substance, no refills left, expired)."""
    codes = e.details.get("alerts") or []
    m_alerts = [a for m in w.history().medications if m.name == medication for a in m.refill.alerts]
    reasons = [replies.why(a, w.lang) for a in m_alerts if a.code in codes]
    if "controlled_substance" in codes or ("controlled_c2" in codes and not reasons):
        reasons.append(replies.say(w.lang, "auto_refill_controlled"))
    w.say("auto_refill_refused", medication=medication, reasons=" ".join(reasons) or e.message)
    w.add("\n" + replies.say(w.lang, "auto_refill_instead"))
    w.conv.hints.append(f"reminder:{medication}")  # the reminder this line suggests, one tap away


# ----------------------------------------------------------------------------- automatic refills
def auto_refill(w: TurnWork, ext, action: str) -> None:
    if action == "list":
        return _list_auto_refills(w)
    if action == "on":
        rx_id = _which_rx(w, ext, "auto_refill", "on")
        if rx_id is None:
            return
        w.conv.focus_rx = rx_id
        w.stage.set_aside(w, "setting")
        pharmacy_id = pharmacy_named(w, ext, rx_id)
        try:
            plan = w.tools.auto_refill_plan(rx_id=rx_id, pharmacy_id=pharmacy_id)
        except ToolFailed as e:
            if e.reason != "auto_refill_refused":
                raise
            return _refused(w, e, w.med(rx_id).name)
        return propose_setting(w, "auto_refill_on", rx_id=rx_id, pharmacy_id=plan.pharmacy_id)
    enrolments = [e for e in w.tools.list_auto_refills().enrolments if e.enrolment.status != "stopped"]
    if action == "resume":
        enrolments = [e for e in enrolments if e.enrolment.status == "paused"]
    elif action == "pause":
        enrolments = [e for e in enrolments if e.enrolment.status == "active"]
    target = _one_of(w, ext, enrolments, "auto_refill", action)
    if target is None:
        return
    w.stage.set_aside(w, "setting")
    propose_setting(w, f"auto_refill_{action}", rx_id=target.enrolment.rx_id, target_id=target.enrolment.enrolment_id)


def _list_auto_refills(w: TurnWork) -> None:
    lines = [e for e in w.tools.list_auto_refills().enrolments if e.enrolment.status != "stopped"]
    if not lines:
        w.say("auto_refill_none")
    else:
        w.say("auto_refill_list")
        for line in lines:
            e = line.enrolment
            w.add("\n" + replies.say(w.lang, "auto_refill_line", medication=line.medication, strength=line.strength,
                                     pharmacy=line.pharmacy_name, status=replies.say(w.lang, f"setting_status.{e.status}"),
                                     date=replies.date(e.next_fill_date, w.lang)))
    w.stage.reprompt(w)


def _row(line):
    """The enrolment or reminder a list line is about."""
    return getattr(line, "enrolment", None) or line.reminder


def _one_of(w: TurnWork, ext, items: list, service: str, action: str):
    """The enrolment or reminder line the message means: the one for a medication it names, else the only one."""
    named = None
    if ext.mentions or ext.rx_number:
        rx_id = _which_rx(w, ext, service, action)
        if rx_id is None:
            return None
        named = rx_id
        items = [i for i in items if _row(i).rx_id == rx_id]
    if len(items) == 1:
        return items[0]
    if not items:
        w.say(f"setting_nothing.{service}", for_med=f" ({w.med(named).name})" if named else "")
        w.stage.reprompt(w)
        return None
    w.say(f"setting_which_one.{service}", names=", ".join(i.medication for i in items))
    w.conv.focus = Focus(kind="asked", service=f"{service}/{action}")
    return None


# ----------------------------------------------------------------------------- refill reminders
def reminder(w: TurnWork, ext, action: str) -> None:
    if action == "list":
        return _list_reminders(w)
    if action in ("off", "pause"):
        scheduled = [r for r in w.tools.list_reminders().reminders if r.reminder.status == "scheduled" and not r.sent]
        target = _one_of(w, ext, scheduled, "reminder", "off")
        if target is None:
            return
        w.stage.set_aside(w, "setting")
        return propose_setting(w, "reminder_off", rx_id=target.reminder.rx_id, target_id=target.reminder.reminder_id)
    rx_id = _which_rx(w, ext, "reminder", "on")
    if rx_id is None:
        return
    w.conv.focus_rx = rx_id
    w.stage.set_aside(w, "setting")
    propose_setting(w, "reminder_on", rx_id=rx_id)


def _list_reminders(w: TurnWork) -> None:
    scheduled = [r for r in w.tools.list_reminders().reminders if r.reminder.status == "scheduled" and not r.sent]
    if not scheduled:
        w.say("reminder_none")
    else:
        w.say("reminder_list")
        for line in scheduled:
            r = line.reminder
            w.add("\n" + replies.say(w.lang, "reminder_line", medication=line.medication,
                                     date=replies.date(r.remind_on, w.lang), time=f"{r.send_at:%H:%M}"))
    w.stage.reprompt(w)


# ----------------------------------------------------------------------------- texts
def texts(w: TurnWork, ext, action: str) -> None:
    now = w.tools.notification_settings()
    if action == "list" or (action == "on" and now.sms_on) or (action in ("off", "pause") and not now.sms_on):
        _texts_as_they_are(w, now)
        return w.stage.reprompt(w)
    w.stage.set_aside(w, "setting")
    propose_setting(w, "texts_on" if action in ("on", "resume") else "texts_off")


def _texts_as_they_are(w: TurnWork, now) -> None:
    """Texts already as asked: say so (with the order just placed, when its text will come)."""
    if not now.sms_on:
        return w.say("texts_are_off", phone=now.phone)
    f = w.conv.focus
    if f is not None and f.kind == "ordered" and f.order_id:
        try:
            st = w.tools.track_order(order_id=f.order_id)
        except ToolFailed:
            st = None
        if st is not None and st.order.ready_at:
            return w.say("texts_will_come", phone=now.phone, order_id=f.order_id,
                         when=replies.when(st.order.ready_at, w.ctx.clock, w.lang))
    w.say("texts_are_on", phone=now.phone)
