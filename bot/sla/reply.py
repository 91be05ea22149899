"""What an SLA command answers with: plain data the handler renders.

Its own module, below both the commands and :mod:`bot.sla.scope` (which posts a reply in
a group), so the claim commands can hand their notices to ``GroupAnswers`` without an
import cycle.
"""

from __future__ import annotations

from dataclasses import dataclass

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

#: An inline keyboard as plain data: rows of (label, callback data). Plain so a service
#: can build it without aiogram and the Telegram queue can carry it as JSON.
Buttons = tuple[tuple[tuple[str, str], ...], ...]


def markup(buttons: Buttons | list[list[list[str]]]) -> InlineKeyboardMarkup | None:
    """Plain (label, callback data) rows as Telegram's inline keyboard."""
    rows = [
        [InlineKeyboardButton(text=label, callback_data=data) for label, data in row]
        for row in buttons
    ]
    return InlineKeyboardMarkup(inline_keyboard=rows) if rows else None


def buttons_of(keyboard: InlineKeyboardMarkup) -> Buttons:
    """A keyboard of callback buttons as plain rows (what a :class:`Reply` carries)."""
    return tuple(
        tuple((button.text, button.callback_data or "") for button in row)
        for row in keyboard.inline_keyboard
    )


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
