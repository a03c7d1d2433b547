"""Standing services: texts to the phone on file, auto-refill and refill reminders.

A text is a row in the outbox, written in the same transaction as what it is about (an order, a reminder,
an enrolment) and sent when the world's clock reaches its send time. set_notifications,
enrol_auto_refill, change_auto_refill, schedule_reminder and cancel_reminder write: the flow calls them
only after the patient's explicit yes to a summary of exactly that setting.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import Field

from rxflow import alerts, policy
from rxflow.domain import (
    OPEN_ENROLMENT_STATUSES,
    Alert,
    AlertCode,
    Enrolment,
    MessageKind,
    Prescription,
    Reminder,
)
from rxflow.store import EnrolmentConflict, ReminderConflict, StoreError
from rxflow.tools.base import NoArgs, ToolArgs, ToolContext, ToolError, ToolOutput, tool
from rxflow.tools.pharmacy import own_pharmacy

# A reminder, and an auto-refill's notice, go out at this time of day.
SEND_AT = dt.time(9, 0)
# The automatic texts "stop texting me" cancels; a reminder is its own setting, cancelled on its own.
AUTOMATIC_TEXTS: tuple[MessageKind, ...] = ("ready", "on_its_way", "auto_refill")
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV", 5: "V"}


def _confirmed(args) -> None:
    if not args.confirmed:
        raise ToolError("refused", "A setting is changed only after the patient's explicit yes.", reason="not_confirmed")


def _names(ctx: ToolContext, rx: Prescription) -> tuple[str, str]:
    return ctx.drug_of(rx).generic_name, ctx.store.product(rx.product_id).strength_label


def _key_reused() -> ToolError:
    return ToolError("conflict", "That confirmation key was already used.", reason="key_reused")


def _repeated(ctx: ToolContext, key: str, ref_id: str, action: str) -> bool:
    """True when this key already made this change (a repeated yes: nothing more to do); key_reused when it
    made another."""
    done = ctx.store.change_by_key(key, ctx.sandbox)
    if done is None:
        return False
    if (done["ref_id"], done["action"], done["patient_id"]) != (ref_id, action, ctx.patient_id):
        raise _key_reused()
    return True


def _change(ctx: ToolContext, args, action: str) -> dict[str, Any]:
    return {"idempotency_key": args.idempotency_key, "action": action, "patient_id": ctx.patient_id,
            "placed_by": ctx.actor, "created_at": ctx.clock}


# ----------------------------------------------------------------------------- texts
class NotificationSettings(ToolOutput):
    sms_on: bool = Field(description="Texts (ready for pickup, on its way, reminders) go to the phone on file.")
    phone: str


@tool("services")
def notification_settings(ctx: ToolContext, args: NoArgs) -> NotificationSettings:
    """Whether the patient's texts are on, and the phone on file they go to.

    Texts say an order is ready for pickup (or, delivered, on its way) at its ready time, and
    send refill reminders and auto-refill notices.

    Args:
        (none)

    Returns:
        sms_on and the phone on file.
    """
    return NotificationSettings(sms_on=ctx.store.sms_opt_in(ctx.patient_id, ctx.sandbox), phone=ctx.patient.phone)


class SetNotificationsArgs(ToolArgs):
    sms_on: bool = Field(description="True to turn texts on, false to turn them off.")
    confirmed: bool = Field(description="True only after the patient said an explicit yes to the summary.")
    idempotency_key: str = Field(min_length=8, max_length=120,
                                 description="Unique per confirmation, such as 'sess-42:sms:on'.")


class NotificationChange(NotificationSettings):
    changed: bool = Field(description="False when they were already so, or this key had already set them.")


@tool("services", kind="write")
def set_notifications(ctx: ToolContext, args: SetNotificationsArgs) -> NotificationChange:
    """Turn the patient's texts on or off, after the patient explicitly confirmed it.

    Turning them off also cancels the order and auto-refill texts not sent yet (a scheduled
    refill reminder stays: cancel it with cancel_reminder). Writes one row in one transaction;
    the same idempotency key never writes twice.

    Args:
        sms_on: true for on, false for off.
        confirmed: true only after an explicit yes.
        idempotency_key: unique per confirmation, such as 'sess-42:sms:off'.

    Returns:
        Texts on or off now, the phone on file, and whether anything changed.

    Raises:
        refused when not confirmed; conflict when the key was used for another choice.
    """
    _confirmed(args)
    before = ctx.store.sms_opt_in(ctx.patient_id, ctx.sandbox)
    row, created = ctx.store.set_sms_opt_in({
        "patient_id": ctx.patient_id, "sms_opt_in": args.sms_on, "updated_at": ctx.clock, "placed_by": ctx.actor,
        "idempotency_key": args.idempotency_key}, ctx.sandbox, cancel_after=ctx.clock, cancel_kinds=AUTOMATIC_TEXTS)
    if (row["patient_id"], row["sms_opt_in"]) != (ctx.patient_id, args.sms_on):
        raise _key_reused()
    return NotificationChange(sms_on=args.sms_on, phone=ctx.patient.phone, changed=created and before != args.sms_on)


class OutboxMessage(ToolOutput):
    message_id: str
    kind: MessageKind
    facts: dict[str, Any] = Field(description="What it says, as data (medication, pharmacy, times...), for "
                                               "rendering it in another language.")
    body: str = Field(description="The text in English.")
    send_at: dt.datetime


class Outbox(ToolOutput):
    phone: str
    sms_on: bool
    messages: list[OutboxMessage] = Field(description="The texts sent by now (the world's clock), oldest first.")
    scheduled: int = Field(description="Texts still to be sent (not cancelled).")
    next_at: dt.datetime | None = Field(description="When the next one goes out; None when none is scheduled.")


@tool("services")
def outbox(ctx: ToolContext, args: NoArgs) -> Outbox:
    """The texts the patient's phone has received by now (the world's clock), and how many are still to come.

    Args:
        (none)

    Returns:
        The phone on file, whether texts are on, the texts sent (kind: ready / on_its_way /
        reminder / auto_refill, their facts, the English body and send time), the number still
        scheduled and when the next one goes out.
    """
    live = [m for m in ctx.store.messages(ctx.patient_id, ctx.sandbox) if not m.cancelled]
    sent = [m for m in live if m.send_at <= ctx.clock]
    later = [m.send_at for m in live if m.send_at > ctx.clock]
    return Outbox(phone=ctx.patient.phone, sms_on=ctx.store.sms_opt_in(ctx.patient_id, ctx.sandbox),
                  messages=[OutboxMessage(message_id=m.message_id, kind=m.kind, facts=m.facts, body=m.body,
                                          send_at=m.send_at) for m in sent],
                  scheduled=len(later), next_at=min(later, default=None))


# ----------------------------------------------------------------------------- auto-refill
def refuses_every_refill(ctx: ToolContext, rx: Prescription) -> list[Alert]:
    """The rules that would refuse every refill of `rx`, so that no standing setting can fill it: a controlled
    substance (each fill is asked for), no refills left, expired, not active."""
    drug = ctx.drug_of(rx)
    found = [a for a in policy.evaluate(ctx.refill_case(rx)).blocking
             if a.code in (AlertCode.DISCONTINUED, AlertCode.EXPIRED, AlertCode.NO_REFILLS, AlertCode.CONTROLLED_C2)]
    if drug.dea_schedule:
        code = AlertCode.CONTROLLED_C2 if drug.dea_schedule == 2 else AlertCode.CONTROLLED_SUBSTANCE
        if code not in {a.code for a in found}:
            found.append(alerts.make(code, f"{drug.generic_name} is a Schedule {ROMAN[drug.dea_schedule]} controlled "
                                           "substance.", rx_id=rx.rx_id, drug=drug.generic_name,
                                     schedule=ROMAN[drug.dea_schedule]))
    return found


def _refuse_auto_refill(ctx: ToolContext, rx: Prescription) -> None:
    found = refuses_every_refill(ctx, rx)
    if found:
        codes = [a.code.value for a in found]
        raise ToolError("refused", f"{rx.rx_id} cannot go on auto-refill ({', '.join(codes)}).", {"alerts": codes},
                        reason="auto_refill_refused")


def next_fill_date(ctx: ToolContext, rx: Prescription) -> dt.date:
    """The day the rules allow the next refill: the too-soon rule's earliest date, or today when it is due."""
    plan = ctx.store.plan(ctx.patient.plan_id)
    earliest = policy.earliest_refill_date(rx, plan.too_soon_threshold if plan else policy.DEFAULT_TOO_SOON)
    return max(ctx.today, earliest) if earliest else ctx.today


