"""Compile (optimize) the program against the labelled conversations, one predictor at a time.

    python -m evals.compile --lm openai/gpt-4o-mini --optimizer bootstrap --out programs/compiled/bootstrap-4o-mini.json
    python -m evals.compile --optimizer student --out programs/compiled/student.joblib   # no LM: the learned offline student

Each of the five steps of RxPrograms is compiled on its own: its own training set (evals/examples.py:
inputs captured from replays, answers from the labels, balanced per class), its own metric (the
labels' verdict on that step, evals.examples.metric), its own validation set (its dev examples: the
first VALSET for the search optimizers, all of them for the scores before and after, from
dspy.Evaluate). The compiled predictors are then put together into the whole program, and the whole
program is judged end to end: the dev conversations are replayed with the same LM before (zero-shot)
and after (compiled), LM-only (strict: no offline fallback, so the scores are the LM's own), and
scored like any eval (evals.run / evals.metrics). The result is the program's saved state
(`save_program=False`: demos and instructions per predictor), which `programs.load(PATH, lm=...)`
reads; with MLflow on, the run holds the settings and data digests (the student's too) as params, the
per-step and end-to-end scores as metrics, and the program as a logged model in DSPy's own format (the state
file and the student beside it, no pickle; `log_program`; no autologged traces), whose URI is written beside
the JSON so eval runs of it link back.

It lives in evals/ because it reads the datasets by replaying them through the runtime (rxflow/):
the programs package itself knows nothing of DuckDB, tools or the datasets.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from pathlib import Path

import dspy

from programs.modules import STEPS as _TABLE

OPTIMIZERS = ("bootstrap", "mipro", "simba", "gepa", "student")
VALSET = 40  # a step's dev examples the search optimizers (mipro, gepa) score candidates on; all of them score the result
STEPS = tuple(_TABLE)  # every step of the program, from the one step table
E2E_KEYS = ("task_success", "turn_state_accuracy", "intent_accuracy", "slot_accuracy", "safety_recall",
            "unsafe_orders", "errors", "lm_calls_per_turn")


def _sha256(path: Path) -> str:
    import hashlib

    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def teacher_for(step_module, rows: list[dspy.Example], k: int):
    """The step with k labelled demos of its own: the teacher whose traces bootstrap the student's demos."""
    teacher = step_module.deepcopy()
    teacher.predict.demos = rows[:k]
    return teacher


def make_optimizer(name: str, metric, lm, max_demos: int, budget: str):
    light = budget == "light"
    if name == "bootstrap":
        return dspy.BootstrapFewShot(metric=metric, max_bootstrapped_demos=max_demos, max_labeled_demos=0,
                                     max_rounds=1)
    if name == "mipro":
        return dspy.MIPROv2(metric=metric, prompt_model=lm, task_model=lm, auto=None, num_candidates=3 if light else 8,
                            max_bootstrapped_demos=max_demos, max_labeled_demos=0, num_threads=1, verbose=False)
    if name == "simba":
        return dspy.SIMBA(metric=metric, max_demos=max_demos, bsize=8 if light else 32, num_candidates=2 if light else 6,
                          max_steps=2 if light else 8, num_threads=1)
    if name == "gepa":
        def feedback(gold, pred, trace=None, pred_name=None, pred_trace=None):
            ok = bool(metric(gold, pred))
            want = {k: v for k, v in gold["_gold"].items() if k != "chosen"}
            return dspy.Prediction(score=float(ok), feedback="Correct." if ok else f"Expected {want}.")

        return dspy.GEPA(metric=feedback, reflection_lm=lm, max_metric_calls=60 if light else 600, num_threads=1,
                         component_selector="all", reflection_minibatch_size=5, track_stats=False)
    raise ValueError(name)


def score(program, devset, metric, lm) -> float:
    if not devset:
        return float("nan")
    with dspy.context(lm=lm):
        result = dspy.Evaluate(devset=devset, metric=metric, num_threads=1, display_progress=False,
                               failure_score=0.0, provide_traceback=False)(program)
    return round(float(result.score) / 100, 4)


def compile_step(optimizer: str, module, trainset, valset, metric, lm, max_demos: int, budget: str,
                 teacher: str = "labelled"):
    """One step's module compiled by `optimizer` on its own examples, metric and validation set.
    `teacher`: "labelled" (bootstrap and mipro start from a teacher shown k labelled demos) or "self"
    (the zero-shot step teaches itself: its traces are the candidate demos, which the metric must sort)."""
    opt = make_optimizer(optimizer, metric, lm, max_demos, budget)
    with dspy.context(lm=lm):
        if optimizer in ("bootstrap", "mipro"):
            kwargs = {"teacher": teacher_for(module, trainset, max_demos) if teacher == "labelled" else None}
            if optimizer == "mipro":
                kwargs |= {"valset": valset, "num_trials": 4 if budget == "light" else 20,
                           "minibatch_size": min(25, len(valset)), "requires_permission_to_run": False}
            compiled = opt.compile(module, trainset=trainset, **kwargs)
        elif optimizer == "gepa":
            compiled = opt.compile(module, trainset=trainset, valset=valset)
        else:
            compiled = opt.compile(module, trainset=trainset, seed=0)
    compiled.predict.demos = compiled.predict.demos[:max_demos]
    return compiled


