"""The learned reading components (programs/learned/): each answers through the rule's interface, the
shipped artifacts are small and reproducible, and which of them the reader uses follows from the
comparison file (evals/results/reader_compare.json), never from a hand edit."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evals import reader_compare as rc
from evals import reader_data as rd
from evals import train_reader
from programs import learned
from programs.learned import language_id, slots_crf, spelling

ROOT = Path(__file__).resolve().parent.parent


def test_the_reader_uses_a_learned_component_only_where_the_comparison_says():
    report = json.loads(rc.OUT.read_text())
    assert json.loads(learned.CHOICE.read_text())["learned"] == report["learned"] == rc.decide(report["table"])
    assert learned.choice() == report["learned"]


def test_decide_needs_a_win_on_the_probes_and_no_loss_on_dev():
    def table(dev, probes):
        return {"drug": {"dev": {"rules": {"rate": dev[0], "n": 9}, "learned": {"rate": dev[1], "n": 9}},
                         "probes": {"rules": {"rate": probes[0], "n": 9}, "learned": {"rate": probes[1], "n": 9}}}}

    assert rc.decide(table((0.9, 0.9), (0.8, 0.85)))["drug"] is True
    assert rc.decide(table((0.9, 0.8), (0.8, 0.85)))["drug"] is False  # loses on dev
    assert rc.decide(table((0.9, 0.95), (0.8, 0.8)))["drug"] is False  # a tie on the probes is no win
    assert rc.decide(table((0.9, 0.95), (0.8, 0.8)))["intent"] is False  # nothing measured: the rules


def test_the_comparison_covers_every_component_in_and_out_of_sample_with_intervals():
    report = json.loads(rc.OUT.read_text())
    assert not [n for n in report["sets"]["probes"] if "holdout" in n]  # the holdouts decide nothing
    for comp in ("drug", "strength", "language", "spelling", "intent"):
        for where in ("dev", "probes"):
            for who in ("rules", "learned"):
                r = report["table"][comp][where][who]
                assert r["n"] > 0 and r["ci"][0] <= r["rate"] <= r["ci"][1], (comp, where, who)


def test_the_crf_tags_drug_strength_frequency_and_count_spans():
    names = frozenset(rd.catalogue())
    spans = {k: t for k, t, _ in slots_crf.tag("refill my metformin 500 mg twice a day", names)}
    assert spans == {"DRUG": "metformin", "STRENGTH": "500 mg", "FREQ": "twice a day"}
    # Counts are taught from 5 silver spans in train (patients rarely say them): the label exists, the
    # tagger is weak at it, and nothing scores it (there is no gold).
    assert {"B-COUNT", "B-FREQ", "B-DRUG", "B-STRENGTH"} <= set(slots_crf.tagger().labels())
    # find_mentions' interface: (position, text as written, generic), a brand mapped to its generic
    assert [c for _, _, c in slots_crf.mentions("I ran out of my Norvasc", rd.catalogue())] == ["amlodipine"]
    assert slots_crf.strength_value("yes, 20mg is right", names) == 20.0


def test_derived_spans_come_from_the_labels_not_from_a_reader():
    rows = rd.turns(str(ROOT / "datasets" / "conversations" / "dev.jsonl"))
    drugs = [r for r in rows if "drug" in r.gold]
    assert drugs and all(r.gold["drug"] in rd.catalogue().values() for r in drugs)  # a generic, as labelled
    misspelt = [r for r in drugs if r.gold["drug_token"] not in rd.catalogue()]
    assert misspelt  # the looser derivation finds drugs written wrong ("lysinopril")
    assert all(rd.bio(r).count("B-DRUG") >= 1 for r in drugs)


def test_language_id_answers_like_the_rules_module():
    assert language_id.detect("hola, necesito resurtir mi medicina por favor") == "es"
    assert language_id.detect("hi, I need to refill my blood pressure pills please") == "en"
    assert language_id.detect("ok") is None  # too short to say: the conversation keeps its language
    assert language_id.conversation_language("es", "ok") == "es"
    assert language_id.conversation_language("es", "in English please") == "en"


def test_spelling_corrects_drug_names_and_leaves_english_words_alone():
    names = rd.catalogue()
    assert spelling.best_name("lisinipril", names)[0] == "lisinopril"
    assert spelling.best_name("water", names) is None
    assert spelling.best_name("metformin", names) == ("metformin", 100.0)


def test_retraining_the_crf_reproduces_the_shipped_tagger(tmp_path):
    """Same data, same params: the same tags on dev as the shipped model (L-BFGS from zero is deterministic)."""
    params = json.loads(learned.PARAMS.read_text())["crf"]
    train_rows = rd.turns("train")
    path = slots_crf.train(train_reader.sequences(train_rows), frozenset(rd.catalogue()), tmp_path / "crf.crfsuite",
                           params)
    names = frozenset(rd.catalogue())
    for words, _ in train_reader.sequences(rd.turns("dev")):
        feats = slots_crf.features(words, names)
        assert slots_crf.tagger(path).tag(feats) == slots_crf.tagger(slots_crf.MODEL).tag(feats), words


def test_the_artifacts_are_small():
    assert slots_crf.MODEL.stat().st_size < 1_000_000
    assert learned.PARAMS.stat().st_size < 20_000


@pytest.mark.parametrize("comp", ["drug", "strength", "spelling"])
def test_the_scorers_count_what_they_say(comp):
    rows = rd.turns("dev")
    perfect = {"drug": lambda m: {r.gold["drug"] for r in rows if r.message == m and "drug" in r.gold},
               "strength": lambda m: next(r.gold["strength"] for r in rows if r.message == m and "strength" in r.gold),
               "spelling": lambda t: next(r.gold["drug"] for r in rows if r.gold.get("drug_token") == t)}[comp]
    hits, n = rc.SCORERS[comp](rows, perfect)
    assert n > 0 and hits == n
    assert rc.SCORERS[comp](rows, lambda *a: None if comp != "drug" else set())[0] == 0


def test_routing_sends_the_least_sure_turns_first_and_thresholds_come_from_dev():
    from evals import routing

    rows = [{"task": "intent", "right": i % 4 != 0, "rules_confidence": 0.9, "student_probability": p,
             "agree": True, "router": p} for i, p in enumerate([0.1, 0.9, 0.8, 0.7, 0.2, 0.95, 0.85, 0.6])]
    points = routing.curve(rows, "router")
    assert points[0]["errors"] == 2 and points[-1]["errors"] == 0  # nothing sent: both errors left; all sent: none
    assert all(a["errors"] >= b["errors"] for a, b in zip(points, points[1:], strict=False))
    cut = routing.thresholds(rows, "router")
    assert cut["intent"]["0.2"] == 0.2  # dev's 20% quantile: the two least sure of eight
    assert routing.applied(rows, cut, "router", 0.2) == {"sent": 0.125, "errors_left": 1, "errors": 2, "n": 8}
    assert routing.fit_router(rows) is None  # two rule errors: too few to learn "are the rules right?" from


def test_the_routing_report_has_a_curve_per_score_on_dev_and_the_probes():
    from evals import routing

    report = json.loads(routing.OUT.read_text())
    assert set(report["curves"]) == {"dev", "probes"}
    for by_score in report["curves"].values():
        assert set(by_score) == set(routing.SCORES) and all(len(c) == len(routing.GRID) for c in by_score.values())
    assert set(report["thresholds"]["router"]) <= set(routing.TASKS)


def test_the_shipped_router_reads_like_the_report_says():
    from programs import student
    from programs.learned.router import TASKS, Router

    assert tuple(student.TASKS) == TASKS  # the router's one-hot order is the student's
    router = Router.load()
    assert router is not None and set(router.thresholds) == set(TASKS)
    sure = router.sure("intent", 0.95, 0.99, True)
    unsure = router.sure("intent", 0.4, 0.05, False)
    assert 0.0 <= unsure < sure <= 1.0  # a confident, agreed reading is likelier right than a doubted one
    report = json.loads((ROOT / "evals" / "results" / "routing.json").read_text())
    assert router.thresholds == report["thresholds"]["router"]
