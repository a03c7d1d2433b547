"""Strength comparison for the dose rule. Parsing lives with the programs (programs.normalize)."""

from __future__ import annotations

import re

from programs.normalize import Strength, doses_per_day, parse_strength

__all__ = ["Strength", "doses_per_day", "parse_strength", "same_strength", "units_per_dose"]

# A label's directions ("Take 1 tablet by mouth...", "Inhale 2 puffs...", "Use 2 sprays..."): how
# many units make one dose. Directions that dose by strength ("Inject 0.5 mg") have no count.
_DIRECTIONS = re.compile(r"^\s*(?:take|inhale|use|inject|apply|chew|dissolve|place)\s+(\d+(?:\.\d+)?|one|two|half)\s+"
                         r"(?:tablets?|capsules?|puffs?|sprays?|mL|patch|patches|units?)\b", re.IGNORECASE)


def units_per_dose(directions: str) -> float | None:
    m = _DIRECTIONS.search(directions or "")
    if not m:
        return None
    raw = m.group(1).lower()
    return {"one": 1.0, "two": 2.0, "half": 0.5}.get(raw) or float(raw)


def same_strength(a: Strength, b: Strength) -> bool:
    """0.5 mg == 500 mcg; mass units compare in milligrams, others only with themselves."""
    return a.in_base == b.in_base