def replay_dev(program: str, lm, limit: int | None = None, split: str = "dev") -> dict:
    """The split's conversations replayed end to end with `program` ("zero-shot" or a compiled state file)
    on `lm`, LM-only (strict), scored as an eval scores them: the headline numbers."""
    from evals import dataset, metrics, run

    conversations = dataset.load(dataset.split_path(split))[:limit]
    results, _ = run.evaluate(run.build_assistant(program, lm, strict=True), conversations)
    m = metrics.aggregate(results)
    return {"conversations": len(conversations), **{k: m[k] for k in E2E_KEYS if k in m},
            "task_success_ci": m["task_success_ci"]}


def compile_program(lm, optimizer: str, out: Path, steps=STEPS, max_demos: int = 4, train_limit: int | None = None,
                    dev_limit: int | None = None, log_mlflow: bool = True, budget: str = "light",
                    replay: int | None = 0, teacher: str = "labelled") -> dict:
    """Compile each step of RxPrograms with `optimizer`, one at a time; save the whole program's state to
    `out`; return dev scores before/after per step and for the steps together, and (unless `replay`
    is 0) the end-to-end replay of the first `replay` dev conversations (None: all) before and after."""
    import programs
    from evals import dataset
    from evals import examples as ex_mod

    train = ex_mod.build("train", train_limit)
    dev = ex_mod.build("dev", dev_limit)
    program = programs.load("zero-shot", lm=lm, strict=True)
    steps = tuple(s for s in steps if train.get(s))
    report: dict = {"optimizer": optimizer, "train": sum(len(train[s]) for s in steps),
                    "dev": sum(len(dev.get(s, [])) for s in steps), "steps": {}}
    with contextlib.ExitStack() as stack:
        run = None
        if log_mlflow:
            import mlflow

            from evals.tracking import mlflow_run

            # No autolog: the optimizers' own calls would be hundreds of traces and params. What fixes
            # the result is logged here, once.
            run = stack.enter_context(mlflow_run("rxflow-compile", f"{optimizer}-{out.stem}"))
            mlflow.log_params({"optimizer": optimizer, "lm": getattr(lm, "model", str(lm)), "out": str(out),
                               "budget": budget, "max_demos": max_demos, "teacher": teacher, "steps": ",".join(steps),
                               "train_examples": report["train"], "dev_examples": report["dev"],
                               "train_limit": train_limit, "dev_limit": dev_limit, "replay_conversations": replay,
                               "train_sha256": _sha256(dataset.split_path("train")),
                               "dev_sha256": _sha256(dataset.split_path("dev"))})
        for s in steps:
            metric, devset = ex_mod.metric(s), dev.get(s, [])
            module = getattr(program, s)
            zero_instructions = module.predict.signature.instructions
            before = score(module, devset, metric, lm)
            compiled = compile_step(optimizer, module, train[s], devset[:VALSET], metric, lm, max_demos, budget,
                                    teacher)
            module.predict.demos = list(compiled.predict.demos)  # into the whole program
            module.predict.signature = compiled.predict.signature
            after = score(module, devset, metric, lm)
            report["steps"][s] = {"dev_before": before, "dev_after": after, "train": len(train[s]), "dev": len(devset),
                                  "demos": len(module.predict.demos),
                                  "instruction_changed": module.predict.signature.instructions != zero_instructions}
        scored = {s: r for s, r in report["steps"].items() if r["dev"]}
        weights = sum(r["dev"] for r in scored.values()) or 1
        report["dev_before"] = round(sum(r["dev_before"] * r["dev"] for r in scored.values()) / weights, 4)
        report["dev_after"] = round(sum(r["dev_after"] * r["dev"] for r in scored.values()) / weights, 4)
        out.parent.mkdir(parents=True, exist_ok=True)
        program.save(str(out), save_program=False)
        if replay != 0:
            report["e2e_before"] = replay_dev("zero-shot", lm, replay)
            report["e2e_after"] = replay_dev(str(out), lm, replay)
        if run is not None:
            import mlflow

            metrics = {"dev_before": report["dev_before"], "dev_after": report["dev_after"]}
            for s, r in report["steps"].items():
                metrics |= {f"{s}.dev_before": r["dev_before"], f"{s}.dev_after": r["dev_after"], f"{s}.demos": r["demos"]}
            for when in ("before", "after"):
                for k, v in report.get(f"e2e_{when}", {}).items():
                    if k.endswith("_ci"):  # a Wilson interval: its two ends
                        metrics[f"e2e_{k}_low_{when}"], metrics[f"e2e_{k}_high_{when}"] = v
                    elif k != "conversations":
                        metrics[f"e2e_{k}_{when}"] = v
            mlflow.log_metrics({k: float(v) for k, v in metrics.items() if v == v})
            model_uri = log_program(out, run.info.run_id)
            side = {"run_id": run.info.run_id, "model_uri": model_uri, "optimizer": optimizer,
                    "lm": getattr(lm, "model", str(lm))}
            out.with_suffix(".mlflow.json").write_text(json.dumps(side, indent=2) + "\n")
            report["model_uri"] = model_uri
    return report


