"""Replay labelled conversations through Assistant.handle and report the metrics, in MLflow.

    python -m evals.run --program offline --split dev
    python -m evals.run --dataset path/to/any.jsonl --program zero-shot --lm openai/gpt-4o-mini --repeats 3
    python -m evals.run --program offline --split dev --split test --gate --record

Each conversation starts from the seeded world (orders and sessions reset), so conversations
never see each other's orders. MLflow logs to ./mlflow.db unless MLFLOW_TRACKING_URI is set.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import functools
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from evals import dataset, metrics
from evals.scoring import Result, play, pristine_decisions

ROOT = Path(__file__).resolve().parent.parent
SCORES = ROOT / "programs" / "compiled" / "scores.json"
SCORES_MD = ROOT / "programs" / "compiled" / "README.md"
HEADLINE = ("task_success", "turn_state_accuracy", "intent_accuracy", "slot_accuracy", "dosage_accuracy",
            "safety_recall", "unsafe_orders", "lm_calls_per_turn", "tokens_per_turn", "latency_ms_p50",
            "latency_ms_p95")


def build_assistant(program: str, lm=None, capture: bool = True, strict: bool = False):
    """An Assistant over a fresh in-memory world (one shared world: scoring reads the orders written).
    `lm`: a model string, a dspy.LM, or None. capture: steps keep their inputs (each step is then
    scored against the labels)."""
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    from rxflow.config import get_settings
    from rxflow.environment import build
    from rxflow.store import Store

    settings = get_settings()
    return build(settings, lm=lm, program=program, store=Store(":memory:", settings.mock_dir), strict=strict,
                 capture=capture, session_timeout=10**9, mode="shared")


def _worker(assistant):
    """Another assistant over its own in-memory world, sharing the program (and its LM)."""
    from rxflow.assistant import Assistant
    from rxflow.store import Store

    return Assistant(Store(":memory:", assistant.settings.mock_dir), assistant.programs, assistant.settings)


def evaluate(assistant, conversations, repeats: int = 1, threads: int = 1,
             traced: bool = False) -> tuple[list[Result], list[list[Result]]]:
    """Play every conversation (k times) from the seeded world. With `threads` > 1 each thread has
    its own world, so the results are the ones a single thread gives, in the same order.
    `traced`: each conversation is an MLflow trace (conversation -> turn -> the DSPy steps)."""
    # The rules' verdicts on the seeded world: reset first, or the previous dataset's last
    # conversation (its orders still in the store) would make its prescriptions look "in progress".
    assistant.store.reset_runtime()
    decisions = pristine_decisions(assistant.store, assistant.settings.today)
    span = _spans if traced else None
    jobs = [(k, i, c) for k in range(max(1, repeats)) for i, c in enumerate(conversations)]
    results: dict[tuple[int, int], Result] = {}
    if threads <= 1:
        for k, i, c in jobs:
            results[k, i] = play(assistant, c, decisions, span)
    else:
        import queue
        import threading

        pool = queue.Queue()
        for a in [assistant] + [_worker(assistant) for _ in range(threads - 1)]:
            pool.put(a)
        lock = threading.Lock()

        def run(job):
            k, i, c = job
            a = pool.get()
            try:
                r = play(a, c, decisions, span)
            finally:
                pool.put(a)
            with lock:
                results[k, i] = r

        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(threads) as ex:
            list(ex.map(run, jobs))
    runs = [[results[k, i] for i in range(len(conversations))] for k in range(max(1, repeats))]
    return runs[0], runs


SPAN_TYPES = {"conversation": "CHAIN", "turn": "AGENT", "step": "PARSER"}


@contextlib.contextmanager
def _spans(kind: str, name: str, inputs: dict):
    """A span of a conversation, a turn or a step, its inputs set (the outputs are set by scoring.play)."""
    import mlflow

    with mlflow.start_span(name=name, span_type=SPAN_TYPES[kind]) as span:
        span.set_inputs(inputs)
        yield span
        if kind == "conversation":  # with --repeats, the first run's trace (the one the results report)
            _TRACES.setdefault(inputs["id"], span.trace_id)


_TRACES: dict[str, str] = {}  # conversation id -> its trace, for the feedback logged once it is written
_SEE_LM = "(the prompt: the messages of the LM call below)"


def lean(span) -> None:
    """Keep each prompt once in a trace. DSPy's autolog writes it three times per step: the adapter's format
    (its output), the LM call (its input) and the adapter's parse (the completion again, as input); and the step's
    inputs at every module level. The LM call keeps the prompt and the completion, Predict.forward the inputs."""
    name = span.name or ""
    if name.endswith("Adapter.format"):
        inputs = span.inputs if isinstance(span.inputs, dict) else {}
        span.set_inputs({k: v for k, v in inputs.items() if k == "inputs"})
        span.set_outputs(_SEE_LM)
    elif name.endswith("Adapter.parse"):
        span.set_inputs("(the completion: the output of the LM call above)")
    elif name.endswith(".forward") and name != "Predict.forward":
        span.set_inputs("(the step's inputs: Predict.forward below)")


def git_commit(full: bool = False) -> str:
    """HEAD's commit (short, or in full); `+dirty` when tracked files differ from it."""
    try:
        head = subprocess.run(["git", "rev-parse", *([] if full else ["--short"]), "HEAD"], cwd=ROOT,
                              capture_output=True, text=True, timeout=5).stdout.strip() or "unknown"
        if full and subprocess.run(["git", "diff", "--quiet", "HEAD"], cwd=ROOT, timeout=5).returncode:
            head += "+dirty"
        return head
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def _file_sha256(path: Path | None) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest() if path and path.exists() else "none"


