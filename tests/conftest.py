from __future__ import annotations

import contextlib
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


def _one_ssl_context_per_setting() -> None:
    """gradio_client, which the API tests drive, opens a new httpx client for every request it sends, and httpx
    builds each one a new SSL context, loading certifi's CA bundle (6.6% of the suite's samples), even for the
    tests' http://127.0.0.1 servers, where no TLS is used. In the test process, contexts for the same settings
    are made once (an SSLContext serves any number of clients)."""
    import functools

    import httpx._transports.default as transport

    made = functools.lru_cache(maxsize=8)(transport.create_ssl_context)

    def create_ssl_context(verify=True, cert=None, trust_env=True):
        try:
            return made(verify=verify, cert=cert, trust_env=trust_env)
        except TypeError:  # an argument that cannot be a cache key: a new context, as httpx does
            return made.__wrapped__(verify=verify, cert=cert, trust_env=trust_env)

    transport.create_ssl_context = create_ssl_context


_one_ssl_context_per_setting()

ROOT = Path(__file__).resolve().parent.parent
MOCK = ROOT / "datasets" / "mock"
TODAY = dt.date(2026, 11, 24)


_CACHED = ("catalogue", "name_index", "ref")  # the Store's cached_properties (read from the reference tables)
_POOL: dict[str, tuple[Store, dict, tuple]] = {}
_PRISTINE_CACHE: dict[str, object] = {}  # a copy of each cached property as a new store reads it


def _fingerprint(s: Store) -> tuple:
    """Every table of the database, its row count and an order-free hash of its rows (one query)."""
    cur = s._con.cursor()
    try:
        names = [r[0] for r in cur.execute("SELECT table_name FROM information_schema.tables "
                                           "WHERE table_schema = 'main' ORDER BY 1").fetchall()]
        sql = " UNION ALL ".join(f"SELECT {i} AS i, '{n}' AS name, count(*) AS n, bit_xor(hash(t)) AS h FROM \"{n}\" AS t"
                                 for i, n in enumerate(names))
        return tuple(cur.execute(f"SELECT name, n, h FROM ({sql}) ORDER BY i").fetchall())
    finally:
        cur.close()


def _pristine(name: str):
    """A cached property of the store as a new store reads it (from a store of its own, never handed out)."""
    if name not in _PRISTINE_CACHE:
        _PRISTINE_CACHE[name] = getattr(Store(":memory:", MOCK), name)
    return _PRISTINE_CACHE[name]


def _fresh_world() -> Store:
    """A world equal to a new Store(":memory:", MOCK) (seeding one, then reading its reference data, costs
    ~0.3 s: most of the suite's time): the process's last store, back to its seed (Store.reset_runtime), if
    afterwards every table's rows, the object's own attributes and its cached reference data are exactly a
    new store's; else a new store."""
    held = _POOL.pop("store", None)
    if held is not None:
        s, attrs, pristine = held
        try:
            for name in _CACHED:  # read again unless equal to what a new store reads
                if name in s.__dict__ and s.__dict__[name] != _pristine(name):
                    del s.__dict__[name]
            own = {k: v for k, v in s.__dict__.items() if k not in _CACHED}
            if own.keys() == attrs.keys() and all(own[k] is v for k, v in attrs.items()):
                s.reset_runtime()
                if _fingerprint(s) == pristine:
                    _POOL["store"] = held
                    return s
        except Exception:  # closed, broken or rebuilt by the last test: a new one
            pass
        with contextlib.suppress(Exception):
            s.close()
    s = Store(":memory:", MOCK)
    attrs = {k: v for k, v in s.__dict__.items() if k not in _CACHED}
    _POOL["store"] = (s, attrs, _fingerprint(s))
    return s


@pytest.fixture
def store() -> Store:
    """A fresh in-memory world per test: writes in one test never leak into another (a reused store is
    checked to be exactly a new one, table by table, before it is handed out)."""
    return _fresh_world()  # closed when the next test finds it changed for good, or with the process


@pytest.fixture
def ctx_for(store):
    def make(patient_id: str, today: dt.date = TODAY) -> ToolContext:
        return ToolContext(store, patient_id, today)

    return make


@pytest.fixture
def assistant(store):
    """One shared world (the evals' and the CLI's mode): every patient, no sandboxes."""
    from rxflow.environment import build

    return build(store=store, program="offline", mode="shared")


@pytest.fixture
def demo_assistant(store):
    """The public Space's mode: a sandbox per session, the demo patients only."""
    from rxflow.environment import build

    return build(store=store, program="offline", mode="demo")


@pytest.fixture(scope="session")
def _mlflow_template(tmp_path_factory) -> Path:
    """An empty MLflow tracking store at MLflow's current schema, made once per test process: creating one
    runs every schema migration (about 1.8 s of CPU), copying it takes milliseconds."""
    from mlflow.store.tracking.sqlalchemy_store import SqlAlchemyStore

    path = tmp_path_factory.mktemp("mlflow-template") / "mlflow.db"
    SqlAlchemyStore(f"sqlite:///{path}", str(path.parent / "mlruns")).engine.dispose()
    return path


