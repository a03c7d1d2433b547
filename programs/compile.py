"""Compile (optimize) the programs' predictors against the labelled conversations.

    python -m programs.compile --lm openai/gpt-4o-mini --optimizer bootstrap --out programs/compiled/bootstrap-4o-mini.json

For each signature: examples from the train split's turn labels (evals.examples), a metric per
signature, dev scores before and after, one optimizer run. The result is the program's saved
state (demos and instructions, `save_program=False`), which `programs.load(PATH, lm=...)` reads.
Logged to MLflow with `mlflow.dspy.autolog(log_compiles=True, log_evals=True)`.

This CLI reads the datasets through evals/ and rxflow/ (imported inside main, never at import
time): the programs package itself stays free of DuckDB and tools.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path

import dspy

OPTIMIZERS = ("bootstrap", "mipro", "simba", "gepa")
STEPS = ("extract", "resolve", "dosage", "pharmacy", "confirm")


class StepProgram(dspy.Module):
    """One step's predictor as a program an optimizer can compile (returns a dspy.Prediction)."""

    def __init__(self, predict: dspy.Predict):
        super().__init__()
        self.predict = predict.deepcopy()

    def forward(self, **inputs):
        return self.predict(**inputs)


def make_optimizer(name: str, metric, lm, max_demos: int):
    if name == "bootstrap":
        return dspy.BootstrapFewShot(metric=metric, max_bootstrapped_demos=max_demos, max_labeled_demos=max_demos,
                                     max_rounds=1)
    if name == "mipro":
        return dspy.MIPROv2(metric=metric, auto="light", prompt_model=lm, task_model=lm,
                            max_bootstrapped_demos=max_demos, max_labeled_demos=max_demos, num_threads=1)
    if name == "simba":
        return dspy.SIMBA(metric=metric, max_demos=max_demos, bsize=8, num_threads=1)
    if name == "gepa":
        def feedback_metric(gold, pred, trace=None, pred_name=None, pred_trace=None):
            ok = metric(gold, pred)
            return dspy.Prediction(score=float(ok), feedback="correct" if ok else f"expected {gold.labels().toDict()}")

        return dspy.GEPA(metric=feedback_metric, auto="light", reflection_lm=lm, num_threads=1)
    raise ValueError(name)


def score(program: dspy.Module, devset, metric, lm) -> float:
    if not devset:
        return float("nan")
    with dspy.context(lm=lm):
        hits = 0
        for ex in devset:
            # An unparsable answer scores 0, as at run time it would fall back to offline.
            with contextlib.suppress(Exception):
                hits += bool(metric(ex, program(**ex.inputs())))
    return round(hits / len(devset), 4)


def compile_program(lm, optimizer: str, out: Path, steps=STEPS, max_demos: int = 4, train_limit: int | None = None,
                    dev_limit: int | None = None, log_mlflow: bool = True) -> dict[str, dict[str, float]]:
    import programs
    from evals import examples as ex_mod

    train = ex_mod.build("train", train_limit)
    dev = ex_mod.build("dev", dev_limit)
    program = programs.load("zero-shot", lm=lm)
    report: dict[str, dict[str, float]] = {}
    with contextlib.ExitStack() as stack:
        run = None
        if log_mlflow:
            import mlflow

            from evals.tracking import mlflow_run

            run = stack.enter_context(mlflow_run("rxflow-compile", f"{optimizer}-{out.stem}",
                                                 {"log_compiles": True, "log_evals": True}))
            mlflow.log_params({"optimizer": optimizer, "lm": getattr(lm, "model", str(lm)), "out": str(out)})
        for step in steps:
            trainset, devset = train.get(step, []), dev.get(step, [])
            if len(trainset) < 2:
                continue
            metric = ex_mod.metric(step)
            predictor = getattr(program, step).predict
            student = StepProgram(predictor)
            before = score(student, devset, metric, lm)
            with dspy.context(lm=lm):
                compiled = make_optimizer(optimizer, metric, lm, max_demos).compile(student, trainset=trainset)
            after = score(compiled, devset, metric, lm)
            predictor.load_state(compiled.predict.dump_state())
            report[step] = {"dev_before": before, "dev_after": after, "train": len(trainset), "dev": len(devset),
                            "demos": len(predictor.demos)}
            print(f"{step:<9} train={len(trainset):<4} dev={len(devset):<4} before={before} after={after} "
                  f"demos={len(predictor.demos)}")
            if run is not None:
                import mlflow

                mlflow.log_metrics({f"{step}.dev_before": before, f"{step}.dev_after": after,
                                    f"{step}.demos": len(predictor.demos)})
        out.parent.mkdir(parents=True, exist_ok=True)
        program.save(str(out), save_program=False)
        if run is not None:
            mlflow.log_artifact(str(out))
    return report


def main(argv: list[str] | None = None) -> int:
    import programs

    ap = argparse.ArgumentParser(prog="python -m programs.compile")
    ap.add_argument("--lm", required=True, help="DSPy/LiteLLM model string, e.g. openai/gpt-4o-mini")
    ap.add_argument("--optimizer", choices=OPTIMIZERS, default="bootstrap")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--steps", default=",".join(STEPS))
    ap.add_argument("--max-demos", type=int, default=4)
    ap.add_argument("--train-limit", type=int, default=None, help="use only the first N train conversations")
    ap.add_argument("--no-mlflow", action="store_true")
    args = ap.parse_args(argv)
    lm = programs.make_lm(args.lm)
    report = compile_program(lm, args.optimizer, args.out, tuple(args.steps.split(",")), args.max_demos,
                             args.train_limit, log_mlflow=not args.no_mlflow)
    print(f"saved {args.out} ({len(report)} steps compiled)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
