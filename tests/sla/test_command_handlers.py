"""The SLA commands one door at a time (tests.support.handlers): the real dispatcher fed one
update each, checked by text key, where the answer went and that it is the only one.

These replace the full-process checks of /rules, /targets and /hours wording and
permissions, and of a very long wrong argument getting a short answer."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from aiogram.methods import SendMessage, SendPhoto
from aiogram.types import Message

from storage.records import Seller
from tests.support.handlers import (
    BORIS,
    GLEB,
    GROUP_ID,
    VERA,
    HandlerWorld,
    Person,
    texts,
)
from tests.support.recorded_bot import chat_of
from tests.support.texts import has, says

ENGLISH = Person(1005, "Grace", "grace", language_code="en")


async def shop(hw: HandlerWorld) -> Seller:
    return await hw.add_seller(await hw.bound_group())


async def ask(hw: HandlerWorld, person: Person, command: str) -> str:
    """``person`` types ``command`` in private; the one answer the bot sent them."""
    [answer] = [r for r in await hw.say(person, command) if isinstance(r, SendMessage)]
    assert answer.chat_id == person.id
    assert answer.link_preview_options is not None
    assert answer.link_preview_options.is_disabled
    return answer.text


async def in_the_group(hw: HandlerWorld, person: Person, command: str) -> list[SendMessage]:
    """``person`` types ``command`` in the group: nothing is sent while handling it (group
    answers are queued); what the outbox then posts."""
    asked = hw.message(person, command, GROUP_ID)
    assert texts(await hw.feed("message", asked)) == []
    return [r for r in await hw.deliver() if isinstance(r, SendMessage)]


def photo_reply(chat_id: int) -> Message:
    return Message(message_id=9000, date=datetime.now(UTC), chat=chat_of(chat_id))


# ------------------------------------------------------------------ /rules, /targets, /hours


async def test_an_admin_configures_rules_targets_and_hours_in_private(hw: HandlerWorld) -> None:
    seller = await shop(hw)
    listing = await ask(hw, BORIS, "/rules")
    assert has(listing, says("rules.title", shop="Обувь")) and has(listing, says("rules.help"))
    assert has(listing, says("rules.kind.keyword", pattern="брак"))
    added = await ask(hw, BORIS, "/rules add urgent regex возврат\\s+денег")
    assert has(added, says("rules.added_above", n=3))  # one line, no raw regex
    assert has(added, says("rules.kind.regex", words="возврат, денег"))
    assert "\\s" not in added and not has(added, says("rules.help"))
    assert has(await ask(hw, BORIS, "/rules del 9"), says("sla.error.number_range", count=6))

    assert has(await ask(hw, BORIS, "/targets urgent 15m 45m"),
               says("targets.saved", target="15 мин", hard="45 мин"))  # fmt: skip
    assert has(await ask(hw, BORIS, "/targets urgent 2h 1h"), says("targets.bad"))

    shown = await ask(hw, BORIS, "/hours 10:00-19:00 пн-пт Asia/Yekaterinburg")
    assert has(shown, says("hours.on", days="пн, вт, ср, чт, пт", tz="Asia/Yekaterinburg"))
    assert has(await ask(hw, BORIS, "/hours off"), says("hours.off", shop="Обувь"))
    actions = [r["action"] for r in await hw.db.pool.fetch("SELECT action FROM audit_log")]
    assert actions == ["sla.rules.add", "sla.targets", "sla.hours", "sla.hours"]
    assert len(await hw.db.sla.list_rules(seller_id=seller.id)) == 6


async def test_strangers_and_agents_are_refused_the_configuration(hw: HandlerWorld) -> None:
    seller = await shop(hw)
    for command in ("/rules reset", "/targets urgent 1m 2m", "/hours off"):
        assert await ask(hw, GLEB, command) in says("admin_only")
        assert await ask(hw, VERA, command) in says("admin_only")
    assert await ask(hw, ENGLISH, "/rules") in says("admin_only", "en")  # their language
    [refusal] = await in_the_group(hw, VERA, "/hours off")
    assert refusal.chat_id == GROUP_ID and refusal.text in says("admin_only")
    assert await hw.db.sellers.get(seller_id=seller.id) == seller
    assert await hw.db.pool.fetchval("SELECT count(*) FROM audit_log") == 0


async def test_an_admin_configures_in_the_group_with_a_reply_there(hw: HandlerWorld) -> None:
    await shop(hw)
    asked = hw.message(BORIS, "/targets high 2h 4h", GROUP_ID)
    assert texts(await hw.feed("message", asked)) == []
    [post] = [r for r in await hw.deliver() if isinstance(r, SendMessage)]
    assert post.chat_id == GROUP_ID
    assert has(post.text, says("targets.saved", target="2 ч", hard="4 ч"))
    assert post.reply_parameters is not None
    assert post.reply_parameters.message_id == asked["message_id"]


@pytest.mark.parametrize(
    ("command", "refusal"),
    [
        ("/rules add urgent " + "x" * 4070, "rules.bad"),
        ("/hours 9-18 " + "y" * 4080, "hours.bad"),
        ("/targets urgent " + "z" * 4070 + " 1h", "targets.bad"),
    ],
)
async def test_a_long_wrong_argument_gets_a_short_answer(
    hw: HandlerWorld, command: str, refusal: str
) -> None:
    """The reason used to quote the whole argument, past Telegram's 4096 characters."""
    await shop(hw)
    answer = await ask(hw, BORIS, command)
    assert has(answer, says(refusal))
    assert len(answer) < 1000


