"""Rules vs learned, component by component, in-sample (dev) and out-of-sample (the probe sets):

    python -m evals.reader_compare            # writes evals/results/reader_compare.json, programs/learned/choice.json
    python -m evals.reader_compare --holdout  # also the holdout probes' aggregate numbers (run once, at the end)

Each component is scored on the turns whose labels say what it should find (evals/reader_data.py says
how the gold is derived): drug (the labelled medication written in the turn), strength (the number of
the dose the patient wrote), language (the reply language after the turn, each reader carrying its
own running language through the conversation as the runtime does), spelling (a misspelt drug name
mapped to its generic; and, apart, how often an ordinary word is "corrected" into a drug), intent (the
extract step's intent on the labelled replay). Every rate has its Wilson 95% interval.

Selection (features, hyperparameters, thresholds) happened on train and dev only (evals/train_reader.py).
The probe sets decide one thing: whether a learned component is used (choice.json): only where it
beats the rules on the open probe sets pooled and does not lose on dev. The holdout probes never
decide anything; their numbers are only reported, their turns never printed.

Caveat written into the report: the rules were worked on after each open probe set's first run
(programs/compiled/README.md), so on those sets the rules are partly in-sample and the learned
components are not; the holdouts are out-of-sample for both.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path

from evals import reader_data as rd
from evals.metrics import wilson
from programs import language as rules_language
from programs import learned, offline
from programs.lexicon import norm
from programs.normalize import find_bare_number, find_strengths

OUT = Path(__file__).resolve().parent / "results" / "reader_compare.json"
Score = tuple[int, int]  # hits, total


# ----------------------------------------------------------------------------- the readers, per component
def rules_drug(message: str) -> set[str]:
    return {c for _, _, c in offline.find_mentions(message, rd.catalogue(), rd.places())}


def learned_drug(message: str) -> set[str]:
    from programs.learned import slots_crf

    return {c for _, _, c in slots_crf.mentions(message, rd.catalogue(), rd.places())}


def rules_strength(message: str) -> float | None:
    low = norm(message)
    found = find_strengths(low)
    return found[0].value if found else find_bare_number(low)


def learned_strength(message: str) -> float | None:
    from programs.learned import slots_crf

    return slots_crf.strength_value(message, frozenset(rd.catalogue()))


def rules_spelling(token: str) -> str | None:
    hit = offline._best_name(token, rd.catalogue())
    return rd.catalogue()[hit[0]] if hit else None


def learned_spelling(token: str, distance: int | None = None) -> str | None:
    from programs.learned import spelling

    hit = spelling.best_name(token, rd.catalogue(), distance or spelling.MAX_DISTANCE)
    return rd.catalogue()[hit[0]] if hit else None


def learned_conversation_language(current: str, message: str, first: bool) -> str:
    from programs.learned import language_id

    return language_id.conversation_language(current, message, first)


READERS: dict[str, dict[str, Callable]] = {
    "drug": {"rules": rules_drug, "learned": learned_drug},
    "strength": {"rules": rules_strength, "learned": learned_strength},
    "language": {"rules": rules_language.conversation_language, "learned": learned_conversation_language},
    "spelling": {"rules": rules_spelling, "learned": learned_spelling},
}


# ----------------------------------------------------------------------------- scoring
def score_drug(rows: list[rd.Turn], read: Callable) -> Score:
    gold = [r for r in rows if "drug" in r.gold]
    return sum(r.gold["drug"] in read(r.message) for r in gold), len(gold)


def score_strength(rows: list[rd.Turn], read: Callable) -> Score:
    gold = [r for r in rows if "strength" in r.gold]
    return sum(read(r.message) == r.gold["strength"] for r in gold), len(gold)


def score_language(rows: list[rd.Turn], read: Callable) -> Score:
    """Each conversation replayed with the reader's own running language (English to start)."""
    hits = total = 0
    current, conv = "en", None
    for r in rows:
        if (r.source, r.conv) != conv:
            conv, current = (r.source, r.conv), "en"
        current = read(current, r.message, r.index == 0)
        if "language" in r.gold:
            hits, total = hits + (current == r.gold["language"]), total + 1
    return hits, total


def _misspelt(rows: list[rd.Turn]) -> list[tuple[str, str]]:
    names = rd.catalogue()
    return [(r.gold["drug_token"], r.gold["drug"]) for r in rows
            if "drug" in r.gold and r.gold["drug_token"] not in names and len(r.gold["drug_token"]) >= 5]


def _plain_words(rows: list[rd.Turn]) -> list[str]:
    """Words of 5+ letters that are no drug (outside every derived drug span, no catalogue name, not on
    the rules' stop list or a place: both readers get the same filter find_mentions applies)."""
    names, places = rd.catalogue(), rd.places()
    out = []
    for r in rows:
        toks = rd.tokens(r.message)
        drug = {k for a, b, lab in r.spans if lab == "DRUG" for k in range(a, b)}
        out += [w for i, (w, _, _) in enumerate(toks) if i not in drug and len(w) >= 5 and w.isalpha()
                and w not in names and w not in offline._STOP and w not in places]
    return out


def score_spelling(rows: list[rd.Turn], read: Callable) -> Score:
    pairs = _misspelt(rows)
    return sum(read(tok) == gold for tok, gold in pairs), len(pairs)


def false_corrections(rows: list[rd.Turn], read: Callable) -> Score:
    """How many plain words a reader turns into a drug (lower is better)."""
    words = _plain_words(rows)
    return sum(read(w) is not None for w in words), len(words)


SCORERS = {"drug": score_drug, "strength": score_strength, "language": score_language, "spelling": score_spelling}


