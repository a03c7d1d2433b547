"""The world's clock: what time it is in the world, and when a pharmacy is open, has an order ready and delivers.

The world has one time zone (settings.timezone) and every time in it is naive world-local time, as the
store keeps it. The world's date is pinned (settings.today) so that evals are reproducible; its time of
day is the real one in the world's zone, unless settings.now pins that too (RXFLOW_NOW, such as
'2026-11-24T21:30'), which is how an eval or a probe says "it is 9:30 at night".

Everything below the clock itself is a pure function over a Pharmacy and a time.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from rxflow.domain import Pharmacy

DAY = dt.timedelta(days=1)
# A mailed parcel arrives on its day between these hours (the carrier gives no narrower window).
MAIL_HOURS = (dt.time(9, 0), dt.time(20, 0))


def time_of_day(timezone: str) -> dt.time:
    """The real time of day in the world's zone, to the second (the machine's own zone when that zone
    is unknown to this system, rather than no clock at all)."""
    try:
        now = dt.datetime.now(ZoneInfo(timezone))
    except ZoneInfoNotFoundError:
        now = dt.datetime.now()
    return now.time().replace(microsecond=0, tzinfo=None)


def on_day(day: dt.date, timezone: str) -> dt.datetime:
    """`day` at the current time of day in the world's zone."""
    return dt.datetime.combine(day, time_of_day(timezone))


def world_now(settings, offset: dt.timedelta = dt.timedelta(0)) -> dt.datetime:
    """The world's time now (naive, world-local): settings.now when pinned, else settings.today at the
    current time of day in the world's zone; `offset` moves it (the demo page's "later" control)."""
    base = settings.now if settings.now is not None else on_day(settings.today, settings.timezone)
    return base + offset


def _hm(value: str) -> dt.time:
    return dt.time.fromisoformat(value)


def is_open(ph: Pharmacy, at: dt.datetime) -> bool:
    """Whether the pharmacy is open at `at` (a 24-hour pharmacy always is)."""
    return ph.is_24h or _hm(ph.opens) <= at.time() < _hm(ph.closes)


def next_opening(ph: Pharmacy, at: dt.datetime) -> dt.datetime:
    """`at` itself when the pharmacy is open then, else the next time it opens."""
    if is_open(ph, at):
        return at
    opens = dt.datetime.combine(at.date(), _hm(ph.opens))
    return opens if at < opens else opens + DAY


def ready_at(ph: Pharmacy, placed_at: dt.datetime, wait_minutes: int) -> dt.datetime:
    """When an order placed at `placed_at` is ready: the typical wait counted from `placed_at`, or from
    the next opening when the pharmacy is closed; a wait that runs past closing goes on at the next
    opening (the pharmacy fills orders only while open). A 24-hour pharmacy: placed_at + wait."""
    left = dt.timedelta(minutes=wait_minutes)
    if ph.is_24h:
        return placed_at + left
    start = next_opening(ph, placed_at)
    while True:
        closes = dt.datetime.combine(start.date(), _hm(ph.closes))
        if start + left <= closes:
            return start + left
        left -= closes - start
        start = dt.datetime.combine(start.date() + DAY, _hm(ph.opens))


def delivery_window(ph: Pharmacy, ready: dt.datetime) -> tuple[dt.datetime, dt.datetime] | None:
    """When a delivery from this pharmacy of an order ready at `ready` arrives, or None when it does not
    deliver. Courier: that day in the pharmacy's window when ready by its same-day cut-off, else the
    next day; mail: `delivery_window` days after the ready date ('3 days'), between 09:00 and 20:00."""
    if ph.delivery == "courier":
        day = ready.date() if ready.time() <= _hm(ph.delivery_cutoff) else ready.date() + DAY
        start, end = (_hm(t) for t in ph.delivery_window.split("-"))
        return dt.datetime.combine(day, start), dt.datetime.combine(day, end)
    if ph.delivery == "mail":
        day = ready.date() + dt.timedelta(days=int(ph.delivery_window.split()[0]))
        return dt.datetime.combine(day, MAIL_HOURS[0]), dt.datetime.combine(day, MAIL_HOURS[1])
    return None
