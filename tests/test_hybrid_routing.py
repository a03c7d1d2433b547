"""Hybrid's routing: for a step the student reads, the router's "are the rules right here?" against that
step's dev cut for the program's LM-call budget decides whether the LM reads it (programs/modules.py)."""

from __future__ import annotations

import pytest
from lm_fakes import scripted_lm

import programs
from programs.learned.router import TASKS

KW = {"history": "", "asks": "nothing", "medications": [], "offers": []}
REFILL = {"intent": "refill", "topic": "none", "mentions": [], "order_id": None, "pharmacy": None,
          "reply_language": "en", "rx_number": None, "everything": False, "fulfilment": "none", "action": "on"}


class FakeRouter:
    """Says how sure it is, whatever it is asked; records what it was asked."""

    def __init__(self, sure: float, cut: float = 0.5):
        self.value, self.thresholds, self.asked = sure, {t: {"0.2": cut, "0.1": cut} for t in TASKS}, []

    budgets = property(lambda self: (0.1, 0.2))

    def sure(self, task, rules_confidence, student_probability, agree):
        self.asked.append((task, rules_confidence, student_probability, agree))
        return self.value

    def threshold(self, task, budget):
        return self.thresholds[task][str(budget)]


@pytest.fixture(scope="module")
def student():
    s = programs.shipped_student()
    assert s is not None, "programs/compiled/student.joblib is shipped"
    return s


def test_hybrid_loads_the_shipped_router_and_its_default_budget(student):
    lm, _ = scripted_lm(lambda inputs: REFILL)
    p = programs.load("hybrid", lm=lm)
    assert p.router is programs.shipped_router() and p.router is not None
    assert p.budget in p.router.budgets
    assert programs.load("zero-shot", lm=lm).router is None  # only hybrid routes


@pytest.mark.parametrize(("sure", "lm_calls"), [(0.1, 1), (0.9, 0)])
def test_an_unsure_router_sends_the_step_to_the_lm_and_a_sure_one_keeps_it_offline(student, sure, lm_calls):
    lm, engine = scripted_lm(lambda inputs: REFILL)
    p = programs.load("hybrid", lm=lm)
    router = FakeRouter(sure)
    p.router = router
    p.threshold = 1.01  # the one threshold would send every step: the router overrides it where it reads
    p.understand(message="refill my lisinopril please", **KW)
    assert engine.calls == lm_calls
    [(task, rules_confidence, probability, agree)] = router.asked
    assert task == "intent" and 0.0 <= rules_confidence <= 1.0 and 0.0 <= probability <= 1.0
    assert isinstance(agree, bool)


def test_the_cut_is_the_routers_for_the_programs_budget(student):
    lm, engine = scripted_lm(lambda inputs: REFILL)
    p = programs.load("hybrid", lm=lm)
    router = FakeRouter(0.5)
    router.thresholds["intent"] = {"0.1": 0.4, "0.2": 0.6}  # 0.5 is sure enough at 0.1, not at 0.2
    p.router, p.budget = router, 0.1
    p.understand(message="refill my lisinopril please", **KW)
    assert engine.calls == 0
    p.budget = 0.2
    p.understand(message="refill my lisinopril please", **KW)
    assert engine.calls == 1


def test_a_budget_the_router_has_no_cut_for_is_refused(student):
    lm, _ = scripted_lm(lambda inputs: REFILL)
    p = programs.load("hybrid", lm=lm)
    with pytest.raises(ValueError, match="budgets"):
        p.budget = 0.33


@pytest.mark.xdist_group("replay")  # the gold LM replays dev: on the worker that has that replay cached
def test_a_larger_budget_sends_more_turns_to_the_lm():
    """The shipped router on a few dev conversations, with the scripted LM answering from the labels."""
    from evals import dataset, metrics
    from evals.bench import _gold_lm, _hybrid
    from evals.run import evaluate

    router = programs.shipped_router()
    assert router is not None
    dev = dataset.load(dataset.split_path("dev"))[:CONVERSATIONS]
    gold = _gold_lm()
    calls = []
    for budget in router.budgets:
        before = gold.engine.calls
        results, _ = evaluate(_hybrid(gold.lm, budget=budget), dev)
        calls.append(gold.engine.calls - before)
        assert metrics.aggregate(results)["unsafe_orders"] == 0
    assert calls == sorted(calls) and calls[0] < calls[-1], calls


CONVERSATIONS = 30


def test_a_hybrid_runs_params_name_the_routers_file_and_budget(student):
    """With these an eval's hybrid score can be reproduced: which router, at which budget."""
    import argparse
    import hashlib

    from evals.run import build_assistant, score_params
    from programs.learned.router import ARTIFACT

    lm, _ = scripted_lm(lambda inputs: REFILL)
    args = argparse.Namespace(program="hybrid", lm="scripted", no_fallback=False, repeats=1, threads=1)
    assistant = build_assistant("hybrid", lm)
    assistant.programs.budget = 0.1
    params = score_params(args, assistant)
    assert params["hybrid_budget"] == 0.1
    assert params["router_sha256"] == hashlib.sha256(ARTIFACT.read_bytes()).hexdigest()
    assistant.programs.router = None  # the one-threshold route: no router, no budget
    params = score_params(args, assistant)
    assert params["hybrid_budget"] == "none" and params["router_sha256"] == "none"
    assert params["hybrid_threshold"] == assistant.programs.threshold
