"""Editing priority rules, targets and hours from Telegram (issue 16, items 4 and 9), one
update at a time through the real dispatcher (tests.support.handlers), the buyer's side
through the Ozon emulator and one real sync pass (tests.support.drafting.sync_once).

A new keyword rule goes above the general rules, so it decides a first message; every
change is answered with one line; Russian words are shown and accepted, English still
accepted; no raw regular expression is shown."""

from __future__ import annotations

import pytest
from aiogram.methods import SendMessage

from bot.sla.rule_views import targets_help
from storage.records import Seller
from tests.support.drafting import buyer_message, sync_once
from tests.support.handlers import BORIS, GROUP_ID, HandlerWorld, Person
from tests.support.texts import has, says


async def shop(hw: HandlerWorld) -> Seller:
    return await hw.add_seller(await hw.bound_group())


async def ask(hw: HandlerWorld, person: Person, command: str) -> str:
    [answer] = [r for r in await hw.say(person, command) if isinstance(r, SendMessage)]
    return answer.text


async def priority_of_the_chat(hw: HandlerWorld) -> str:
    priority: str = await hw.db.pool.fetchval("SELECT priority FROM chats")
    return priority


async def test_a_new_keyword_rule_decides_a_first_message(hw: HandlerWorld) -> None:
    """It used to be appended below «первое сообщение → высокий» and never fire there."""
    seller = await shop(hw)
    added = await ask(hw, BORIS, "/rules добавить срочно ключевые слова размер")
    assert has(added, says("rules.added_above", n=3))
    rules = await hw.db.sla.list_rules(seller_id=seller.id)
    assert [r.kind for r in rules].index("keyword", 2) < [r.kind for r in rules].index(
        "first_message"
    )
    buyer_message(hw, "Здравствуйте, какой размер выбрать на рост 180?")
    await sync_once(hw, seller.id)
    assert await priority_of_the_chat(hw) == "urgent"


async def test_a_general_rule_is_still_added_at_the_end(hw: HandlerWorld) -> None:
    seller = await shop(hw)
    added = await ask(hw, BORIS, "/rules add low без заказа")
    assert has(added, says("rules.added", n=6))
    assert (await hw.db.sla.list_rules(seller_id=seller.id))[-1].kind == "no_order"


async def test_thanks_in_a_new_chat_is_low(hw: HandlerWorld) -> None:
    seller = await shop(hw)
    buyer_message(hw, "Спасибо большое, всё отлично!")
    await sync_once(hw, seller.id)
    assert await priority_of_the_chat(hw) == "low"


@pytest.mark.parametrize(
    "message", ["Пришёл другого цвета", "Не тот размер", "Прислали другой цвет"]
)
async def test_a_wrong_colour_or_size_is_a_wrong_item(hw: HandlerWorld, message: str) -> None:
    seller = await shop(hw)
    buyer_message(hw, message)
    await sync_once(hw, seller.id)
    assert await priority_of_the_chat(hw) == "urgent"


@pytest.mark.parametrize(
    ("command", "key"),
    [
        ("/rules добавить высокий слова где посылка", "rules.added_above"),
        ("/rules переместить 3 1", "rules.moved"),
        ("/rules удалить 1", "rules.deleted"),
        ("/rules сброс", "rules.reset"),
        ("/targets срочный 20м 1ч", "targets.saved"),
        ("/hours 10:00-19:00 пн-пт", "hours.saved"),
        ("/hours выкл", "hours.saved"),
    ],
)
async def test_every_change_is_answered_with_one_line(
    hw: HandlerWorld, command: str, key: str
) -> None:
    await shop(hw)
    answer = await ask(hw, BORIS, command)
    assert has(answer, says(key)), answer
    assert "\n" not in answer, answer  # not the 20-line list again


async def test_a_change_in_the_group_is_one_line_there_too(hw: HandlerWorld) -> None:
    await shop(hw)
    await hw.say(BORIS, "/rules add urgent keyword сломалась молния", GROUP_ID)
    [post] = [r for r in await hw.deliver() if isinstance(r, SendMessage)]
    assert has(post.text, says("rules.added_above")) and "\n" not in post.text


async def test_targets_in_russian_are_accepted_and_shown(hw: HandlerWorld) -> None:
    seller = await shop(hw)
    saved = await ask(hw, BORIS, "/targets срочный 30м 1ч")
    assert has(saved, says("targets.saved", target="30 мин", hard="1 ч"))
    urgent = (await hw.db.sla.get_targets(seller_id=seller.id))["urgent"]
    assert (urgent.target_minutes, urgent.hard_limit_minutes) == (30, 60)
    listing = await ask(hw, BORIS, "/targets")
    assert "/targets срочный 30м 1ч" in listing
    assert "30m" not in listing and "1h" not in listing.replace("1h30m", "")
    assert has(await ask(hw, BORIS, "/targets urgent 15m 45m"), says("targets.saved"))
    assert "/targets urgent 30m 1h" in targets_help("en")


async def test_rules_show_russian_kinds_and_no_raw_regex(hw: HandlerWorld) -> None:
    await shop(hw)
    listing = await ask(hw, BORIS, "/rules")
    assert has(listing, says("rules.kind.thanks"))  # the default regex, by its name
    assert "[^?]" not in listing and "regex:" not in listing
    for kind in ("ключевые слова", "шаблон", "первое сообщение", "без заказа", "без ответа",
                 "вне рабочего времени"):  # fmt: skip
        assert kind in listing, kind
    added = await ask(hw, BORIS, r"/rules add high regex заказ\s+\d+\s+потерян")
    assert has(added, says("rules.kind.regex", words="заказ, потерян")) and "\\s" not in added
    typed_kinds = [
        "/rules add low первое сообщение",
        "/rules add low first",
        "/rules add high без ответа 2",
        "/rules add low вне рабочего времени",
    ]
    for typed in typed_kinds:
        assert has(await ask(hw, BORIS, typed), says("rules.added")), typed


async def test_a_refusal_names_the_russian_example(hw: HandlerWorld) -> None:
    await shop(hw)
    refused = await ask(hw, BORIS, "/targets срочный скоро 1ч")
    assert has(refused, says("targets.bad")) and has(refused, says("sla.error.duration"))
    assert "30м" in refused and "30m" not in refused
    need_count = await ask(hw, BORIS, "/rules add high без ответа")
    assert has(need_count, says("sla.error.need_count")) and "без ответа 3" in need_count
