"""The queue board and /stats one step at a time: real sync passes put buyers in topics, the
real SLA ticker runs on a clock the test moves, and the outbox runs once per step through
the recorded session (tests.support.handlers); /stats follows a real reply relayed to the
Ozon emulator (tests.support.relaying).

They replace the full-process test_board_claims_e2e.py (the board pinned and edited only
on change, its edits within the group's budget, a 429 on the pin and a deleted board, and
/stats in the group and in private); claiming and /queue are test_claim_handlers.py."""

from __future__ import annotations

import io
from typing import Any

from aiogram.exceptions import TelegramBadRequest, TelegramRetryAfter
from aiogram.methods import (
    CreateForumTopic,
    EditMessageText,
    PinChatMessage,
    SendMessage,
    SendPhoto,
    TelegramMethod,
)
from aiogram.types import BufferedInputFile, Message, PhotoSize
from PIL import Image

from storage.database import Database
from tests.sla.conftest import Clock
from tests.sla.test_sla_handlers import Sla, open_sla
from tests.support.handlers import BORIS, GROUP_ID, HandlerWorld, Shown
from tests.support.recorded_bot import BOT_USER, chat_of
from tests.support.relaying import open_relay_world, receipts
from tests.support.texts import has, says

BOARD = (says("board.title"), says("board.empty"))

#: Requests that spend a unit of the group's budget (as the Telegram emulator counts them).
UNITS = (SendMessage, EditMessageText, PinChatMessage, CreateForumTopic, SendPhoto)


def board_posts(sla: Sla) -> list[SendMessage]:
    """Boards sent to General (each new one is a new message)."""
    return [p for p in sla.posts() if any(has(p.text, b) for b in BOARD)]


def edits(sla: Sla) -> list[EditMessageText]:
    return sla.hw.session.sent(EditMessageText)


def pins(sla: Sla) -> list[PinChatMessage]:
    return sla.hw.session.sent(PinChatMessage)


def board_now(sla: Sla) -> str:
    """The board's text as it stands in General: its last send or edit."""
    shown: list[Shown] = [*board_posts(sla), *edits(sla)]
    last = max(shown, key=sla.hw.session.requests.index)
    return last.text


async def board_id(sla: Sla) -> int | None:
    workspace = await sla.hw.db.workspaces.get(workspace_id=sla.workspace.id)
    return workspace.queue_board_message_id


async def test_the_board_is_pinned_and_edited_only_on_change(hw: HandlerWorld) -> None:
    sla = await open_sla(hw)
    _, thread = await sla.buyer_topic("Пришёл брак")
    await sla.tick()
    [board] = board_posts(sla)
    assert has(board.text, says("board.title", count=1))
    assert f"https://t.me/c/{str(GROUP_ID)[4:]}/{thread}" in board.text
    [pin] = pins(sla)
    assert pin.chat_id == GROUP_ID and pin.message_id == await board_id(sla)

    sla.clock.advance(seconds=70)  # time moves, nothing else: same rounded text
    await sla.tick()
    assert edits(sla) == []

    await sla.buyer_topic("Где заказ?", order_number="555-1")
    sla.clock.advance(seconds=20)  # changed, but the last edit is less than a minute old?
    await sla.tick()
    assert len(edits(sla)) == 1  # first change after a quiet minute: edited at once
    sla.clock.advance(seconds=10)
    await sla.buyer_topic("Ещё вопрос", order_number="555-2")
    await sla.tick()
    assert len(edits(sla)) == 1  # within a minute of the last edit
    sla.clock.advance(seconds=61)
    await sla.tick()
    assert len(edits(sla)) == 2
    assert has(board_now(sla), says("board.title", count=3))
    assert len(board_posts(sla)) == 1 and len(pins(sla)) == 1  # one board, edited in place
    assert {e.message_id for e in edits(sla)} == {pin.message_id}

    # Everybody answered: the board says so (one more edit), then stays quiet.
    await hw.db.pool.execute("UPDATE chats SET waiting_since = NULL")
    sla.clock.advance(seconds=61)
    await sla.tick()
    sla.clock.advance(seconds=61)
    await sla.tick()
    assert len(edits(sla)) == 3
    assert board_now(sla) == says("board.empty").template


