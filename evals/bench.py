"""Benchmarks (not timed tests): offline turn latency and eval throughput; LM calls, prompt size
and tokens per turn for each program; hybrid's LM calls against task success over the router's LM-call
budgets, and over the one confidence threshold of the route before the router; eval wall time, serial vs threaded, against a fake LM server with 200 ms latency.

    python -m evals.bench                 # prints the tables, logs to MLflow (experiment rxflow-bench)
    python -m evals.bench --no-mlflow --quick

No real model is called. The LM is a scripted engine answering from the dev labels (GoldLM);
its prompts are the real ones DSPy writes, so prompt sizes are measured; token counts are
*estimated* from them at 4 characters a token (a real tokenizer would need a download).
"""

from __future__ import annotations

import argparse
import json
import sys
import time

import numpy as np

from evals import dataset, metrics
from evals.run import build_assistant, evaluate


def offline_latency_and_throughput() -> dict[str, float]:
    assistant = build_assistant("offline", None)
    dev = dataset.load(dataset.split_path("dev"))
    evaluate(assistant, dev[:5])  # warm-up: imports, caches
    results, _ = evaluate(assistant, dev)
    lat = [ms for r in results for ms in r.latencies_ms]
    everything = [c for s in ("train", "dev", "test") for c in dataset.load(dataset.split_path(s))]
    start = time.perf_counter()
    evaluate(assistant, everything)
    wall = time.perf_counter() - start
    return {"turns": len(lat), "turn_p50_ms": round(float(np.percentile(lat, 50)), 2),
            "turn_p95_ms": round(float(np.percentile(lat, 95)), 2), "turn_max_ms": round(max(lat), 2),
            "conversations": len(everything), "eval_seconds": round(wall, 2),
            "conversations_per_second": round(len(everything) / wall, 1)}


def _gold_lm(wrong_every: int = 10**9):
    from evals import examples
    from evals.scripted_lm import GoldLM

    return GoldLM(examples.build("dev", balance=False), wrong_every=wrong_every)


THRESHOLD_ROUTE = "hybrid-threshold"  # hybrid without its router: one threshold on the student's probability


def _hybrid(lm, *, router: bool = True, threshold: float | None = None, budget: float | None = None):
    """A hybrid assistant routed by the shipped router (at `budget`), or without it (at `threshold`)."""
    assistant = build_assistant("hybrid", lm)
    if not router:
        assistant.programs.router = None
    if threshold is not None:
        assistant.programs.threshold = threshold
    if budget is not None:
        assistant.programs.budget = budget
    return assistant


def lm_cost(dev, programs_: tuple[str, ...] = ("zero-shot", "hybrid", THRESHOLD_ROUTE)) -> dict[str, dict]:
    """LM calls, prompt characters and (estimated) tokens per turn on dev, for each program."""
    gold = _gold_lm()
    out = {}
    for name in programs_:
        assistant = _hybrid(gold.lm, router=False) if name == THRESHOLD_ROUTE else build_assistant(name, gold.lm)
        calls, chars = gold.engine.calls, gold.engine.prompt_chars
        results, _ = evaluate(assistant, dev)
        turns = sum(r.turns for r in results)
        m = metrics.aggregate(results)
        out[name] = {"lm_calls_per_turn": round((gold.engine.calls - calls) / turns, 3),
                     "prompt_chars_per_call": round((gold.engine.prompt_chars - chars)
                                                    / max(gold.engine.calls - calls, 1)),
                     "prompt_chars_per_turn": round((gold.engine.prompt_chars - chars) / turns),
                     "tokens_per_turn_estimated": m["tokens_per_turn"], "task_success": m["task_success"],
                     "task_success_ci": m["task_success_ci"], "conversations": m["conversations"]}
    m = metrics.aggregate(evaluate(build_assistant("offline", None), dev)[0])
    out["offline"] = {"lm_calls_per_turn": 0.0, "prompt_chars_per_call": 0, "prompt_chars_per_turn": 0,
                      "tokens_per_turn_estimated": 0.0, "task_success": m["task_success"],
                      "task_success_ci": m["task_success_ci"], "conversations": m["conversations"]}
    return out


def _point(assistant, dev, **key) -> dict:
    m = metrics.aggregate(evaluate(assistant, dev)[0])
    return {**key, "lm_calls_per_turn": m["lm_calls_per_turn"], "task_success": m["task_success"],
            "task_success_ci": m["task_success_ci"], "unsafe_orders": m["unsafe_orders"]}


def hybrid_curve(dev, thresholds=(0.1, 0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 0.99, 1.01), wrong_every: int = 5) -> list[dict]:
    """The route before the router: hybrid asks the LM when the offline reading's confidence (the learned
    student's calibrated probability, where it reads that step) is under one threshold. The LM here is right
    on the labelled questions but wrong on every `wrong_every`-th: the curve shows what each LM call buys."""
    gold = _gold_lm(wrong_every)
    return [_point(_hybrid(gold.lm, router=False, threshold=t), dev, threshold=t) for t in thresholds]


