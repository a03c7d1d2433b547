"""A broken LM on dev: every call answered promptly with text no adapter can parse (no network).

    python scripts/broken_lm.py            # with the offline fallback, then LM-only (--no-fallback)

What an honest report says about it: LM-answered step accuracy 0 (no step is LM-answered), the fallback's
accuracy apart, and LM-only task success near 0 (each turn is "Sorry, I didn't catch that").
"""

from __future__ import annotations

import json
import sys

from evals import dataset, metrics, run
from evals.scripted_lm import scripted_lm

POEM = "I am sorry, I cannot help with that. Here is a poem instead."


def main() -> int:
    dev = dataset.load(dataset.split_path("dev"))
    keys = ("task_success", "task_success_strict", "fallback_rate", "lm_calls_per_turn", "unsafe_orders",
            "safety_recall")
    out = {}
    for name, strict in (("with fallback", False), ("LM only", True)):
        lm, _ = scripted_lm(lambda request: POEM, raw=True)
        results = run.evaluate(run.build_assistant("zero-shot", lm, strict=strict), dev)[0]
        m = metrics.aggregate(results)
        out[name] = {k: (v, m.get(f"{k}_ci")) for k, v in m.items()
                     if (k in keys or k.startswith("step_accuracy")) and not k.endswith(("_n", "_ci"))}
        out[name]["passed"] = [f"{r.id} ({r.status})" for r in results if r.success][:10]
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
