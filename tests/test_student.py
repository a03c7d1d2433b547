"""The learned offline student: retrained from the data it reproduces the shipped artifact's dev
scores; it never touches the consent gate; its confidence is what hybrid's router reads (and what hybrid
without a router compares with one threshold)."""

from __future__ import annotations

import pytest

import programs
from evals import train_student
from programs import student as student_mod


@pytest.fixture(scope="module")
def shipped():
    s = student_mod.Student.load()
    assert s is not None, "programs/compiled/student.joblib is shipped (python -m evals.compile --optimizer student)"
    return s


def test_the_artifact_is_small_and_says_what_it_measured(shipped):
    assert student_mod.ARTIFACT.stat().st_size < 1_000_000
    assert set(shipped.models) == set(student_mod.TASKS)  # intent, verdict, answer, criterion: never consent
    for task, r in shipped.report.items():
        if task.startswith("_"):
            continue
        assert {"student_dev", "rules_dev", "student_test", "rules_test"} <= set(r)
        assert shipped.use[task] == (r["student_dev"] > r["rules_dev"] and r.get("probes_no_worse", True))


def test_the_offline_program_loads_no_classifier_it_does_not_use(shipped):
    """`use` comes from the JSON beside the artifact (the same as the file's), and while no task uses the
    student, building the offline program imports neither scikit-learn nor the pipelines (1.6 s a process)."""
    import subprocess
    import sys

    import joblib

    assert joblib.load(student_mod.ARTIFACT)["use"] == shipped.use
    if any(shipped.use.values()):
        pytest.skip("the shipped student is used offline: its classifiers are needed")
    code = "import sys, programs; programs.load('offline'); print('sklearn' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                         cwd=student_mod.ARTIFACT.parent.parent.parent)
    assert out.stdout.strip() == "False", out.stderr[-2000:]


def test_a_loaded_student_saved_again_keeps_its_classifiers(shipped, tmp_path):
    """Its models and report are read on demand: saving writes what they hold, not the readers."""
    import joblib

    out = tmp_path / "student.joblib"
    shipped.save(out)
    blob = joblib.load(out)
    assert set(blob["models"]) == set(student_mod.TASKS) and blob["report"] == dict(shipped.report)
    again = student_mod.Student.load(out)
    assert again.use == shipped.use and dict(again.report) == dict(shipped.report)
    one = {"message": "refill my lisinopril", "asks": "nothing"}
    assert again.predict("intent", "extract", one) == shipped.predict("intent", "extract", one)


@pytest.mark.slow
def test_retraining_reproduces_the_dev_scores(shipped):
    again = train_student.train(held_out=("dev",))
    for task in student_mod.TASKS:
        assert again.report[task]["student_dev"] == shipped.report[task]["student_dev"], task
        assert again.report[task]["rules_dev"] == shipped.report[task]["rules_dev"], task


def test_hybrid_without_its_router_asks_the_lm_when_the_students_confidence_is_low(shipped):
    from lm_fakes import scripted_lm

    lm, engine = scripted_lm(lambda inputs: {"intent": "refill", "topic": "none", "mentions": [], "order_id": None,
                                             "pharmacy": None, "reply_language": "en", "rx_number": None, "everything": False, "fulfilment": "none", "action": "on"})
    p = programs.load("hybrid", lm=lm)
    # Hybrid routes the student's steps by the router now (tests/test_hybrid_routing.py); without it, the
    # route before it: the student's probability against one threshold.
    p.router = None
    kw = {"history": "", "asks": "nothing", "medications": [], "offers": []}
    p.threshold = 0.0  # trust every offline reading
    p.understand(message="what's the weather like", **kw)
    assert engine.calls == 0
    p.threshold = 1.01  # trust none
    p.understand(message="what's the weather like", **kw)
    assert engine.calls >= 1


def test_offline_answers_do_not_wait_for_the_student_unless_it_won(shipped, monkeypatch):
    p = programs.load("offline")
    called = []
    monkeypatch.setattr(type(shipped), "predict", lambda self, *a: called.append(a) or None)
    p.understand(message="refill my lisinopril", history="", asks="nothing", medications=[], offers=[])
    assert called == [] or any(shipped.use.values())
