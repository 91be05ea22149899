"""/ai, /ai_tone and the panel's buttons in a group, one update at a time
(tests.support.handlers): the handlers find the group through GroupBinding and queue the
panel through AiSettings.queue_panel; nothing is sent to the group while handling."""

from __future__ import annotations

from typing import Any

from aiogram.methods import EditMessageText, SendMessage, TelegramMethod

from bot.drafts.callbacks import AUTO_TOGGLE, AiCallback
from bot.shop_choice import ShopCallback
from storage.database import Database
from storage.records import Seller
from tests.support.handlers import (
    BORIS,
    GLEB,
    GROUP_ID,
    VERA,
    HandlerWorld,
    buttons,
    shown,
    texts,
)
from tests.support.texts import has, says
from tests.support.world import SECOND_ID, SECOND_KEY


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
    [edit] = [r for r in await hw.deliver() if isinstance(r, EditMessageText)]
    assert has(edit.text, says("ai.panel", auto=says("ai.on").template))
    assert await hw.deliver() == []  # nothing left queued


async def test_ai_then_its_button_in_the_group_post_one_panel_and_edit_it(
    hw: HandlerWorld,
) -> None:
    workspace = await hw.bound_group()
    seller = await hw.add_seller(workspace)
    await hw.say(BORIS, "/ai", GROUP_ID)
    [panel] = [r for r in await hw.deliver() if isinstance(r, SendMessage)]
    assert has(panel.text, says("ai.panel", auto=says("ai.off").template))
    toggle = buttons(panel)[says("ai.button.auto_on").template]
    answer = await hw.press(BORIS, toggle, on=panel)
    assert has(answer.text, says("ai.saved"))
    refreshed = await hw.deliver()
    assert not [r for r in refreshed if isinstance(r, SendMessage)]  # no second panel
    [edit] = [r for r in refreshed if isinstance(r, EditMessageText)]
    assert has(edit.text, says("ai.panel", auto=says("ai.on").template))
    assert (await hw.db.sellers.get(seller_id=seller.id)).auto_reply_enabled


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
    asked = hw.message(BORIS, "/ai_tone Обувь дружелюбно", GROUP_ID)
    assert shown(await hw.feed("message", asked)) == []
    assert (await hw.db.sellers.get(seller_id=seller.id)).ai_tone == "дружелюбно"
    [post] = [r for r in await hw.deliver() if isinstance(r, SendMessage)]
    assert has(post.text, says("ai.saved"))
    assert post.reply_parameters is not None
    assert post.reply_parameters.message_id == asked["message_id"]


async def test_a_stranger_gets_no_panel_and_cannot_set_a_tone_in_private(
    hw: HandlerWorld,
) -> None:
    workspace = await hw.bound_group()
    seller = await hw.add_seller(workspace)  # Gleb is not even a member of the group
    [none] = texts(await hw.say(GLEB, "/ai"))
    assert none == says("ai.none").template
    [refusal] = texts(await hw.say(GLEB, "/ai_tone Обувь грубо"))
    assert refusal == says("ai.not_admin").template
    assert (await hw.db.sellers.get(seller_id=seller.id)).ai_tone == ""


# ------------------------------------------------------------ another group's shop
# Boris administers two bound groups. In the first one he (or a tampered button) names a
# shop of the second: nothing changes there, and nothing of the second group is shown in
# the first.

SECRET = "Секретный магазин"


async def _two_groups(hw: HandlerWorld) -> tuple[Seller, Seller]:
    own = await hw.add_seller(await hw.bound_group())
    other = await hw.bound_group(chat_id=GROUP_ID - 1)
    foreign = await hw.add_seller(other, client_id=SECOND_ID, api_key=SECOND_KEY, name=SECRET)
    await hw.db.sellers.update_ai(seller_id=foreign.id, instructions="внутренняя инструкция",
                                  tone="", auto_reply_enabled=False,
                                  auto_reply_intents=[])  # fmt: skip
    return own, foreign


def _nothing_secret(requests: list[TelegramMethod[Any]]) -> bool:
    """No message shows the second group's shop or its instructions."""
    return not any(SECRET in t or "внутренняя" in t for t in texts(requests))


async def test_a_group_command_cannot_change_another_groups_shop(hw: HandlerWorld) -> None:
    """Shops are named, not numbered, and a group only knows its own; a forged "which
    shop?" button naming the other group's shop is refused."""
    own, foreign = await _two_groups(hw)
    await hw.say(BORIS, "/ai_tone мягко", GROUP_ID)
    pending = await hw.db.pending_commands.save(
        tg_user_id=BORIS.id, command="ai_tone", args="грубо"
    )
    forged = ShopCallback(c="ai_tone", p=pending, s=foreign.id)
    answer = await hw.press(BORIS, forged, chat_id=GROUP_ID)
    assert answer.show_alert and answer.text == says("ai.not_admin").template
    delivered = await hw.deliver()
    assert texts(delivered) == [says("ai.saved").template]
    assert (await hw.db.sellers.get(seller_id=own.id)).ai_tone == "мягко"
    assert (await hw.db.sellers.get(seller_id=foreign.id)).ai_tone == ""
    assert _nothing_secret(delivered)


async def test_a_tampered_panel_button_cannot_reach_another_groups_shop(
    hw: HandlerWorld,
) -> None:
    own, foreign = await _two_groups(hw)
    await hw.say(BORIS, "/ai", GROUP_ID)
    [panel] = [r for r in await hw.deliver() if isinstance(r, SendMessage)]
    assert has(panel.text, says("ai.panel", shop=own.name))
    toggle = says("ai.button.auto_on").template
    assert buttons(panel)[toggle] == AiCallback(a=AUTO_TOGGLE, id=own.id).pack()

    forged = AiCallback(a=AUTO_TOGGLE, id=foreign.id)
    answer = await hw.press(BORIS, forged, on=panel)
    assert answer.show_alert and answer.text == says("ai.not_admin").template
    assert (await hw.db.sellers.get(seller_id=foreign.id)).auto_reply_enabled is False
    assert _nothing_secret(await hw.deliver())


async def test_a_button_from_before_an_upgrade_is_answered_as_out_of_date(
    hw: HandlerWorld,
) -> None:
    """The /ai panel's buttons used to flip ("da:a:<id>:"); such an old button now says it
    is out of date instead of spinning (or acting on a meaning it no longer has)."""
    own, _ = await _two_groups(hw)
    answer = await hw.press(BORIS, f"da:a:{own.id}:", chat_id=GROUP_ID)
    assert answer.show_alert
    assert answer.text == says("wizard.outdated").template
    assert (await hw.db.sellers.get(seller_id=own.id)).auto_reply_enabled is False
