"""The conversation replay as a `dspy.Module`, so `dspy.Evaluate` applies end to end: each example is one
labelled conversation, the module plays it through `Assistant.handle` from the seeded world, and the metric
is the eval's own verdict (`evals.scoring`), not a second reading of it.

    import dspy
    from evals import dataset, replay, run
    module = replay.Replay(run.build_assistant("offline"))
    result = dspy.Evaluate(devset=replay.examples(dataset.load(dataset.split_path("dev"))),
                           metric=replay.task_success, num_threads=1)(module)

One thread: the module holds one assistant over one in-memory world (`evals.run.evaluate --threads` gives
each thread its own). The whole-dataset metrics, intervals and MLflow traces stay with `evals.run`: this is
the same replay for code that speaks DSPy's Evaluate (a DSPy user's notebook, an optimizer's outer loop).
"""

from __future__ import annotations

import dspy

from evals.dataset import Conversation
from evals.scoring import play, pristine_decisions


class Replay(dspy.Module):
    """Plays one labelled conversation and returns its judged result as a prediction."""

    def __init__(self, assistant):
        super().__init__()
        self.assistant = assistant
        # The rules' verdicts on the seeded world, read once as evals.run.evaluate reads them.
        assistant.store.reset_runtime()
        self.decisions = pristine_decisions(assistant.store, assistant.settings.today)

    def forward(self, conversation: Conversation) -> dspy.Prediction:
        r = play(self.assistant, conversation, self.decisions)
        return dspy.Prediction(success=r.success, strict_success=r.strict_success, status=r.status,
                               unsafe_writes=r.unsafe_orders, replies=[t["reply"] for t in r.transcript], result=r)


def examples(conversations: list[Conversation]) -> list[dspy.Example]:
    """One example per conversation, its whole labelled record the only input."""
    return [dspy.Example(conversation=c, id=c.id).with_inputs("conversation") for c in conversations]


def task_success(example: dspy.Example, prediction: dspy.Prediction, trace=None) -> float:
    """The eval's task success: the final world matches the labels (evals.scoring)."""
    return float(prediction.success)


def strict_success(example: dspy.Example, prediction: dspy.Prediction, trace=None) -> float:
    """Task success and every labelled turn check."""
    return float(prediction.strict_success)
