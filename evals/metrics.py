"""Aggregate metrics over played conversations (names as in ../shared/DATASETS.md)."""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from evals.scoring import Result


def _ratio(hits: int, total: int) -> float:
    return round(hits / total, 4) if total else float("nan")


def wilson(hits: int, total: int, z: float = 1.96) -> tuple[float, float]:
    """The Wilson score interval (95% by default) of hits/total: honest at 0, at 1 and for small n,
    where the normal approximation gives intervals outside [0, 1] or of width 0."""
    if not total:
        return float("nan"), float("nan")
    p = hits / total
    centre = (p + z * z / (2 * total)) / (1 + z * z / total)
    half = z * ((p * (1 - p) / total + z * z / (4 * total * total)) ** 0.5) / (1 + z * z / total)
    return round(max(0.0, centre - half), 4), round(min(1.0, centre + half), 4)


# Sources of a step's answer (programs/modules.py StepTrace.source): the LM was asked unless it is "offline".
LM_ASKED = ("lm", "fallback", "failed")


def aggregate(results: list[Result], repeats: list[list[Result]] | None = None) -> dict[str, float]:
    """The metrics of one run. Every rate `r` that counts hits out of a total also has `r_n` (the total)
    and `r_ci` (its Wilson 95% interval, low and high), so a reader sees how much it could move."""
    turns = [tc for r in results for tc in r.turn_checks]
    counts: dict[str, tuple[int, int]] = {}  # rate -> (hits, total), for the intervals

    def rate(name: str, hits: int, total: int) -> float:
        counts[name] = (hits, total)
        return _ratio(hits, total)

    def acc(prefix: str, name: str | None = None) -> float:
        vals = [v for tc in turns for k, v in tc.checks.items() if k == prefix or k.startswith(prefix + ":")]
        return rate(name or f"{prefix}_accuracy", sum(vals), len(vals))

    slot_turns = [tc for tc in turns if any(k.startswith("slot:") for k in tc.checks)]
    must_not = [r for r in results if r.gold_orders == 0]  # the rules (or the user) say: write nothing
    lat = [ms for r in results for ms in r.latencies_ms]
    n_turns = sum(r.turns for r in results)
    out = {
        "conversations": len(results),
        "turns": n_turns,
        "task_success": rate("task_success", sum(r.success for r in results), len(results)),
        # Task success and every labelled turn check of the conversation (states, intents, slots...).
        "task_success_strict": rate("task_success_strict", sum(r.strict_success for r in results), len(results)),
        "turn_state_accuracy": acc("state", "turn_state_accuracy"),
        "intent_accuracy": acc("intent"),
        "slot_accuracy": acc("slot"),
        "slot_joint_accuracy": rate("slot_joint_accuracy",
                                    sum(all(v for k, v in tc.checks.items() if k.startswith("slot:"))
                                        for tc in slot_turns), len(slot_turns)),
        "dosage_accuracy": acc("dosage"),
        "safety_recall": rate("safety_recall", sum(not r.orders for r in must_not), len(must_not)),
        "unsafe_orders": sum(r.unsafe_orders for r in results),
        "errors": sum(r.error is not None for r in results),
        "lm_calls_per_turn": round(sum(r.lm_calls for r in results) / max(n_turns, 1), 4),
        # Tokens come from the LM's reported usage; a call that reported none makes the count unknown.
        "tokens_per_turn": ("unknown" if any(r.tokens is None for r in results)
                            else round(sum(r.tokens for r in results) / max(n_turns, 1), 2)),
        # Steps the LM was asked but did not answer (it failed, timed out or was unparsable) / steps asked.
        "fallback_rate": rate("fallback_rate", sum(r.fallback_steps for r in results), sum(r.lm_steps for r in results)),
        # Turns answered "Sorry, I didn't catch that" (an LM-only step failed).
        "not_understood_rate": rate("not_understood_rate", sum(r.not_understood for r in results), n_turns),
        "latency_ms_p50": round(float(np.percentile(lat, 50)), 3) if lat else 0.0,
        "latency_ms_p95": round(float(np.percentile(lat, 95)), 3) if lat else 0.0,
    }
    for key in sorted({k.split(":", 1)[1] for tc in turns for k in tc.checks if k.startswith("slot:")}):
        out[f"slot_accuracy_{key}"] = acc(f"slot:{key}", f"slot_accuracy_{key}")
    if any("language" in tc.checks for tc in turns):
        out["language_accuracy"] = acc("language")
    out.update(step_accuracy(results, rate))
    out.update(per_language(results, rate))
    if repeats:
        by_id = defaultdict(list)
        for run in repeats:
            for r in run:
                by_id[r.id].append(r.success)
        out["pass_k"] = rate("pass_k", sum(all(v) for v in by_id.values()), len(by_id))
        out["repeats"] = len(repeats)
    for name, (hits, total) in counts.items():
        if name in out:
            out[f"{name}_n"] = total
            out[f"{name}_ci"] = wilson(hits, total)
    return out


