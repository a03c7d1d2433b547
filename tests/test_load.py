"""A small load run in the suite: 8 concurrent API sessions, 10 turns each, no errors, no cross-talk.
(The 50-session benchmark is `python -m evals.load`.)"""

from __future__ import annotations

import pytest

from evals.load import drive, foreign_words


@pytest.mark.slow
def test_eight_concurrent_sessions(served, store):
    url, _ = served
    report = drive(url, sessions=8, turns=10, foreign=foreign_words(store))
    assert report["errors"] == 0, report["error_samples"]
    assert report["crosstalk"] == 0, report["crosstalk_samples"]
    assert report["turns"] == 80


def test_crosstalk_detector_can_fire(store):
    foreign = foreign_words(store)
    assert "sertraline 50 mg" in foreign["P001"] and "Linda" in foreign["P001"]
    assert "lisinopril 20 mg" in foreign["P001"]  # P005's strength of a drug P001 also takes
    assert "lisinopril 10 mg" not in foreign["P001"]  # her own
