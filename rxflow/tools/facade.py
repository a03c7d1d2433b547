"""TEMPORARY shim (replaced by the generated facade on merge): w.tools.NAME(**args) -> output, raises ToolFailed."""

from __future__ import annotations

from rxflow.tools.base import ToolContext, call_tool


class ToolFailed(Exception):
    def __init__(self, result):
        super().__init__(result.error.get("message", ""))
        self.result = result
        self.code = result.error["code"]
        self.reason = result.error.get("reason")
        self.message = result.error.get("message", "")
        self.details = {k: v for k, v in result.error.items() if k not in ("code", "message", "reason")}


class Tools:
    def __init__(self, ctx: ToolContext, record):
        self._ctx, self._record = ctx, record

    def __getattr__(self, name):
        def call(**args):
            r = call_tool(self._ctx, name, args)
            self._record(r)
            if not r.ok:
                raise ToolFailed(r)
            return r.output
        return call