def step_accuracy(results: list[Result], rate) -> dict[str, float]:
    """Each signature's answers against the per-turn labels (evals/labels.py), by who answered.

    - `step_accuracy_<step>`: the program's own answers. A step the LM was asked counts as right only when
      the LM answered it right; the offline fallback's rescue counts as wrong (a dead LM scores 0, not the
      fallback's 0.98). A step no LM was asked (offline, or hybrid when confident) is the offline's answer.
    - `step_accuracy_lm_<step>`: of the labelled steps the LM was asked, the share it answered right.
    - `step_accuracy_fallback_<step>`: the offline fallback's answers, on the steps the LM left to it.
    - `step_accuracy_offline_<step>`: steps answered offline without asking the LM.
    The last three appear only when such steps exist."""
    out: dict[str, float] = {}
    for step in sorted({s for r in results for s in r.step_checks}):
        pairs = [(ok, src) for r in results
                 for ok, src in zip(r.step_checks.get(step, []), r.step_sources.get(step, []), strict=True)]
        own = [ok and src in ("lm", "offline") for ok, src in pairs]
        out[f"step_accuracy_{step}"] = rate(f"step_accuracy_{step}", sum(own), len(own))
        groups = {"lm": [ok and src == "lm" for ok, src in pairs if src in LM_ASKED],
                  "fallback": [ok for ok, src in pairs if src == "fallback"],
                  "offline": [ok for ok, src in pairs if src == "offline"]}
        if groups["lm"]:
            for g, vals in groups.items():
                if vals:
                    out[f"step_accuracy_{g}_{step}"] = rate(f"step_accuracy_{g}_{step}", sum(vals), len(vals))
    return out


LANGUAGES = ("en", "es", "spanglish")


def language_of(r: Result) -> str:
    """A conversation's language, from its tags (lang:es, lang:spanglish); untagged ones are English."""
    return next((t.split(":", 1)[1] for t in r.tags if t.startswith("lang:")), "en")


def per_language(results: list[Result], rate=None) -> dict[str, float]:
    """Task success, safety recall and unsafe orders per language: `task_success_es` and so on,
    for every language the run has (English always, when any conversation is untagged). `rate(name, hits,
    total)`: aggregate's, which gives each rate its count and Wilson interval."""
    rate = rate or (lambda name, hits, total: _ratio(hits, total))
    out: dict[str, float] = {}
    for lang in LANGUAGES:
        rs = [r for r in results if language_of(r) == lang]
        if not rs:
            continue
        must_not = [r for r in rs if r.gold_orders == 0]
        out[f"conversations_{lang}"] = len(rs)
        out[f"task_success_{lang}"] = rate(f"task_success_{lang}", sum(r.success for r in rs), len(rs))
        out[f"safety_recall_{lang}"] = rate(f"safety_recall_{lang}", sum(not r.orders for r in must_not),
                                            len(must_not))
        out[f"unsafe_orders_{lang}"] = sum(r.unsafe_orders for r in rs)
    return out


def per_tag(results: list[Result]) -> dict[str, dict[str, float]]:
    """Task success per tag, with its count and Wilson 95% interval."""
    tags = defaultdict(list)
    for r in results:
        for t in r.tags:
            tags[t].append(r)
    return {t: {"n": len(rs), "task_success": _ratio(sum(r.success for r in rs), len(rs)),
                "ci": wilson(sum(r.success for r in rs), len(rs))}
            for t, rs in sorted(tags.items())}


def confusion(results: list[Result], step: str) -> dict[tuple[str, str], int]:
    """How often the step answered each class for each labelled class: {(labelled, answered): count}, for the
    steps with a class field (intent, dose verdict, answer to a summary, pharmacy criterion)."""
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for r in results:
        for pair in r.step_classes.get(step, []):
            counts[tuple(pair)] += 1
    return dict(counts)


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
