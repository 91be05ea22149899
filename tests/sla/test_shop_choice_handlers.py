"""Choosing the shop a command is about (issue 16, item 6), one update at a time through
the real dispatcher (tests.support.handlers): by name (the longest shop name the
arguments start with, any case), or with one button per shop, the command's words kept
until the button is pressed; internal ids are never shown."""

from __future__ import annotations

from aiogram.methods import EditMessageText, SendMessage

from storage.records import Seller, Workspace
from tests.support.handlers import (
    BORIS,
    GROUP_ID,
    OWNER,
    HandlerWorld,
    Person,
    buttons,
)
from tests.support.texts import has, says
from tests.support.world import SECOND_ID, SECOND_KEY


async def two_shops(hw: HandlerWorld, second: str = "Уютный дом") -> tuple[Seller, Seller]:
    workspace = await hw.bound_group()
    first = await hw.add_seller(workspace)
    return first, await hw.add_seller(
        workspace, client_id=SECOND_ID, api_key=SECOND_KEY, name=second
    )


async def another_shop(hw: HandlerWorld, workspace: Workspace, name: str) -> Seller:
    return await hw.add_seller(workspace, client_id=f"c-{name}", api_key="k" * 36, name=name)


async def question(hw: HandlerWorld, person: Person, command: str) -> SendMessage:
    """``person`` types ``command`` in private; the bot's one answer (the question)."""
    [sent] = [r for r in await hw.say(person, command) if isinstance(r, SendMessage)]
    return sent


def shop_buttons(sent: SendMessage | EditMessageText) -> dict[str, str]:
    return buttons(sent)


async def test_targets_without_a_shop_ask_with_buttons_and_go_on_when_pressed(
    hw: HandlerWorld,
) -> None:
    first, second = await two_shops(hw)
    asked = await question(hw, BORIS, "/targets срочный 20м 1ч")
    assert has(asked.text, says("pick_seller"))
    assert list(shop_buttons(asked)) == ["Обувь", "Уютный дом"]
    assert f"{first.id} —" not in asked.text and f"#{second.id}" not in asked.text
    before = (await hw.db.sla.get_targets(seller_id=first.id))["urgent"]

    requests = await hw.feed("callback_query", _press(hw, BORIS, asked, "Уютный дом"))
    [edited] = [r for r in requests if isinstance(r, EditMessageText)]
    assert has(edited.text, says("targets.saved", shop="Уютный дом", target="20 мин"))
    assert edited.reply_markup is None
    urgent = (await hw.db.sla.get_targets(seller_id=second.id))["urgent"]
    assert (urgent.target_minutes, urgent.hard_limit_minutes) == (20, 60)
    assert (await hw.db.sla.get_targets(seller_id=first.id))["urgent"] == before

    again = await hw.press(BORIS, shop_buttons(asked)["Обувь"], on=asked)
    assert again.show_alert and again.text == says("pick_seller.gone").template
    assert (await hw.db.sla.get_targets(seller_id=first.id))["urgent"] == before


def _press(hw: HandlerWorld, person: Person, on: SendMessage, label: str) -> dict[str, object]:
    """The callback query of pressing ``label`` under ``on`` (for reading every request
    the press makes, not only its answer)."""
    message = hw.message(person, on.text, int(on.chat_id))
    message["from"] = {"id": 42, "is_bot": True, "first_name": "Bot", "username": "bot"}
    message["reply_markup"] = on.reply_markup.model_dump(exclude_none=True)  # type: ignore[union-attr]
    return {"id": "q-shop", "from": person.to_dict(), "message": message,
            "chat_instance": "1", "data": shop_buttons(on)[label]}  # fmt: skip


async def test_only_who_asked_can_press_the_shop_buttons(hw: HandlerWorld) -> None:
    first, _ = await two_shops(hw)
    asked = await question(hw, BORIS, "/hours 10:00-19:00 пн-пт")
    other = await hw.press(OWNER, shop_buttons(asked)["Обувь"], on=asked)
    assert other.show_alert and other.text == says("pick_seller.not_yours").template
    assert await hw.db.sellers.get(seller_id=first.id) == first
    mine = await hw.press(BORIS, shop_buttons(asked)["Обувь"], on=asked)
    assert not mine.show_alert
    changed = await hw.db.sellers.get(seller_id=first.id)
    assert changed.business_hours_enabled and changed.work_start.hour == 10


