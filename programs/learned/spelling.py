"""Typo correction of drug names from a shipped dictionary: pyspellchecker's English word list
(shipped in the package) with the catalogue's drug names added. `best_name(token, names)` has
offline._best_name's interface: the name a token most likely spells, or None.

A token the English dictionary knows ("water", "refill") is a word, not a misspelt drug; otherwise
the candidates within MAX_DISTANCE edits that are drug names decide, the most frequent first (every
drug name is added once, so ties go to the smallest edit distance, then alphabetically).
"""

from __future__ import annotations

import functools

from programs.learned import params

# pyspellchecker's Levenshtein radius, 1 or 2 (chosen on dev by evals/train_reader.py, in params.json)
MAX_DISTANCE = params("spelling", {"max_distance": 2})["max_distance"]


@functools.lru_cache(maxsize=8)
def _checker(names: frozenset[str], distance: int):
    from spellchecker import SpellChecker

    spell = SpellChecker(language="en", distance=distance)
    english = set(spell.word_frequency.keys())
    spell.word_frequency.load_words([n for n in names if " " not in n])
    return spell, english


def best_name(token: str, names: dict[str, str], distance: int = MAX_DISTANCE) -> tuple[str, float] | None:
    if token in names:
        return token, 100.0
    if len(token) < 5:
        return None
    spell, english = _checker(frozenset(names), distance)
    if token in english:
        return None
    from rapidfuzz.distance import Levenshtein

    cands = [c for c in (spell.candidates(token) or ()) if c in names]
    if not cands:
        return None
    best = min(cands, key=lambda c: (Levenshtein.distance(token, c), c))
    return best, 100.0 - 10 * Levenshtein.distance(token, best)
