"""Input guard: what never reaches the programs. Each refusal is a clear reply; nothing changes."""

from __future__ import annotations

import re
import unicodedata

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")  # terminal colour codes pasted along with text


def clean(message: object, max_chars: int) -> tuple[str | None, str | None]:
    """(cleaned text, None) when the message may go on; (None, reply) when it is refused."""
    if message is None:
        return None, "Please type a message, for example: 'I need to refill my lisinopril'."
    if isinstance(message, bytes):
        message = message.decode("utf-8", errors="replace")
    if not isinstance(message, str):
        return None, "I can only read text messages."
    # Lone surrogates (invalid UTF-16 halves) cannot be encoded; replace rather than crash.
    text = message.encode("utf-8", errors="replace").decode("utf-8")
    if len(text) > max_chars:
        return None, (f"That message is {len(text):,} characters long; I can read up to {max_chars:,}. "
                      "Please send a shorter message.")
    text = _ANSI.sub("", text)
    controls = len(_CONTROL.findall(text))
    replaced = text.count("\ufffd")
    if text and (controls + replaced) / len(text) > 0.1:
        return None, "That looks like binary data rather than a message. Please type your request in words."
    text = _CONTROL.sub(" ", text)
    text = unicodedata.normalize("NFKC", text).strip()
    if not text:
        return None, "Please type a message, for example: 'I need to refill my lisinopril'."
    return text, None


def safe_echo(text: str, limit: int = 40) -> str:
    """A user's words fit to repeat back: letters, digits, spaces and a little punctuation only."""
    kept = re.sub(r"[^\w .,'-]", "", text)[:limit].strip()
    return kept or "that"
