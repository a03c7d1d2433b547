"""dspy.Evaluate applies end to end: the replay as a dspy.Module (evals/replay.py), scored by the eval's own
verdict, agrees conversation by conversation with evals.run.evaluate, a failing conversation included."""

from __future__ import annotations

import dspy

from evals import dataset, replay, run


def test_dspy_evaluate_replays_conversations_and_agrees_with_the_runner():
    dev = dataset.load(dataset.split_path("dev"))[:6]
    wrong = dev[0].model_copy(update={"id": "wrong-on-purpose",
                                      "outcome": dev[0].outcome.model_copy(update={"status": "order_cancelled"})})
    convs = [*dev, wrong]
    module = replay.Replay(run.build_assistant("offline"))
    result = dspy.Evaluate(devset=replay.examples(convs), metric=replay.task_success, num_threads=1,
                           display_progress=False)(module)
    by_evaluate = {ex.id: score for ex, _, score in result.results}
    by_runner = {r.id: float(r.success) for r in run.evaluate(run.build_assistant("offline"), convs)[0]}
    assert by_evaluate == by_runner and by_evaluate["wrong-on-purpose"] == 0.0
    assert round(result.score, 2) == round(100 * sum(by_runner.values()) / len(convs), 2)
    [*_, (_, prediction, _)] = result.results
    assert prediction.status == dev[0].outcome.status and prediction.replies and prediction.unsafe_writes == 0