def last_pharmacy(ctx: ToolContext, rx: Prescription) -> str | None:
    fills = ctx.store.fills(rx.rx_id)
    return fills[-1]["pharmacy_id"] if fills else None


def _auto_refill_text(ctx: ToolContext, rx: Prescription, pharmacy, day: dt.date) -> dict[str, Any] | None:
    """The notice of an auto-refill's next fill, at 09:00 on its day (now, when that has passed), if texts are on."""
    if not ctx.store.sms_opt_in(ctx.patient_id, ctx.sandbox):
        return None
    medication, strength = _names(ctx, rx)
    return {"patient_id": ctx.patient_id, "kind": "auto_refill",
            "facts": {"rx_id": rx.rx_id, "medication": medication, "strength": strength,
                      "pharmacy_id": pharmacy.pharmacy_id, "pharmacy_name": pharmacy.name, "fill_date": day},
            "body": f"RxFlow: your {medication} {strength} is due for its auto refill ({{ref_id}}) at {pharmacy.name} "
                    "today; we'll text you when it is ready.",
            "send_at": max(ctx.clock, dt.datetime.combine(day, SEND_AT)), "created_at": ctx.clock}


class AutoRefillPlanArgs(ToolArgs):
    rx_id: str = Field(description="The prescription to put on auto-refill, such as 'RX1003'.")
    pharmacy_id: str | None = Field(None, description="Where to fill it, such as 'PH004'; left out: where it was "
                                                      "last filled.")


