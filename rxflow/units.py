"""Strength comparison for the dose rule. Parsing lives with the programs (programs.normalize)."""

from __future__ import annotations

from programs.normalize import Strength, doses_per_day, parse_strength

__all__ = ["Strength", "doses_per_day", "parse_strength", "same_strength"]


def same_strength(a: Strength, b: Strength) -> bool:
    """0.5 mg == 500 mcg; mass units compare in milligrams, others only with themselves."""
    return a.in_base == b.in_base
