"""/queue's filters never lie (issue 16, item 1), one update at a time through the real
dispatcher (tests.support.handlers): an empty filter says what it filtered and how many
wait in all, an unknown word or a misspelled shop is answered with the real filters and
shops, the filter buttons edit the list (in private at once, in the group through the
outbox), and the pinned board and /queue show the same time left for one chat."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendMessage

from bot.sla.callbacks import QueueCallback
from storage.records import Seller, Workspace
from tests.storage.factories import make_chat
from tests.support.handlers import GLEB, GROUP_ID, VERA, HandlerWorld, Person, buttons
from tests.support.texts import has, says

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


async def waiting(
    hw: HandlerWorld, workspace: Workspace, seller: Seller, order: str, *, thread: int,
    priority: str = "normal", left: timedelta = timedelta(hours=2),
) -> int:  # fmt: skip
    """A chat waiting for an answer in its topic, due ``left`` after the test clock."""
    chat = await make_chat(hw.db, seller, external_id=order, order_number=order)
    await hw.db.chats.set_topic(chat_id=chat.id, workspace_id=workspace.id, thread_id=thread,
                                name=order)  # fmt: skip
    await hw.db.chats.set_sla(
        chat_id=chat.id, priority=priority, waiting_since=NOW - timedelta(minutes=5),
        sla_deadline=NOW + left, reply_window_ends_at=NOW + timedelta(hours=40),
        unanswered_count=1,
    )  # fmt: skip
    return chat.id


async def scene(hw: HandlerWorld) -> tuple[Workspace, Seller]:
    """The bound group, two shops, two normal chats waiting in the first; clock at NOW."""
    hw.app.sla.clock = lambda: NOW
    workspace = await hw.bound_group()
    shoes = await hw.add_seller(workspace)
    await hw.add_seller(workspace, client_id="2", api_key="k2", name="Одежда")
    await waiting(hw, workspace, shoes, "111-1", thread=51)
    await waiting(hw, workspace, shoes, "222-2", thread=52)
    return workspace, shoes


async def in_private(hw: HandlerWorld, person: Person, command: str) -> SendMessage:
    [answer] = [r for r in await hw.say(person, command) if isinstance(r, SendMessage)]
    assert answer.chat_id == person.id
    return answer


async def in_general(hw: HandlerWorld, person: Person, command: str) -> SendMessage:
    await hw.feed("message", hw.message(person, command, GROUP_ID))
    [post] = [r for r in await hw.deliver() if isinstance(r, SendMessage)]
    assert post.chat_id == GROUP_ID
    return post


async def test_an_empty_filter_says_what_it_filtered_and_how_many_wait(hw: HandlerWorld) -> None:
    await scene(hw)
    for command, none in (
        ("/queue urgent", "queue.none.urgent"),
        ("/queue просроченные", "queue.none.overdue"),
        ("/queue Одежда", "queue.none.seller"),
    ):
        shown = (await in_general(hw, VERA, command)).text
        assert has(shown, says(none)), command
        assert has(shown, says("queue.total", total=2)), command
        assert not has(shown, says("queue.empty")), command  # never "all clear"
    english = await in_private(hw, Person(1005, "Grace", "grace", language_code="en"), "/queue")
    assert has(english.text, says("no_workspace", "en"))  # not an agent: told so, in English


async def test_an_unknown_filter_lists_the_real_ones_and_the_shops(hw: HandlerWorld) -> None:
    await scene(hw)
    answer = await in_private(hw, VERA, "/queue foo")
    shown = answer.text
    assert has(shown, says("queue.unknown", word="foo"))
    assert {"Все", "Срочные", "Мои", "Обувь"} <= set(buttons(answer))  # or press one
    for word in ("срочные", "просроченные", "без ответственного", "мои"):
        assert word in shown
    assert "urgent" not in shown  # Russian mode lists the Russian words
    assert has(shown, says("queue.unknown.shops", shops="Обувь, Одежда"))
    assert not has(shown, says("queue.empty"))


async def test_a_misspelled_shop_is_not_an_empty_queue(hw: HandlerWorld) -> None:
    await scene(hw)
    shown = (await in_general(hw, VERA, "/queue Обвь")).text
    assert has(shown, says("queue.unknown", word="Обвь"))
    assert has(shown, says("queue.unknown.guess", guess="Обувь"))
    assert not has(shown, says("queue.empty"))
    assert "111-1" in (await in_private(hw, VERA, "/queue обувь")).text  # spelled right


async def test_filter_buttons_edit_the_list_in_private(hw: HandlerWorld) -> None:
    workspace, shoes = await scene(hw)
    await waiting(hw, workspace, shoes, "333-3", thread=53, priority="urgent")
    listing = await in_private(hw, VERA, "/queue")
    keys = buttons(listing)
    assert keys["✓ Все"] == QueueCallback(view="all").pack()
    assert {"Срочные", "Просроченные", "Без ответственного", "Мои", "Обувь", "Одежда"} <= set(keys)
    before = len(hw.session.requests)
    answer = await hw.press(VERA, keys["Срочные"], on=listing)
    assert not answer.show_alert
    [edit] = [r for r in hw.session.requests[before:] if isinstance(r, EditMessageText)]
    assert edit.chat_id == VERA.id
    assert has(edit.text, says("queue.title_view", view="Срочные", count=1, total=3))
    assert "333-3" in edit.text and "111-1" not in edit.text
    assert "✓ Срочные" in buttons(edit)
    unknown = await hw.press(VERA, QueueCallback(view="nonsense").pack(), on=listing)
    assert not unknown.show_alert  # an old button: the list says so instead of silence
    assert has(hw.session.sent(EditMessageText)[-1].text, says("queue.button_stale"))


async def test_filter_buttons_in_the_group_edit_through_the_outbox(hw: HandlerWorld) -> None:
    await scene(hw)
    listing = await in_general(hw, VERA, "/queue")
    assert buttons(listing)["✓ Все"] == QueueCallback(view="all").pack()
    before = len(hw.session.requests)
    answer = await hw.press(VERA, QueueCallback(view="urgent"), on=listing)
    assert isinstance(answer, AnswerCallbackQuery) and not answer.show_alert
    handled = hw.session.requests[before:]
    assert not [r for r in handled if isinstance(r, EditMessageText)]  # queued, not direct
    [edit] = [r for r in await hw.deliver() if isinstance(r, EditMessageText)]
    assert edit.chat_id == GROUP_ID
    assert has(edit.text, says("queue.none.urgent")) and has(edit.text, says("queue.total"))
    assert "✓ Срочные" in buttons(edit)
    refused = await hw.press(GLEB, QueueCallback(view="urgent"), chat_id=GROUP_ID)
    assert refused.show_alert and refused.text in says("claim.forbidden")
    assert [r for r in await hw.deliver() if isinstance(r, EditMessageText)] == []


async def test_the_board_and_queue_show_the_same_time_left(hw: HandlerWorld) -> None:
    workspace = await hw.bound_group()
    seller = await hw.add_seller(workspace)
    hw.app.sla.clock = lambda: NOW
    await waiting(
        hw, workspace, seller, "444-4", thread=54, left=timedelta(minutes=27, seconds=30)
    )
    await hw.app.sla.ticker.tick()
    [board] = [r for r in await hw.deliver() if isinstance(r, SendMessage)]
    assert has(board.text, says("board.title", count=1))
    listed = (await in_private(hw, VERA, "/queue")).text
    same = says("sla.left", left="25 мин")  # rounded down: 27.5 min left is never "30 min"
    assert has(board.text, same) and has(listed, same)
