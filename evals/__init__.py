"""Evals: the labelled-conversation format, the runner (MLflow), metrics, benchmarks."""
