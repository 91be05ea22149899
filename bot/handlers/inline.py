"""Inline queries (``@bot привет`` in a topic): the matching canned replies as results.

Answering an inline query is an answer to one person, outside the group's budget; the
chosen result then arrives in the topic as that person's own message (``via_bot``) and is
relayed like any reply they type (bot.handlers.topics).
"""

from __future__ import annotations

from aiogram import Router
from aiogram.types import (
    InlineQuery,
    InlineQueryResultArticle,
    InlineQueryResultCachedDocument,
    InlineQueryResultCachedPhoto,
    InlineQueryResultsButton,
    InputTextMessageContent,
)

from bot.canned.inline import START_PARAMETER, Choice, InlineTemplates
from bot.handlers.sla_common import presser
from bot.texts import Locale, plain_text

#: Seconds Telegram may reuse an answer for the same person and query: short, so a new
#: template or a withdrawn right shows at once.
CACHE_SECONDS = 5

InlineResult = (
    InlineQueryResultArticle | InlineQueryResultCachedPhoto | InlineQueryResultCachedDocument
)


def result_of(choice: Choice) -> InlineResult:
    """Plain text, no parse mode: the agent's message must hold the template exactly (the
    bot's default HTML would eat a ``<`` or turn ``*`` into nothing)."""
    if choice.file_kind == "photo" and choice.file_id:
        return InlineQueryResultCachedPhoto(
            id=choice.id, photo_file_id=choice.file_id, title=choice.title,
            description=choice.description, caption=choice.text or None, parse_mode=None,
        )  # fmt: skip
    if choice.file_kind == "document" and choice.file_id:
        return InlineQueryResultCachedDocument(
            id=choice.id, title=choice.title, document_file_id=choice.file_id,
            description=choice.description, caption=choice.text or None, parse_mode=None,
        )  # fmt: skip
    return InlineQueryResultArticle(
        id=choice.id,
        title=choice.title,
        description=choice.description,
        input_message_content=InputTextMessageContent(message_text=choice.text, parse_mode=None),
    )


async def on_inline_query(
    inline_query: InlineQuery, canned_inline: InlineTemplates, locale: Locale
) -> None:
    found = await canned_inline.answer(presser(inline_query.from_user), inline_query.query, locale)
    button = (
        InlineQueryResultsButton(
            text=plain_text(found.button_key, locale), start_parameter=START_PARAMETER
        )
        if found.button_key is not None
        else None
    )
    await inline_query.answer(
        [result_of(choice) for choice in found.choices],
        cache_time=CACHE_SECONDS,
        is_personal=True,
        button=button,
    )


def build_router() -> Router:
    router = Router(name=__name__)
    router.inline_query.register(on_inline_query)
    return router
