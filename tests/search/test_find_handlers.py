"""/find one update at a time (tests.support.handlers): matches by order number, SKU,
buyer name and a Russian word form, newest first with topic links and notes; who sees
which group's chats; empty and fruitless queries get a clear answer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aiogram.methods import SendMessage

from storage.records import Chat, Seller, Workspace
from tests.support.find_steps import buyer_chat, message, note
from tests.support.handlers import BORIS, GLEB, GROUP_ID, OWNER, VERA, HandlerWorld, Person
from tests.support.texts import has, says
from tests.support.world import SECOND_ID, SECOND_KEY

OTHER_GROUP = -1001000000002
MONDAY = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
ZOYA = Person(1006, "Зоя", "zoya")  # an agent of the other group only


async def scene(hw: HandlerWorld) -> tuple[Workspace, Seller, dict[str, Chat]]:
    """The group's shop with three chats: an order with a delivery question, a SKU with a
    defect, and an older chat about something else."""
    workspace = await hw.bound_group()
    seller = await hw.add_seller(workspace)
    chats = {
        "delivery": await buyer_chat(
            hw.db, seller_id=seller.id, workspace_id=workspace.id, thread_id=11,
            buyer="Иван П.", order="12345-0001", posting="12345-0001-1",
            at=MONDAY + timedelta(hours=2),
        ),
        "defect": await buyer_chat(
            hw.db, seller_id=seller.id, workspace_id=workspace.id, thread_id=12,
            buyer="Мария С.", sku="987654321", at=MONDAY + timedelta(hours=1),
        ),
        "old": await buyer_chat(
            hw.db, seller_id=seller.id, workspace_id=workspace.id, thread_id=13,
            buyer="Пётр", order="55555-0002", at=MONDAY,
        ),
    }  # fmt: skip
    await message(hw.db, chats["delivery"], "Когда будет доставка?", at=MONDAY)
    await message(hw.db, chats["delivery"], "Доставим завтра", at=MONDAY, direction="out")
    await message(hw.db, chats["defect"], "Пришла куртка с браком", at=MONDAY)
    await message(hw.db, chats["old"], "Спасибо, всё хорошо", at=MONDAY)
    return workspace, seller, chats


async def find_in_group(
    hw: HandlerWorld, person: Person, query: str, chat_id: int = GROUP_ID
) -> SendMessage:
    """``person`` types /find in the group's General: nothing is sent while handling it;
    the one answer the outbox then posts, as a reply to the command."""
    asked = hw.message(person, f"/find {query}".rstrip(), chat_id)
    assert not [r for r in await hw.feed("message", asked) if isinstance(r, SendMessage)]
    [post] = [r for r in await hw.deliver() if isinstance(r, SendMessage)]
    assert post.chat_id == chat_id and post.message_thread_id is None
    assert post.reply_parameters is not None
    assert post.reply_parameters.message_id == asked["message_id"]
    return post


async def find_in_private(hw: HandlerWorld, person: Person, query: str) -> str:
    [answer] = [r for r in await hw.say(person, f"/find {query}") if isinstance(r, SendMessage)]
    assert answer.chat_id == person.id
    return answer.text


def link(thread: int) -> str:
    return f"https://t.me/c/1000000001/{thread}"


async def test_an_order_number_finds_its_chat_with_a_link_to_the_topic(
    hw: HandlerWorld,
) -> None:
    await scene(hw)
    post = await find_in_group(hw, VERA, "12345-0001")
    assert has(post.text, says("find.head", query="12345-0001", total=1))
    assert link(11) in post.text and link(12) not in post.text
    assert has(post.text, says("find.order", order="12345-0001"))
    assert has(post.text, says("find.title", shop="Обувь", buyer="Иван П."))
    by_prefix = await find_in_group(hw, VERA, "12345")  # the start of the number is enough
    assert link(11) in by_prefix.text and link(13) not in by_prefix.text


async def test_a_russian_word_form_finds_the_message_and_shows_it(hw: HandlerWorld) -> None:
    await scene(hw)
    post = await find_in_group(hw, VERA, "доставкой")  # the message says "доставка"
    assert has(post.text, says("find.head", total=1))
    assert link(11) in post.text
    assert "<b>доставка</b>" in post.text or "<b>Доставим</b>" in post.text
    defect = await find_in_group(hw, BORIS, "браки")
    assert link(12) in defect.text and link(11) not in defect.text


async def test_a_buyer_name_and_a_sku_find_their_chats(hw: HandlerWorld) -> None:
    await scene(hw)
    by_name = await find_in_group(hw, VERA, "иван")
    assert link(11) in by_name.text and link(12) not in by_name.text
    by_initial = await find_in_group(hw, VERA, "С.")  # the second word of "Мария С."
    assert link(12) in by_initial.text
    by_sku = await find_in_group(hw, VERA, "987654321")
    assert has(by_sku.text, says("find.sku", sku="987654321")) and link(12) in by_sku.text


async def test_results_are_newest_first_and_bounded(hw: HandlerWorld) -> None:
    workspace, seller, _ = await scene(hw)
    for n in range(12):
        chat = await buyer_chat(
            hw.db, seller_id=seller.id, workspace_id=workspace.id, thread_id=100 + n,
            buyer=f"Покупатель {n}", at=MONDAY - timedelta(days=1, minutes=n),
        )  # fmt: skip
        await message(hw.db, chat, "Где мой заказ? Жду доставку", at=MONDAY - timedelta(days=1))
    post = await find_in_group(hw, VERA, "доставка")
    assert has(post.text, says("find.head", total=13))
    assert post.text.index(link(11)) < post.text.index(link(100)) < post.text.index(link(101))
    assert link(109) not in post.text  # ten shown: the delivery chat and 100..108
    assert has(post.text, says("find.more", count=3))


async def test_notes_are_shown_with_their_chat(hw: HandlerWorld) -> None:
    _, _, chats = await scene(hw)
    vera = await hw.db.agents.upsert(tg_user_id=VERA.id, display_name="Вера")
    await note(hw.db, chats["delivery"], "Позвонить на склад", agent_id=vera.id,
               tg_chat_id=GROUP_ID)  # fmt: skip
    await note(hw.db, chats["delivery"], "Склад обещал к пятнице", agent_id=None,
               tg_chat_id=GROUP_ID)  # fmt: skip
    await note(hw.db, chats["delivery"], "", agent_id=vera.id, tg_chat_id=GROUP_ID)  # a photo
    await note(hw.db, chats["old"], "Не показывать", agent_id=None, tg_chat_id=GROUP_ID)
    post = await find_in_group(hw, VERA, "12345-0001")
    assert has(post.text, says("find.note", author="Вера", note="Позвонить на склад"))
    assert has(post.text, says("find.note_anonymous", note="Склад обещал к пятнице"))
    assert post.text.index("Склад обещал") < post.text.index("Позвонить")  # newest first
    assert "Не показывать" not in post.text
    assert "Вера: \n" not in post.text + "\n"  # a note without text is not a line


async def test_nothing_found_and_an_empty_query_say_so(hw: HandlerWorld) -> None:
    await scene(hw)
    nothing = await find_in_group(hw, VERA, "самокат")
    assert nothing.text in says("find.nothing", query="самокат")
    assert (await find_in_group(hw, VERA, "")).text in says("find.usage")
    assert (await find_in_group(hw, VERA, "?!")).text in says("find.usage")
    assert (await find_in_group(hw, VERA, "д" * 101)).text in says("find.too_long")


async def test_an_agent_of_another_group_sees_only_its_chats(hw: HandlerWorld) -> None:
    await scene(hw)
    other = await hw.bound_group(OTHER_GROUP)
    shop = await hw.add_seller(other, client_id=SECOND_ID, api_key=SECOND_KEY, name="Одежда")
    theirs = await buyer_chat(hw.db, seller_id=shop.id, workspace_id=other.id, thread_id=21,
                              buyer="Анна", at=MONDAY)  # fmt: skip
    await message(hw.db, theirs, "Доставка задерживается", at=MONDAY)
    hw.in_group(ZOYA, "member", OTHER_GROUP)
    post = await find_in_group(hw, ZOYA, "доставка", OTHER_GROUP)
    assert has(post.text, says("find.head", total=1))
    assert "https://t.me/c/1000000002/21" in post.text and link(11) not in post.text
    assert (await find_in_group(hw, ZOYA, "12345-0001", OTHER_GROUP)).text in says("find.nothing")
    refused = await find_in_group(hw, GLEB, "доставка")  # not a member of the group
    assert refused.text in says("find.forbidden")


async def test_in_private_an_admin_searches_every_group_they_administer(
    hw: HandlerWorld,
) -> None:
    await scene(hw)
    other = await hw.bound_group(OTHER_GROUP)
    shop = await hw.add_seller(other, client_id=SECOND_ID, api_key=SECOND_KEY, name="Одежда")
    theirs = await buyer_chat(hw.db, seller_id=shop.id, workspace_id=other.id, thread_id=21,
                              buyer="Анна", at=MONDAY + timedelta(hours=5))  # fmt: skip
    await message(hw.db, theirs, "Доставка задерживается", at=MONDAY)
    both = await find_in_private(hw, OWNER, "доставка")  # the owner: every group
    assert has(both, says("find.head", total=2))
    assert both.index("https://t.me/c/1000000002/21") < both.index(link(11))
    hw.in_group(BORIS, "member", OTHER_GROUP)  # Boris administers the first group only
    mine = await find_in_private(hw, BORIS, "доставка")
    assert link(11) in mine and "1000000002" not in mine
    assert await find_in_private(hw, VERA, "доставка") in says("find.forbidden")
    assert await find_in_private(hw, GLEB, "доставка") in says("find.forbidden")
