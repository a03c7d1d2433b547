"""A CRF slot tagger (python-crfsuite: a compiled package, no model download) for drug, strength,
frequency and count spans, trained by `python -m evals.train_reader` on the train split's spans
(derived from the labels as evals/reader_data.py says) and saved beside this file (slots.crfsuite).

`mentions(message, names, places)` has find_mentions' interface (programs/offline.py): the tagger
finds where a drug is written; the same name matching as the rules (offline._best_name) says which
drug a tagged span is, so the comparison isolates finding the span. `strength_value(message)` is the
number of the first strength span, as the rules' find_strengths / find_bare_number give it.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from rapidfuzz import fuzz

from programs.learned import params
from programs.lexicon import norm
from programs.normalize import canonical_unit

MODEL = Path(__file__).resolve().parent / "slots.crfsuite"
# c1, c2: L1 and L2 regularisation, chosen on dev (evals/train_reader.py, in params.json).
PARAMS = params("crf", {"c1": 0.05, "c2": 0.05, "max_iterations": 200, "feature.possible_transitions": True})
_TOKEN = re.compile(r"\d+(?:[.,]\d+)?|[a-zñ]+(?:['-][a-zñ]+)*|[^\sa-zñ\d]")


def tokens(message: str) -> list[tuple[str, int, int]]:
    """(token, start, end) over lexicon.norm(message); evals/reader_data.py tags the same tokens."""
    return [(m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(norm(message))]


def _shape(w: str) -> str:
    return re.sub(r"\d+", "9", re.sub(r"[a-zñ]+", "a", w))


def _gaz(w: str, names: frozenset[str]) -> str:
    """How close a word is to the nearest drug name: a gazetteer feature, bucketed."""
    if w in names:
        return "exact"
    if w in _name_words(names):
        return "part"  # a word of a two-word name ("insulin glargine")
    if len(w) < 4 or not w[0].isalpha():
        return "none"
    best = max((fuzz.ratio(w, n) for n in names if abs(len(n) - len(w)) <= 3), default=0)
    return "90" if best >= 90 else "80" if best >= 80 else "70" if best >= 70 else "none"


@functools.lru_cache(maxsize=8)
def _name_words(names: frozenset[str]) -> frozenset[str]:
    return frozenset(w for n in names if " " in n for w in n.split() if len(w) >= 4)


def features(words: list[str], names: frozenset[str]) -> list[list[str]]:
    gaz = [_gaz(w, names) for w in words]
    out = []
    for i, w in enumerate(words):
        f = [f"w={w}", f"suf3={w[-3:]}", f"pre3={w[:3]}", f"shape={_shape(w)}", f"gaz={gaz[i]}", f"drugish={gaz[i] != 'none'}",
             f"unit={canonical_unit(w) is not None}", f"digit={w[0].isdigit()}", f"len={min(len(w), 12) // 3}"]
        for d in (-2, -1, 1, 2):
            j = i + d
            if 0 <= j < len(words):
                f += [f"{d}:w={words[j]}", f"{d}:gaz={gaz[j]}", f"{d}:unit={canonical_unit(words[j]) is not None}",
                      f"{d}:digit={words[j][0].isdigit()}"]
            else:
                f.append(f"{d}:edge")
        out.append(f)
    return out


def train(sequences: list[tuple[list[str], list[str]]], names: frozenset[str], out: Path = MODEL,
          params: dict | None = None) -> Path:
    """Fit the CRF on (words, BIO tags) and save it; L-BFGS from zero weights is deterministic."""
    import pycrfsuite

    trainer = pycrfsuite.Trainer(verbose=False)
    for words, tags in sequences:
        trainer.append(features(words, names), tags)
    trainer.set_params(params or PARAMS)
    out.parent.mkdir(parents=True, exist_ok=True)
    trainer.train(str(out))
    tagger.cache_clear()
    return out


@functools.lru_cache(maxsize=4)
def tagger(path: Path = MODEL):
    import pycrfsuite

    t = pycrfsuite.Tagger()
    t.open(str(path))
    return t


def tag(message: str, names: frozenset[str], path: Path = MODEL) -> list[tuple[str, str, int]]:
    """(label, text, start) for each span the CRF tags in the normalised message."""
    toks = tokens(message)
    if not toks:
        return []
    labels = tagger(path).tag(features([t for t, _, _ in toks], names))
    spans, cur = [], None
    for (_w, s, e), lab in zip(toks, labels, strict=True):
        kind = lab[2:] if lab != "O" else None
        if kind and (lab.startswith("B-") or cur is None or cur[0] != kind):
            cur = [kind, s, e]
            spans.append(cur)
        elif kind:
            cur[2] = e
        else:
            cur = None
    low = norm(message)
    return [(k, low[s:e], s) for k, s, e in spans]


def mentions(message: str, names: dict[str, str], places: frozenset[str] = frozenset(),
             path: Path = MODEL) -> list[tuple[int, str, str]]:
    """find_mentions' answer from the CRF's drug spans: (position, text, generic)."""
    from programs.offline import _best_name

    out = []
    for kind, text, start in tag(message, frozenset(names), path):
        if kind != "DRUG" or text in places:
            continue
        hit = (text, 100.0) if text in names else _best_name(text, names)
        if hit and names[hit[0]] not in {c for _, _, c in out}:
            out.append((start, text, names[hit[0]]))
    return out


def strength_value(message: str, names: frozenset[str] = frozenset(), path: Path = MODEL) -> float | None:
    for kind, text, _ in tag(message, names, path):
        m = re.match(r"\d+(?:[.,]\d+)?", text)
        if kind == "STRENGTH" and m:
            return float(m.group(0).replace(",", "."))
    return None
