"""A buyer topic stays quiet and its controls stay true (issue 16, item 7), one step at a
time: the buyer writes on the Ozon emulator, one real sync pass posts it
(tests.support.drafting.sync_once), and the test reads what the recorded session got.

- A turn's header (the author line, the SLA line, [✋ Взять]) appears once, on its first
  buyer message; the turn's photo and PDF that follow are plain posts. A new turn (after an
  answer) gets a header again.
- The Take button shows the owner after a take and returns after a release: an edit of the
  header post's keyboard, queued as a cosmetic item that yields to buyer posts under a full
  group budget, and dropped when a newer change of the same chat made it pointless.
"""

from __future__ import annotations

from typing import Any

from aiogram.methods import (
    EditMessageReplyMarkup,
    SendDocument,
    SendMessage,
    SendPhoto,
    TelegramMethod,
)

from bot.outbox.kinds import Kind
from bot.sla.callbacks import ClaimCallback
from storage.records import Chat
from tests.support.drafting import sync_once
from tests.support.handlers import BORIS, GROUP_ID, VERA, HandlerWorld, buttons
from tests.support.intake_steps import Post, Telegram, body
from tests.support.texts import has, says
from tests.support.world import CLIENT_ID

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%%EOF\n"
BUYER = says("author.buyer")
TAKE = says("claim.button")


def take_buttons(posts: list[Post]) -> list[dict[str, str]]:
    return [buttons(p) for p in posts if p.reply_markup is not None]  # type: ignore[arg-type]


async def scene(hw: HandlerWorld) -> tuple[Telegram, int]:
    """The bound group with its Ozon shop; returns the Telegram recorder and the seller."""
    workspace = await hw.bound_group()
    seller = await hw.add_seller(workspace)
    return Telegram.on(hw), seller.id


async def chat_of(hw: HandlerWorld, seller_id: int, external_id: str) -> Chat:
    return await hw.db.chats.get_by_external(seller_id=seller_id, external_id=external_id)


async def test_a_turn_has_one_header_and_one_take_button(hw: HandlerWorld) -> None:
    telegram, seller_id = await scene(hw)
    external, _ = hw.ozon.state.buyer_writes(
        CLIENT_ID, text="Пришла не та модель", image=PNG, file=("чек.pdf", PDF),
        order_number="47873153-0052",
    )  # fmt: skip
    await sync_once(hw, seller_id)
    chat = await chat_of(hw, seller_id, external)
    assert chat.topic_thread_id is not None
    posts = telegram.posts(chat.topic_thread_id)
    assert [type(p) for p in posts[1:]] == [SendPhoto, SendDocument]
    assert [has(body(p), BUYER) for p in posts] == [True, False, False]
    assert has(body(posts[0]), "Пришла не та модель")
    assert [bool(body(p)) for p in posts[1:]] == [False, False]  # no author, no SLA line
    assert [list(b) for b in take_buttons(posts)] == [[TAKE.template]]
    assert posts[0].reply_markup is not None

    # The same turn goes on: a plain post.
    hw.ozon.state.buyer_writes(CLIENT_ID, text="Жду ответа", chat_id=external)
    await sync_once(hw, seller_id)
    later = telegram.posts(chat.topic_thread_id)[len(posts) :]
    assert [body(p) for p in later] == ["Жду ответа"] and not take_buttons(later)

    # Answered (in the seller's cabinet), then the buyer writes: a new turn, a new header.
    hw.ozon.state.seller_writes_in_cabinet(CLIENT_ID, external, "Заменим, пришлите фото")
    await sync_once(hw, seller_id)
    seen = len(telegram.posts(chat.topic_thread_id))
    hw.ozon.state.buyer_writes(CLIENT_ID, text="Вот фото коробки", image=PNG, chat_id=external)
    await sync_once(hw, seller_id)
    new_turn = telegram.posts(chat.topic_thread_id)[seen:]
    assert [has(body(p), BUYER) for p in new_turn] == [True, False]  # Ozon: two messages
    assert [list(b) for b in take_buttons(new_turn)] == [[TAKE.template]]


