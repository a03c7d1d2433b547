"""Compile (optimize) the whole program against the labelled conversations.

    python -m evals.compile --lm openai/gpt-4o-mini --optimizer bootstrap --out programs/compiled/bootstrap-4o-mini.json
    python -m evals.compile --optimizer student --out programs/compiled/student.joblib   # no LM: the learned offline student

What is compiled is RxPrograms itself: one program whose forward(step, **inputs) runs any of its
five steps, on one training set that mixes every step's examples (evals/examples.py: inputs
captured from replays, answers from the labels, balanced per class), judged by each step's own
metric. Dev is the validation set; dev scores before and after come from dspy.Evaluate. The steps
run strict (no offline fallback), so the scores are the LM's own. The result is the program's
saved state (`save_program=False`: demos and instructions per predictor), which
`programs.load(PATH, lm=...)` reads; with MLflow on, it is also logged as a model
(`mlflow.dspy.log_model`), and the model's URI is written beside the JSON so eval runs of it link back.

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
VALSET = 40  # dev examples the search optimizers (mipro, gepa) score candidates on; all of dev scores the result
STEPS = tuple(_TABLE)  # every step of the program, from the one step table


def mixed(sets: dict[str, list[dspy.Example]], steps) -> list[dspy.Example]:
    """One set of examples for the whole program, each carrying the step it is for, the steps taken
    in turn (an optimizer that stops after N successes then has met every step)."""
    from itertools import chain, zip_longest

    from programs.modules import STEPS as TABLE

    columns = [[ex.copy(step=step).with_inputs("step", *TABLE[step].inputs) for ex in sets.get(step, [])]
               for step in steps]
    return [ex for ex in chain.from_iterable(zip_longest(*columns)) if ex is not None]


def teacher_for(program, train: dict[str, list[dspy.Example]], k: int):
    """The program with k labelled demos per step, drawn from that step's own examples: the teacher
    whose traces bootstrap the student's demos (a mixed set would give a step another's demos)."""
    teacher = program.deepcopy()
    for step, rows in train.items():
        getattr(teacher, step).predict.demos = rows[:k]
    return teacher


def make_optimizer(name: str, metric, lm, max_demos: int, budget: str):
    light = budget == "light"
    if name == "bootstrap":
        # The demo budget counts successes over the whole mixed set: room for max_demos per step.
        return dspy.BootstrapFewShot(metric=metric, max_bootstrapped_demos=max_demos * len(STEPS),
                                     max_labeled_demos=0, max_rounds=1)
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

        # Each example exercises one step, so a minibatch may hold no call of a given predictor:
        # reflect on every predictor the minibatch reached, with minibatches large enough to reach most.
        return dspy.GEPA(metric=feedback, reflection_lm=lm, max_metric_calls=200 if light else 2000, num_threads=1,
                         component_selector="all", reflection_minibatch_size=10, track_stats=False)
    raise ValueError(name)


def score(program, devset, metric, lm) -> float:
    if not devset:
        return float("nan")
    with dspy.context(lm=lm):
        result = dspy.Evaluate(devset=devset, metric=metric, num_threads=1, display_progress=False,
                               failure_score=0.0, provide_traceback=False)(program)
    return round(float(result.score) / 100, 4)


def compile_program(lm, optimizer: str, out: Path, steps=STEPS, max_demos: int = 4, train_limit: int | None = None,
                    dev_limit: int | None = None, log_mlflow: bool = True, budget: str = "light") -> dict:
    """Compile RxPrograms with `optimizer`; save its state to `out`; return dev scores before/after."""
    import programs
    from evals import examples as ex_mod

    train = ex_mod.build("train", train_limit)
    dev = ex_mod.build("dev", dev_limit)
    trainset, devset = mixed(train, steps), mixed(dev, steps)
    valset = devset[:VALSET]  # what search optimizers score candidates on (the steps in turn)
    per_step = {s: mixed(dev, (s,)) for s in steps if dev.get(s)}
    student = programs.load("zero-shot", lm=lm, strict=True)
    metric = ex_mod.program_metric
    report: dict = {"optimizer": optimizer, "train": len(trainset), "dev": len(devset), "steps": {}}
    with contextlib.ExitStack() as stack:
        run = None
        if log_mlflow:
            import mlflow

            from evals.tracking import mlflow_run

            run = stack.enter_context(mlflow_run("rxflow-compile", f"{optimizer}-{out.stem}",
                                                 {"log_compiles": True, "log_evals": True}))
            mlflow.log_params({"optimizer": optimizer, "lm": getattr(lm, "model", str(lm)), "out": str(out),
                               "train_examples": len(trainset), "dev_examples": len(devset), "budget": budget})
        before = {s: score(student, rows, metric, lm) for s, rows in per_step.items()}
        with dspy.context(lm=lm):
            opt = make_optimizer(optimizer, metric, lm, max_demos, budget)
            if optimizer in ("bootstrap", "mipro"):
                kwargs = {"teacher": teacher_for(student, train, max_demos)}
                if optimizer == "mipro":
                    kwargs |= {"valset": valset, "num_trials": 4 if budget == "light" else 20,
                               "minibatch_size": min(25, len(valset)), "requires_permission_to_run": False}
                compiled = opt.compile(student, trainset=trainset, **kwargs)
            elif optimizer == "gepa":
                compiled = opt.compile(student, trainset=trainset, valset=valset)
            else:
                compiled = opt.compile(student, trainset=trainset, seed=0)
        for s in steps:  # at most max_demos demos per step (the budget above was for the whole program)
            getattr(compiled, s).predict.demos = getattr(compiled, s).predict.demos[:max_demos]
        after = {s: score(compiled, rows, metric, lm) for s, rows in per_step.items()}
        for s in per_step:
            predict = getattr(compiled, s).predict
            report["steps"][s] = {"dev_before": before[s], "dev_after": after[s], "train": len(train.get(s, [])),
                                  "dev": len(dev.get(s, [])), "demos": len(predict.demos),
                                  "instruction_changed": predict.signature.instructions
                                  != getattr(student, s).predict.signature.instructions}
        weights = {s: len(per_step[s]) for s in per_step}
        report["dev_before"] = round(sum(before[s] * weights[s] for s in per_step) / sum(weights.values()), 4)
        report["dev_after"] = round(sum(after[s] * weights[s] for s in per_step) / sum(weights.values()), 4)
        out.parent.mkdir(parents=True, exist_ok=True)
        compiled.save(str(out), save_program=False)
        if run is not None:
            import mlflow

            mlflow.log_metrics({"dev_before": report["dev_before"], "dev_after": report["dev_after"]})
            for s, r in report["steps"].items():
                mlflow.log_metrics({f"{s}.dev_before": r["dev_before"], f"{s}.dev_after": r["dev_after"],
                                    f"{s}.demos": r["demos"]})
            mlflow.log_artifact(str(out))
            info = mlflow.dspy.log_model(compiled, name="program")
            side = {"run_id": run.info.run_id, "model_uri": info.model_uri, "optimizer": optimizer,
                    "lm": getattr(lm, "model", str(lm))}
            out.with_suffix(".mlflow.json").write_text(json.dumps(side, indent=2) + "\n")
            report["model_uri"] = info.model_uri
    return report


def print_report(report: dict) -> None:
    for s, r in report["steps"].items():
        print(f"{s:<9} train={r['train']:<4} dev={r['dev']:<4} before={r['dev_before']} after={r['dev_after']} "
              f"demos={r['demos']} instruction_changed={r['instruction_changed']}")
    print(f"whole program on dev: before={report['dev_before']} after={report['dev_after']}")


def main(argv: list[str] | None = None) -> int:
    import programs

    ap = argparse.ArgumentParser(prog="python -m evals.compile")
    ap.add_argument("--lm", help="DSPy/LiteLLM model string, e.g. openai/gpt-4o-mini (not for --optimizer student)")
    ap.add_argument("--optimizer", choices=OPTIMIZERS, default="bootstrap")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--steps", default=",".join(STEPS))
    ap.add_argument("--max-demos", type=int, default=4)
    ap.add_argument("--budget", choices=("light", "full"), default="light")
    ap.add_argument("--train-limit", type=int, default=None, help="use only the first N train conversations")
    ap.add_argument("--no-mlflow", action="store_true")
    args = ap.parse_args(argv)
    if args.optimizer == "student":
        from evals import train_student

        report = train_student.train_and_save(args.out)
        train_student.print_report(report)
        return 0
    if not args.lm:
        ap.error("--lm is required for the LM optimizers")
    lm = programs.make_lm(args.lm)
    report = compile_program(lm, args.optimizer, args.out, tuple(args.steps.split(",")), args.max_demos,
                             args.train_limit, log_mlflow=not args.no_mlflow, budget=args.budget)
    print_report(report)
    print(f"saved {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
