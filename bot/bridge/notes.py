"""Which messages in a buyer's topic are internal notes for colleagues, never for the buyer.

A team talks inside the topic too («Вера, посмотри», «Ок, беру»); without a way to mark that
talk, it would reach the buyer and close their turn as answered. A note is a message (or a
file's caption) starting with ``//``, a ``/note …`` command, or a reply to a colleague's
message (replying to the buyer's post, a draft or any other bot post is still an answer).
"""

from __future__ import annotations

import re

NOTE_PREFIX = "//"
# Not in the Bot API's reaction list: 🔒. 🙈 ("the buyer does not see this") is.
NOTE_EMOJI = "🙈"

_NOTE_COMMAND = re.compile(r"^/note(?:@\w+)?(?:\s+|$)", re.IGNORECASE)


def note_text(*, body: str, reply_to_human: bool) -> str | None:
    """The note's text if the message is an internal note, else None."""
    stripped = body.lstrip()
    if stripped.startswith(NOTE_PREFIX):
        return stripped[len(NOTE_PREFIX) :].strip()
    command = _NOTE_COMMAND.match(stripped)
    if command is not None:
        return stripped[command.end() :].strip()
    if reply_to_human:
        return body.strip()
    return None
