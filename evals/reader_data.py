"""Per-turn gold for comparing the rules' reading with learned components, from a labelled file's
`expect` only (never from either reader's output).

The datasets label what a turn leaves in the conversation (slots after the turn), not spans in the
text. Spans are derived here, the same way for every file:

- drug: the turn where the `medication` slot is first set (or changes); the token of the text that
  spells one of that generic's catalogue names (generic, brand, abbreviation, Spanish name) at a
  rapidfuzz ratio of 75 or more (looser than the rules' 80, with no stop list, so the derivation is
  not the rules' own matcher). A turn that names the drug only by nickname or position ("the water
  pill", "the first one") has no span and is left out: there is nothing written to find.
- strength: a strength the conversation labels (the prescription's, set when the drug is resolved) whose
  number is written in the turn as a token ("10", "10mg", "0.5"), with a unit token right after it
  when there is one; scored on turns that answer the dose question (a `dosage` label), where a bare
  "10" is a strength too.
- every other number followed by a unit word ("20 mg" said to a 10 mg prescription) is a strength span
  too, taught but not scored.
- every other word that is exactly a catalogue name is a drug span too (not scored: the tagger is
  only taught it), so a drug named in an unlabelled turn is not taught as "not a drug".
- frequency and count: no dataset labels them in the text, so their spans are *silver*: where the
  rules' own patterns (programs/normalize.py) match. A tagger taught from them can only imitate the
  rules; they are reported as agreement, never as a win.
- language: every turn with `expect.language`.
- intent: the extract step's inputs and gold from the labelled replay (evals/examples.py).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz

from evals import dataset
from programs import lexicon as lx
from programs.learned.slots_crf import tokens  # the tagger's own tokens
from programs.lexicon import norm

ROOT = Path(__file__).resolve().parent.parent
PROBES = ROOT / "datasets" / "probes"
DERIVE_RATIO = 75


def source_path(source: str) -> Path:
    return dataset.split_path(source) if source in ("train", "dev", "test") else Path(source)


def open_probes() -> list[Path]:
    """The probe sets that may be read turn by turn (never the holdouts: their aggregate only)."""
    return [p for p in sorted(PROBES.glob("*.jsonl")) if "holdout" not in p.name]


def holdout_probes() -> list[Path]:
    return [p for p in sorted(PROBES.glob("*.jsonl")) if "holdout" in p.name]


# ----------------------------------------------------------------------------- the world's names
@functools.lru_cache(maxsize=1)
def catalogue() -> dict[str, str]:
    """Every catalogue name (generic, brand, abbreviation) and Spanish name -> generic."""
    from rxflow.assistant import vocabulary_of
    from rxflow.config import get_settings
    from rxflow.store import Store

    names = dict(vocabulary_of(Store(":memory:", get_settings().mock_dir)).names)
    generics = set(names.values())
    for es, en in lx.SPANISH_NAMES.items():
        if en in generics:
            names.setdefault(es, en)
    return names


@functools.lru_cache(maxsize=1)
def places() -> frozenset[str]:
    from rxflow.assistant import vocabulary_of
    from rxflow.config import get_settings
    from rxflow.store import Store

    return vocabulary_of(Store(":memory:", get_settings().mock_dir)).places


def names_of(generic: str) -> list[str]:
    return [n for n, g in catalogue().items() if g == generic.lower()]


# ----------------------------------------------------------------------------- per-turn rows
@dataclass
class Turn:
    source: str
    conv: str
    index: int
    message: str
    tags: tuple[str, ...]
    gold: dict = field(default_factory=dict)  # drug, drug_span, strength, strength_span, language
    spans: list[tuple[int, int, str]] = field(default_factory=list)  # (token from, token to, label), derived


def _drug_span(toks, generic: str) -> tuple[int, int] | None:
    wanted = names_of(generic)
    multi = [n for n in wanted if " " in n or "-" in n]
    words = [t for t, _, _ in toks]
    for name in multi:  # "fluticasone nasal", "hydrochlorothiazide-lisinopril" spelt out
        parts = [w for w, _, _ in tokens(name)]
        for i in range(len(words) - len(parts) + 1):
            if words[i:i + len(parts)] == parts:
                return i, i + len(parts)
    best, where = 0.0, None
    for i, w in enumerate(words):
        if len(w) < 3 or not w[0].isalpha():
            continue
        for name in wanted:
            s = 100.0 if w == name else fuzz.ratio(w, name) if len(w) >= 4 else 0.0
            if s > best:
                best, where = s, i
    return (where, where + 1) if where is not None and best >= DERIVE_RATIO else None


def _number(text: str) -> float | None:
    try:
        return float(text.replace(",", "."))
    except ValueError:
        return None


def _strength_span(toks, strength: str) -> tuple[int, int] | None:
    from programs.normalize import canonical_unit, parse_strength

    want = parse_strength(strength)
    if want is None:
        return None
    for i, (t, _, _) in enumerate(toks):
        m = re.fullmatch(r"(\d+(?:[.,]\d+)?)([a-z]+)?", t)  # "10" or "10mg" (norm keeps them one token)
        if m and _number(m.group(1)) == want.value:
            unit_next = i + 1 < len(toks) and canonical_unit(toks[i + 1][0]) is not None
            return i, i + 2 if unit_next and not m.group(2) else i + 1
    return None


def _silver_spans(message: str, toks) -> list[tuple[int, int, str]]:
    """FREQ and COUNT spans where the rules' own patterns match (see the module's docstring)."""
    from programs import normalize as nz

    low = norm(message)
    out = []
    for label, patterns in (("FREQ", [p for p, _ in nz._FREQ_PATTERNS]), ("COUNT", [nz._COUNT.pattern])):
        for pattern in patterns:
            m = re.search(pattern, low, re.IGNORECASE)
            if m and m.end() > m.start():
                a = next((i for i, (_, s, e) in enumerate(toks) if e > m.start()), None)
                b = next((i for i, (_, s, e) in enumerate(toks) if s >= m.end()), len(toks))
                if a is not None and b > a:
                    out.append((a, b, label))
                break
    return out


def turns(source: str) -> list[Turn]:
    """Every turn of a labelled file, with its derived gold and spans (see the module's docstring).
    Spans for the tagger are looked for in every turn, against every medication and strength the
    conversation labels anywhere (a drug named again later is still a drug); the gold a reader is
    scored on is set only on the turn where the slot is first set or changes."""
    from programs.normalize import parse_strength

    out = []
    for conv in dataset.load(source_path(source)):
        labelled = [t.expect.slots for t in conv.turns if t.expect and t.expect.slots]
        meds = list(dict.fromkeys(s.medication.lower() for s in labelled if s.medication))
        strengths = list(dict.fromkeys(s.strength for s in labelled if s.strength))
        med = None
        for i, t in enumerate(conv.turns):
            e = t.expect
            toks = tokens(t.user)
            row = Turn(str(source), conv.id, i, t.user, tuple(conv.tags))
            if e and e.language:
                row.gold["language"] = e.language
            if e and e.intent:
                row.gold["intent"] = e.intent
            new_med = e.slots.medication.lower() if e and e.slots and e.slots.medication else None
            new_strength = e.slots.strength if e and e.slots and e.slots.strength else None
            for generic in ([new_med] if new_med else []) + [m for m in meds if m != new_med]:
                span = _drug_span(toks, generic)
                if span and not any(a < span[1] and span[0] < b for a, b, _ in row.spans):
                    row.spans.append((*span, "DRUG"))
                    if generic == new_med and new_med != med:
                        row.gold["drug"] = new_med
                        row.gold["drug_token"] = toks[span[0]][0]
            for said in ([new_strength] if new_strength else []) + [s for s in strengths if s != new_strength]:
                span = _strength_span(toks, said)
                # Scored where the dose was being read (a `dosage` label): the strength as the patient wrote it.
                first = bool(e and e.dosage)
                if span and (first or span[1] - span[0] == 2 or re.search(r"[a-z]", toks[span[0]][0])) and \
                        not any(a < span[1] and span[0] < b for a, b, _ in row.spans):
                    row.spans.append((*span, "STRENGTH"))
                    if first:
                        row.gold["strength"] = parse_strength(said).value
            med = new_med or med
            # A number with a unit word after it is a strength however it compares with the prescription
            # ("yes, 20mg" to a 10 mg prescription: a mismatch, but still a strength to tag).
            from programs.normalize import canonical_unit

            for i in range(len(toks) - 1):
                if re.fullmatch(r"\d+(?:[.,]\d+)?", toks[i][0]) and canonical_unit(toks[i + 1][0]) and \
                        not any(a <= i < b or a <= i + 1 < b for a, b, _ in row.spans):
                    row.spans.append((i, i + 2, "STRENGTH"))
            # A word that is exactly a catalogue name is a drug wherever it is written, labelled or not
            # ("refill my ibuprofen" in a conversation the patient has no ibuprofen in): the catalogue
            # is the dictionary, and leaving it "O" would teach the tagger that drug names are not drugs.
            for i, (w, _, _) in enumerate(toks):
                if w in catalogue() and w not in places() and not any(a <= i < b for a, b, _ in row.spans):
                    row.spans.append((i, i + 1, "DRUG"))
            taken = {k for a, b, _ in row.spans for k in range(a, b)}
            row.spans += [s for s in _silver_spans(t.user, toks) if not taken & set(range(s[0], s[1]))]
            out.append(row)
    return out


def bio(row: Turn) -> list[str]:
    """BIO tags of a turn's tokens from its spans."""
    tags = ["O"] * len(tokens(row.message))
    for a, b, label in row.spans:
        for k in range(a, b):
            tags[k] = ("B-" if k == a else "I-") + label
    return tags