class AutoRefillPlan(ToolOutput):
    rx_id: str
    medication: str
    strength: str
    quantity: int
    days_supply: int
    pharmacy_id: str
    pharmacy_name: str
    next_fill_date: dt.date = Field(description="The day the rules allow the next refill (today when it is due).")
    due_now: bool
    refills_left: int
    sms_on: bool = Field(description="Each fill is texted when ready while texts are on.")
    phone: str


@tool("services")
def auto_refill_plan(ctx: ToolContext, args: AutoRefillPlanArgs) -> AutoRefillPlan:
    """What putting a prescription on auto-refill would set up: where, when the next fill is, how many refills are left.

    The pharmacy is where it was last filled unless one is named; the next fill is on the day
    the refill rules allow it (today when it is due). Refused where the rules would refuse
    every refill: a controlled substance, no refills left, expired or inactive. Nothing is written.

    Args:
        rx_id: such as 'RX1003'.
        pharmacy_id: such as 'PH004'; left out, where it was last filled.

    Returns:
        The medication and dose, the pharmacy, the next fill date, refills left, and whether
        texts are on (each fill is texted when ready).

    Raises:
        refused (auto_refill_refused, the rules' codes in `alerts`); not_found / forbidden for an
        unknown pharmacy or another patient's prescription.
    """
    rx = ctx.own_prescription(args.rx_id)
    _refuse_auto_refill(ctx, rx)
    pharmacy_id = args.pharmacy_id or last_pharmacy(ctx, rx)
    if pharmacy_id is None:  # never filled: the closest
        p = ctx.patient
        pharmacy_id = ctx.store.pharmacies_by_distance(p.lat, p.lon)[0]["pharmacy_id"]
    ph = own_pharmacy(ctx, pharmacy_id)
    medication, strength = _names(ctx, rx)
    day = next_fill_date(ctx, rx)
    return AutoRefillPlan(rx_id=rx.rx_id, medication=medication, strength=strength, quantity=rx.quantity,
                          days_supply=rx.days_supply, pharmacy_id=ph.pharmacy_id, pharmacy_name=ph.name,
                          next_fill_date=day, due_now=day <= ctx.today, refills_left=rx.refills_remaining,
                          sms_on=ctx.store.sms_opt_in(ctx.patient_id, ctx.sandbox), phone=ctx.patient.phone)


