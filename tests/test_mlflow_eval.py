"""An offline eval opens in MLflow as one trace per conversation (conversation -> turn -> step, with
the messages, replies, states and each step's source) carrying its pass/fail as feedback (issue 21)."""

from __future__ import annotations

import json

from evals import dataset, run


def test_an_offline_eval_is_traced_and_judged_per_conversation(tmp_path, monkeypatch, mlflow_uri):
    import mlflow

    monkeypatch.chdir(tmp_path)  # the artifacts' default root is ./mlruns
    dev = dataset.split_path("dev").read_text().splitlines()
    good = json.loads(dev[0])
    bad = {**good, "id": "wrong-on-purpose", "outcome": {**good["outcome"], "status": "order_cancelled"}}
    path = tmp_path / "two.jsonl"
    path.write_text(json.dumps(good) + "\n" + json.dumps(bad) + "\n")
    assert run.main(["--dataset", str(path)]) == 0

    [run_id] = mlflow.search_runs(experiment_names=["rxflow-evals"])["run_id"]
    params = mlflow.get_run(run_id).data.params
    assert params["dataset_sha256"] == dataset.sha256(path) and len(params["dataset_sha256"]) == 64
    assert {"git_commit", "hybrid_threshold", "hybrid_budget", "router_sha256", "compiled_sha256", "student_sha256",
            "lm_model", "mode"} <= set(params)
    [given] = mlflow.get_run(run_id).inputs.dataset_inputs
    assert {t.key: t.value for t in given.tags}["sha256"] == dataset.sha256(path)

    experiment = mlflow.get_experiment_by_name("rxflow-evals").experiment_id
    traces = mlflow.search_traces(locations=[experiment], run_id=run_id, return_type="list")
    assert sorted(t.data.spans[0].name for t in traces) == ["conversation " + good["id"], "conversation wrong-on-purpose"]
    trace = next(t for t in traces if "wrong-on-purpose" in t.data.spans[0].name)
    root = trace.data.spans[0]
    assert root.inputs["messages"] == [t["user"] for t in good["turns"]] and root.outputs["success"] is False
    turns = [s for s in trace.data.spans if s.name.startswith("turn ")]
    steps = [s for s in trace.data.spans if s.name.startswith("step ")]
    assert len(turns) == len(good["turns"]) and turns[0].inputs == {"message": good["turns"][0]["user"]}
    assert {"reply", "state", "intent", "steps"} <= set(turns[0].outputs)
    assert steps and all(s.outputs["source"] == "offline" for s in steps)
    assert {a.name: a.value for a in trace.info.assessments}["task_success"] is False

    failed = mlflow.search_traces(locations=[experiment], run_id=run_id,
                                  filter_string="feedback.task_success = 'false'", return_type="list")
    assert [t.data.spans[0].name for t in failed] == ["conversation wrong-on-purpose"]
    table = mlflow.load_table("conversations.json", run_ids=[run_id])
    assert table["transcript"].str.contains("patient: ").all() and table["trace_id"].str.len().gt(0).all()


def test_a_trace_keeps_each_prompt_once():
    """DSPy's autolog writes the prompt as the adapter's output, the LM call's input and (the completion) the
    parser's input: the span processor keeps the LM call's and leaves pointers elsewhere."""

    class Span:
        def __init__(self, name, inputs, outputs):
            self.name, self.inputs, self.outputs = name, inputs, outputs

        def set_inputs(self, v):
            self.inputs = v

        def set_outputs(self, v):
            self.outputs = v

    prompt = [{"role": "system", "content": "x" * 5000}]
    spans = [Span("ChatAdapter.format", {"signature": "S", "demos": ["d"] * 50, "inputs": {"message": "hi"}}, prompt),
             Span("LM.__call__", {"messages": prompt}, ["[[ ## intent ## ]] refill"]),
             Span("JSONAdapter.parse", {"completion": "x" * 5000}, {"intent": "refill"}),
             Span("Step.forward", {"message": "hi", "medications": ["m"] * 50}, {"intent": "refill"}),
             Span("Predict.forward", {"message": "hi"}, {"intent": "refill"})]
    for s in spans:
        run.lean(s)
    fmt, lm, parse, step, predict = spans
    assert fmt.inputs == {"inputs": {"message": "hi"}} and "LM call" in fmt.outputs
    assert lm.inputs == {"messages": prompt} and parse.outputs == {"intent": "refill"} and len(parse.inputs) < 100
    assert isinstance(step.inputs, str) and predict.inputs == {"message": "hi"}


AUDIT = """
import runpy, sys
looked_up = []
def hook(event, args):
    if event == "socket.getaddrinfo" and args[0] not in ("localhost", "127.0.0.1", "::1"):
        looked_up.append(args[0])
sys.addaudithook(hook)
sys.argv = ["evals.run", "--dataset", sys.argv[1]]
try:
    runpy.run_module("evals.run", run_name="__main__")
except SystemExit:
    pass
print("LOOKED UP:", sorted(set(looked_up)))
"""


def test_an_eval_with_mlflow_calls_nothing_outside(tmp_path, mlflow_uri):
    """Offline first: an eval logged to MLflow looks no host up (MLflow 3's telemetry asked
    config.mlflow-telemetry.io when a run started; evals/__init__ turns it off). Run in a child process
    under an audit hook, with the variables the shell would have: none of ours set."""
    import os
    import subprocess
    import sys

    path = tmp_path / "one.jsonl"
    path.write_text(dataset.split_path("dev").read_text().splitlines()[0] + "\n")
    # MLflow keeps its telemetry off under pytest or CI (PYTEST_CURRENT_TEST, CI...): the child must not look
    # like either, or the test would pass without evals/__init__'s setting.
    env = {k: v for k, v in os.environ.items() if k not in ("MLFLOW_DISABLE_TELEMETRY", "DO_NOT_TRACK", "CI")
           and not k.startswith("PYTEST")}
    env |= {"MLFLOW_TRACKING_URI": mlflow_uri, "PYTHONPATH": str(run.ROOT)}
    out = subprocess.run([sys.executable, "-c", AUDIT, str(path)], cwd=tmp_path, env=env, capture_output=True,
                         text=True, timeout=300)
    assert "mlflow run:" in out.stdout, out.stderr[-2000:]
    assert "LOOKED UP: []" in out.stdout, out.stdout[-500:]
