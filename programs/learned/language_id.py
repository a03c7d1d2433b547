"""Language identification from a package that ships its model: langid.py (Lui & Baldwin), limited
to English and Spanish. `detect(message)` has programs/language.py's interface: 'en', 'es', or None
when the message does not say. langid always answers, so "does not say" is a message of fewer than
min_words words or one whose normalised probability is under min_prob (chosen on dev by
evals/train_reader.py, in params.json).
"""

from __future__ import annotations

import functools
import re

from programs.language import switch_request
from programs.learned import params
from programs.lexicon import norm

DEFAULTS = {"min_words": 2, "min_prob": 0.9, "switch_prob": 0.99, "switch_words": 3}
_P = params("language", DEFAULTS)


@functools.lru_cache(maxsize=1)
def _identifier():
    from langid.langid import LanguageIdentifier, model

    ident = LanguageIdentifier.from_modelstring(model, norm_probs=True)
    ident.set_languages(["en", "es"])
    return ident


def classify(message: str) -> tuple[str, float]:
    """langid's language and its probability (en vs es only)."""
    lang, prob = _identifier().classify(message)
    return str(lang), float(prob)


def detect(message: str, p: dict | None = None) -> str | None:
    p = p or _P
    if len(re.findall(r"[a-zñ']+", norm(message))) < p["min_words"]:
        return None
    lang, prob = classify(message)
    return lang if prob >= p["min_prob"] else None


def conversation_language(current: str, message: str, first: bool = False, p: dict | None = None) -> str:
    """programs/language.conversation_language with langid reading: switched on request; on the first
    message, what langid says; later only when langid is surer (switch_prob) of a longer message."""
    asked = switch_request(message)
    if asked:
        return asked
    p = p or _P
    found = detect(message, p)
    if found is None or found == current:
        return current
    if first:
        return found
    long_enough = len(re.findall(r"[a-zñ']+", norm(message))) >= p["switch_words"]
    return found if long_enough and classify(message)[1] >= p["switch_prob"] else current
