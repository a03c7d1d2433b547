"""Command line: `python -m rxflow tools list`, `tools call NAME --patient P001 --args '{...}'`, `chat`, `world`."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys


def _store():
    from rxflow.store import Store

    return Store.from_settings()


MAX_ARGS_CHARS = 100_000
MAX_DEPTH = 32


def _refuse(code: str, reason: str, message: str) -> int:
    """A bad input to `tools call`: a JSON error on stdout and exit code 2, never a traceback. The error has
    the keys of a tool's error; `reason` is one of the tools' (rxflow.tools.ErrorReason), or
    'store_unavailable' (the CLI's own: a tool call never answers it, the turn ends instead)."""
    print(json.dumps({"ok": False, "error": {"code": code, "reason": reason, "message": message}}))
    return 2


def _finite(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ValueError(f"number out of range: {text[:20]}")
    return value


def _depth(value: object) -> int:
    """How deeply `value` nests (without recursion: the input may be adversarial)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        v, d = stack.pop()
        deepest = max(deepest, d)
        if isinstance(v, dict):
            stack += [(x, d + 1) for x in v.values()]
        elif isinstance(v, list):
            stack += [(x, d + 1) for x in v]
    return deepest


def cmd_tools(args) -> int:
    from pydantic import ValidationError

    from rxflow.config import get_settings
    from rxflow.tools import REGISTRY, ToolContext, call_tool, list_tools

    if args.tools_cmd == "list":
        rows = list_tools()
        if args.json:
            print(json.dumps(rows, indent=2))
        else:
            for r in rows:
                print(f"{r['category']:<9} {r['kind']:<5} {r['name']:<22} {r['summary']}")
        return 0
    if len(args.args) > MAX_ARGS_CHARS:
        return _refuse("bad_input", "invalid_args", f"--args is longer than {MAX_ARGS_CHARS:,} characters.")
    try:
        # Over-long integers and non-finite numbers are ValueErrors, deep nesting a RecursionError.
        tool_args = json.loads(args.args or "{}", parse_float=_finite, parse_constant=_finite)
    except (ValueError, RecursionError) as e:
        return _refuse("bad_input", "invalid_args", f"--args is not usable JSON: {str(e)[:120]}")
    if not isinstance(tool_args, dict):
        return _refuse("bad_input", "invalid_args", "--args must be a JSON object, such as '{\"query\": \"lisinopril\"}'.")
    if _depth(tool_args) > MAX_DEPTH:
        return _refuse("bad_input", "invalid_args", f"--args nests deeper than {MAX_DEPTH} levels.")
    try:
        today = dt.date.fromisoformat(args.today) if args.today else get_settings().today
    except ValueError:
        return _refuse("bad_input", "invalid_args", "--today must be a date such as 2026-11-24.")
    if args.name not in REGISTRY:
        return _refuse("not_found", "unknown_tool", f"Unknown tool {args.name[:60]!r}; `tools list` shows them.")
    try:  # JSON's own types, strictly: "confirmed": "yes" is not true, "limit": "5" is not a number
        REGISTRY[args.name].args_model.model_validate_json(json.dumps(tool_args), strict=True)
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(map(str, first["loc"])) or "args"
        return _refuse("bad_input", "invalid_args", f"{where}: {first['msg']}"[:200])
    store = _store()
    if store.patient(args.patient) is None:
        return _refuse("not_found", "unknown_patient", f"Unknown patient {args.patient[:20]!r}.")
    result = call_tool(ToolContext(store, args.patient, today), args.name, tool_args)
    print(json.dumps(result.to_dict(), indent=2, default=str))
    if result.ok:
        return 0
    return 2 if result.error["code"] == "bad_input" else 1


def cmd_world(args) -> int:
    store = _store()
    for table, n in store.table_sizes().items():
        print(f"{table:<28} {n:>6}")
    return 0


def cmd_chat(args) -> int:
    from rxflow.assistant import SessionExpired
    from rxflow.environment import build
    from rxflow.flow import replies

    # The terminal is one person in one world: shared mode (no sandbox, every patient).
    assistant = build(lm=args.lm, program=args.program, mode="shared")
    session = assistant.start(args.patient)
    print(f"RxFlow ({assistant.program_label}) - patient {args.patient}. Type 'quit' to leave.\n")
    lines = sys.stdin if not sys.stdin.isatty() else None
    while True:
        try:
            message = (next(lines) if lines else input("you> ")).rstrip("\n")
        except (EOFError, StopIteration, KeyboardInterrupt):
            break
        if message.strip().lower() in {"quit", "exit"}:
            break
        if lines:
            print(f"you> {message}")
        try:
            turn = assistant.handle(session, message)
        except SessionExpired:
            print(replies.say("en", "expired_session") + "\n")
            session = assistant.start(args.patient)
            turn = assistant.handle(session, message)
        print(f"rxflow [{turn.state}]> {turn.reply}\n")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m rxflow")
    sub = parser.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("tools", help="list or call the tools")
    tsub = t.add_subparsers(dest="tools_cmd", required=True)
    tl = tsub.add_parser("list")
    tl.add_argument("--json", action="store_true")
    tc = tsub.add_parser("call")
    tc.add_argument("name")
    tc.add_argument("--patient", required=True)
    tc.add_argument("--args", default="{}")
    tc.add_argument("--today", default=None)
    t.set_defaults(fn=cmd_tools)
    w = sub.add_parser("world", help="table sizes of the mock world")
    w.set_defaults(fn=cmd_world)
    c = sub.add_parser("chat", help="a terminal chat over the assistant")
    c.add_argument("--patient", default="P001")
    c.add_argument("--lm", default=None, help="a DSPy/LiteLLM model string (default: RXFLOW_LM, else offline)")
    c.add_argument("--program", default=None)
    c.set_defaults(fn=cmd_chat)
    args = parser.parse_args(argv)
    from rxflow.assistant import UnknownPatient
    from rxflow.store import StoreUnavailable

    try:
        return args.fn(args)
    except StoreUnavailable as e:  # a locked or unreadable database: what to do, in one line
        if args.cmd == "tools":
            return _refuse("unavailable", "store_unavailable", str(e))
        print(f"rxflow: {e}", file=sys.stderr)
        return 2
    except UnknownPatient:
        print(f"rxflow: unknown patient {args.patient[:20]!r}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
