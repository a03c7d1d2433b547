"""A fake OpenAI-compatible server on 127.0.0.1, for the LM path's tests and the benchmarks: no
network, no key. Its behaviour is set per use: 'ok' (answers with `content` after `latency`
seconds), 'timeout', 'http500', 'http429', 'empty', 'garbage'."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import dspy


class FakeOpenAI:
    """An OpenAI-compatible HTTP server on 127.0.0.1 whose behaviour is set per test:
    'ok' (answers with `content`), 'timeout', 'http500', 'http429', 'empty', 'garbage'."""

    def __init__(self, answer=None):
        """`answer(messages) -> str`, if given, writes each reply from the request's chat messages."""
        self.mode, self.content, self.requests, self.answer = "ok", "", 0, answer
        self.usage = {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}
        self.latency = 0.0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_POST(self):  # noqa: N802
                outer.requests += 1
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length)
                if outer.latency:
                    time.sleep(outer.latency)
                if outer.mode == "timeout":
                    time.sleep(3)
                    return self._send(200, {"choices": []})
                if outer.mode == "http500":
                    return self._send(500, {"error": {"message": "boom"}})
                if outer.mode == "http429":
                    return self._send(429, {"error": {"message": "rate limited"}})
                if outer.mode == "empty":
                    return self._raw(200, b"")
                if outer.mode == "garbage":
                    return self._raw(200, b"<html>not json</html>")
                return self._send(200, {
                    "id": "x", "object": "chat.completion", "created": 0, "model": "fake",
                    "choices": [{"index": 0, "finish_reason": "stop",
                                 "message": {"role": "assistant", "content": outer.reply(body)}}],
                    **({"usage": outer.usage} if outer.usage else {})})

            def _send(self, code, obj):
                self._raw(code, json.dumps(obj).encode())

            def _raw(self, code, body):
                try:
                    self.send_response(code)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def reply(self, body: bytes) -> str:
        if self.answer is None:
            return self.content
        return self.answer(json.loads(body or b"{}").get("messages", []))

    def lm(self, timeout: float = 1.0) -> dspy.LM:
        return dspy.LM("openai/fake", api_base=f"http://127.0.0.1:{self.port}/v1", api_key="x", num_retries=0,
                       timeout=timeout, cache=False)

    def close(self):
        self.server.shutdown()
        self.server.server_close()