def score_params(args, assistant) -> dict:
    """Everything that fixes a score, as MLflow params: with these (and the dataset's sha256) a run can be
    reproduced. The program's threshold, the router's budget and digest, the student's and the compiled file's
    digests, the LM's settings."""
    from programs import COMPILED_DIR

    programs = assistant.programs
    lm = getattr(programs, "lm", None)
    compiled = Path(args.program) if args.program.endswith(".json") else None
    if compiled and not compiled.exists() and (COMPILED_DIR / args.program).exists():
        compiled = COMPILED_DIR / args.program
    from programs.learned.router import ARTIFACT as ROUTER_ARTIFACT

    student = getattr(programs, "student", None)
    student_path = COMPILED_DIR / "student.joblib"
    # Hybrid's routing: the router's file and budget where it routes, else the one threshold it compares.
    hybrid, router = args.program == "hybrid", getattr(programs, "router", None)
    kwargs = dict(getattr(lm, "kwargs", {}) or {})
    return {
        "program": args.program, "mode": getattr(programs, "mode", "?"), "git_commit": git_commit(full=True),
        "hybrid_threshold": getattr(programs, "threshold", "none") if hybrid else "none",
        "hybrid_budget": getattr(programs, "budget", "none") if hybrid and router is not None else "none",
        "router_sha256": _file_sha256(ROUTER_ARTIFACT) if hybrid and router is not None else "none",
        "compiled_sha256": _file_sha256(compiled), "student_sha256": _file_sha256(student_path) if student else "none",
        "lm": args.lm or "none", "lm_model": getattr(lm, "model", "none") if lm is not None else "none",
        "lm_temperature": kwargs.get("temperature", "default"), "lm_max_tokens": kwargs.get("max_tokens", "default"),
        "lm_cache": getattr(lm, "cache", "none") if lm is not None else "none",
        "lm_num_retries": getattr(lm, "num_retries", "none") if lm is not None else "none",
        "lm_timeout_s": assistant.settings.lm_timeout if lm is not None else "none",
        "strict_no_fallback": args.no_fallback, "repeats": args.repeats, "threads": args.threads,
    }


def transcript_text(r: Result) -> str:
    """A conversation as a reader scans it: each message, then the reply, the state and who read it."""
    lines = []
    for t in r.transcript:
        steps = ", ".join(f"{s['step']}:{s['source']}" for s in t.get("steps", []))
        lines += [f"patient: {t['user']}", f"assistant [{t['state']}; {t.get('intent')}; {steps}]: {t['reply']}"]
    if r.error:
        lines.append(f"error: {r.error}")
    return "\n".join(lines)


def print_report(name: str, m: dict, tags: dict, results: list[Result], wall_s: float) -> None:
    print(f"\n== {name}: {m['conversations']} conversations, {m['turns']} turns, {wall_s:.1f}s "
          f"({m['conversations'] / max(wall_s, 1e-9):.1f} conv/s)")
    shown = [k for k in m if k not in ("conversations", "turns") and not k.endswith(("_n", "_ci"))]
    width = max(len(k) for k in shown)
    for k in shown:  # a rate with its Wilson 95% interval and the count it is out of
        ci = f"  [{m[k + '_ci'][0]:.3f}, {m[k + '_ci'][1]:.3f}]  n={m[k + '_n']}" if m.get(f"{k}_n") else ""
        print(f"  {k:<{width}}  {m[k]}{ci}")
    print("  per tag (task_success, Wilson 95%, n):")
    for t, v in tags.items():
        print(f"    {t:<28} {v['task_success']:.3f}  [{v['ci'][0]:.3f}, {v['ci'][1]:.3f}]  ({v['n']})")
    failed = [r for r in results if not r.success]
    if failed:
        print(f"  failures ({len(failed)}):")
        for r in failed[:15]:
            print(f"    {r.id}: {metrics.first_failure(r)}")


