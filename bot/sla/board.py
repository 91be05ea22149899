"""The live queue board: one pinned message in General, waiting chats most urgent first.

Rendering is a pure function of the waiting chats and the time; the board is edited only
when its text changed (a hash is kept on the workspace) and at most once a minute. Time
left is rounded down (see :func:`bot.sla.format.coarse`) so a quiet queue is not re-edited
every minute just because the clock moved; /queue rounds the same way.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.sla.format import priority_label, time_left, topic_link
from bot.texts import Locale, plain_text, text
from bot.texts.markup import escaped, link
from storage.sla_queue_repo import WaitingChat

BOARD_ROWS = 25


@dataclass(frozen=True, slots=True)
class Board:
    text: str
    hash: str
    empty: bool


def chat_label(chat: WaitingChat, locale: Locale) -> str:
    if chat.topic_name:
        return chat.topic_name
    if chat.order_number:
        return plain_text("topic.order", locale, order=chat.order_number)
    if chat.buyer_external_id:
        return plain_text("topic.buyer", locale, buyer=chat.buyer_external_id[-4:])
    return plain_text("topic.chat", locale)


def chat_line(chat: WaitingChat, *, tg_chat_id: int, now: datetime, locale: Locale) -> str:
    """ "🔴 <a href=…>Заказ 123</a> · осталось 25 мин · Анна": the board and /queue both
    draw a chat with this, so they show the same time left for it at the same moment."""
    icon = priority_label(chat.priority, locale).split(" ", 1)[0]
    label = chat_label(chat, locale)
    if chat.topic_thread_id is not None:
        label = link(topic_link(tg_chat_id, chat.topic_thread_id), label)
    else:
        label = escaped(label)
    parts = [f"{icon} {label}"]
    left = time_left(chat.sla_deadline, now, locale, rough=True)
    if left:
        parts.append(left)
    if chat.owner_name:
        parts.append(f"👤 {escaped(chat.owner_name)}")
    return " · ".join(parts)


def render_board(
    chats: Sequence[WaitingChat], *, tg_chat_id: int, now: datetime, locale: Locale
) -> Board:
    if not chats:
        body = text("board.empty", locale)
        return Board(body, _digest(body), empty=True)
    total = chats[0].total
    lines = [text("board.title", locale, count=total)]
    lines += [
        chat_line(c, tg_chat_id=tg_chat_id, now=now, locale=locale) for c in chats[:BOARD_ROWS]
    ]
    if total > min(len(chats), BOARD_ROWS):
        lines.append(text("board.more", locale, count=total - min(len(chats), BOARD_ROWS)))
    body = "\n".join(lines)
    return Board(body, _digest(body), empty=False)


def _digest(body: str) -> str:
    return hashlib.sha256(body.encode()).hexdigest()[:32]
