"""Training the learned reading components (programs/learned/): the CRF on the train split, its
regularisation chosen on dev; langid's thresholds and the spelling radius (their models are shipped,
nothing of them is fitted here) on train and dev. Nothing here reads a probe set. Deterministic:
the same data gives the same artifact.

    python -m evals.train_reader     # writes programs/learned/slots.crfsuite and params.json
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

from evals import reader_compare as rc
from evals import reader_data as rd
from programs import learned
from programs.learned import language_id, slots_crf

CRF_GRID = [{"c1": c1, "c2": c2} for c1, c2 in ((0.05, 0.05), (0.01, 0.1), (0.0, 0.5), (0.0, 1.0), (0.1, 1.0))]
LANGUAGE_GRID = [dict(zip(("min_words", "min_prob", "switch_prob", "switch_words"), v, strict=True))
                 for v in itertools.product((1, 2, 3), (0.5, 0.8, 0.9, 0.97), (0.9, 0.99, 0.999), (2, 3, 4))]


def sequences(rows: list[rd.Turn]) -> list[tuple[list[str], list[str]]]:
    return [([w for w, _, _ in rd.tokens(r.message)], rd.bio(r)) for r in rows if rd.tokens(r.message)]


def tag_accuracy(rows: list[rd.Turn], path: Path) -> float:
    """Share of tokens whose BIO tag the CRF gets right (silver spans included): the CRF's tie-break."""
    names = frozenset(rd.catalogue())
    hits = total = 0
    for words, tags in sequences(rows):
        got = slots_crf.tagger(path).tag(slots_crf.features(words, names))
        hits, total = hits + sum(a == b for a, b in zip(got, tags, strict=True)), total + len(tags)
    return hits / total


def choose_crf(train: list[rd.Turn], dev: list[rd.Turn], tmp: Path) -> tuple[dict, list]:
    names = frozenset(rd.catalogue())
    tried = []
    for i, grid in enumerate(CRF_GRID):
        params = {**slots_crf.PARAMS, **grid}
        path = slots_crf.train(sequences(train), names, tmp / f"crf{i}.crfsuite", params)
        drug = rc.score_drug(dev, lambda m, p=path: {c for _, _, c in slots_crf.mentions(m, rd.catalogue(), rd.places(), p)})
        strength = rc.score_strength(dev, lambda m, p=path: slots_crf.strength_value(m, names, p))
        tried.append({**grid, "dev_drug": drug, "dev_strength": strength, "dev_tags": round(tag_accuracy(dev, path), 4)})
    best = max(tried, key=lambda t: (t["dev_drug"][0] + t["dev_strength"][0], t["dev_tags"]))  # first of a tie
    return {**slots_crf.PARAMS, "c1": best["c1"], "c2": best["c2"]}, tried


def choose_language(rows: list[rd.Turn]) -> tuple[dict, dict]:
    """langid is trained already (its shipped model): its thresholds are chosen on train and dev together;
    a tie goes to the most cautious setting (as the rules keep a language on a one-word "ok")."""
    scored = [(rc.score_language(rows, lambda c, m, f, p=p: language_id.conversation_language(c, m, f, p)), p)
              for p in LANGUAGE_GRID]
    (hits, n), best = max(scored, key=lambda s: (s[0][0], *s[1].values()))
    return best, {"train_dev": [hits, n], "grid": len(LANGUAGE_GRID),
                  "tied": sum(s[0][0] == hits for s in scored)}


def choose_spelling(rows: list[rd.Turn]) -> tuple[dict, dict]:
    """The dictionary is shipped (nothing is fitted): the radius is chosen on train and dev together."""
    tried = {}
    for d in (1, 2):
        fixed = rc.score_spelling(rows, lambda t, d=d: rc.learned_spelling(t, d))
        wrong = rc.false_corrections(rows, lambda t, d=d: rc.learned_spelling(t, d))
        tried[d] = {"fixed": fixed, "false": wrong}
    best = max(tried, key=lambda d: (tried[d]["fixed"][0] - tried[d]["false"][0], -d))
    return {"max_distance": best}, tried


def train(out_dir: Path = learned.HERE) -> dict:
    import tempfile

    train_rows, dev_rows = rd.turns("train"), rd.turns("dev")
    with tempfile.TemporaryDirectory() as tmp:
        crf, crf_tried = choose_crf(train_rows, dev_rows, Path(tmp))
    slots_crf.train(sequences(train_rows), frozenset(rd.catalogue()), out_dir / slots_crf.MODEL.name, crf)
    language, language_tried = choose_language(train_rows + dev_rows)
    spelling, spelling_tried = choose_spelling(train_rows + dev_rows)
    chosen = {"crf": crf, "language": language, "spelling": spelling,
              "_selection": {"on": "dev", "crf": crf_tried, "language": language_tried,
                             "spelling": {str(k): v for k, v in spelling_tried.items()},
                             "train_sequences": len(sequences(train_rows))}}
    (out_dir / learned.PARAMS.name).write_text(json.dumps(chosen, indent=2) + "\n")
    return chosen


if __name__ == "__main__":
    result = train()
    print(json.dumps({k: v for k, v in result.items() if not k.startswith("_")}, indent=2))
    print(json.dumps(result["_selection"], indent=1)[:3000])