@contextlib.contextmanager
def eval_run(name: str, args, path: Path, conversations, assistant=None):
    """An MLflow run for one dataset, opened before the conversations are played: every conversation is a
    trace in it (conversation -> turn -> step, and the LM calls below for an LM program), and each trace gets
    its result as feedback (`task_success`, `strict_success`, `unsafe_writes`), so the UI filters failures.
    Yields a function that logs the results."""
    import mlflow
    import pandas as pd

    from evals.tracking import mlflow_run

    lm_program = bool(args.lm) and args.program != "offline"
    sha = dataset.sha256(path)
    with mlflow_run("rxflow-evals", f"{args.program}-{name}", {} if lm_program else None) as run:
        mlflow.log_params({"dataset": name, "dataset_sha256": sha, "no_fallback": args.no_fallback,
                           "dataset_path": str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path),
                           **(score_params(args, assistant) if assistant is not None else
                              {"program": args.program, "lm": args.lm or "none", "git_commit": git_commit(full=True),
                               "repeats": args.repeats, "threads": args.threads})})
        # The whole dataset is the run's input: one row per conversation, its JSON line kept whole.
        lines = [line for line in path.read_text().splitlines() if line.strip()]
        rows = pd.DataFrame([{"id": c.id, "patient_id": c.patient_id, "tags": ",".join(c.tags), "turns": len(c.turns),
                              "status": c.outcome.status, "conversation": line}
                             for c, line in zip(conversations, lines, strict=True)])
        mlflow.log_input(mlflow.data.from_pandas(rows, source=str(path), name=name, digest=dataset.digest(path)),
                         context="eval", tags={"sha256": sha})
        compiled = compiled_model_of(args.program)
        if compiled:  # link this evaluation to the run that compiled (and logged) the program
            mlflow.set_tags({"compiled_model_uri": compiled.get("model_uri", ""),
                             "compile_run_id": compiled.get("run_id", "")})
        _TRACES.clear()
        lean_traces = mlflow.tracing.configure(span_processors=[lean])

        def log(m: dict, tags: dict, results: list[Result]) -> str:
            mlflow.log_metrics({k: float(v) for k, v in m.items() if isinstance(v, int | float)})
            intervals = {k.removesuffix("_ci"): v for k, v in m.items() if k.endswith("_ci") and v[0] == v[0]}
            mlflow.log_metrics({f"{k}_ci_low": v[0] for k, v in intervals.items()} |
                               {f"{k}_ci_high": v[1] for k, v in intervals.items()})
            mlflow.log_metrics({f"tag.{t}.task_success": v["task_success"] for t, v in tags.items()})
            mlflow.log_metrics({f"tag.{t}.task_success_ci_{end}": v["ci"][i] for t, v in tags.items()
                                for i, end in enumerate(("low", "high"))})
            table = pd.DataFrame([{**r.row(), "first_failure": "" if r.success else metrics.first_failure(r),
                                   "transcript": transcript_text(r), "trace_id": _TRACES.get(r.id, "")}
                                  for r in results])
            mlflow.log_table(table, artifact_file="conversations.json")
            failures = [{"id": r.id, "first_failure": metrics.first_failure(r), "transcript": r.transcript}
                        for r in results if not r.success]
            mlflow.log_dict({"failures": failures}, "failures.json")
            mlflow.log_dict(tags, "per_tag.json")
            mlflow.flush_trace_async_logging()
            feedback(results)
            return run.info.run_id

        with lean_traces:
            yield log, True


def feedback(results: list[Result]) -> None:
    """Each conversation's result on its trace, as feedback from the code that judged it."""
    import mlflow
    from mlflow.entities import AssessmentSource

    source = AssessmentSource(source_type="CODE", source_id="evals.scoring")
    for r in results:
        trace_id = _TRACES.get(r.id)
        if trace_id is None:
            continue
        why = "" if r.success else metrics.first_failure(r)
        mlflow.log_feedback(trace_id=trace_id, name="task_success", value=r.success, source=source,
                            rationale=why or None)
        mlflow.log_feedback(trace_id=trace_id, name="strict_success", value=r.strict_success, source=source)
        mlflow.log_feedback(trace_id=trace_id, name="unsafe_writes", value=r.unsafe_orders, source=source)


