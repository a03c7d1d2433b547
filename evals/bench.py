"""Benchmarks (not timed tests): offline turn latency, eval throughput, LM calls and tokens per
turn for each program (with a counting scripted LM, so no real model is needed).

    python -m evals.bench                 # prints the table, logs to MLflow (experiment rxflow-bench)
    python -m evals.bench --no-mlflow

Latency is per turn, in process (Assistant.handle, DuckDB in memory), over every dev turn.
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np

from evals import dataset
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


def lm_cost(programs_: tuple[str, ...] = ("zero-shot", "hybrid")) -> dict[str, dict[str, float]]:
    """LM calls and tokens per turn on dev, the LM answering from the dev labels (GoldLM)."""
    from evals import examples
    from evals.scripted_lm import GoldLM

    gold = GoldLM(examples.build("dev"), wrong_every=10**9)
    dev = dataset.load(dataset.split_path("dev"))
    out = {}
    for name in programs_:
        assistant = build_assistant(name, gold.lm)  # the counting scripted LM instead of a real one
        calls_before = gold.engine.calls
        results, _ = evaluate(assistant, dev)
        turns = sum(r.turns for r in results)
        out[name] = {"lm_calls_per_turn": round((gold.engine.calls - calls_before) / turns, 3),
                     "tokens_per_turn": round(sum(r.tokens for r in results) / turns, 1),
                     "task_success": round(sum(r.success for r in results) / len(results), 3)}
    out["offline"] = {"lm_calls_per_turn": 0.0, "tokens_per_turn": 0.0, "task_success": float("nan")}
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evals.bench")
    ap.add_argument("--no-mlflow", action="store_true")
    args = ap.parse_args(argv)
    perf = offline_latency_and_throughput()
    cost = lm_cost()
    print("offline program, in process:")
    for k, v in perf.items():
        print(f"  {k:<26} {v}")
    print(f"  targets: turn p95 <= 20 ms -> {'met' if perf['turn_p95_ms'] <= 20 else 'MISSED'}; "
          f"300 conversations <= 15 s -> {'met' if perf['conversations_per_second'] * 15 >= 300 else 'MISSED'}")
    print("\nLM cost per program (scripted LM answering from the dev labels):")
    print(f"  {'program':<10} {'LM calls/turn':>14} {'tokens/turn':>12} {'task success':>13}")
    for name, c in cost.items():
        print(f"  {name:<10} {c['lm_calls_per_turn']:>14} {c['tokens_per_turn']:>12} {c['task_success']:>13}")
    if not args.no_mlflow:
        import mlflow

        from evals.tracking import mlflow_run

        with mlflow_run("rxflow-bench", "bench"):
            mlflow.log_metrics({k: float(v) for k, v in perf.items()})
            for name, c in cost.items():
                mlflow.log_metrics({f"{name}.{k}": float(v) for k, v in c.items() if v == v})
    return 0


if __name__ == "__main__":
    sys.exit(main())
