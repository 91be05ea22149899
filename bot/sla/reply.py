"""What an SLA command answers with: plain data the handler renders.

Its own module, below both the commands and :mod:`bot.sla.scope` (which posts a reply in
a group), so the claim commands can hand their notices to ``GroupAnswers`` without an
import cycle.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Reply:
    """What to answer the person with (a callback answer or a message); ``None`` text
    means say nothing (the answer went to the topic). ``png`` is a chart sent with the
    text (/stats); ``buttons`` are (label, callback data) rows under a group answer."""

    text: str | None
    alert: bool = False
    png: bytes | None = None
    buttons: tuple[tuple[str, str], ...] = ()


SILENT = Reply(None)
