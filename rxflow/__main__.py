"""Command line: `python -m rxflow tools list`, `tools call NAME --patient P001 --args '{...}'`, `chat`, `world`."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys


def _store():
    from rxflow.store import Store

    return Store.from_settings()


def cmd_tools(args) -> int:
    from rxflow.config import get_settings
    from rxflow.tools import ToolContext, call_tool, list_tools

    if args.tools_cmd == "list":
        rows = list_tools()
        if args.json:
            print(json.dumps(rows, indent=2))
        else:
            for r in rows:
                print(f"{r['category']:<9} {r['kind']:<5} {r['name']:<22} {r['summary']}")
        return 0
    try:
        tool_args = json.loads(args.args or "{}")
    except json.JSONDecodeError as e:
        print(json.dumps({"ok": False, "error": {"code": "bad_input", "message": f"--args is not JSON: {e}"}}))
        return 2
    today = dt.date.fromisoformat(args.today) if args.today else get_settings().today
    result = call_tool(ToolContext(_store(), args.patient, today), args.name, tool_args)
    print(json.dumps(result.to_dict(), indent=2, default=str))
    return 0 if result.ok else 1


def cmd_world(args) -> int:
    store = _store()
    for table, n in store.table_sizes().items():
        print(f"{table:<28} {n:>6}")
    return 0


def cmd_chat(args) -> int:
    from rxflow.assistant import Assistant

    assistant = Assistant.from_settings(lm=args.lm, program=args.program)
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
    return args.fn(args)


if __name__ == "__main__":
    sys.exit(main())
