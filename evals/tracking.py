"""MLflow, scoped: set the tracking store and experiment for one block, then put things back.

MLflow keeps its tracking URI and autologging as process-wide state; leaving them set would
make later, unrelated DSPy calls in the same process trace into a store that may be gone.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def default_uri() -> str:
    return os.environ.get("MLFLOW_TRACKING_URI", f"sqlite:///{ROOT / 'mlflow.db'}")


@contextmanager
def mlflow_run(experiment: str, run_name: str, autolog: dict | None = None) -> Iterator[object]:
    import dspy
    import mlflow
    from mlflow.tracking._tracking_service import utils

    # mlflow.set_tracking_uri changes a module global and the MLFLOW_TRACKING_URI variable for the
    # rest of the process (and MLflow's own scoped helper unsets the variable on exit): restore both.
    previous_global, previous_env = utils._tracking_uri, os.environ.get("MLFLOW_TRACKING_URI")
    previous_usage = dspy.settings.get("track_usage")  # DSPy autolog turns usage tracking on globally
    mlflow.set_tracking_uri(default_uri())
    try:
        mlflow.set_experiment(experiment)
        if autolog is not None:
            mlflow.dspy.autolog(**autolog)
        with mlflow.start_run(run_name=run_name) as run:
            yield run
    finally:
        # A model logged (or autologged) in this run must not stay "active": later metrics, in another
        # store, would be linked to a model id that store has never seen.
        mlflow.clear_active_model()
        from mlflow.tracking.fluent import _reset_last_logged_model_id

        _reset_last_logged_model_id()
        if autolog is not None:
            mlflow.dspy.autolog(disable=True)
            dspy.settings.configure(track_usage=previous_usage)
        utils._tracking_uri = previous_global
        if previous_env is None:
            os.environ.pop("MLFLOW_TRACKING_URI", None)
        else:
            os.environ["MLFLOW_TRACKING_URI"] = previous_env