async def test_in_the_group_the_buttons_and_the_answer_go_through_the_outbox(
    hw: HandlerWorld,
) -> None:
    first, second = await two_shops(hw)
    asked = hw.message(BORIS, "/hours 10:00-19:00 пн-пт", GROUP_ID)
    assert [r for r in await hw.feed("message", asked) if isinstance(r, SendMessage)] == []
    [posted] = [r for r in await hw.deliver() if isinstance(r, SendMessage)]
    assert posted.chat_id == GROUP_ID and has(posted.text, says("pick_seller"))
    assert list(shop_buttons(posted)) == ["Обувь", "Уютный дом"]

    answer = await hw.press(BORIS, shop_buttons(posted)["Уютный дом"], on=posted)
    assert not answer.show_alert
    [done] = [r for r in await hw.deliver() if isinstance(r, SendMessage)]
    assert done.chat_id == GROUP_ID
    assert has(done.text, says("hours.saved")) and has(done.text, says("hours.on", start="10:00"))
    assert (await hw.db.sellers.get(seller_id=second.id)).work_start.hour == 10
    assert await hw.db.sellers.get(seller_id=first.id) == first


async def test_rules_and_targets_take_a_shop_by_name_in_any_case(hw: HandlerWorld) -> None:
    _, second = await two_shops(hw, "Одежда")
    listing = await question(hw, BORIS, "/rules ОДЕЖДА")
    assert has(listing.text, says("rules.title", shop="Одежда"))
    assert (await question(hw, BORIS, "/rules одеж")).text == listing.text  # unique prefix
    saved = await question(hw, BORIS, "/targets Одежда высокий 2ч 4ч")
    assert has(saved.text, says("targets.saved", shop="Одежда", target="2 ч"))
    assert (await hw.db.sla.get_targets(seller_id=second.id))["high"].target_minutes == 120


async def test_ai_tone_takes_the_shop_by_its_name(hw: HandlerWorld) -> None:
    first, second = await two_shops(hw)
    [saved] = [r for r in await hw.say(BORIS, "/ai_tone Уютный дом вежливо") if
               isinstance(r, SendMessage)]  # fmt: skip
    assert saved.text == says("ai.saved").template
    assert (await hw.db.sellers.get(seller_id=second.id)).ai_tone == "вежливо"
    assert (await hw.db.sellers.get(seller_id=first.id)).ai_tone == ""


async def test_the_longest_shop_name_wins(hw: HandlerWorld) -> None:
    workspace = await hw.bound_group()
    home = await another_shop(hw, workspace, "Дом")
    garden = await another_shop(hw, workspace, "Дом и сад")
    await hw.say(BORIS, "/ai_tone дом и сад мягко")
    await hw.say(BORIS, "/ai_tone Дом строго")
    assert (await hw.db.sellers.get(seller_id=garden.id)).ai_tone == "мягко"
    assert (await hw.db.sellers.get(seller_id=home.id)).ai_tone == "строго"


async def test_ai_instructions_without_a_shop_keep_the_whole_text_for_the_button(
    hw: HandlerWorld,
) -> None:
    first, second = await two_shops(hw)
    instructions = "Доставка 1–3 дня, возврат через Ozon в течение 14 дней, размеры по сетке"
    asked = await question(hw, BORIS, f"/ai_instructions {instructions}")
    assert has(asked.text, says("pick_seller"))
    assert all(len(data.encode()) <= 64 for data in shop_buttons(asked).values())
    await hw.press(BORIS, shop_buttons(asked)["Уютный дом"], on=asked)
    assert (await hw.db.sellers.get(seller_id=second.id)).ai_instructions == instructions
    assert (await hw.db.sellers.get(seller_id=first.id)).ai_instructions == ""


async def test_ai_panel_with_several_shops_asks_which_and_shows_no_ids(
    hw: HandlerWorld,
) -> None:
    _, second = await two_shops(hw)
    asked = await question(hw, BORIS, "/ai")
    assert has(asked.text, says("pick_seller"))
    requests = await hw.feed("callback_query", _press(hw, BORIS, asked, "Уютный дом"))
    [panel] = [r for r in requests if isinstance(r, EditMessageText)]
    assert has(panel.text, says("ai.panel", shop="Уютный дом"))
    assert f"#{second.id}" not in panel.text and f" {second.id} " not in panel.text
    named = await question(hw, BORIS, "/ai уютный дом")
    assert has(named.text, says("ai.panel", shop="Уютный дом"))


async def test_ai_panel_buttons_in_the_group_turn_the_question_into_the_panel(
    hw: HandlerWorld,
) -> None:
    await two_shops(hw)
    await hw.say(BORIS, "/ai", GROUP_ID)
    [posted] = [r for r in await hw.deliver() if isinstance(r, SendMessage)]
    assert has(posted.text, says("pick_seller"))
    await hw.press(BORIS, shop_buttons(posted)["Обувь"], on=posted)
    [panel] = [r for r in await hw.deliver() if isinstance(r, EditMessageText)]
    assert has(panel.text, says("ai.panel", shop="Обувь"))
