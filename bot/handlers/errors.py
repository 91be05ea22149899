"""The errors router: an unexpected exception in any handler ends in one short message in
the person's language, never in silence and never with internals.

The update processor retries a failed update; while a retry is coming this router stays
out of the way (the exception goes back to the processor). On the last attempt it logs
the update id and where the exception was raised (type and place only: its message may
quote what people wrote), tells the person — an alert on the pressed button, or a reply
to the message in its topic — and raises :class:`PersonTold`, so the processor records
the failure without telling them a second time.
"""

from __future__ import annotations

import logging

from aiogram import Bot, Router
from aiogram.types import ErrorEvent

from bot.outbox.queue import Outbox
from bot.settings import Settings
from bot.texts import Locale, text
from bot.updates.attempts import PersonTold
from bot.updates.notice import send_failure_notice
from bot.updates.processor import describe
from storage.database import Database

logger = logging.getLogger(__name__)

KEY = "updates.unexpected"


def last_attempt(event: ErrorEvent, last_attempt: bool = True) -> bool:
    """Filter: only when nobody will try this update again (fed straight: nobody will)."""
    return last_attempt


async def _chat_locale(db: Database, chat_id: int | None, default: Locale) -> Locale:
    if chat_id is None or chat_id > 0:  # private chats speak the default (for now)
        return default
    workspace = await db.workspaces.find_by_chat(tg_chat_id=chat_id)
    return workspace.locale if workspace is not None else default


async def on_error(
    event: ErrorEvent, bot: Bot, settings: Settings, db: Database, outbox: Outbox
) -> None:
    update = event.update
    logger.error("Update %d failed in a handler: %s", update.update_id, describe(event.exception))
    query = update.callback_query
    if query is not None:
        chat_id = query.message.chat.id if query.message is not None else None
        locale = await _chat_locale(db, chat_id, settings.locale)
        await query.answer(text(KEY, locale), show_alert=True)
    else:
        raw = update.model_dump(mode="json", exclude_none=True)
        await send_failure_notice(bot, db, outbox, raw, settings.locale, key=KEY)
    raise PersonTold() from event.exception


def build_router() -> Router:
    router = Router(name=__name__)
    router.errors.register(on_error, last_attempt)
    return router
