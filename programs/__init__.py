"""DSPy programs: text (plus context) in, structured fields out. No DuckDB, no tools.

    programs.load("offline")               the embedded default: deterministic predictors, no LM
    programs.load("zero-shot", lm=LM)      the same modules answered by the LM (offline fallback)
    programs.load("hybrid", lm=LM)         offline when confident, the LM otherwise
    programs.load("path/to/compiled.json", lm=LM)   a compiled program's demos and instructions
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

COMPILED_DIR = Path(__file__).resolve().parent / "compiled"


def make_lm(model: str, **kwargs):
    """A dspy.LM for a model string, with nothing fetched from the network at construction."""
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    import dspy

    kwargs.setdefault("num_retries", 1)
    kwargs.setdefault("cache", False)
    return dspy.LM(model, **kwargs)


@functools.lru_cache(maxsize=1)
def shipped_student():
    """The learned offline student shipped in programs/compiled/ (None if it was never trained)."""
    from programs.student import Student

    return Student.load()


@functools.lru_cache(maxsize=1)
def shipped_router():
    """The hybrid router shipped in programs/learned/ (None if it was never fitted)."""
    from programs.learned.router import Router

    return Router.load()


def load(name: str = "offline", lm=None, vocabulary=None, strict: bool = False, student: bool = True):
    """Build a program by name or from a compiled JSON path. `lm` is a dspy.LM or a model string.
    `strict`: an LM step that fails is a failed step (no offline fallback), for LM-only evals.
    `student`: use the shipped learned student (programs/student.py) in the offline readings, and in
    hybrid the shipped router over it (programs/learned/router.py) to choose the steps the LM reads."""
    from programs.modules import RxPrograms

    if isinstance(lm, str):
        lm = make_lm(lm)
    kw = {"student": shipped_student() if student else None}
    if name == "offline":
        return RxPrograms("offline", "offline", None, vocabulary, **kw)
    if name in ("zero-shot", "hybrid"):
        if lm is None:
            raise ValueError(f"Program '{name}' needs an LM: set RXFLOW_LM or pass --lm.")
        if name == "hybrid" and kw["student"] is not None:
            kw["router"] = shipped_router()  # it reads the student's probability: no student, no router
        return RxPrograms(name, "lm" if name == "zero-shot" else "hybrid", lm, vocabulary, strict, **kw)
    path = Path(name)
    if not path.exists() and (COMPILED_DIR / name).exists():
        path = COMPILED_DIR / name
    if path.suffix == ".json" and path.exists():
        if lm is None:
            raise ValueError(f"Compiled program {path.name} needs an LM: set RXFLOW_LM or pass --lm.")
        program = RxPrograms(f"compiled:{path.stem}", "lm", lm, vocabulary, strict, **kw)
        program.load(str(path))
        return program
    raise ValueError(f"Unknown program '{name}': use offline, zero-shot, hybrid or a compiled .json path.")