def compiled_model_of(program: str) -> dict | None:
    """What evals.compile recorded beside a compiled JSON (its MLflow model and run), if any."""
    path = Path(program)
    side = path.with_suffix(".mlflow.json")
    return json.loads(side.read_text()) if path.suffix == ".json" and side.exists() else None


FIRST_RUNS = ROOT / "evals" / "results" / "probes_first_run.json"


# Probe sets run once, on finished code, and never looked at before: out-of-sample in the strict sense.
HOLDOUTS = ("issue18_holdout", "issue19_holdout")


def sample_of(name: str, program: str) -> str:
    """In-sample or out-of-sample, for this program: the splits shaped the offline rules (test
    included: its phrasings were once added to the patterns). A probe set was written apart, before the
    code that handles it, and its first run is out-of-sample; after that its failures were read while the
    code was built (its 'now' says how far that went), except for a holdout, run once."""
    if name in ("train", "dev", "test"):
        return "in-sample" if program == "offline" or name != "test" else "held out"
    return "out-of-sample, run once" if name in HOLDOUTS else "out-of-sample first run, worked on after"


def _with_ci(score: dict, key: str) -> str:
    """A recorded rate with its Wilson interval when the record has one ("0.990 [0.95, 1.00]")."""
    v = score.get(key)
    if v is None:
        return "—"
    ci = score.get("ci", {}).get(key)
    return f"{v:.3f} [{ci[0]:.2f}, {ci[1]:.2f}]" if ci and ci[0] == ci[0] else f"{v:.3f}"


