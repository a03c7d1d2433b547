from __future__ import annotations

import datetime as dt
import os
import socket
from pathlib import Path

import pytest

# Nothing in the tests may reach the network: no LiteLLM price-map refresh, no analytics,
# no DSPy disk cache, MLflow to a temporary store (set per test where used).
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("DSPY_CACHEDIR", str(Path(__file__).parent.parent / "var" / "dspy-cache-tests"))
os.environ["RXFLOW_DB_PATH"] = ":memory:"
os.environ.pop("RXFLOW_LM", None)

from rxflow.store import Store  # noqa: E402
from rxflow.tools import ToolContext  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
MOCK = ROOT / "datasets" / "mock"
TODAY = dt.date(2026, 11, 24)


@pytest.fixture
def store() -> Store:
    """A fresh in-memory world per test: writes in one test never leak into another."""
    s = Store(":memory:", MOCK)
    yield s
    s.close()


@pytest.fixture
def ctx_for(store):
    def make(patient_id: str, today: dt.date = TODAY) -> ToolContext:
        return ToolContext(store, patient_id, today)

    return make


@pytest.fixture
def assistant(store):
    from rxflow.environment import build

    return build(store=store, program="offline")


@pytest.fixture
def talk(assistant):
    """talk("P001", "msg1", "msg2", ...) -> list of Turns, in a fresh session."""

    def run(patient: str, *messages: str, today=None):
        sid = assistant.start(patient, today=today)
        return [assistant.handle(sid, m) for m in messages]

    return run


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def served():
    """The Gradio app in this process on a free port, over its own in-memory world."""
    from rxflow.environment import build
    from rxflow.ui.app import build_demo

    store = Store(":memory:", MOCK)
    assistant = build(store=store, program="offline")
    demo = build_demo(assistant)
    demo.queue(default_concurrency_limit=16)
    port = free_port()
    demo.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, run_history=False, quiet=True)
    yield f"http://127.0.0.1:{port}/", assistant
    demo.close()
    store.close()
