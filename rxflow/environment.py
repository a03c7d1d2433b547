"""One builder wires the store, the tools, the programs and the assistant (as tau2's
get_environment() does). The app, the CLI, the evals and the tests all build through here."""

from __future__ import annotations

from rxflow.assistant import Assistant, resolve_program_name, vocabulary_of
from rxflow.config import Settings, get_settings
from rxflow.store import Store


def build(settings: Settings | None = None, *, lm=None, program: str | None = None, store: Store | None = None,
          strict: bool = False, capture: bool = False, **overrides) -> Assistant:
    """An Assistant over `store` (default: the settings' DuckDB file, seeded) answering with `program`.

    lm: a model string or a dspy.LM (default: RXFLOW_LM). program: offline | zero-shot | hybrid | a
    compiled JSON path (default: RXFLOW_PROGRAM, 'auto'). strict: LM steps do not fall back (LM-only
    evals). capture: steps keep their inputs (to build compile examples). overrides: settings fields.
    """
    import programs

    s = settings or get_settings()
    if overrides:
        s = s.model_copy(update=overrides)
    store = store or Store.from_settings(s)
    lm = lm or s.lm
    name = resolve_program_name(program or s.program, lm)
    lm_obj = programs.make_lm(lm, timeout=s.lm_timeout) if isinstance(lm, str) and name != "offline" else lm
    prog = programs.load(name, lm=lm_obj if name != "offline" else None, vocabulary=vocabulary_of(store),
                         strict=strict)
    prog.capture = capture
    return Assistant(store, prog, s)