async def test_board_edits_share_the_group_budget(hw: HandlerWorld) -> None:
    """Edits are a cosmetic, lowest-priority kind and spend units like sends: the group
    never gets more than Telegram's 20 a minute (the whole case runs within a minute)."""
    sla = await open_sla(hw)
    for n in range(5):
        await sla.buyer_topic(f"Вопрос {n}", order_number=f"77-{n}")
        sla.clock.advance(seconds=61)
        await sla.tick()
    assert len(board_posts(sla)) == 1
    assert len(edits(sla)) == 4
    spent = [r for r in hw.session.requests if isinstance(r, UNITS) and r.chat_id == GROUP_ID]
    assert len(spent) <= 20


async def test_board_survives_429_and_a_deleted_board_message(hw: HandlerWorld) -> None:
    """A 429 on the pin retries the pin only (one board message); a board an admin deleted
    is posted again instead of failing forever."""
    sla = await open_sla(hw)
    await sla.buyer_topic("Пришёл брак")
    # Telegram's wait is cut to nothing so one delivery sees the retry: what is retried counts.
    hw.session.add_result_for(
        PinChatMessage,
        TelegramRetryAfter(
            method=PinChatMessage(chat_id=GROUP_ID, message_id=1),
            message="Too Many Requests: retry after 0",
            retry_after=0,
        ),
    )
    await sla.tick()
    first, second = pins(sla)  # the refused pin, then the retry
    assert first.message_id == second.message_id == await board_id(sla)
    assert len(board_posts(sla)) == 1
    assert len(hw.session.sent(SendMessage)) == 2  # the buyer post and one board

    board = await board_id(sla)
    hw.session.add_result_for(
        EditMessageText,
        TelegramBadRequest(
            method=EditMessageText(text="…"), message="Bad Request: message to edit not found"
        ),
    )
    await sla.buyer_topic("Ещё брак", order_number="9-9")
    sla.clock.advance(seconds=61)
    await sla.tick()
    [refused] = edits(sla)
    assert refused.message_id == board
    fresh = await board_id(sla)
    assert fresh is not None and fresh != board
    assert len(board_posts(sla)) == 2 and pins(sla)[-1].message_id == fresh
    assert has(board_posts(sla)[-1].text, says("board.title", count=2))


def answer_photos(hw: HandlerWorld) -> None:
    """The recorded session answers the next two sendPhoto calls (the /stats charts)."""
    for chat_id in (GROUP_ID, BORIS.id):
        hw.session.add_result_for(
            SendPhoto,
            Message(message_id=9000 + len(hw.session.requests), date=0, chat=chat_of(chat_id),
                    from_user=BOT_USER,
                    photo=[PhotoSize(file_id="chart", file_unique_id="c", width=1, height=1)]),
        )  # fmt: skip


def chart_of(request: SendPhoto) -> bytes:
    assert isinstance(request.photo, BufferedInputFile)
    return request.photo.data


async def test_stats_in_the_group_and_in_private(db: Database) -> None:
    async with open_relay_world(db) as rw:
        hw = rw.hw
        hw.app.sla.clock = Clock()
        answer_photos(hw)
        _, thread = await rw.topic("Пришёл брак")
        mine = await rw.agent_writes(thread, "text", "Заменим!", person=BORIS)
        assert receipts(await rw.relay()) == [mine["message_id"]]

        await hw.say(BORIS, "/stats 7d", GROUP_ID)
        posted: list[TelegramMethod[Any]] = await hw.deliver()
        assert not [r for r in posted if isinstance(r, SendMessage)]  # the caption says it
        [chart] = [r for r in posted if isinstance(r, SendPhoto)]
        assert chart.chat_id == GROUP_ID and chart.message_thread_id is None
        assert has(chart.caption, says("stats.head", period="7 дней"))
        assert has(chart.caption, says("stats.turns", turns=1, answered=1))
        assert has(chart.caption, says("stats.row", name="Борис", answered=1, share="100%"))

        private = await hw.say(BORIS, "/stats today")
        assert not [r for r in private if isinstance(r, SendMessage)]
        [photo] = [r for r in private if isinstance(r, SendPhoto)]
        assert photo.chat_id == BORIS.id
        assert has(photo.caption, says("stats.head", period="сегодня"))
        for png in (chart_of(chart), chart_of(photo)):
            assert Image.open(io.BytesIO(png)).format == "PNG"