def score_intent(source: str) -> dict[str, Score]:
    """The extract step's intent on the labelled replay: the rules vs the student's classifier."""
    from evals import examples, train_student
    from programs.student import Student

    rows = [(inputs, want) for step, inputs, want in examples.replay(source) if step == "extract"]
    student = Student.load()
    rules = train_student._rules_reader("intent")
    out = {"rules": (sum(rules("", i)["intent"] == w["intent"] for i, w in rows), len(rows))}
    if student is not None and "intent" in student.models:
        out["learned"] = (sum(student.predict("intent", "extract", i)[0] == w["intent"] for i, w in rows), len(rows))
    return out


def rate(score: Score) -> dict:
    hits, n = score
    lo, hi = wilson(hits, n)
    return {"hits": hits, "n": n, "rate": round(hits / n, 4) if n else None, "ci": [lo, hi]}


def compare(sources: dict[str, list[str]]) -> dict:
    """{component: {set: {rules: rate, learned: rate}}}; `sources`: set name -> files (pooled)."""
    out: dict[str, dict] = {c: {} for c in (*SCORERS, "spelling_false_corrections", "intent")}
    out["language_by_tag"] = {}
    for name, files in sources.items():
        rows = [r for f in files for r in rd.turns(f)]
        for comp, scorer in SCORERS.items():
            out[comp][name] = {who: rate(scorer(rows, fn)) for who, fn in READERS[comp].items()}
        out["spelling_false_corrections"][name] = {who: rate(false_corrections(rows, fn))
                                                   for who, fn in READERS["spelling"].items()}
        for lang in ("en", "es", "spanglish"):  # short patient messages per language: the conversation's tag
            sub = [r for r in rows if _language_of(r) == lang]
            if any("language" in r.gold for r in sub):
                out["language_by_tag"].setdefault(name, {})[lang] = {
                    who: rate(score_language(sub, fn)) for who, fn in READERS["language"].items()}
        intents = [score_intent(f) for f in files]
        out["intent"][name] = {who: rate((sum(s[who][0] for s in intents), sum(s[who][1] for s in intents)))
                               for who in ("rules", "learned") if all(who in s for s in intents)}
    by_tag = out.pop("language_by_tag")
    out["language_by_tag"] = by_tag  # last: not a component of its own (print_table skips it)
    return out


def _language_of(r: rd.Turn) -> str:
    return "spanglish" if "lang:spanglish" in r.tags else "es" if "lang:es" in r.tags else "en"


def decide(table: dict) -> dict[str, bool]:
    """A learned component is used where it beats the rules on the open probes (pooled) and does not
    lose on dev; with no gold on the probes, never."""
    use = {}
    for comp in learned.COMPONENTS:
        probes, dev = table.get(comp, {}).get("probes", {}), table.get(comp, {}).get("dev", {})
        ok = all(k in d and d[k]["n"] for d in (probes, dev) for k in ("rules", "learned"))
        use[comp] = bool(ok and probes["learned"]["rate"] > probes["rules"]["rate"]
                         and dev["learned"]["rate"] >= dev["rules"]["rate"])
    return use


def print_table(table: dict) -> None:
    def cell(r: dict) -> str:
        return f"{r['rate']:.3f} [{r['ci'][0]:.2f}, {r['ci'][1]:.2f}] n={r['n']}" if r.get("n") else "—"

    sets = list(next(iter(table.values())).keys())
    print(f"{'component':<28}" + "".join(f"{s + ' rules':<30}{s + ' learned':<30}" for s in sets))
    for comp, by_set in table.items():
        if comp == "language_by_tag":
            for s_, by_lang in by_set.items():
                for lang, r in by_lang.items():
                    print(f"  language {s_} {lang:<10} rules {cell(r['rules']):<28} learned {cell(r['learned'])}")
            continue
        print(f"{comp:<28}" + "".join(f"{cell(by_set[s].get('rules', {})):<30}{cell(by_set[s].get('learned', {})):<30}"
                                      for s in sets))


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--holdout", action="store_true", help="also the holdout probes' aggregate (run once, at the end)")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    sources = {"dev": ["dev"], "probes": [str(p) for p in rd.open_probes()]}
    if args.holdout:
        sources["holdout"] = [str(p) for p in rd.holdout_probes()]
    table = compare(sources)
    use = decide(table)
    print_table(table)
    print("learned component used:", use)
    report = {"table": table, "learned": use, "sets": {k: [Path(f).name for f in v] for k, v in sources.items()},
              "caveat": "the rules were worked on after each open probe set's first run (partly in-sample for "
                        "them); the holdouts are out-of-sample for both; spelling_false_corrections: lower is better"}
    if args.out == OUT and OUT.exists() and not args.holdout:  # keep a holdout run's numbers once made
        old = json.loads(OUT.read_text())
        if "holdout" in old.get("sets", {}):
            for comp, by_set in old["table"].items():
                if "holdout" in by_set:
                    report["table"].setdefault(comp, {})["holdout"] = by_set["holdout"]
            report["sets"]["holdout"] = old["sets"]["holdout"]
            report["holdout_first_run"] = old.get("holdout_first_run")
    if args.holdout:  # the first run's code is the one its numbers describe: rerunning does not overwrite it
        import datetime
        import subprocess

        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
        before = json.loads(args.out.read_text()).get("holdout_first_run") if args.out.exists() else None
        report["holdout_first_run"] = before or {"commit": commit, "date": datetime.date.today().isoformat()}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    if args.out == OUT:
        learned.CHOICE.write_text(json.dumps({"learned": use, "from": "evals/results/reader_compare.json"},
                                             indent=2) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