STATE_FILE = "program.json"  # the logged model's DSPy state (programs.load reads it)
STUDENT_FILE = "student.joblib"  # the learned student its offline readings use, when one is shipped


def log_program(out: Path, run_id: str) -> str:
    """The compiled program as an MLflow logged model in DSPy's own format: its saved state (the JSON of
    `program.save(..., save_program=False)`: demos and instructions per predictor) and the student its offline
    readings use, with their sha256 as the model's params. No pickle of the program (mlflow.dspy.log_model
    cloudpickles the whole module, its LM and code included, which only the same code can load back); the model
    is READY once its files are in, FAILED if they could not be written, never left PENDING. Returns its URI."""
    import shutil
    import tempfile

    import mlflow

    from programs import COMPILED_DIR

    student = COMPILED_DIR / STUDENT_FILE
    params = {"format": "dspy-state-json", "state_sha256": _sha256(out),
              "student_sha256": _sha256(student) if student.exists() else "none"}
    model = mlflow.initialize_logged_model(name="program", source_run_id=run_id, params=params,
                                           model_type="dspy-state")
    try:
        with tempfile.TemporaryDirectory() as tmp:
            shutil.copy(out, Path(tmp) / STATE_FILE)
            if student.exists():
                shutil.copy(student, Path(tmp) / STUDENT_FILE)
            mlflow.MlflowClient().log_model_artifacts(model.model_id, tmp)
    except BaseException:
        mlflow.finalize_logged_model(model.model_id, "FAILED")
        raise
    mlflow.finalize_logged_model(model.model_id, "READY")
    mlflow.log_params({"student_sha256": params["student_sha256"]})
    return f"models:/{model.model_id}"


def load_logged(model_uri: str, lm=None, strict: bool = False):
    """A program logged by `log_program`, loaded back with `programs.load` (its state file, on `lm`)."""
    import mlflow

    import programs

    model = mlflow.get_logged_model(model_uri.removeprefix("models:/"))
    path = mlflow.artifacts.download_artifacts(f"{model.artifact_location.rstrip('/')}/{STATE_FILE}")
    return programs.load(path, lm=lm, strict=strict)


def print_report(report: dict) -> None:
    for s, r in report["steps"].items():
        print(f"{s:<9} train={r['train']:<4} dev={r['dev']:<4} before={r['dev_before']} after={r['dev_after']} "
              f"demos={r['demos']} instruction_changed={r['instruction_changed']}")
    print(f"the steps together on dev: before={report['dev_before']} after={report['dev_after']}")
    if "e2e_before" in report:
        for when in ("before", "after"):
            e = report[f"e2e_{when}"]
            print(f"end to end, {e['conversations']} dev conversations (LM only) {when}: "
                  + " ".join(f"{k}={v}" for k, v in e.items() if k != "conversations"))


def main(argv: list[str] | None = None) -> int:
    import programs

    ap = argparse.ArgumentParser(prog="python -m evals.compile")
    ap.add_argument("--lm", help="DSPy/LiteLLM model string, e.g. openai/gpt-4o-mini, or 'scripted' (evals.scripted_lm."
                                 "DemoSensitiveLM: no network); not for --optimizer student")
    ap.add_argument("--optimizer", choices=OPTIMIZERS, default="bootstrap")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--steps", default=",".join(STEPS))
    ap.add_argument("--max-demos", type=int, default=4)
    ap.add_argument("--budget", choices=("light", "full"), default="light")
    ap.add_argument("--train-limit", type=int, default=None, help="use only the first N train conversations")
    ap.add_argument("--replay", type=int, default=None,
                    help="replay only the first N dev conversations end to end (default: all; 0: none)")
    ap.add_argument("--teacher", choices=("labelled", "self"), default="labelled")
    ap.add_argument("--no-mlflow", action="store_true")
    args = ap.parse_args(argv)
    if args.optimizer == "student":
        from evals import train_student

        report = train_student.train_and_save(args.out)
        train_student.print_report(report)
        return 0
    if not args.lm:
        ap.error("--lm is required for the LM optimizers")
    if args.lm == "scripted":  # no network: the stand-in LM that only a well-chosen prompt helps
        from evals.scripted_lm import DemoSensitiveLM

        lm = DemoSensitiveLM.from_labels().lm
    else:
        lm = programs.make_lm(args.lm)
    report = compile_program(lm, args.optimizer, args.out, tuple(args.steps.split(",")), args.max_demos,
                             args.train_limit, log_mlflow=not args.no_mlflow, budget=args.budget,
                             replay=args.replay, teacher=args.teacher)
    print_report(report)
    print(f"saved {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
