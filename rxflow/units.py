"""Strength and frequency normalisation, so that 0.5 mg == 500 mcg and 'bid' == 'twice daily'."""

from __future__ import annotations

import re
from typing import NamedTuple

from programs.types import FREQUENCY_PER_DAY

# Mass units convert to milligrams; the others compare only with themselves.
_TO_MG = {"mg": 1.0, "mcg": 0.001, "g": 1000.0}
_UNIT_ALIASES = {
    "milligram": "mg", "milligrams": "mg", "mgs": "mg", "mg": "mg",
    "microgram": "mcg", "micrograms": "mcg", "mcg": "mcg", "µg": "mcg", "ug": "mcg",
    "gram": "g", "grams": "g", "g": "g",
    "ml": "mL", "milliliter": "mL", "milliliters": "mL",
    "unit": "units", "units": "units", "meq": "mEq",
}
_STRENGTH = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([a-zA-Zµ]+)?(?:/[\w]+)?\s*$")


class Strength(NamedTuple):
    value: float
    unit: str

    @property
    def in_base(self) -> tuple[float, str]:
        """(value, unit) in a comparable base: milligrams for mass units."""
        if self.unit in _TO_MG:
            return round(self.value * _TO_MG[self.unit], 6), "mg"
        return self.value, self.unit

    def __str__(self) -> str:
        return f"{self.value:g} {self.unit}"


def parse_strength(text: str | None) -> Strength | None:
    """'10 mg' -> Strength(10, 'mg'); '500mcg' -> (500, 'mcg'). None when it is not a strength."""
    if not text:
        return None
    m = _STRENGTH.match(text)
    if not m:
        return None
    unit = _UNIT_ALIASES.get((m.group(2) or "").lower())
    if unit is None:
        return None
    return Strength(float(m.group(1)), unit)


def same_strength(a: Strength, b: Strength) -> bool:
    return a.in_base == b.in_base


def doses_per_day(frequency: str | None) -> float | None:
    """The doses a day a frequency means: a canonical name, or a prescription's own wording."""
    if not frequency:
        return None
    f = frequency.lower()
    if f in FREQUENCY_PER_DAY:
        return FREQUENCY_PER_DAY[f]
    # Prescription wordings add timing ("once daily at bedtime"): the count is what matters.
    for name in sorted(FREQUENCY_PER_DAY, key=len, reverse=True):
        if f.startswith(name) and name != "as needed":
            return FREQUENCY_PER_DAY[name]
    if "every 4 to 6 hours" in f:
        return FREQUENCY_PER_DAY["every 4 hours"]
    return None
