"""Evals: the labelled-conversation format, the runner (MLflow), metrics, benchmarks."""

import os

# Offline first: MLflow 3 asks config.mlflow-telemetry.io for its usage-telemetry settings when a run starts
# (seen under an audit hook; with no network it waits for DNS to fail). Nothing here may call out.
os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
