"""Changing a standing setting: automatic refills (on, pause, resume, stop), a refill reminder (on, off),
texts (on, off). One summary of exactly what changes, read from the tools, and its own yes.

Each setting is a row of SETTINGS: how its summary is built (and the digest of what a yes would write),
and which write tool carries it out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rxflow.flow import replies
from rxflow.flow.pending import Focus, PendingSetting, SettingName
from rxflow.flow.transitions import Trigger as T
from rxflow.flow.writes.base import Recheck, Write, digest, propose, write
from rxflow.tools import ToolFailed

if TYPE_CHECKING:
    from rxflow.flow.turn import TurnWork


class Gone(LookupError):
    """The enrolment or reminder a summary was about is no longer there (stopped or cancelled elsewhere)."""


@dataclass(frozen=True)
class Shown:
    text: str
    key: str
    facts: str


def _auto_refill_on(w: TurnWork, p: PendingSetting) -> Shown:
    plan = w.tools.auto_refill_plan(rx_id=p.rx_id, pharmacy_id=p.pharmacy_id)
    phone = w.tools.notification_settings().phone
    text = replies.say(w.lang, "setting_summary.auto_refill_on", medication=w.named(plan.medication), strength=plan.strength,
                       pharmacy=plan.pharmacy_name, date=replies.date(plan.next_fill_date, w.lang),
                       days=plan.days_supply, refills=plan.refills_left, phone=phone)
    key = digest(kind="auto_refill_on", rx=p.rx_id, pharmacy=plan.pharmacy_id, date=plan.next_fill_date,
                 refills=plan.refills_left)
    return Shown(text, key, f"{plan.medication} {plan.strength} {plan.pharmacy_name} auto refill automatic")


def _auto_refill_change(action: str):
    def summary(w: TurnWork, p: PendingSetting) -> Shown:
        line = next((e for e in w.tools.list_auto_refills().enrolments if e.enrolment.enrolment_id == p.target_id),
                    None)
        if line is None:
            raise Gone(p.target_id)
        e = line.enrolment
        text = replies.say(w.lang, f"setting_summary.auto_refill_{action}", medication=line.medication,
                           strength=line.strength, pharmacy=line.pharmacy_name,
                           date=replies.date(e.next_fill_date, w.lang))
        key = digest(kind=f"auto_refill_{action}", enrolment=e.enrolment_id, status=e.status)
        return Shown(text, key, f"{line.medication} {line.strength} {line.pharmacy_name} auto refill automatic")
    return summary


def _reminder_on(w: TurnWork, p: PendingSetting) -> Shown:
    plan = w.tools.reminder_plan(rx_id=p.rx_id)
    text = replies.say(w.lang, "setting_summary.reminder_on", medication=w.named(plan.medication), strength=plan.strength,
                       date=replies.date(plan.remind_on, w.lang), time=f"{plan.send_at:%H:%M}", phone=plan.phone,
                       basis=replies.say(w.lang, f"reminder_basis.{plan.basis}"))
    key = digest(kind="reminder_on", rx=p.rx_id, at=plan.send_at, phone=plan.phone)
    return Shown(text, key, f"{plan.medication} {plan.strength} reminder text recordatorio")


def _reminder_off(w: TurnWork, p: PendingSetting) -> Shown:
    line = next((r for r in w.tools.list_reminders().reminders if r.reminder.reminder_id == p.target_id), None)
    if line is None:
        raise Gone(p.target_id)
    r = line.reminder
    text = replies.say(w.lang, "setting_summary.reminder_off", medication=line.medication,
                       date=replies.date(r.remind_on, w.lang))
    key = digest(kind="reminder_off", reminder=r.reminder_id, status=r.status)
    return Shown(text, key, f"{line.medication} reminder recordatorio")


def _texts(on: bool):
    def summary(w: TurnWork, p: PendingSetting) -> Shown:
        now = w.tools.notification_settings()
        text = replies.say(w.lang, f"setting_summary.texts_{'on' if on else 'off'}", phone=now.phone)
        return Shown(text, digest(kind="texts", on=on, phone=now.phone, was=now.sms_on), "texts text messages mensajes")
    return summary


def _write(w: TurnWork, p: PendingSetting, key: str) -> Any:
    t = w.tools
    name = p.setting
    if name == "auto_refill_on":
        return t.enrol_auto_refill(rx_id=p.rx_id, pharmacy_id=p.pharmacy_id, confirmed=True, idempotency_key=key)
    if name.startswith("auto_refill_"):
        return t.change_auto_refill(enrolment_id=p.target_id, action=name.removeprefix("auto_refill_"), confirmed=True,
                                    idempotency_key=key)
    if name == "reminder_on":
        return t.schedule_reminder(rx_id=p.rx_id, confirmed=True, idempotency_key=key)
    if name == "reminder_off":
        return t.cancel_reminder(reminder_id=p.target_id, confirmed=True, idempotency_key=key)
    return t.set_notifications(sms_on=name == "texts_on", confirmed=True, idempotency_key=key)


SUMMARIES: dict[str, Callable[[TurnWork, PendingSetting], Shown]] = {
    "auto_refill_on": _auto_refill_on,
    "auto_refill_pause": _auto_refill_change("pause"),
    "auto_refill_resume": _auto_refill_change("resume"),
    "auto_refill_stop": _auto_refill_change("stop"),
    "auto_refill_off": _auto_refill_change("stop"),
    "reminder_on": _reminder_on,
    "reminder_off": _reminder_off,
    "texts_on": _texts(True),
    "texts_off": _texts(False),
}


def propose_setting(w: TurnWork, setting: SettingName, rx_id: str | None = None, pharmacy_id: str | None = None,
                    target_id: str | None = None) -> None:
    """Show exactly what would change, and wait for its own yes."""
    if setting == "auto_refill_off":
        setting = "auto_refill_stop"
    p = PendingSetting(digest="", summary="", setting=setting, rx_id=rx_id, pharmacy_id=pharmacy_id,
                       target_id=target_id)
    shown = SUMMARIES[setting](w, p)
    p.digest, p.summary, p.facts = shown.key, shown.text, shown.facts
    propose(w, p, T.SETTING_ASKED)


@write
class SettingWrite(Write):
    kind = "setting"
    question = None  # each summary ends with its own question (what a yes would do)

    def recheck(self, w: TurnWork, p: PendingSetting) -> Recheck:
        try:
            shown = SUMMARIES[p.setting](w, p)
        except (ToolFailed, Gone):
            return Recheck(False, None)
        return Recheck(shown.key == p.digest, shown)

    def changed(self, w: TurnWork, p: PendingSetting, check: Recheck) -> None:
        if check.now is None:
            w.say("setting_failed")
            return w.go(T.SETTING_DECLINED)
        w.say("setting_changed")
        propose_setting(w, p.setting, p.rx_id, p.pharmacy_id, p.target_id)

    def execute(self, w: TurnWork, p: PendingSetting, check: Recheck) -> Any:
        return _write(w, p, f"{w.conv.write_token}:{p.digest}")

    def done(self, w: TurnWork, p: PendingSetting, result: Any) -> None:
        conv = w.conv
        if p.setting.startswith("auto_refill"):
            e = result.enrolment
            w.say(f"setting_done.{p.setting}", medication=result.medication, strength=result.strength,
                  pharmacy=result.pharmacy_name, date=replies.date(e.next_fill_date, w.lang),
                  enrolment_id=e.enrolment_id)
            conv.settings.append(e.enrolment_id)
        elif p.setting.startswith("reminder"):
            r = result.reminder
            w.say(f"setting_done.{p.setting}", medication=result.medication, date=replies.date(r.remind_on, w.lang),
                  time=f"{r.send_at:%H:%M}", reminder_id=r.reminder_id)
            conv.settings.append(r.reminder_id)
        else:
            w.say(f"setting_done.{p.setting}", phone=result.phone)
        conv.focus = Focus(kind="set", rx_id=p.rx_id, service=p.setting.split("_")[0] if not
                           p.setting.startswith("auto") else "auto_refill")
        w.outcome = f"setting_{p.setting}"
        w.go(T.SETTING_DONE)

    def failed(self, w: TurnWork, p: PendingSetting, check: Recheck, e: ToolFailed) -> None:
        known = {"already_enrolled": "setting_exists.auto_refill", "reminder_exists": "setting_exists.reminder"}
        w.say(known.get(e.reason, "setting_failed"))
        w.go(T.SETTING_DECLINED)