class EnrolArgs(ToolArgs):
    rx_id: str = Field(description="The prescription, such as 'RX1003'.")
    pharmacy_id: str = Field(description="Where each refill is filled, such as 'PH004'.")
    confirmed: bool = Field(description="True only after the patient said an explicit yes to the summary.")
    idempotency_key: str = Field(min_length=8, max_length=120,
                                 description="Unique per confirmation, such as 'sess-42:auto:RX1003'.")


class EnrolmentLine(ToolOutput):
    enrolment: Enrolment
    medication: str
    strength: str
    pharmacy_name: str


def _enrolment_line(ctx: ToolContext, e: Enrolment) -> dict:
    rx = ctx.own_prescription(e.rx_id)
    medication, strength = _names(ctx, rx)
    return {"enrolment": e, "medication": medication, "strength": strength,
            "pharmacy_name": ctx.store.pharmacy(e.pharmacy_id).name}


class EnrolmentReceipt(EnrolmentLine):
    created: bool = Field(description="False when this key had already set it up (a repeated yes).")


@tool("services", kind="write")
def enrol_auto_refill(ctx: ToolContext, args: EnrolArgs) -> EnrolmentReceipt:
    """Put a prescription on auto-refill at a pharmacy, after the patient explicitly confirmed the summary.

    Each refill is then filled on the day the rules allow it, and texted when ready. Checks
    again what auto_refill_plan checks. Writes one enrolment (with its next fill's notice, when
    texts are on) in one transaction; the same idempotency key never writes a second one.

    Args:
        rx_id: such as 'RX1003'.
        pharmacy_id: such as 'PH004'.
        confirmed: true only after an explicit yes.
        idempotency_key: unique per confirmation, such as 'sess-42:auto:RX1003'.

    Returns:
        The enrolment (id such as 'AR-40001', status active, next fill date) and whether it was
        newly created.

    Raises:
        refused when not confirmed or refused by the rules (auto_refill_refused); conflict when
        the prescription is on auto-refill already (already_enrolled, its id in enrolment_id).
    """
    _confirmed(args)
    rx = ctx.own_prescription(args.rx_id)
    ph = own_pharmacy(ctx, args.pharmacy_id)
    prior = ctx.store.enrolment_by_key(args.idempotency_key, ctx.sandbox)
    if prior is not None and (prior.patient_id, prior.rx_id, prior.idempotency_key) != (
            ctx.patient_id, rx.rx_id, args.idempotency_key):
        raise _key_reused()
    day = next_fill_date(ctx, rx)
    if prior is None:
        _refuse_auto_refill(ctx, rx)
    try:
        e, created = ctx.store.insert_enrolment({
            "patient_id": ctx.patient_id, "rx_id": rx.rx_id, "pharmacy_id": ph.pharmacy_id, "status": "active",
            "next_fill_date": day, "created_at": ctx.clock, "updated_at": ctx.clock, "placed_by": ctx.actor,
            "idempotency_key": args.idempotency_key}, ctx.sandbox, text=_auto_refill_text(ctx, rx, ph, day))
    except EnrolmentConflict as err:
        raise ToolError("conflict", f"{rx.rx_id} is on auto-refill already ({err.enrolment_id}).",
                        {"enrolment_id": err.enrolment_id}, reason="already_enrolled") from err
    return EnrolmentReceipt(**_enrolment_line(ctx, e), created=created)


class AutoRefills(ToolOutput):
    enrolments: list[EnrolmentLine]


@tool("services")
def list_auto_refills(ctx: ToolContext, args: NoArgs) -> AutoRefills:
    """The patient's prescriptions on auto-refill (active, paused or stopped), newest first.

    Args:
        (none)

    Returns:
        Each enrolment: its id (such as 'AR-40001'), status, pharmacy and next fill date, and the
        medication and dose.
    """
    return AutoRefills(enrolments=[EnrolmentLine(**_enrolment_line(ctx, e))
                                   for e in ctx.store.enrolments(ctx.patient_id, ctx.sandbox)])


