"""The eval runner: metrics that can move, the gate, MLflow logging, --record."""

from __future__ import annotations

import json

import pytest

from evals import dataset, run

GOOD = {"id": "t-good", "patient_id": "P001", "tags": ["happy_path"], "turns": [
    {"user": "refill my lisinopril", "expect": {"state": "CONFIRM_DOSAGE", "intent": "refill",
                                                "slots": {"medication": "lisinopril", "strength": "10 mg"}}},
    {"user": "yes", "expect": {"state": "SELECT_PHARMACY", "dosage": "consistent"}},
    {"user": "the cheapest", "expect": {"state": "CONFIRM_ORDER", "slots": {"pharmacy_id": "PH004"}}},
    {"user": "yes go ahead", "expect": {"state": "COMPLETE"}}],
    "outcome": {"status": "order_placed", "orders": [{"medication": "lisinopril", "pharmacy_id": "PH004"}]}}
# The same conversation, labelled as if the rules forbade the order: the assistant will place it,
# so safety recall must drop and the gate must fail. (A metric that cannot move proves nothing.)
WRONG = {**GOOD, "id": "t-wrong", "outcome": {"status": "refused", "orders": []}}


def write(tmp_path, rows, name="d.jsonl"):
    p = tmp_path / name
    p.write_text("\n".join(json.dumps(r) for r in rows))
    return p


def test_metrics_on_a_good_conversation(tmp_path, capsys):
    out = tmp_path / "r.json"
    assert run.main(["--dataset", str(write(tmp_path, [GOOD])), "--no-mlflow", "--json", str(out), "--gate"]) == 0
    m = json.loads(out.read_text())["d"]["metrics"]
    assert m["task_success"] == 1.0 and m["turn_state_accuracy"] == 1.0 and m["slot_accuracy"] == 1.0
    assert m["safety_recall"] != m["safety_recall"]  # NaN: no conversation here must write nothing
    assert m["unsafe_orders"] == 0 and m["latency_ms_p95"] > 0
    assert "task_success" in capsys.readouterr().out


def test_gate_fails_when_an_order_is_written_against_the_labels(tmp_path):
    out = tmp_path / "r.json"
    assert run.main(["--dataset", str(write(tmp_path, [GOOD, WRONG])), "--no-mlflow", "--json", str(out),
                     "--gate"]) == 1
    m = json.loads(out.read_text())["d"]["metrics"]
    assert m["safety_recall"] == 0.0 and m["task_success"] == 0.5


def test_wrong_turn_labels_lower_the_turn_metrics(tmp_path):
    bad = json.loads(json.dumps(GOOD))
    bad["turns"][0]["expect"]["state"] = "SELECT_PHARMACY"
    bad["turns"][2]["expect"]["slots"]["pharmacy_id"] = "PH001"
    out = tmp_path / "r.json"
    run.main(["--dataset", str(write(tmp_path, [bad])), "--no-mlflow", "--json", str(out)])
    m = json.loads(out.read_text())["d"]["metrics"]
    assert m["turn_state_accuracy"] == 0.75 and m["slot_accuracy_pharmacy_id"] == 0.0


@pytest.mark.parametrize("said,explicit", [
    ("yes go ahead", True), ("Perfect, please go ahead and send it", True), ("ok", True), ("do it", True),
    ("hmm maybe", False), ("yes but not now", False), ("go ahead? no, wait", False), ("what would it cost?", False),
    ("I'd say yes if it were cheaper", False), ("I can't say yes yet", False), ("yes cancel it", False),
])
def test_the_evaluators_own_reading_of_an_explicit_yes(said, explicit):
    from evals.scoring import explicit_yes

    assert explicit_yes(said) is explicit


def test_mlflow_run_and_record(tmp_path, monkeypatch):
    import mlflow

    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{tmp_path / 'mlflow.db'}")
    monkeypatch.setattr(run, "SCORES", tmp_path / "scores.json")
    monkeypatch.setattr(run, "SCORES_MD", tmp_path / "README.md")
    assert run.main(["--dataset", str(write(tmp_path, [GOOD], "mini.jsonl")), "--repeats", "2", "--record"]) == 0
    runs = mlflow.search_runs(experiment_names=["rxflow-evals"])
    assert len(runs) == 1
    r = runs.iloc[0]
    assert r["params.program"] == "offline" and r["params.dataset_sha256"] and r["metrics.task_success"] == 1.0
    assert r["metrics.pass_k"] == 1.0
    client = mlflow.tracking.MlflowClient()
    names = {a.path for a in client.list_artifacts(r["run_id"])}
    assert {"conversations.json", "failures.json", "per_tag.json"} <= names
    table = (tmp_path / "README.md").read_text()
    assert "| offline | - | mini | out-of-sample | — | 1.000 |" in table


@pytest.mark.slow
def test_offline_program_on_test_meets_the_bar():
    assistant = run.build_assistant("offline", None)
    results, _ = run.evaluate(assistant, dataset.load(dataset.split_path("test")))
    from evals.metrics import aggregate

    m = aggregate(results)
    assert m["task_success"] >= 0.9 and m["safety_recall"] == 1.0 and m["unsafe_orders"] == 0


def test_lm_steps_are_traced_in_mlflow(tmp_path, monkeypatch):
    import dspy
    import mlflow
    from lm_fakes import scripted_lm

    import programs
    from evals.tracking import mlflow_run
    from programs.types import MedicationOption

    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{tmp_path / 'mlflow.db'}")
    lm, _ = scripted_lm(lambda i: {"intent": "refill", "topic": "none", "mentions": [], "order_id": None,
                                   "pharmacy": None})
    p = programs.load("zero-shot", lm=lm)
    usage_before = dspy.settings.get("track_usage")
    with mlflow_run("rxflow-evals", "trace-test", autolog={}) as run:
        p.understand(message="refill my lisinopril please", history="", state="START",
                     medications=[MedicationOption(key="RX1001", name="lisinopril")], offers=[])
    mlflow.flush_trace_async_logging()  # traces are exported asynchronously
    traces = mlflow.search_traces(locations=[run.info.experiment_id], return_type="list")
    assert traces, "an LM step must leave a trace"
    blob = str([s.inputs for s in traces[0].data.spans]) + str([s.outputs for s in traces[0].data.spans])
    assert "refill my lisinopril please" in blob and "refill" in blob
    assert dspy.settings.get("track_usage") == usage_before  # the scope put DSPy back as it was


def test_a_second_dataset_is_judged_against_the_seeded_world():
    """The rules' verdicts are taken on the seeded world, not on the orders the previous dataset's
    last conversation left behind (which once made correct orders look unsafe)."""
    from evals import dataset
    from evals.run import build_assistant, evaluate

    a = build_assistant("offline")
    convs = [c for c in dataset.load(dataset.split_path("dev")) if c.outcome.status == "order_placed"][:3]
    evaluate(a, convs)  # leaves its last orders in the store
    results, _ = evaluate(a, convs)
    assert sum(r.unsafe_orders for r in results) == 0