def edits(requests: list[TelegramMethod[Any]]) -> list[EditMessageReplyMarkup]:
    return [r for r in requests if isinstance(r, EditMessageReplyMarkup)]


def label(edit: EditMessageReplyMarkup) -> str:
    [text] = list(buttons(edit))  # type: ignore[arg-type]
    return text


async def test_the_take_button_shows_the_owner_and_the_owner_releases(hw: HandlerWorld) -> None:
    telegram, seller_id = await scene(hw)
    external, _ = hw.ozon.state.buyer_writes(CLIENT_ID, text="Где заказ?")
    await sync_once(hw, seller_id)
    chat = await chat_of(hw, seller_id, external)
    assert len(telegram.posts(chat.topic_thread_id or 0)) == 1
    turn = await hw.db.turns.get_open(chat_id=chat.id)
    assert turn is not None and turn.header_tg_message_id is not None
    press = ClaimCallback(chat=chat.id)

    answer = await hw.press(VERA, press, chat_id=GROUP_ID)
    assert answer.text == says("claim.ok").template
    [taken] = edits(await hw.deliver())
    assert taken.message_id == turn.header_tg_message_id
    assert has(label(taken), says("topic.take.owned", agent="Вера"))
    assert list(buttons(taken).values()) == [press.pack()]  # the same button, relabelled

    hw.in_group(BORIS, "member")  # Boris as a plain agent: told who owns it, nothing changes
    other = await hw.press(BORIS, press, chat_id=GROUP_ID)
    assert other.show_alert and has(other.text, says("topic.take.owned_by", agent="Вера"))
    assert edits(await hw.deliver()) == []

    released = await hw.press(VERA, press, chat_id=GROUP_ID)  # the owner's own press
    assert released.text == says("topic.take.released").template
    assert (await hw.db.chats.get(chat_id=chat.id)).owner_agent_id is None
    [back] = edits(await hw.deliver())
    assert label(back) == TAKE.template and back.message_id == turn.header_tg_message_id

    hw.in_group(BORIS, "creator")  # an admin's /take also relabels the button
    asked = hw.message(BORIS, "/take", GROUP_ID, message_thread_id=chat.topic_thread_id,
                       is_topic_message=True)  # fmt: skip
    await hw.feed("message", asked)
    [admin] = edits(await hw.deliver())
    assert has(label(admin), says("topic.take.owned", agent="Борис"))


async def test_button_edits_yield_to_buyer_posts_and_a_newer_one_wins(hw: HandlerWorld) -> None:
    """The worker spends the group's budget one item per round, most important first: the
    buyer's next post goes before the cosmetic edit; a take and a release made meanwhile
    cost one edit (the newer one), not two."""
    _, seller_id = await scene(hw)
    external, _ = hw.ozon.state.buyer_writes(CLIENT_ID, text="Здравствуйте")
    await sync_once(hw, seller_id)
    chat = await chat_of(hw, seller_id, external)
    thread = chat.topic_thread_id or 0
    press = ClaimCallback(chat=chat.id)
    await hw.press(VERA, press, chat_id=GROUP_ID)  # take …
    await hw.press(VERA, press, chat_id=GROUP_ID)  # … and release: two edits queued
    hw.ozon.state.buyer_writes(CLIENT_ID, text="Есть кто?", chat_id=external)
    await hw.app.sync.run_now(seller_id)

    before = len(hw.session.requests)
    assert await hw.app.outbox.run_once() == 1  # one unit of the group's budget
    [first] = hw.session.requests[before:]
    assert isinstance(first, SendMessage) and first.text == "Есть кто?"
    assert first.message_thread_id == thread

    [edit] = edits(await hw.deliver())
    assert label(edit) == TAKE.template
    skipped = await hw.db.pool.fetchval(
        "SELECT count(*) FROM tg_outbox WHERE kind = $1 AND result->>'skipped' = 'superseded'",
        Kind.TAKE_BUTTON.value,
    )
    assert skipped == 1
