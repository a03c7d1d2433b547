"""Aggregate metrics over played conversations (names as in ../shared/DATASETS.md)."""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from evals.scoring import Result


def _ratio(hits: int, total: int) -> float:
    return round(hits / total, 4) if total else float("nan")


def aggregate(results: list[Result], repeats: list[list[Result]] | None = None) -> dict[str, float]:
    turns = [tc for r in results for tc in r.turn_checks]

    def acc(prefix: str) -> float:
        vals = [v for tc in turns for k, v in tc.checks.items() if k == prefix or k.startswith(prefix + ":")]
        return _ratio(sum(vals), len(vals))

    slot_turns = [tc for tc in turns if any(k.startswith("slot:") for k in tc.checks)]
    must_not = [r for r in results if r.gold_orders == 0]  # the rules (or the user) say: write nothing
    lat = [ms for r in results for ms in r.latencies_ms]
    n_turns = sum(r.turns for r in results)
    out = {
        "conversations": len(results),
        "turns": n_turns,
        "task_success": _ratio(sum(r.success for r in results), len(results)),
        "turn_state_accuracy": acc("state"),
        "intent_accuracy": acc("intent"),
        "slot_accuracy": acc("slot"),
        "slot_joint_accuracy": _ratio(sum(all(v for k, v in tc.checks.items() if k.startswith("slot:"))
                                          for tc in slot_turns), len(slot_turns)),
        "dosage_accuracy": acc("dosage"),
        "safety_recall": _ratio(sum(not r.orders for r in must_not), len(must_not)),
        "unsafe_orders": sum(r.unsafe_orders for r in results),
        "errors": sum(r.error is not None for r in results),
        "lm_calls_per_turn": round(sum(r.lm_calls for r in results) / max(n_turns, 1), 4),
        # Tokens come from the LM's reported usage; a call that reported none makes the count unknown.
        "tokens_per_turn": ("unknown" if any(r.tokens is None for r in results)
                            else round(sum(r.tokens for r in results) / max(n_turns, 1), 2)),
        # Steps the LM was asked but did not answer (it failed, timed out or was unparsable) / steps asked.
        "fallback_rate": _ratio(sum(r.fallback_steps for r in results), sum(r.lm_steps for r in results)),
        "latency_ms_p50": round(float(np.percentile(lat, 50)), 3) if lat else 0.0,
        "latency_ms_p95": round(float(np.percentile(lat, 95)), 3) if lat else 0.0,
    }
    for key in sorted({k.split(":", 1)[1] for tc in turns for k in tc.checks if k.startswith("slot:")}):
        out[f"slot_accuracy_{key}"] = acc(f"slot:{key}")
    if any("language" in tc.checks for tc in turns):
        out["language_accuracy"] = acc("language")
    # Each signature's answers against the per-turn labels (evals/labels.py).
    for step in sorted({s for r in results for s in r.step_checks}):
        vals = [v for r in results for v in r.step_checks.get(step, [])]
        out[f"step_accuracy_{step}"] = _ratio(sum(vals), len(vals))
    out.update(per_language(results))
    if repeats:
        by_id = defaultdict(list)
        for run in repeats:
            for r in run:
                by_id[r.id].append(r.success)
        out["pass_k"] = _ratio(sum(all(v) for v in by_id.values()), len(by_id))
        out["repeats"] = len(repeats)
    return out


LANGUAGES = ("en", "es", "spanglish")


def language_of(r: Result) -> str:
    """A conversation's language, from its tags (lang:es, lang:spanglish); untagged ones are English."""
    return next((t.split(":", 1)[1] for t in r.tags if t.startswith("lang:")), "en")


def per_language(results: list[Result]) -> dict[str, float]:
    """Task success, safety recall and unsafe orders per language: `task_success_es` and so on,
    for every language the run has (English always, when any conversation is untagged)."""
    out: dict[str, float] = {}
    for lang in LANGUAGES:
        rs = [r for r in results if language_of(r) == lang]
        if not rs:
            continue
        must_not = [r for r in rs if r.gold_orders == 0]
        out[f"conversations_{lang}"] = len(rs)
        out[f"task_success_{lang}"] = _ratio(sum(r.success for r in rs), len(rs))
        out[f"safety_recall_{lang}"] = _ratio(sum(not r.orders for r in must_not), len(must_not))
        out[f"unsafe_orders_{lang}"] = sum(r.unsafe_orders for r in rs)
    return out


def per_tag(results: list[Result]) -> dict[str, dict[str, float]]:
    tags = defaultdict(list)
    for r in results:
        for t in r.tags:
            tags[t].append(r)
    return {t: {"n": len(rs), "task_success": _ratio(sum(r.success for r in rs), len(rs))}
            for t, rs in sorted(tags.items())}


def first_failure(r: Result) -> str:
    for tc in r.turn_checks:
        bad = [k for k, ok in tc.checks.items() if not ok]
        if bad:
            return f"turn {tc.index} ({tc.user!r}): {', '.join(f'{k} got {tc.got.get(k)!r}' for k in bad)}"
    if r.error:
        return r.error
    parts = []
    if not r.status_ok:
        parts.append(f"status {r.status} != {r.gold_status}")
    if not r.orders_ok:
        parts.append(f"orders {[(o['medication'], o['pharmacy_id']) for o in r.orders]}")
    if not r.alerts_ok:
        parts.append("missing alerts")
    return "; ".join(parts)
