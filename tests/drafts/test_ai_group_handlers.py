"""/ai, /ai_tone and the panel's buttons in a group, one update at a time
(tests.support.handlers): the handlers find the group through GroupBinding and queue the
panel through AiSettings.queue_panel; nothing is sent to the group while handling."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiogram.methods import EditMessageText, SendMessage

from bot.drafts.callbacks import AUTO_TOGGLE, AiCallback
from storage.database import Database
from tests.support.handlers import BORIS, GROUP_ID, VERA, HandlerWorld, open_handler_world, shown
from tests.support.texts import has, says


@pytest.fixture
async def hw(db: Database) -> AsyncIterator[HandlerWorld]:
    async with open_handler_world(db) as opened:
        yield opened


async def _panels(db: Database) -> list[dict[str, object]]:
    rows = await db.pool.fetch("SELECT payload FROM tg_outbox WHERE kind = 'ai_panel' ORDER BY id")
    return [dict(r["payload"]) for r in rows]


async def test_ai_in_the_group_queues_one_panel_per_shop_once(hw: HandlerWorld) -> None:
    workspace = await hw.bound_group()
    first = await hw.add_seller(workspace)
    asked = hw.message(BORIS, "/ai", GROUP_ID, message_thread_id=3, is_topic_message=True)
    assert shown(await hw.feed("message", asked)) == []  # the panel goes through the outbox
    await hw.feed("message", asked)  # redelivered: the dedup key holds
    panels = await _panels(hw.db)
    assert [(p["seller_id"], p["thread_id"]) for p in panels] == [(first.id, 3)]
    [post] = [r for r in await hw.deliver() if isinstance(r, SendMessage)]
    assert post.chat_id == GROUP_ID
    assert has(post.text, says("ai.panel"))


async def test_ai_in_the_group_from_an_agent_queues_nothing(hw: HandlerWorld) -> None:
    workspace = await hw.bound_group()
    await hw.add_seller(workspace)
    await hw.say(VERA, "/ai", GROUP_ID)
    assert await _panels(hw.db) == []


async def test_a_panel_button_in_the_group_refreshes_the_panel_in_place(
    hw: HandlerWorld,
) -> None:
    workspace = await hw.bound_group()
    seller = await hw.add_seller(workspace)
    press = AiCallback(a=AUTO_TOGGLE, id=seller.id, on=1)
    answer = await hw.press(BORIS, press, chat_id=GROUP_ID)
    assert not answer.show_alert
    assert has(answer.text, says("ai.saved"))
    assert (await hw.db.sellers.get(seller_id=seller.id)).auto_reply_enabled
    [panel] = await _panels(hw.db)
    assert panel["seller_id"] == seller.id
    assert panel["message_id"] is not None  # an edit of the pressed message
    assert any(isinstance(r, EditMessageText) for r in await hw.deliver())


async def test_a_panel_button_in_a_group_the_bot_does_not_serve_is_refused(
    hw: HandlerWorld,
) -> None:
    workspace = await hw.bound_group(chat_id=GROUP_ID - 1)
    seller = await hw.add_seller(workspace)
    answer = await hw.press(BORIS, AiCallback(a=AUTO_TOGGLE, id=seller.id), chat_id=GROUP_ID)
    assert answer.show_alert
    assert has(answer.text, says("refused"))
    assert not (await hw.db.sellers.get(seller_id=seller.id)).auto_reply_enabled


async def test_ai_tone_in_the_group_answers_through_the_outbox(hw: HandlerWorld) -> None:
    workspace = await hw.bound_group()
    seller = await hw.add_seller(workspace)
    asked = hw.message(BORIS, f"/ai_tone {seller.id} дружелюбно", GROUP_ID)
    assert shown(await hw.feed("message", asked)) == []
    assert (await hw.db.sellers.get(seller_id=seller.id)).ai_tone == "дружелюбно"
    [post] = [r for r in await hw.deliver() if isinstance(r, SendMessage)]
    assert has(post.text, says("ai.saved"))
    assert post.reply_parameters is not None
    assert post.reply_parameters.message_id == asked["message_id"]
