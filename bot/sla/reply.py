"""What an SLA command answers with: plain data the handler renders.

Its own module, below both the commands and :mod:`bot.sla.scope` (which posts a reply in
a group), so the claim commands can hand their notices to ``GroupAnswers`` without an
import cycle.
"""

from __future__ import annotations

from dataclasses import dataclass

#: An inline keyboard as plain data: rows of (label, callback data). Plain so a service
#: can build it without aiogram and the Telegram queue can carry it as JSON.
Buttons = tuple[tuple[tuple[str, str], ...], ...]


@dataclass(frozen=True, slots=True)
class Reply:
    """What to answer the person with (a callback answer or a message); ``None`` text
    means say nothing (the answer went to the topic). ``png`` is a chart sent with the
    text (/stats), the text then being its caption; ``buttons`` go under the text
    (/queue's filters)."""

    text: str | None
    alert: bool = False
    png: bytes | None = None
    buttons: Buttons = ()


SILENT = Reply(None)
