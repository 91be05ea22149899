"""Replies the worker refuses with a reason, one agent message and one worker pass at a
time (tests.support.handlers: the topic handler queues the reply, ``replies.run_once`` sends
or refuses it against the Ozon emulator, ``deliver`` posts what it queued). Nothing polls:
these check a refusal's wording, place and record, not a flow.

They replace the full-process checks of a paused shop, the 48-hour window, a removed
shop's queued reply and the 20 MB download limit (known from Telegram or from the size)."""

from __future__ import annotations

from typing import Any

import pytest
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import GetFile, SendMessage

from storage.records import Chat
from tests.support.handlers import GROUP_ID, VERA, HandlerWorld
from tests.support.texts import TextMatch, has, says
from tests.support.world import CLIENT_ID

THREAD = 42


async def buyer_topic(hw: HandlerWorld) -> Chat:
    """A buyer's Ozon chat (the emulator's) mirrored into the group's topic THREAD."""
    workspace = await hw.bound_group()
    seller = await hw.add_seller(workspace)
    external_id, _ = hw.ozon.state.buyer_writes(
        CLIENT_ID, text="Когда доставка?", order_number="47873153-0052"
    )
    chat, _ = await hw.db.chats.upsert(seller_id=seller.id, external_id=external_id)
    await hw.db.chats.set_topic(
        chat_id=chat.id, workspace_id=workspace.id, thread_id=THREAD, name="Заказ"
    )
    return chat


async def agent_writes(hw: HandlerWorld, text: str = "", **extra: Any) -> dict[str, Any]:
    message = hw.message(
        VERA, text, GROUP_ID, message_thread_id=THREAD, is_topic_message=True, **extra
    )
    if not text:
        del message["text"]
    await hw.feed("message", message)
    assert await hw.db.pool.fetchval("SELECT count(*) FROM reply_outbox") >= 1  # queued
    return message


async def refusal(hw: HandlerWorld, expected: TextMatch, replied: dict[str, Any]) -> None:
    """One worker pass; the one notice it leaves is ``expected``, in the topic, under the
    agent's message."""
    await hw.app.bridge.replies.run_once()
    posted = [r for r in await hw.deliver() if isinstance(r, SendMessage)]
    [notice] = [p for p in posted if p.chat_id == GROUP_ID]
    assert has(notice.text, expected)
    assert notice.message_thread_id == THREAD
    if replied:
        assert notice.reply_parameters is not None
        assert notice.reply_parameters.message_id == replied["message_id"]
    assert hw.ozon.state.sent_by_seller(CLIENT_ID) == []


async def outcome(hw: HandlerWorld) -> tuple[str, str, int]:
    row = await hw.db.pool.fetchrow("SELECT status, error_code, attempts FROM reply_outbox")
    return row["status"], row["error_code"], row["attempts"]


async def test_a_paused_shop_cannot_answer_and_the_agent_knows_why(hw: HandlerWorld) -> None:
    chat = await buyer_topic(hw)
    await hw.db.sellers.set_state(seller_id=chat.seller_id, state="paused")
    message = await agent_writes(hw, "Ответ")
    await refusal(hw, says("reply_failed.seller_paused", shop="Обувь"), message)
    assert (await outcome(hw))[:2] == ("failed", "seller_paused")


async def test_a_reply_after_the_48_hour_window_explains_why(hw: HandlerWorld) -> None:
    await buyer_topic(hw)
    hw.ozon.state.advance_clock(49 * 3600)
    message = await agent_writes(hw, "Извините за ожидание")
    await refusal(hw, says("reply_failed.window_closed"), message)
    assert (await outcome(hw))[:2] == ("failed", "window_closed")


async def test_a_removed_shops_queued_reply_is_refused_naming_the_shop(hw: HandlerWorld) -> None:
    """Queued a moment before the removal (an auto-reply): refused in its topic. (A reply
    typed after the removal is refused before it is queued:
    tests/sync/test_remove_archives.py.)"""
    chat = await buyer_topic(hw)
    await hw.db.pool.execute("UPDATE sellers SET state = 'removed' WHERE id = $1", chat.seller_id)
    await hw.db.replies.enqueue(
        chat_id=chat.id, idempotency_key="auto:1", origin="auto", text="Спасибо за заказ!"
    )
    await refusal(hw, says("reply_failed.seller_removed", shop="Обувь"), {})
    assert (await outcome(hw))[:2] == ("failed", "seller_removed")


def _file_too_big(*_: Any, **__: Any) -> Any:
    raise TelegramBadRequest(method=GetFile(file_id="x"), message="Bad Request: file is too big")


async def test_a_document_telegram_will_not_hand_over_fails_at_once(
    hw: HandlerWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    await buyer_topic(hw)
    monkeypatch.setattr(hw.bot, "download", _file_too_big)
    document = {"file_id": "doc-1", "file_unique_id": "u-doc-1", "file_name": "scan.pdf"}
    message = await agent_writes(hw, document=document)
    await refusal(hw, says("reply_failed.file_too_big"), message)
    assert await outcome(hw) == ("failed", "file_too_big", 1)  # no retry: it cannot succeed


async def test_a_size_known_over_the_limit_is_refused_without_a_download(
    hw: HandlerWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    await buyer_topic(hw)
    asked: list[str] = []

    async def download(file_id: str, *_: Any, **__: Any) -> Any:
        asked.append(file_id)
        raise AssertionError("a file over the limit must not be downloaded")

    monkeypatch.setattr(hw.bot, "download", download)
    document = {"file_id": "big", "file_unique_id": "u-big", "file_name": "video.mp4",
                "file_size": 25 * 1024 * 1024}  # fmt: skip
    message = await agent_writes(hw, document=document)
    await refusal(hw, says("reply_failed.file_too_big"), message)
    assert asked == []
    assert (await outcome(hw))[:2] == ("failed", "file_too_big")
