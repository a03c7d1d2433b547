"""The 38 tools in seven categories, and their one registry.

Importing this package registers every tool. `call_tool(ctx, name, args)` is the one way to
run a tool: it validates arguments and returns a ToolResult with a typed error (code, reason,
message) on failure. `Tools(ctx, record)` (rxflow/tools/facade.py, generated from the registry)
calls the same way through one typed method per tool and raises ToolFailed on failure.
"""

from rxflow.tools import cost, drugs, orders, patient, pharmacy, requests, services  # noqa: F401  (registers the tools)
from rxflow.tools.base import (
    ERROR_REASONS,
    REGISTRY,
    ErrorCode,
    ErrorReason,
    ToolCall,
    ToolContext,
    ToolError,
    ToolFailed,
    ToolResult,
    ToolSpec,
    call_tool,
)

CATEGORIES = ("patient", "drugs", "pharmacy", "cost", "orders", "requests", "services")


def list_tools() -> list[dict]:
    """name, category, kind, summary and JSON schema of every tool, by category."""
    specs = sorted(REGISTRY.values(), key=lambda s: (CATEGORIES.index(s.category), s.name))
    return [{"name": s.name, "category": s.category, "kind": s.kind, "summary": s.summary,
             "schema": s.json_schema()} for s in specs]


def dspy_tools(ctx: ToolContext, kinds: tuple[str, ...] = ("read",)) -> list:
    """dspy.Tool views of the tools bound to a session, for LM programs (read tools by default:
    write tools stay behind the flow's explicit-yes step)."""
    import dspy

    views = []
    for spec in REGISTRY.values():
        if spec.kind not in kinds:
            continue

        def run(_spec=spec, **kwargs):
            return call_tool(ctx, _spec.name, kwargs).to_dict()

        props = spec.json_schema().get("properties", {})
        views.append(dspy.Tool(run, name=spec.name, desc=spec.description, args=props,
                               arg_types={k: object for k in props}))
    return views


def __getattr__(name: str):
    # Tools is imported on first use: the generator imports this package to rewrite facade.py, which
    # must work even when the committed facade no longer matches the registry.
    if name == "Tools":
        from rxflow.tools.facade import Tools

        return Tools
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["ERROR_REASONS", "REGISTRY", "ErrorCode", "ErrorReason", "ToolCall", "ToolContext", "ToolError",
           "ToolFailed", "ToolResult", "ToolSpec", "Tools", "call_tool", "dspy_tools", "list_tools"]