class ChangeAutoRefillArgs(ToolArgs):
    enrolment_id: str = Field(pattern=r"^(?i:AR-\d{1,9})$", description="The auto-refill, such as 'AR-40001'.")
    action: Literal["pause", "resume", "stop"] = Field(description="pause, resume or stop, such as 'pause'.")
    confirmed: bool = Field(description="True only after the patient said an explicit yes to the summary.")
    idempotency_key: str = Field(min_length=8, max_length=120,
                                 description="Unique per confirmation, such as 'sess-42:AR-40001:pause'.")


class EnrolmentChange(EnrolmentLine):
    changed: bool = Field(description="False when it was already so, or this key had already changed it.")


_ACTION = {"pause": ("paused", ("active",)), "resume": ("active", ("paused",)), "stop": ("stopped", OPEN_ENROLMENT_STATUSES)}


@tool("services", kind="write")
def change_auto_refill(ctx: ToolContext, args: ChangeAutoRefillArgs) -> EnrolmentChange:
    """Pause, resume or stop one of the patient's auto-refills, after the patient explicitly confirmed it.

    A pause or stop cancels the next fill's notice not sent yet; a resume sets the next fill
    date again (checking the rules as enrol_auto_refill does). A stopped auto-refill cannot be
    changed: set up a new one. The same idempotency key never changes it twice.

    Args:
        enrolment_id: such as 'AR-40001'.
        action: 'pause', 'resume' or 'stop'.
        confirmed: true only after an explicit yes.
        idempotency_key: unique per confirmation, such as 'sess-42:AR-40001:stop'.

    Returns:
        The enrolment as it is now and whether it changed.

    Raises:
        refused when not confirmed (or a resume the rules refuse); conflict for a stopped one
        (enrolment_stopped); not_found / forbidden for an unknown number or another's.
    """
    _confirmed(args)
    e = ctx.own_enrolment(args.enrolment_id)
    status, allowed = _ACTION[args.action]
    if _repeated(ctx, args.idempotency_key, e.enrolment_id, args.action):
        return EnrolmentChange(**_enrolment_line(ctx, e), changed=False)
    if e.status == status:
        return EnrolmentChange(**_enrolment_line(ctx, e), changed=False)
    if e.status == "stopped":
        raise ToolError("conflict", f"Auto-refill {e.enrolment_id} is stopped; set up a new one instead.",
                        reason="enrolment_stopped")
    rx = ctx.own_prescription(e.rx_id)
    day, text = None, None
    if args.action == "resume":
        _refuse_auto_refill(ctx, rx)
        day = next_fill_date(ctx, rx)
        text = _auto_refill_text(ctx, rx, ctx.store.pharmacy(e.pharmacy_id), day)
    try:
        e, changed = ctx.store.change_enrolment(e.enrolment_id, status, allowed, _change(ctx, args, args.action),
                                                next_fill_date=day, sandbox=ctx.sandbox, text=text)
    except StoreError as err:  # lost a race with another change
        raise ToolError("conflict", str(err), reason="status_changed") from err
    return EnrolmentChange(**_enrolment_line(ctx, e), changed=changed)


# ----------------------------------------------------------------------------- reminders
class ReminderPlanArgs(ToolArgs):
    rx_id: str = Field(description="The prescription to be reminded of, such as 'RX1001'.")


Basis = Literal["refill_allowed", "supply_ends", "tomorrow"]


class ReminderPlan(ToolOutput):
    rx_id: str
    medication: str
    strength: str
    remind_on: dt.date
    send_at: dt.datetime = Field(description="09:00 on remind_on.")
    basis: Basis = Field(description="refill_allowed: the day the rules allow the refill; supply_ends: it is allowed "
                                     "already, the day the last fill runs out; tomorrow: both have passed.")
    phone: str
    sms_on: bool = Field(description="The patient's texts are on (a reminder asked for is sent either way).")
    blocked_by: list[str] = Field(description="Rules that would still refuse the refill then (no refills, expired, "
                                              "controlled...): the reminder should say what to do instead.")