# ------------------------------------------------------------------ /stats


async def test_stats_in_private_are_one_chart_with_the_report_as_caption(
    hw: HandlerWorld,
) -> None:
    await shop(hw)
    hw.session.add_result_for(SendPhoto, photo_reply(BORIS.id))
    sent = await hw.say(BORIS, "/stats 7d")
    assert not [r for r in sent if isinstance(r, SendMessage)]  # no separate text
    [chart] = [r for r in sent if isinstance(r, SendPhoto)]
    assert has(chart.caption, says("stats.head", period="7 дней"))
    assert chart.chat_id == BORIS.id
    assert await ask(hw, BORIS, "/stats forever") in says("stats.usage")
    assert await ask(hw, VERA, "/stats") in says("admin_only")  # private: admins only


async def test_stats_in_the_group_are_queued_for_agents(hw: HandlerWorld) -> None:
    await shop(hw)
    asked = hw.message(VERA, "/stats сегодня", GROUP_ID)
    handled = await hw.feed("message", asked)
    assert not [r for r in handled if isinstance(r, SendMessage | SendPhoto)]
    hw.session.add_result_for(SendPhoto, photo_reply(GROUP_ID))
    delivered = await hw.deliver()
    assert not [r for r in delivered if isinstance(r, SendMessage)]  # one photo, no text
    [chart] = [r for r in delivered if isinstance(r, SendPhoto)]
    assert has(chart.caption, says("stats.head", period="сегодня"))
    assert chart.chat_id == GROUP_ID
    assert chart.message_thread_id is None  # typed in General, answered there
    [refusal] = await in_the_group(hw, GLEB, "/stats today")
    assert refusal.text in says("admin_only")


# ------------------------------------------------------------------ /queue and claims


async def test_queue_answers_agents_and_tells_strangers_in_private(hw: HandlerWorld) -> None:
    await shop(hw)
    [post] = await in_the_group(hw, VERA, "/queue")
    assert has(post.text, says("queue.empty")) and has(post.text, says("queue.usage"))
    assert await in_the_group(hw, GLEB, "/queue") == []  # a stranger in the group: silence
    assert await ask(hw, GLEB, "/queue") in says("no_workspace")
    assert await ask(hw, ENGLISH, "/queue") in says("no_workspace", "en")
    assert has(await ask(hw, VERA, "/queue urgent"), says("queue.empty"))


async def test_an_unbound_group_gets_no_answer_at_all(hw: HandlerWorld) -> None:
    hw.in_group(BORIS, "creator")
    for command in ("/queue", "/rules", "/stats", "/take", "/hours off"):
        assert await in_the_group(hw, BORIS, command) == [], command


async def test_take_outside_a_buyer_topic_says_where_it_works(hw: HandlerWorld) -> None:
    await shop(hw)
    [post] = await in_the_group(hw, VERA, "/take")
    assert post.text in says("claim.not_a_topic")
    [answer] = texts(await hw.say(VERA, "/release"), VERA.id)
    assert answer in says("claim.not_a_topic")