def router_curve(dev, wrong_every: int = 5) -> list[dict]:
    """Hybrid as shipped: the router's "are the rules right here?" against each step's dev cut, at each
    budget it saved (the steps it does not read keep the default threshold); the same LM as hybrid_curve."""
    from programs import shipped_router

    router = shipped_router()
    if router is None:
        return []
    gold = _gold_lm(wrong_every)
    return [_point(_hybrid(gold.lm, budget=b), dev, budget=b) for b in router.budgets]


def threaded_eval(dev, threads=(1, 4, 8), latency: float = 0.2) -> list[dict]:
    """Eval wall time against an OpenAI-compatible server that takes `latency` seconds a call."""
    from evals.fake_openai import FakeOpenAI
    from evals.scripted_lm import FIELD, format_answer

    gold = _gold_lm()

    def answer(messages):
        parsed = {k: v.strip() for k, v in FIELD.findall(messages[-1]["content"] if messages else "")}
        return format_answer(gold.answer(parsed)) if parsed else ""

    server = FakeOpenAI(answer)
    server.latency = latency
    rows, baseline = [], None
    try:
        for n in threads:
            assistant = build_assistant("zero-shot", server.lm(timeout=10))
            start = time.perf_counter()
            results, _ = evaluate(assistant, dev, threads=n)
            wall = time.perf_counter() - start
            outcome = [(r.id, r.success, r.status) for r in results]
            baseline = baseline or outcome
            rows.append({"threads": n, "wall_seconds": round(wall, 1), "conversations": len(results),
                         "same_results_as_one_thread": outcome == baseline,
                         "task_success": metrics.aggregate(results)["task_success"]})
    finally:
        server.close()
    return rows


def _rate(v, ci) -> str:
    """A task success with its Wilson 95% interval, as the tables print it."""
    return f"{v:.3f} [{ci[0]:.2f}, {ci[1]:.2f}]"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evals.bench")
    ap.add_argument("--no-mlflow", action="store_true")
    ap.add_argument("--quick", action="store_true", help="30 dev conversations instead of all")
    ap.add_argument("--json", help="write the results here")
    args = ap.parse_args(argv)
    dev = dataset.load(dataset.split_path("dev"))
    small = dev[:30] if args.quick else dev
    perf = offline_latency_and_throughput()
    cost = lm_cost(small)
    routed = router_curve(small)
    curve = hybrid_curve(small)
    threads = threaded_eval(dev[:20] if args.quick else dev[:40])
    print("offline program, in process:")
    for k, v in perf.items():
        print(f"  {k:<26} {v}")
    print(f"\nLM cost per program ({len(small)} dev conversations; tokens estimated at 4 characters/token):")
    print(f"  {'program':<16} {'LM calls/turn':>14} {'chars/call':>11} {'chars/turn':>11} {'~tokens/turn':>13} "
          f"{'task success':>13}")
    for name, c in cost.items():
        print(f"  {name:<16} {c['lm_calls_per_turn']:>14} {c['prompt_chars_per_call']:>11} {c['prompt_chars_per_turn']:>11} "
              f"{c['tokens_per_turn_estimated']:>13}  {_rate(c['task_success'], c['task_success_ci'])}")
    print("\nhybrid (router): LM calls per turn vs task success over the LM-call budget (LM wrong 1 time in 5):")
    for r in routed:
        print(f"  budget {r['budget']:<5} LM calls/turn {r['lm_calls_per_turn']:<7} task success "
              f"{_rate(r['task_success'], r['task_success_ci'])}  unsafe orders {r['unsafe_orders']}")
    print("\nhybrid without the router: over one confidence threshold (LM wrong 1 time in 5):")
    for r in curve:
        print(f"  threshold {r['threshold']:<5} LM calls/turn {r['lm_calls_per_turn']:<7} task success "
              f"{_rate(r['task_success'], r['task_success_ci'])}"
              f"  unsafe orders {r['unsafe_orders']}")
    print("\neval wall time against a fake LM server with 200 ms latency:")
    for r in threads:
        print(f"  {r['threads']} thread(s): {r['wall_seconds']} s for {r['conversations']} conversations; "
              f"same results as one thread: {r['same_results_as_one_thread']}")
    report = {"offline": perf, "lm_cost": cost, "router_curve": routed, "hybrid_curve": curve,
              "threaded_eval": threads}
    if args.json:
        with open(args.json, "w") as f:
            json.dump(report, f, indent=2, default=str)
    if not args.no_mlflow:
        import mlflow

        from evals.tracking import mlflow_run

        with mlflow_run("rxflow-bench", "bench"):
            mlflow.log_metrics({k: float(v) for k, v in perf.items()})
            for name, c in cost.items():
                mlflow.log_metrics({f"{name}.{k}": float(v) for k, v in c.items() if isinstance(v, int | float)})
                mlflow.log_metrics({f"{name}.task_success_ci_low": c["task_success_ci"][0],
                                    f"{name}.task_success_ci_high": c["task_success_ci"][1]})
            mlflow.log_dict(report, "bench.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