def remind_on(ctx: ToolContext, rx: Prescription) -> tuple[dt.date, Basis]:
    """The reminder's day: the day the refill is allowed if that is after today; else the day the supply runs
    out (last fill + days supply) if after today; else tomorrow."""
    plan = ctx.store.plan(ctx.patient.plan_id)
    earliest = policy.earliest_refill_date(rx, plan.too_soon_threshold if plan else policy.DEFAULT_TOO_SOON)
    if earliest is not None and earliest > ctx.today:
        return earliest, "refill_allowed"
    if rx.last_fill_date is not None and rx.last_fill_date + dt.timedelta(days=rx.days_supply) > ctx.today:
        return rx.last_fill_date + dt.timedelta(days=rx.days_supply), "supply_ends"
    return ctx.today + dt.timedelta(days=1), "tomorrow"


@tool("services")
def reminder_plan(ctx: ToolContext, args: ReminderPlanArgs) -> ReminderPlan:
    """When a refill reminder for a prescription would be texted, to which phone, and why that day.

    At 09:00 on the day the refill rules allow the refill; if it is allowed already, on the day
    the last fill's supply runs out; if that has passed too, tomorrow. Nothing is written.

    Args:
        rx_id: such as 'RX1001'.

    Returns:
        The day and time, the basis (refill_allowed / supply_ends / tomorrow), the phone on file,
        whether texts are on, and any rule that would still refuse the refill.

    Raises:
        not_found / forbidden for another patient's prescription.
    """
    rx = ctx.own_prescription(args.rx_id)
    day, basis = remind_on(ctx, rx)
    medication, strength = _names(ctx, rx)
    return ReminderPlan(rx_id=rx.rx_id, medication=medication, strength=strength, remind_on=day,
                        send_at=dt.datetime.combine(day, SEND_AT), basis=basis, phone=ctx.patient.phone,
                        sms_on=ctx.store.sms_opt_in(ctx.patient_id, ctx.sandbox),
                        blocked_by=[a.code.value for a in refuses_every_refill(ctx, rx)])


class ScheduleReminderArgs(ToolArgs):
    rx_id: str = Field(description="The prescription, such as 'RX1001'.")
    confirmed: bool = Field(description="True only after the patient said an explicit yes to the summary.")
    idempotency_key: str = Field(min_length=8, max_length=120,
                                 description="Unique per confirmation, such as 'sess-42:remind:RX1001'.")


class ReminderLine(ToolOutput):
    reminder: Reminder
    medication: str
    strength: str
    sent: bool = Field(description="Its text has gone out (the world's clock is past send_at).")


def _reminder_line(ctx: ToolContext, r: Reminder) -> dict:
    medication, strength = _names(ctx, ctx.own_prescription(r.rx_id))
    return {"reminder": r, "medication": medication, "strength": strength,
            "sent": r.status == "scheduled" and r.send_at <= ctx.clock}


class ReminderReceipt(ReminderLine):
    created: bool = Field(description="False when this key had already scheduled it (a repeated yes).")
    phone: str