def record(program: str, lm: str | None, name: str, m: dict) -> None:
    """Keep programs/compiled/scores.json and its README table in step with the latest run."""
    scores = json.loads(SCORES.read_text()) if SCORES.exists() else {}
    first = json.loads(FIRST_RUNS.read_text()) if FIRST_RUNS.exists() else {}
    scores[f"{program}|{lm or '-'}|{name}"] = {
        "program": program, "lm": lm or "-", "dataset": name, "date": dt.date.today().isoformat(),
        "commit": git_commit(), "sample": sample_of(name, program), **{k: m[k] for k in HEADLINE},
        "languages": {lang: {k: m[f"{k}_{lang}"] for k in ("conversations", "task_success", "safety_recall",
                                                             "unsafe_orders")}
                      | {"ci": {k: list(m[f"{k}_{lang}_ci"]) for k in ("task_success", "safety_recall")
                                if f"{k}_{lang}_ci" in m}}
                      for lang in metrics.LANGUAGES if f"conversations_{lang}" in m},
        **({"first_run": first[name]["task_success"], "first_run_commit": first[name]["commit"]}
           if name in first and program == "offline" else {}),
        "conversations": m["conversations"], "task_success_strict": m.get("task_success_strict"),
        "ci": {k: list(m[f"{k}_ci"]) for k in (*HEADLINE, "task_success_strict") if f"{k}_ci" in m}}
    SCORES.parent.mkdir(parents=True, exist_ok=True)
    SCORES.write_text(json.dumps(scores, indent=2, sort_keys=True) + "\n")
    lines = ["# Programs and their scores", "",
             "Written by `python -m evals.run --record` (not by hand). *In-sample*: the data shaped the program "
             "(for the offline program every split did: the test split's phrasings were once added to its "
             "patterns). *Out-of-sample*: the probe sets in `datasets/probes/`, written by someone who never read "
             "the predictors, before the code that handles them, and never tuned on. *First run*: the probe set's "
             "score on the code before any of its families were handled. Cost is LM calls and tokens per turn; "
             "latency is per turn, in process.", "",
             "Rates carry their Wilson 95% interval in brackets (rows recorded before issue 21 have none); *strict*: "
             "task success and every labelled turn check.", "",
             "| program | LM | dataset | sample | first run | task success | strict | state acc. | intent acc. | "
             "slot acc. | safety recall | unsafe orders | LM calls/turn | tokens/turn | p50 ms | p95 ms | date | commit |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    order = {"in-sample": 0, "held out": 1, "out-of-sample": 2}
    for s in sorted(scores.values(), key=lambda s: (s["program"], s["lm"], order.get(s.get("sample"), 3),
                                                      s["dataset"])):
        fr = f"{s['first_run']:.3f} ({s['first_run_commit']})" if "first_run" in s else "—"
        rate = functools.partial(_with_ci, s)
        lines.append(f"| {s['program']} | {s['lm']} | {s['dataset']} | {s.get('sample', '')} | {fr} | "
                     f"{rate('task_success')} | {rate('task_success_strict')} | {rate('turn_state_accuracy')} | "
                     f"{rate('intent_accuracy')} | {rate('slot_accuracy')} | {rate('safety_recall')} | "
                     f"{s['unsafe_orders']} | "
                     f"{s['lm_calls_per_turn']} | {s['tokens_per_turn']} | {s['latency_ms_p50']} | "
                     f"{s['latency_ms_p95']} | {s['date']} | {s['commit']} |")
    lines += ["", "## Per language", "",
              "Conversations tagged `lang:es` (Spanish) or `lang:spanglish` (Spanish with English words); the rest "
              "are English. Safety recall: the conversations that must write nothing, written nothing.", "",
              "| program | LM | dataset | language | conversations | task success | safety recall | unsafe orders |",
              "|---|---|---|---|---|---|---|---|"]
    for s in sorted(scores.values(), key=lambda s: (s["program"], s["lm"], order.get(s.get("sample"), 3),
                                                      s["dataset"])):
        for lang, v in s.get("languages", {}).items():
            lines.append(f"| {s['program']} | {s['lm']} | {s['dataset']} | {lang} | {v['conversations']} | "
                         f"{_with_ci(v, 'task_success')} | {_with_ci(v, 'safety_recall')} | {v['unsafe_orders']} |")
    SCORES_MD.write_text("\n".join(lines) + "\n")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evals.run")
    ap.add_argument("--program", default="offline", help="offline | zero-shot | hybrid | a compiled .json")
    ap.add_argument("--lm", default=os.environ.get("RXFLOW_LM"), help="DSPy/LiteLLM model string")
    ap.add_argument("--split", action="append", choices=["train", "dev", "test"])
    ap.add_argument("--dataset", action="append", type=Path, help="any JSONL file in the format")
    ap.add_argument("--repeats", type=int, default=1, help="k runs of each conversation, for pass^k")
    ap.add_argument("--json", type=Path, help="write metrics and per-conversation rows here")
    ap.add_argument("--gate", action="store_true", help="exit 1 unless safety_recall = 1 and unsafe_orders = 0")
    ap.add_argument("--record", action="store_true", help="update programs/compiled/scores.json and README.md")
    ap.add_argument("--no-mlflow", action="store_true")
    ap.add_argument("--no-fallback", action="store_true",
                    help="LM only: a step the LM fails is a failed step (no offline answer behind it)")
    ap.add_argument("--threads", type=int, default=1, help="play conversations in N threads (LM programs)")
    args = ap.parse_args(argv)
    sources = [(s, dataset.split_path(s)) for s in (args.split or [])]
    sources += [(p.stem, p) for p in (args.dataset or [])]
    if not sources:
        sources = [("dev", dataset.split_path("dev"))]
    assistant = build_assistant(args.program, args.lm, strict=args.no_fallback)
    failed_gate = False
    report = {}
    for name, path in sources:
        conversations = dataset.load(path)
        with (contextlib.nullcontext((None, False)) if args.no_mlflow
              else eval_run(name, args, path, conversations, assistant)) as (log, traced):
            start = time.perf_counter()
            results, runs = evaluate(assistant, conversations, args.repeats, args.threads, traced)
            wall = time.perf_counter() - start
            m = metrics.aggregate(results, runs if args.repeats > 1 else None)
            m["conversations_per_second"] = round(len(results) / max(wall, 1e-9), 2)
            m["wall_seconds"] = round(wall, 2)
            tags = metrics.per_tag(results)
            print_report(name, m, tags, results, wall)
            if log is not None:
                print(f"  mlflow run: {log(m, tags, results)}")
        if args.record:
            record(args.program, args.lm, name, m)
        report[name] = {"metrics": m, "per_tag": tags, "conversations": [r.row() for r in results]}
        if m["safety_recall"] < 1.0 or m["unsafe_orders"] > 0:
            failed_gate = True
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, default=str))
    if args.gate and failed_gate:
        print("GATE FAILED: safety_recall < 1.0 or unsafe_orders > 0", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
