"""Telling the person when the bot gave up on what they sent (never only a log line)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from aiogram import Bot

from bot.outbox.queue import Outbox
from bot.texts import Locale, text
from bot.texts.locale import speaking_locale
from storage.database import Database


@dataclass(frozen=True, slots=True)
class FailureNotice:
    """Where the notice goes: the chat and topic of the update, replying to its message."""

    chat_id: int
    thread_id: int | None
    reply_to: int | None
    key: str
    chat_type: str | None = None
    language_code: str | None = None  # the person's, for a private chat


def failure_notice(update: Mapping[str, Any]) -> FailureNotice | None:
    """The notice for a message or a button press; ``None`` when nobody could see one."""
    key = "updates.failed_message"
    message = update.get("message") or update.get("edited_message")
    if message is None and isinstance(update.get("callback_query"), Mapping):
        message = update["callback_query"].get("message")
        key = "updates.failed_button"
    if not isinstance(message, Mapping) or not isinstance(message.get("chat"), Mapping):
        return None
    in_topic = bool(message.get("is_topic_message"))
    sender = update["callback_query"].get("from") if key == "updates.failed_button" else None
    sender = sender if isinstance(sender, Mapping) else message.get("from")
    return FailureNotice(
        chat_type=message["chat"].get("type"),
        language_code=sender.get("language_code") if isinstance(sender, Mapping) else None,
        chat_id=int(message["chat"]["id"]),
        thread_id=message.get("message_thread_id") if in_topic else None,
        reply_to=message.get("message_id") if key == "updates.failed_message" else None,
        key=key,
    )


async def send_failure_notice(
    bot: Bot,
    db: Database,
    outbox: Outbox,
    update: Mapping[str, Any],
    default_locale: Locale,
    *,
    key: str | None = None,
) -> bool:
    """Tell the person; returns whether there was anyone to tell.

    In a bound group the notice goes through the Telegram queue (the group's budget, kept
    across a restart, once per update); in a private chat, where no budget is shared, it
    is sent at once. ``key`` replaces the text chosen from the update's kind."""
    notice = failure_notice(update)
    if notice is None:
        return False
    if key is not None:
        notice = replace(notice, key=key)
    workspace = await db.workspaces.find_by_chat(tg_chat_id=notice.chat_id)
    if workspace is not None:
        await outbox.notice(
            workspace_id=workspace.id,
            text=text(notice.key, workspace.locale),
            key=f"update-failed:{update.get('update_id')}",
            thread_id=notice.thread_id,
            reply_to=notice.reply_to,
        )
        return True
    locale = speaking_locale(
        chat_type=notice.chat_type, language_code=notice.language_code, default=default_locale
    )
    extra: dict[str, Any] = {}
    if notice.reply_to is not None:
        extra["reply_parameters"] = {
            "message_id": notice.reply_to,
            "allow_sending_without_reply": True,
        }
    await bot.send_message(
        chat_id=notice.chat_id,
        message_thread_id=notice.thread_id,
        text=text(notice.key, locale),
        **extra,
    )
    return True


class FailureNotices:
    """Telling people the bot gave up, built once (:func:`bot.app.assemble`) so the errors
    router gets it as a dependency instead of the database."""

    def __init__(self, *, db: Database, bot: Bot, outbox: Outbox, default_locale: Locale) -> None:
        self._db = db
        self._bot = bot
        self._outbox = outbox
        self._default = default_locale

    async def tell(self, update: Mapping[str, Any], *, key: str | None = None) -> bool:
        """:func:`send_failure_notice` for a raw update (JSON, as stored)."""
        return await send_failure_notice(
            self._bot, self._db, self._outbox, update, self._default, key=key
        )

    async def chat_locale(self, chat_id: int | None) -> Locale:
        """The language to answer in a chat: a bound group's own, else the default
        (private chats speak the default here, as the alert has no sender's language)."""
        if chat_id is None or chat_id > 0:
            return self._default
        workspace = await self._db.workspaces.find_by_chat(tg_chat_id=chat_id)
        return workspace.locale if workspace is not None else self._default
