"""The weekly digest on a fixed clock (tests.support.find_steps.FixedClock): posted once in
General at Monday 09:00 in the group's zone, as one photo with the figures as its caption;
not again on a second run or after a restart, not when off; the figures of a seeded week
against the week before."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from aiogram.methods import SendMessage, SendPhoto
from aiogram.types import BufferedInputFile

from bot.digest.service import DigestService
from bot.texts import text
from storage.database import Database
from storage.records import Workspace
from tests.support.find_steps import FixedClock, buyer_chat, suggestion, turn
from tests.support.handlers import BORIS, GROUP_ID, VERA, HandlerWorld, open_handler_world
from tests.support.texts import has, says

# Monday 30.11.2026 09:00 in Moscow (UTC+3); the digest covers Mon 23.11 – Sun 29.11.
DUE = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)
WEEK = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)  # Monday 10:00 in Moscow
BEFORE = WEEK - timedelta(days=7)


@pytest.fixture
async def hw(db: Database) -> AsyncIterator[HandlerWorld]:
    async with open_handler_world(db) as opened:
        assert opened.app.digest is not None
        opened.app.digest.clock = FixedClock(DUE - timedelta(minutes=1))
        yield opened


def service(hw: HandlerWorld) -> DigestService:
    assert hw.app.digest is not None
    return hw.app.digest


def at(hw: HandlerWorld, moment: datetime) -> None:
    clock = service(hw).clock
    assert isinstance(clock, FixedClock)
    clock.set(moment)


async def seeded_week(hw: HandlerWorld) -> Workspace:
    """Four answered turns last week (two urgent, one late; one high from the cabinet; one
    normal late on Sunday night) and one resolved without a reply, one more just after
    midnight into Monday (not last week's), two the week before; and four AI drafts."""
    workspace = await hw.bound_group()
    seller = await hw.add_seller(workspace)
    vera = await hw.db.agents.upsert(tg_user_id=VERA.id, display_name="Вера")
    boris = await hw.db.agents.upsert(tg_user_id=BORIS.id, display_name="Борис")
    chat = await buyer_chat(hw.db, seller_id=seller.id, workspace_id=workspace.id,
                            thread_id=11, buyer="Иван")  # fmt: skip
    day = timedelta(days=1)
    await turn(hw.db, chat, started=WEEK + day, priority="urgent", target_minutes=30,
               answered_after=10, agent_id=vera.id)  # fmt: skip
    await turn(hw.db, chat, started=WEEK + 2 * day, priority="urgent", target_minutes=30,
               answered_after=50, agent_id=vera.id)  # fmt: skip
    await turn(hw.db, chat, started=WEEK + 3 * day, priority="high", target_minutes=60,
               answered_after=20, via="cabinet")  # fmt: skip
    sunday_night = datetime(2026, 11, 29, 20, 30, tzinfo=UTC)  # 23:30 in Moscow
    await turn(hw.db, chat, started=sunday_night, kind="next", target_minutes=240,
               answered_after=60, agent_id=boris.id)  # fmt: skip
    await turn(
        hw.db,
        chat,
        started=sunday_night + timedelta(hours=1),
        priority="low",
        target_minutes=60,
        answered_after=5,
        agent_id=boris.id,
    )  # Monday 00:30
    for n in range(2):
        await turn(hw.db, chat, started=BEFORE + n * day, priority="urgent",
                   target_minutes=30, answered_after=15, agent_id=vera.id)  # fmt: skip
    await turn(
        hw.db,
        chat,
        started=WEEK + 4 * day,
        priority="normal",
        target_minutes=60,
        answered_after=30,
        via="resolved",
        agent_id=vera.id,
    )  # a thanks: /done
    for outcome in ("sent", "edited", "dismissed", "pending"):
        await suggestion(hw.db, chat, outcome=outcome, at=WEEK + day)
    await suggestion(hw.db, chat, outcome="sent", at=BEFORE + day)
    return workspace


def photos(requests: list[object]) -> list[SendPhoto]:
    return [r for r in requests if isinstance(r, SendPhoto)]


async def test_the_digest_goes_out_once_at_monday_nine_local(
    hw: HandlerWorld, db: Database
) -> None:
    workspace = await seeded_week(hw)
    assert await service(hw).run_due() == []  # 08:59 in Moscow
    at(hw, DUE)
    assert await service(hw).run_due() == [workspace.id]
    delivered = await hw.deliver()
    [post] = photos(delivered)
    assert not [r for r in delivered if isinstance(r, SendMessage)]  # one post: the photo
    assert post.chat_id == GROUP_ID and post.message_thread_id is None  # in General
    assert has(post.caption, says("digest.head", since="23.11", until="29.11"))
    assert isinstance(post.photo, BufferedInputFile)
    assert post.photo.data.startswith(b"\x89PNG")  # the /stats chart of the week

    at(hw, DUE + timedelta(minutes=1))
    assert await service(hw).run_due() == []  # the next minute's run
    assert photos(await hw.deliver()) == []
    async with open_handler_world(db) as restarted:  # a new process on the same database
        assert restarted.app.digest is not None
        restarted.app.digest.clock = FixedClock(DUE + timedelta(minutes=2))
        assert await restarted.app.digest.run_due() == []
        assert photos(await restarted.deliver()) == []


async def test_only_the_leader_posts_and_a_late_start_still_does_within_the_morning(
    hw: HandlerWorld,
) -> None:
    workspace = await seeded_week(hw)
    at(hw, DUE + timedelta(hours=3))  # the bot was down at 09:00 and came up at noon
    assert hw.app.periodic is not None and not hw.app.periodic.held  # not started here
    await service(hw)._scheduled()  # the minute job on a non-leader: nothing
    assert photos(await hw.deliver()) == []
    assert await service(hw).run_due() == [workspace.id]
    at(hw, DUE + timedelta(days=7, hours=13))  # next Monday, but only after 22:00
    assert await service(hw).run_due() == []


async def test_no_digest_when_it_is_off(hw: HandlerWorld) -> None:
    await seeded_week(hw)
    asked = hw.message(BORIS, "/digest off", GROUP_ID)
    await hw.feed("message", asked)
    [answer] = [r for r in await hw.deliver() if isinstance(r, SendMessage)]
    assert has(answer.text, says("digest.saved")) and has(answer.text, says("digest.settings.off"))
    at(hw, DUE)
    assert await service(hw).run_due() == []
    assert photos(await hw.deliver()) == []


async def test_another_day_time_and_zone_move_the_digest(hw: HandlerWorld) -> None:
    workspace = await seeded_week(hw)
    asked = hw.message(BORIS, "/digest вт 10:30 Asia/Yekaterinburg", GROUP_ID)
    await hw.feed("message", asked)
    [answer] = [r for r in await hw.deliver() if isinstance(r, SendMessage)]
    assert has(answer.text, says("digest.settings.on", day="по вторникам", time="10:30",
                                 tz="Asia/Yekaterinburg"))  # fmt: skip
    tuesday = datetime(2026, 12, 1, 5, 30, tzinfo=UTC)  # 10:30 in Yekaterinburg (UTC+5)
    at(hw, tuesday - timedelta(minutes=1))
    assert await service(hw).run_due() == []
    at(hw, tuesday)
    assert await service(hw).run_due() == [workspace.id]
    [post] = photos(await hw.deliver())
    assert has(post.caption, says("digest.head", since="24.11", until="30.11"))


async def test_the_figures_of_a_seeded_week_and_its_trend(hw: HandlerWorld) -> None:
    await seeded_week(hw)
    at(hw, DUE)
    await service(hw).run_due()
    [post] = photos(await hw.deliver())
    caption = post.caption
    assert has(caption, says("digest.turns", turns=5, answered=4, trend=" (↑ 3)"))
    assert has(caption, says("digest.in_time", share="75%", trend=" (↓ 25 п. п.)"))
    assert has(caption, says("digest.frt", median="20 мин", median_trend=" (↑ 5 мин)",
                             p90="44 мин"))  # fmt: skip
    assert has(caption, says("stats.prio", done=1, total=2, share="50%", goal="95%"))
    assert has(caption, says("stats.prio", done=1, total=1, share="100%", goal="90%"))
    assert has(caption, says("digest.agent_row", name="Вера", answered=2, share="50%"))
    assert has(caption, says("digest.agent_row", name="Борис", answered=1, share="100%"))
    assert has(caption, says("digest.agent_row", name=text("stats.cabinet", "ru"), answered=1))
    assert has(caption, says("digest.shop_row", name="Обувь", turns=5, share="75%"))
    assert has(caption, says("digest.ai", accepted=2, decided=3, share="67%",
                             trend=" (↓ 33 п. п.)"))  # fmt: skip
    assert has(caption, says("digest.resolved", count=1, trend=" (↑ 1)"))
    assert len(caption) <= 1024
