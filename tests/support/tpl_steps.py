"""Canned-reply steps on the handler world: an admin's /templates with a photo or a PDF as
Telegram sends it, an agent's inline query (the recorded session answers
answerInlineQuery, which it has no default for), and the chosen result arriving in the
topic as the agent's own message with ``via_bot`` — what Telegram does, at no cost to the
bot."""

from __future__ import annotations

from typing import Any

from aiogram.methods import AnswerInlineQuery, GetMe
from aiogram.types import (
    InlineQueryResultArticle,
    InlineQueryResultCachedDocument,
    InlineQueryResultCachedPhoto,
)

from tests.support.handlers import GROUP_ID, HandlerWorld, Person
from tests.support.recorded_bot import BOT_USER

Result = InlineQueryResultArticle | InlineQueryResultCachedPhoto | InlineQueryResultCachedDocument


def inline_mode_on(hw: HandlerWorld) -> None:
    """getMe says inline mode is on (/setinline done in @BotFather)."""
    hw.session.add_result_for(GetMe, BOT_USER.model_copy(update={"supports_inline_queries": True}))


def with_file(
    hw: HandlerWorld, person: Person, caption: str, kind: str, *, chat_id: int = GROUP_ID,
    file_id: str = "", name: str = "price.pdf", mime: str = "application/pdf",
) -> dict[str, Any]:  # fmt: skip
    """``person`` sends a photo or a document (``kind``) with ``caption``."""
    message = hw.message(person, "", chat_id)
    del message["text"]
    message["caption"] = caption
    number = message["message_id"]
    if kind == "photo":
        file_id = file_id or f"tpl-photo-{number}"
        message["photo"] = [{"file_id": file_id, "file_unique_id": f"u-{file_id}",
                             "width": 1, "height": 1}]  # fmt: skip
    else:
        file_id = file_id or f"tpl-doc-{number}"
        message["document"] = {"file_id": file_id, "file_unique_id": f"u-{file_id}",
                               "file_name": name, "mime_type": mime}  # fmt: skip
    return message


async def inline_query(hw: HandlerWorld, person: Person, query: str) -> AnswerInlineQuery:
    """``person`` types ``@bot <query>`` somewhere; the bot's one answer."""
    hw.session.add_result_for(AnswerInlineQuery, True)
    payload = {"id": f"iq-{len(hw.session.requests)}", "from": person.to_dict(),
               "query": query, "offset": "", "chat_type": "supergroup"}  # fmt: skip
    requests = await hw.feed("inline_query", payload)
    [answer] = [r for r in requests if isinstance(r, AnswerInlineQuery)]
    return answer


def chosen_message(
    hw: HandlerWorld, person: Person, thread: int, result: Result, *, file_name: str = "price.pdf"
) -> dict[str, Any]:
    """The message Telegram posts in the topic when ``person`` picks ``result``: theirs,
    ``via_bot`` the bot, with the result's text or the cached file and its caption."""
    message = hw.message(person, "", GROUP_ID, message_thread_id=thread, is_topic_message=True)
    message["via_bot"] = BOT_USER.model_dump(exclude_none=True)
    del message["text"]
    if isinstance(result, InlineQueryResultArticle):
        content = result.input_message_content
        message["text"] = content.message_text  # type: ignore[union-attr]
        return message
    if result.caption:
        message["caption"] = result.caption
    if isinstance(result, InlineQueryResultCachedPhoto):
        file_id = result.photo_file_id
        message["photo"] = [{"file_id": file_id, "file_unique_id": f"u-{file_id}",
                             "width": 1, "height": 1}]  # fmt: skip
    else:
        file_id = result.document_file_id
        message["document"] = {"file_id": file_id, "file_unique_id": f"u-{file_id}",
                               "file_name": file_name, "mime_type": "application/pdf"}  # fmt: skip
    return message


def result_titles(answer: AnswerInlineQuery) -> list[str]:
    return [r.title for r in answer.results]  # type: ignore[union-attr]
