"""Honest metrics (issue 21): a dead LM scores 0 on its own steps and fails LM-only, every rate has its
Wilson interval, a strict success needs every labelled turn check, and the evaluator's own yes-check knows
Spanish imperatives with the pronoun attached without ever being looser than the consent gate."""

from __future__ import annotations

import dataclasses
import itertools

import pytest

from evals import dataset, metrics, run
from evals.scoring import _IMPERATIVES, explicit_yes
from evals.scripted_lm import scripted_lm
from programs.consent import decide

POEM = "I am sorry, I cannot help with that. Here is a poem instead."


def test_wilson_intervals():
    assert metrics.wilson(0, 10) == (0.0, 0.2775)
    assert metrics.wilson(10, 10) == (0.7225, 1.0)
    low, high = metrics.wilson(50, 100)
    assert low < 0.5 < high and round(high - 0.5, 3) == round(0.5 - low, 3)
    assert all(v != v for v in metrics.wilson(0, 0))  # nan: no total, no interval


@pytest.fixture(scope="module")
def dev():
    """Dev's info-only conversations (where a program that understood nothing used to pass) and a few others."""
    convs = dataset.load(dataset.split_path("dev"))
    info = [c for c in convs if c.outcome.status == "info_only"][:8]
    return info + [c for c in convs if c.outcome.status != "info_only"][:8]


def broken(strict: bool):
    lm, _ = scripted_lm(lambda request: POEM, raw=True)
    return run.build_assistant("zero-shot", lm, strict=strict)


def test_a_dead_lm_scores_zero_on_its_own_steps(dev):
    """With the fallback on, the fallback's answers are scored apart: the LM's own step accuracy is 0."""
    m = metrics.aggregate(run.evaluate(broken(False), dev)[0])
    steps = [k for k in m if k.startswith("step_accuracy_") and not k.endswith(("_n", "_ci"))]
    own = [k for k in steps if not k.startswith(("step_accuracy_fallback_", "step_accuracy_offline_"))]
    assert own and all(m[k] == 0.0 for k in own), {k: m[k] for k in own}
    assert any(m[k] > 0.9 for k in steps if k.startswith("step_accuracy_fallback_"))  # the fallback, apart
    assert m["fallback_rate"] == 1.0 and m["step_accuracy_extract_ci"][0] == 0.0


def test_a_dead_lm_fails_lm_only_even_where_nothing_is_written(dev):
    results = run.evaluate(broken(True), dev)[0]
    info = [r for r in results if r.gold_status == "info_only"]
    assert info and not any(r.success for r in info)  # "Sorry, I didn't catch that" every turn is no answer
    assert all(r.not_understood and not r.understood_ok for r in info)
    m = metrics.aggregate(results)
    assert m["task_success"] <= 0.05 and m["unsafe_orders"] == 0 and m["not_understood_rate"] > 0.9


def test_the_offline_program_passes_info_only_conversations_and_is_scored_as_before(dev):
    results = run.evaluate(run.build_assistant("offline"), dev)[0]
    m = metrics.aggregate(results)
    assert m["task_success"] == 1.0 and m["not_understood_rate"] == 0.0
    assert not any(k.startswith(("step_accuracy_lm_", "step_accuracy_fallback_")) for k in m)
    assert all(m[k] > 0.9 for k in m if k.startswith("step_accuracy_") and not k.endswith(("_n", "_ci")))


def test_strict_success_needs_every_labelled_turn_check(dev):
    [r] = run.evaluate(run.build_assistant("offline"), dev[:1])[0]
    assert r.success and r.strict_success
    tc = next(tc for tc in r.turn_checks if tc.checks)
    wrong = dataclasses.replace(r, turn_checks=[dataclasses.replace(tc, checks={k: False for k in tc.checks})])
    assert wrong.success and not wrong.strict_success
    m = metrics.aggregate([r, wrong])
    assert m["task_success"] == 1.0 and m["task_success_strict"] == 0.5 and m["task_success_strict_n"] == 2


