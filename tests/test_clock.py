"""The world's clock: settings, ready times from opening hours, delivery windows, a context's time."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import TODAY

from rxflow import clock
from rxflow.config import Settings
from rxflow.tools import ToolContext

T = dt.datetime.fromisoformat


@pytest.fixture
def ph(store):
    return store.pharmacy


def test_settings_pin_the_clock_and_today_follows_it():
    s = Settings(_env_file=None, now="2026-11-25T21:30")
    assert (s.now, s.today, s.timezone) == (T("2026-11-25T21:30"), dt.date(2026, 11, 25), "America/New_York")
    assert clock.world_now(s) == T("2026-11-25T21:30")
    assert clock.world_now(s, dt.timedelta(hours=3)) == T("2026-11-26T00:30")
    # An offset given is the same moment in the world's zone (Eastern, UTC-5 in November).
    assert Settings(_env_file=None, now="2026-11-25T02:30:00+00:00").now == T("2026-11-24T21:30")


def test_unpinned_the_clock_is_today_at_the_time_of_day_in_the_zone(monkeypatch):
    monkeypatch.delenv("RXFLOW_NOW", raising=False)
    s = Settings(_env_file=None)
    assert s.now is None and s.today == TODAY
    now = clock.world_now(s)
    assert now.date() == TODAY and now.tzinfo is None and now.microsecond == 0
    assert abs(dt.datetime.combine(TODAY, clock.time_of_day(s.timezone)) - now) < dt.timedelta(seconds=5)


@pytest.mark.parametrize("placed,expected", [
    ("2026-11-24T21:30", "2026-11-25T10:50"),  # closed (10:00-20:30): from the next opening
    ("2026-11-24T05:00", "2026-11-24T10:50"),  # not open yet: the same day
    ("2026-11-24T12:00", "2026-11-24T12:50"),  # open: the wait from now
    ("2026-11-24T20:00", "2026-11-25T10:20"),  # the wait runs past closing: 30 min today, 20 after opening
    ("2026-11-24T20:30", "2026-11-25T10:50"),  # closing time itself is closed
])
def test_ready_time_counts_the_wait_while_open(ph, placed, expected):
    assert clock.ready_at(ph("PH004"), T(placed), 50) == T(expected)


def test_a_24_hour_pharmacy_is_always_open(ph):
    assert clock.is_open(ph("PH006"), T("2026-11-24T03:00")) and not clock.is_open(ph("PH004"), T("2026-11-24T03:00"))
    assert clock.ready_at(ph("PH006"), T("2026-11-24T23:50"), 25) == T("2026-11-25T00:15")
    assert clock.next_opening(ph("PH006"), T("2026-11-24T03:00")) == T("2026-11-24T03:00")


def test_a_wait_longer_than_a_day_of_opening_goes_on_the_day_after(ph):
    # PH007 is open 09:00-18:00 (9 hours): 10 hours of wait from 09:00 end at 10:00 the next day.
    assert clock.ready_at(ph("PH007"), T("2026-11-24T09:00"), 600) == T("2026-11-25T10:00")


@pytest.mark.parametrize("pharmacy,ready,window", [
    ("PH001", "2026-11-24T13:59", ("2026-11-24T16:00", "2026-11-24T20:00")),  # by the 14:00 cut-off: today
    ("PH001", "2026-11-24T14:00", ("2026-11-24T16:00", "2026-11-24T20:00")),
    ("PH001", "2026-11-24T14:01", ("2026-11-25T16:00", "2026-11-25T20:00")),  # after it: tomorrow
    ("PH006", "2026-11-24T17:30", ("2026-11-24T19:00", "2026-11-24T22:00")),
    ("PH003", "2026-11-25T10:50", ("2026-11-25T15:00", "2026-11-25T18:00")),
    ("PH004", "2026-11-25T10:50", ("2026-11-28T09:00", "2026-11-28T20:00")),  # mail: 3 days
])
def test_delivery_windows(ph, pharmacy, ready, window):
    assert clock.delivery_window(ph(pharmacy), T(ready)) == (T(window[0]), T(window[1]))


@pytest.mark.parametrize("pharmacy", ["PH007", "PH009", "PH010"])
def test_pharmacies_that_do_not_deliver_have_no_window(ph, pharmacy):
    assert ph(pharmacy).delivery == "" and clock.delivery_window(ph(pharmacy), T("2026-11-24T10:00")) is None


def test_a_context_tells_one_time(store):
    pinned = ToolContext(store, "P001", TODAY, now=T("2026-11-24T21:30:15.5"))
    assert pinned.clock == T("2026-11-24T21:30:15")
    free = ToolContext(store, "P001", TODAY)
    first = free.clock
    assert first.date() == TODAY and free.clock is first  # read once: every answer of a turn agrees