@tool("services", kind="write")
def schedule_reminder(ctx: ToolContext, args: ScheduleReminderArgs) -> ReminderReceipt:
    """Schedule a refill reminder (a text to the phone on file), after the patient explicitly confirmed the summary.

    The day is reminder_plan's. Writes the reminder and its text in one transaction; the same
    idempotency key never writes a second one, and a prescription has one reminder to come at
    a time.

    Args:
        rx_id: such as 'RX1001'.
        confirmed: true only after an explicit yes.
        idempotency_key: unique per confirmation, such as 'sess-42:remind:RX1001'.

    Returns:
        The reminder (id such as 'REM-40001', day and time), the phone, and whether it was newly
        created.

    Raises:
        refused when not confirmed; conflict when one is scheduled already (reminder_exists, its
        id in reminder_id); not_found / forbidden for another patient's prescription.
    """
    _confirmed(args)
    rx = ctx.own_prescription(args.rx_id)
    prior = ctx.store.reminder_by_key(args.idempotency_key, ctx.sandbox)
    if prior is not None and (prior.patient_id, prior.rx_id, prior.idempotency_key) != (
            ctx.patient_id, rx.rx_id, args.idempotency_key):
        raise _key_reused()
    day, basis = remind_on(ctx, rx)
    send_at = dt.datetime.combine(day, SEND_AT)
    medication, strength = _names(ctx, rx)
    when = {"refill_allowed": "can be refilled from today", "supply_ends": "runs out today",
            "tomorrow": "is due for a refill"}[basis]
    text = {"patient_id": ctx.patient_id, "kind": "reminder",
            "facts": {"rx_id": rx.rx_id, "medication": medication, "strength": strength, "remind_on": day,
                      "basis": basis},
            "body": f"RxFlow reminder: your {medication} {strength} {when}. Reply or open RxFlow to refill it.",
            "send_at": send_at, "created_at": ctx.clock}
    try:
        r, created = ctx.store.insert_reminder({
            "patient_id": ctx.patient_id, "rx_id": rx.rx_id, "remind_on": day, "send_at": send_at,
            "status": "scheduled", "created_at": ctx.clock, "placed_by": ctx.actor,
            "idempotency_key": args.idempotency_key}, text, ctx.sandbox)
    except ReminderConflict as err:
        raise ToolError("conflict", f"A reminder for {rx.rx_id} is scheduled already ({err.reminder_id}).",
                        {"reminder_id": err.reminder_id}, reason="reminder_exists") from err
    return ReminderReceipt(**_reminder_line(ctx, r), created=created, phone=ctx.patient.phone)


class Reminders(ToolOutput):
    reminders: list[ReminderLine]


@tool("services")
def list_reminders(ctx: ToolContext, args: NoArgs) -> Reminders:
    """The patient's refill reminders (scheduled, sent or cancelled), newest first.

    Args:
        (none)

    Returns:
        Each reminder: its id (such as 'REM-40001'), day and time, status, whether it was sent,
        and the medication and dose.
    """
    return Reminders(reminders=[ReminderLine(**_reminder_line(ctx, r))
                                for r in ctx.store.reminders(ctx.patient_id, ctx.sandbox)])


class CancelReminderArgs(ToolArgs):
    reminder_id: str = Field(pattern=r"^(?i:REM-\d{1,9})$", description="The reminder, such as 'REM-40001'.")
    confirmed: bool = Field(description="True only after the patient said an explicit yes to the summary.")
    idempotency_key: str = Field(min_length=8, max_length=120,
                                 description="Unique per confirmation, such as 'sess-42:REM-40001:cancel'.")


class ReminderChange(ReminderLine):
    changed: bool = Field(description="False when this key had already cancelled it (a repeated yes).")


@tool("services", kind="write")
def cancel_reminder(ctx: ToolContext, args: CancelReminderArgs) -> ReminderChange:
    """Cancel one of the patient's refill reminders, after the patient explicitly confirmed it.

    Its text, if not sent yet, is cancelled with it. The same idempotency key never cancels twice.

    Args:
        reminder_id: such as 'REM-40001'.
        confirmed: true only after an explicit yes.
        idempotency_key: unique per confirmation, such as 'sess-42:REM-40001:cancel'.

    Returns:
        The reminder, now cancelled, and whether it changed.

    Raises:
        refused when not confirmed; conflict when already cancelled; not_found / forbidden for an
        unknown number or another patient's reminder.
    """
    _confirmed(args)
    r = ctx.own_reminder(args.reminder_id)
    if _repeated(ctx, args.idempotency_key, r.reminder_id, "cancel"):
        return ReminderChange(**_reminder_line(ctx, r), changed=False)
    if r.status == "cancelled":
        raise ToolError("conflict", f"Reminder {r.reminder_id} is already cancelled.", reason="already_cancelled")
    try:
        r, changed = ctx.store.cancel_reminder(r.reminder_id, _change(ctx, args, "cancel"), sandbox=ctx.sandbox)
    except StoreError as err:  # lost a race with another cancellation
        raise ToolError("conflict", str(err), reason="status_changed") from err
    return ReminderChange(**_reminder_line(ctx, r), changed=changed)