@pytest.fixture
def mlflow_uri(tmp_path, monkeypatch, _mlflow_template) -> str:
    """MLflow tracking to a store of this test's own (tmp_path/mlflow.db, set as MLFLOW_TRACKING_URI): a copy
    of the empty template, its Default experiment's artifacts under tmp_path as a new store would put them."""
    import shutil
    import sqlite3

    db = tmp_path / "mlflow.db"
    shutil.copyfile(_mlflow_template, db)
    with contextlib.closing(sqlite3.connect(db)) as con, con:
        con.execute("UPDATE experiments SET artifact_location = ? WHERE experiment_id = 0",
                    [str(tmp_path / "mlruns" / "0")])
    uri = f"sqlite:///{db}"
    monkeypatch.setenv("MLFLOW_TRACKING_URI", uri)
    return uri


@pytest.fixture(scope="session")
def example_sets():
    """The train and dev splits' compile examples (evals.examples), replayed once per test process: the
    replay itself is cached by the dataset's digest, so compile runs and the student's training in the
    same process reuse it too."""
    from evals import examples

    return examples.build("train"), examples.build("dev")


def _uses(code, names: set[str]) -> bool:
    """Does this code object, or one nested in it (a function, a lambda), use any of `names`?"""
    if code is None:
        return False
    return bool(names & set(code.co_names)) or any(_uses(c, names) for c in code.co_consts if hasattr(c, "co_names"))


def pytest_itemcollected(item):
    """Under pytest-xdist (`make test`: -n 3 --dist loadgroup), tests that share a costly thing run on one
    worker: the compile and student tests share one cached replay of the splits; the browser tests run one
    Chromium at a time, beside the rest of the suite instead of against each other. (Marked as each test is
    collected: xdist reads the groups into the test ids when collection ends.)"""
    if item.path.name in ("test_compile.py", "test_student.py"):
        item.add_marker(pytest.mark.xdist_group("replay"))
        return
    # A browser test calls `opened(...)` or imports `sync_playwright`: names its code uses, its nested functions'
    # included (reading each test's source instead cost each worker half a second of collection).
    if _uses(getattr(getattr(item, "function", None), "__code__", None), {"sync_playwright", "opened"}) \
            or "chromium" in item.name:
        item.add_marker(pytest.mark.xdist_group("browser"))
        item.add_marker(pytest.mark.browser)  # `pytest -m browser`: the page tests alone


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item, nextitem):
    """The browser tests share one Chromium per process (tests/chromium.py): it is closed when the next
    test is not one of them, so Playwright's sync API never runs under a test with an event loop of its own."""
    if nextitem is None or nextitem.get_closest_marker("browser") is None:
        import chromium

        chromium.stop()


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session):
    """When the run is over, every object left is moved out of the garbage collector's sight (gc.freeze): the
    full collections that followed (pytest's last unraisable-exception check, then the interpreter's exit)
    scanned each worker's whole heap, about 3 s apiece, while the run waited for its last worker. (An object
    a test leaked in a cycle is then not collected at the very end, so a __del__ error there goes unreported.)"""
    import gc

    gc.freeze()


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """pytest-xdist 3.8 puts a test's group into its id by setting `item._nodeid`, which pytest 9 no longer
    reads (ids live in `item._id`): without this the groups are silently ignored."""
    if not getattr(config.option, "loadgroup", False):
        return
    from _pytest.nodeid import coerce_node_id

    for item in items:
        groups = sorted({str(m.args[0] if m.args else m.kwargs.get("name", "default"))
                         for m in item.iter_markers("xdist_group")})
        if groups and "@" not in item.nodeid and hasattr(item, "_id"):
            item._id = coerce_node_id(f"{item.nodeid}@{'_'.join(groups)}")


class Talk(list):
    """The Turns of one conversation, and `sid`: the session id start() returned (a Turn carries only
    a digest of it)."""

    sid: str


@pytest.fixture
def talk(assistant):
    """talk("P001", "msg1", "msg2", ...) -> the Turns (a list, with .sid), in a fresh session."""

    def run(patient: str, *messages: str, today=None, now=None) -> Talk:
        turns = Talk()
        turns.sid = assistant.start(patient, today=today, now=now)
        turns += [assistant.handle(turns.sid, m) for m in messages]
        return turns

    return run


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(mode: str, limiter=None, **overrides):
    """Start the Gradio app in this process on a free port over its own in-memory world, behind the same
    gate as the app (rxflow/ui/gate.py; its request rate off unless `http_rate_per_minute` is given);
    returns (url, assistant, close), and the Blocks as close.demo."""
    from rxflow.environment import build
    from rxflow.ratelimit import RateLimiter
    from rxflow.ui.app import build_demo, page_options, queued, server_options

    overrides.setdefault("http_rate_per_minute", 0)
    store = Store(":memory:", MOCK)
    assistant = build(store=store, program="offline", mode=mode, **overrides)
    demo = queued(build_demo(assistant, RateLimiter(0, 1) if limiter is None else limiter))
    port = free_port()
    demo.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True, **page_options(),
                **server_options(assistant.settings))

    def close():
        demo.close()
        store.close()

    close.demo = demo
    return f"http://127.0.0.1:{port}/", assistant, close


@pytest.fixture(scope="module")
def served():
    """The app in shared mode (one world), the rate limit off: (url, assistant)."""
    url, assistant, close = serve("shared")
    yield url, assistant
    close()


@pytest.fixture(scope="module")
def served_demo():
    """The app as on the public Space (demo mode), the rate limit off (its own test turns it on)."""
    url, assistant, close = serve("demo")
    yield url, assistant
    close()
