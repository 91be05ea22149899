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

from aiogram import Router
from aiogram.types import ErrorEvent

from bot.texts import text
from bot.updates.attempts import PersonTold
from bot.updates.notice import FailureNotices
from bot.updates.processor import describe

logger = logging.getLogger(__name__)

KEY = "updates.unexpected"


def last_attempt(event: ErrorEvent, last_attempt: bool = True) -> bool:
    """Filter: only when nobody will try this update again (fed straight: nobody will)."""
    return last_attempt


async def on_error(event: ErrorEvent, failures: FailureNotices) -> None:
    update = event.update
    logger.error("Update %d failed in a handler: %s", update.update_id, describe(event.exception))
    query = update.callback_query
    if query is not None:
        chat_id = query.message.chat.id if query.message is not None else None
        locale = await failures.chat_locale(chat_id)
        await query.answer(text(KEY, locale), show_alert=True)
    else:
        raw = update.model_dump(mode="json", exclude_none=True)
        await failures.tell(raw, key=KEY)
    raise PersonTold() from event.exception


def build_router() -> Router:
    router = Router(name=__name__)
    router.errors.register(on_error, last_attempt)
    return router