def test_every_rate_has_its_interval(dev):
    results = run.evaluate(run.build_assistant("offline"), dev[:4])[0]
    m = metrics.aggregate(results)
    for k in ("task_success", "task_success_strict", "turn_state_accuracy", "safety_recall", "intent_accuracy",
              "task_success_en", "safety_recall_en"):  # per language too
        low, high = m[f"{k}_ci"]
        assert low <= m[k] <= high and m[f"{k}_n"] > 0
    assert m["task_success_en_n"] == 4
    for v in metrics.per_tag(results).values():  # and per tag
        assert v["ci"] == metrics.wilson(round(v["task_success"] * v["n"]), v["n"])
        assert v["ci"][0] <= v["task_success"] <= v["ci"][1]


# The evaluator's kinds, and the gate's kind for each (a withdrawal is the gate's own kind).
SUMMARIES = {"order": "lisinopril 10 mg tablet generic Costco Pharmacy - Riverton Costco",
             "request": "a renewal request for lisinopril to Dr. Patel",
             "withdraw": "withdraw the renewal request for lisinopril",
             "cancel": "ORD-30001 lisinopril 10 mg Costco Pharmacy - Riverton",
             "setting": "turn on auto-refill for lisinopril at Costco",
             "setting_off": "stop auto-refill for lisinopril"}


@pytest.mark.parametrize("phrase,kind", [
    ("sí, mándela", "request"), ("si mandela", "request"), ("Sí, envíela por favor", "request"),
    ("mándela", "request"), ("sí, mándesela", "request"), ("si cancelela", "withdraw"), ("sí, cancélela", "withdraw"),
    ("retírela", "withdraw"), ("retirela", "withdraw"), ("sí, retírala", "withdraw"), ("sí, anúlela", "withdraw"),
    ("sí, mándelo", "order"), ("sí, pídalo", "order"), ("hazlo", "order"), ("sí, cancélalo", "cancel"),
    ("sí, actívelo", "setting"), ("sí, apáguelo", "setting_off"), ("páuselo", "setting_off"),
])
def test_spanish_imperatives_with_the_pronoun_attached_are_a_yes(phrase, kind):
    assert explicit_yes(phrase, SUMMARIES[kind], kind=kind)
    assert decide(phrase, SUMMARIES[kind], kind=kind).given


@pytest.mark.parametrize("phrase,kind", [
    ("sí, pero mándela mañana", "request"), ("¿mándela?", "request"), ("no la mande", "request"),
    ("sí, mándela a otra farmacia", "request"), ("mejor no, retírela después", "withdraw"),
    ("sí, cancélelo", "order"), ("retírela", "request"), ("mándela", "withdraw"), ("sí, desactívelo", "setting_off"),
    ("sí, cancélela", "order"), ("sí, pídamela", "order"),
])
def test_a_hedged_or_wrong_imperative_is_no_yes(phrase, kind):
    if kind == "setting_off":  # only checks that the evaluator never takes what the gate would not
        if explicit_yes(phrase, SUMMARIES[kind], kind=kind):
            assert decide(phrase, SUMMARIES[kind], kind=kind).given
        return
    assert not explicit_yes(phrase, SUMMARIES[kind], kind=kind)


VERBS = ["mand", "envi", "pid", "hag", "ha", "orden", "cancel", "retir", "anul", "activ", "desactiv", "apag", "apagu",
         "paus", "par", "deteng", "deten", "program"]


@pytest.mark.parametrize("kind", sorted(_IMPERATIVES))
def test_the_imperatives_are_never_looser_than_the_gate(kind):
    """Every verb, vowel and pronoun the evaluator's rule could take, alone and after "sí,": where the
    evaluator reads a yes, so does the gate (the evaluator may refuse more, never less)."""
    forms = {v + e + c + p for v, e, c, p in itertools.product(VERBS, ["a", "e", "", "z"], ["", "me", "se", "nos"],
                                                                  ["lo", "la", "los", "las", "le", "les"])}
    looser = [f"{pre}{w}" for w in sorted(forms) for pre in ("", "sí, ")
              if explicit_yes(pre + w, SUMMARIES[kind], kind=kind)
              and not decide(pre + w, SUMMARIES[kind], kind=kind).given]
    assert not looser, looser
