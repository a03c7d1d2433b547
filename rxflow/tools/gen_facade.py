"""Write rxflow/tools/facade.py, the typed facade over the tool registry: `python -m rxflow.tools.gen_facade`.

One method per registered tool: keyword-only arguments typed (and defaulted) as its input model's fields,
its summary line as docstring, its output model as return type. `--check` writes nothing and exits 1 when
the committed file differs from what the registry gives (tests/test_facade.py runs the same comparison).
"""

from __future__ import annotations

import argparse
import sys
import textwrap
import types
import typing
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

from pydantic_core import PydanticUndefined

from rxflow import domain
from rxflow.tools import CATEGORIES, REGISTRY
from rxflow.tools.base import ToolSpec

TARGET = Path(__file__).with_name("facade.py")
WIDTH = 110  # the project's line length (pyproject's ruff line-length)
BUILTINS = (str, int, float, bool)

HEADER = '''"""The typed facade over the tools. GENERATED from the registry by `python -m rxflow.tools.gen_facade`:
do not edit by hand (tests/test_facade.py fails when this file is stale).

    tools = Tools(ctx, record=turn.record)    # every call, failed or not, is handed to `record`
    quotes = tools.price_lookup(rx_id="RX1001", pay_cash=True)   # -> PriceQuotes
    try:
        receipt = tools.submit_order(rx_id=..., pharmacy_id=..., confirmed=True, idempotency_key=...)
    except ToolFailed as e:                   # e.code, e.reason, e.message, e.details, e.result
        if e.reason == "out_of_stock": ...

A method validates, runs and times the call through call_tool (nothing else changes) and returns the
tool's output model, or raises ToolFailed. Every argument is passed on, defaults included, so the
record shows the whole call. A caller that wants the result object instead of an exception (to pass
the record on, or to branch on `ok`) calls `tools.result("price_lookup", rx_id=...)`: the same call,
recorded the same way, returning the ToolResult and never raising ToolFailed.
"""
'''


class Imports:
    def __init__(self) -> None:
        self.by_module: dict[str, set[str]] = {}

    def add(self, module: str, name: str) -> str:
        self.by_module.setdefault(module, set()).add(name)
        return name

    def lines(self) -> list[str]:
        """The from-imports as ruff's isort writes them: the standard library, a blank line, then rxflow."""
        owners: dict[str, str] = {}
        for module, names in self.by_module.items():
            for name in names:
                if owners.setdefault(name, module) != module:
                    raise ValueError(f"{name} is both {owners[name]}.{name} and {module}.{name}")
        sections: list[list[str]] = [[], []]
        for module in sorted(self.by_module):
            # CONSTANTS, then Classes, then functions, each alphabetical
            names = sorted(self.by_module[module], key=lambda n: (not n.isupper(), not n[:1].isupper(), n))
            one = f"from {module} import {', '.join(names)}"
            section = sections[module.split(".")[0] == "rxflow"]
            section += [one] if len(one) <= WIDTH else [f"from {module} import (", *(f"    {n}," for n in names), ")"]
        return [*sections[0], *([""] if all(sections) else []), *sections[1]]


def _literal_alias(tp: Any) -> str | None:
    """The name rxflow.domain gives a Literal type (RequestKind), so the facade reads like the models."""
    for name, value in vars(domain).items():
        if not name.startswith("_") and get_origin(value) is Literal and value == tp:
            return name
    return None


def type_source(tp: Any, imports: Imports) -> str:
    """Python source for a field's annotation, adding what it needs to `imports`."""
    if tp is type(None):
        return "None"
    origin = get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        return " | ".join(type_source(a, imports) for a in get_args(tp))
    if origin is Literal:
        alias = _literal_alias(tp)
        if alias:
            return imports.add("rxflow.domain", alias)
        return f"{imports.add('typing', 'Literal')}[{', '.join(repr(a) for a in get_args(tp))}]"
    if origin in (list, dict, tuple, set):
        return f"{origin.__name__}[{', '.join(type_source(a, imports) for a in get_args(tp))}]"
    if tp in BUILTINS:
        return tp.__name__
    if isinstance(tp, type):
        return imports.add(tp.__module__, tp.__name__)
    raise TypeError(f"No source for the annotation {tp!r}")


def wrap(head: str, body: str, tail: str, indent: str = "") -> list[str]:
    """`head(body)tail` on one line when it fits, else `head(`, the body wrapped and indented, `)tail`."""
    one = f"{indent}{head}({body}){tail}"
    if len(one) <= WIDTH:
        return [one]
    inner = indent + "    "
    lines = textwrap.wrap(body, width=WIDTH - len(inner), break_long_words=False, break_on_hyphens=False)
    return [f"{indent}{head}(", *(inner + line for line in lines), f"{indent}){tail}"]


def method(spec: ToolSpec, imports: Imports) -> list[str]:
    params, passed = [], []
    for name, field in spec.args_model.model_fields.items():
        annotation = type_source(field.annotation, imports)
        if field.default is PydanticUndefined:
            if field.default_factory is not None:
                raise TypeError(f"{spec.name}.{name}: default_factory has no source form")
            params.append(f"{name}: {annotation}")
        else:
            params.append(f"{name}: {annotation} = {field.default!r}")
        passed.append(f"{name}={name}")
    returns = imports.add(spec.output_model.__module__, spec.output_model.__name__)
    out = ["    # write: call it only after the patient's explicit yes to what it does"] if spec.kind == "write" else []
    out += wrap(f"def {spec.name}", ", ".join(["self", "*", *params] if params else ["self"]), f" -> {returns}:", "    ")
    doc = textwrap.wrap(spec.summary, width=WIDTH - 8 - 6)
    if len(doc) == 1:
        out.append(f'        """{doc[0]}"""')
    else:
        out += [f'        """{doc[0]}', *(f"        {line}" for line in doc[1:]), '        """']
    out += wrap("return self._run", ", ".join([f'"{spec.name}"', *passed]), "", "        ")
    return out


def render() -> str:
    """The facade's source, as the registry gives it today."""
    imports = Imports()
    imports.add("rxflow.tools.base", "ToolCaller")
    imports.add("rxflow.tools.base", "ToolFailed")  # re-exported: `from rxflow.tools.facade import Tools, ToolFailed`
    body: list[str] = []
    specs = sorted(REGISTRY.values(), key=lambda s: (CATEGORIES.index(s.category), s.name))
    for category in CATEGORIES:
        mine = [s for s in specs if s.category == category]
        body += ["", f"    # ----------------------------------------------------------------------- {category}"]
        for i, spec in enumerate(mine):
            if i:
                body.append("")
            body += method(spec, imports)
    cls = ["class Tools(ToolCaller):",
           '    """One typed method per tool, bound to a session (ToolContext); see the module docstring."""']
    lines = [HEADER, "from __future__ import annotations", "", *imports.lines(), "", '__all__ = ["ToolFailed", "Tools"]',
             "", "", *cls, *body]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m rxflow.tools.gen_facade", description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if facade.py is stale; write nothing")
    args = parser.parse_args(argv)
    source = render()
    current = TARGET.read_text() if TARGET.exists() else ""
    if args.check:
        if current != source:
            print(f"{TARGET} is stale: run `python -m rxflow.tools.gen_facade`", file=sys.stderr)
            return 1
        return 0
    if current != source:
        TARGET.write_text(source)
        print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
