"""Learned reading components, each behind the interface of the rule it might replace, and the
record of which of them the offline reader uses.

- slots_crf: a CRF (python-crfsuite) tagging drug, strength, frequency and count spans, vs the rules'
  find_mentions / find_strengths (programs/offline.py, programs/normalize.py).
- language_id: langid.py's packaged model, restricted to English and Spanish, vs programs/language.py.
- spelling: pyspellchecker's shipped English dictionary plus the catalogue's drug names, vs the rules'
  rapidfuzz matching of a misspelt drug name (offline._best_name).
- intent: the learned student's intent classifier (programs/student.py), vs offline._act.

Which one reads is decided by evals/reader_compare.py on the blind probe sets (a learned component is
used only where it beats the rules there and does not lose on dev) and written to choice.json beside
this file; `uses(name)` reads it. A test checks that the file follows from the comparison.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
CHOICE = HERE / "choice.json"
PARAMS = HERE / "params.json"  # what evals/train_reader.py chose on dev for each component
COMPONENTS = ("drug", "strength", "language", "spelling", "intent")


@functools.lru_cache(maxsize=1)
def choice() -> dict[str, bool]:
    """component -> whether the offline reader uses the learned one (all False without the file)."""
    if not CHOICE.exists():
        return dict.fromkeys(COMPONENTS, False)
    return {c: bool(json.loads(CHOICE.read_text())["learned"].get(c, False)) for c in COMPONENTS}


def params(component: str, defaults: dict) -> dict:
    """The component's settings chosen on dev, over its defaults (the defaults without the file)."""
    chosen = json.loads(PARAMS.read_text()).get(component, {}) if PARAMS.exists() else {}
    return {**defaults, **chosen}


def uses(component: str) -> bool:
    return choice()[component]
