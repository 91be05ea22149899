"""Resolving a chat without a reply, one update at a time (tests.support.handlers and
tests.support.done_steps): /done by an agent, by a stranger, outside a buyer topic, twice;
the "No reply needed" button on an SLA notice; the idle close on the test clock; the
settings (/idle_close, the /ai panel's toggle). Answers are checked by text key."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aiogram.methods import CloseForumTopic, EditForumTopic, SendMessage

from bot.drafts.callbacks import COUNTS_TOGGLE, AiCallback
from bot.sla.callbacks import ResolveCallback
from bot.sla.stats import build_report, render_text
from tests.sla.conftest import Clock
from tests.support.done_steps import (
    done_in_topic,
    posts_in,
    topic_calls,
    topic_calls_answer,
    units,
    waiting_topic,
)
from tests.support.handlers import BORIS, GLEB, GROUP_ID, VERA, HandlerWorld, buttons, texts
from tests.support.texts import has, says


async def turn_of(hw: HandlerWorld, chat_id: int) -> dict[str, object]:
    row = await hw.db.pool.fetchrow(
        "SELECT * FROM buyer_turns WHERE chat_id = $1 ORDER BY id DESC LIMIT 1", chat_id
    )
    assert row is not None
    return dict(row)


async def test_done_by_an_agent_closes_the_topic_with_a_check_mark(hw: HandlerWorld) -> None:
    workspace = await hw.bound_group()
    seller = await hw.add_seller(workspace)
    chat = await waiting_topic(hw, workspace, seller, "555-1", thread=41)
    clock = Clock()
    clock.advance(minutes=7)
    hw.app.sla.clock = clock
    topic_calls_answer(hw)
    spent = await units(hw.db)

    requests = await done_in_topic(hw, VERA, 41)

    assert posts_in(requests, 41) == []  # the ✅ is the answer: nothing posted
    edit, close = topic_calls(requests)
    assert isinstance(edit, EditForumTopic) and isinstance(close, CloseForumTopic)
    assert (edit.chat_id, edit.message_thread_id, edit.name) == (GROUP_ID, 41, "✅ 555-1")
    assert (close.chat_id, close.message_thread_id) == (GROUP_ID, 41)
    # Telegram has no rename-and-close call: two calls, one unit each, counted honestly.
    assert await units(hw.db) - spent == 2
    turn = await turn_of(hw, chat.id)
    vera = await hw.db.agents.get_by_tg_user(tg_user_id=VERA.id)
    assert turn["answered_via"] == "resolved" and turn["answered_by_agent_id"] == vera.id
    assert abs((turn["answered_at"] - clock()).total_seconds()) < 60  # the resolving moment
    fresh = await hw.db.chats.get(chat_id=chat.id)
    assert fresh.resolved_at is not None and fresh.waiting_since is None
    assert fresh.topic_closed and fresh.topic_resolved and fresh.topic_name == "555-1"
    assert await hw.app.sla.waiting(workspace) == []  # out of the queue
    assert await hw.db.pool.fetchval("SELECT count(*) FROM reply_outbox") == 0  # not relayed
    assert await hw.deliver() == []  # and done once


async def test_done_twice_says_it_is_already_closed(hw: HandlerWorld) -> None:
    workspace = await hw.bound_group()
    seller = await hw.add_seller(workspace)
    await waiting_topic(hw, workspace, seller, "555-2", thread=42)
    topic_calls_answer(hw)
    await done_in_topic(hw, VERA, 42)

    again = await done_in_topic(hw, BORIS, 42)
    [said] = posts_in(again, 42)
    assert has(said, says("resolve.already"))
    assert topic_calls(again) == []  # nothing renamed or closed a second time


async def test_done_by_a_stranger_is_refused_and_changes_nothing(hw: HandlerWorld) -> None:
    workspace = await hw.bound_group()
    seller = await hw.add_seller(workspace)
    chat = await waiting_topic(hw, workspace, seller, "555-3", thread=43)

    requests = await done_in_topic(hw, GLEB, 43)  # not a member of the group

    [said] = posts_in(requests, 43)
    assert has(said, says("resolve.not_allowed"))
    assert topic_calls(requests) == []
    assert (await turn_of(hw, chat.id))["answered_at"] is None
    assert (await hw.db.chats.get(chat_id=chat.id)).resolved_at is None


async def test_done_outside_a_buyer_topic_says_where_it_works(hw: HandlerWorld) -> None:
    await hw.bound_group()
    await hw.feed("message", hw.message(VERA, "/done", GROUP_ID))  # in General
    [general] = posts_in(await hw.deliver(), None)
    assert has(general, says("resolve.not_a_topic"))

    other = await done_in_topic(hw, VERA, 77)  # a topic that is no buyer's chat
    assert [has(t, says("resolve.not_a_topic")) for t in posts_in(other, 77)] == [True]

    [private] = texts(await hw.say(VERA, "/done"), VERA.id)
    assert has(private, says("resolve.not_a_topic"))
    assert topic_calls(hw.session.requests) == []


async def test_the_button_on_an_sla_warning_resolves_the_chat(hw: HandlerWorld) -> None:
    workspace = await hw.bound_group()
    seller = await hw.add_seller(workspace)
    chat = await waiting_topic(hw, workspace, seller, "555-4", thread=44)
    clock = Clock()
    hw.app.sla.clock = clock
    clock.advance(minutes=31)  # half of the 1 h target has passed
    await hw.app.sla.ticker.tick()
    [warning] = [
        r for r in await hw.deliver() if isinstance(r, SendMessage) and r.message_thread_id == 44
    ]
    assert has(warning.text, says("notice.warned"))
    assert buttons(warning) == {
        says("resolve.button").template: ResolveCallback(chat=chat.id).pack()
    }
    topic_calls_answer(hw)

    stranger = await hw.press(GLEB, ResolveCallback(chat=chat.id), on=warning)
    assert stranger.show_alert and has(stranger.text, says("resolve.not_allowed"))
    pressed = await hw.press(VERA, ResolveCallback(chat=chat.id), on=warning)
    assert not pressed.show_alert and has(pressed.text, says("resolve.done"))
    assert [type(r) for r in topic_calls(await hw.deliver())] == [EditForumTopic, CloseForumTopic]
    assert (await turn_of(hw, chat.id))["answered_via"] == "resolved"
    again = await hw.press(BORIS, ResolveCallback(chat=chat.id), on=warning)
    assert again.show_alert and has(again.text, says("resolve.already"))

    clock.advance(hours=5)  # past the target and the hard limit: the clock has stopped
    await hw.app.sla.ticker.tick()
    assert posts_in(await hw.deliver(), 44) == []


async def test_a_button_for_a_chat_of_another_group_is_refused(hw: HandlerWorld) -> None:
    workspace = await hw.bound_group()
    seller = await hw.add_seller(workspace)
    other = await hw.db.workspaces.bind(tg_chat_id=-100999, title="Чужая", bound_by_tg_user_id=1)
    chat = await waiting_topic(hw, other, seller, "555-5", thread=45)
    answer = await hw.press(BORIS, ResolveCallback(chat=chat.id), chat_id=GROUP_ID)
    assert answer.show_alert and has(answer.text, says("resolve.not_a_topic"))
    assert (await hw.db.chats.get(chat_id=chat.id)).resolved_at is None
    assert workspace.id != other.id


async def test_idle_chats_are_resolved_once_after_the_shops_days(hw: HandlerWorld) -> None:
    workspace = await hw.bound_group()
    seller = await hw.add_seller(workspace)
    [refused] = texts(await hw.say(VERA, "/idle_close Обувь 3"), VERA.id)
    assert has(refused, says("admin_only"))
    [usage] = texts(await hw.say(BORIS, "/idle_close три"), BORIS.id)
    assert has(usage, says("resolve.idle_usage"))
    [saved] = texts(await hw.say(BORIS, "/idle_close обувь 3"), BORIS.id)
    assert has(saved, says("resolve.idle_set", shop="Обувь", days=3))
    started = datetime.now(UTC)
    quiet = await waiting_topic(hw, workspace, seller, "700-1", thread=51, started=started)
    await hw.db.pool.execute(
        "UPDATE chats SET last_message_at = $2, last_buyer_message_at = $2 WHERE id = $1",
        quiet.id,
        started,
    )
    lively = await waiting_topic(hw, workspace, seller, "700-2", thread=52, started=started)
    clock = Clock()
    hw.app.sla.clock = clock
    topic_calls_answer(hw)

    clock.advance(days=2, hours=23)
    assert (await hw.app.sla.ticker.tick()).resolved == 0
    await hw.db.pool.execute(  # the second chat's buyer wrote again on day 2
        "UPDATE chats SET last_message_at = $2 WHERE id = $1", lively.id, clock()
    )
    await hw.deliver()
    clock.advance(hours=2)  # day 3 has passed for the first chat only
    assert (await hw.app.sla.ticker.tick()).resolved == 1
    calls = topic_calls(await hw.deliver())
    assert [(type(c), c.message_thread_id) for c in calls] == [
        (EditForumTopic, 51),
        (CloseForumTopic, 51),
    ]
    assert (await turn_of(hw, quiet.id))["answered_via"] == "resolved"
    assert (await turn_of(hw, quiet.id))["answered_by_agent_id"] is None
    assert (await hw.app.sla.ticker.tick()).resolved == 0  # once
    assert topic_calls(await hw.deliver()) == []

    [off] = texts(await hw.say(BORIS, "/idle_close Обувь выкл"), BORIS.id)
    assert has(off, says("resolve.idle_off", shop="Обувь"))
    clock.advance(days=30)
    assert (await hw.app.sla.ticker.tick()).resolved == 0
    assert (await hw.db.sellers.get(seller_id=seller.id)).idle_close_days is None


async def test_the_ai_panel_sets_whether_an_auto_reply_counts(hw: HandlerWorld) -> None:
    workspace = await hw.bound_group()
    seller = await hw.add_seller(workspace)
    [panel] = [r for r in await hw.say(BORIS, "/ai") if isinstance(r, SendMessage)]
    assert has(panel.text, says("resolve.no"))  # default: it does not count
    toggle = AiCallback(a=COUNTS_TOGGLE, id=seller.id, on=1).pack()
    assert toggle in buttons(panel).values()
    refused = await hw.press(VERA, toggle, on=panel)
    assert refused.show_alert
    assert not (await hw.db.sellers.get(seller_id=seller.id)).auto_reply_counts
    await hw.press(BORIS, toggle, on=panel)
    assert (await hw.db.sellers.get(seller_id=seller.id)).auto_reply_counts
    assert workspace.id == seller.workspace_id
    assert (
        await hw.db.pool.fetchval(
            "SELECT count(*) FROM audit_log WHERE action = 'ai.auto_reply_counts'"
        )
        == 1
    )


async def test_stats_count_resolved_turns_on_their_own(hw: HandlerWorld) -> None:
    workspace = await hw.bound_group()
    seller = await hw.add_seller(workspace)
    now = datetime.now(UTC)
    answered = await waiting_topic(hw, workspace, seller, "800-1", thread=61, started=now)
    await hw.db.turns.close(chat_id=answered.id, answered_at=now + timedelta(minutes=5), via="bot")
    missed = await waiting_topic(
        hw, workspace, seller, "800-2", thread=62, started=now - timedelta(hours=2)
    )
    assert missed.id
    resolved = await waiting_topic(hw, workspace, seller, "800-3", thread=63, started=now)
    await hw.app.sla.resolver.resolve(
        resolved, at=now + timedelta(minutes=2), agent_id=None, actor_tg_user_id=None
    )
    report = await build_report(
        hw.db, sellers=[seller], period="7d", now=now + timedelta(minutes=10)
    )
    overall = report.overall
    assert (overall.turns, overall.answered, overall.in_time) == (3, 1, 1)
    assert overall.decided == 2  # the answered one and the missed one: resolved is neither
    assert overall.resolved == 1
    assert has(render_text(report, "ru"), says("resolve.stats", count=1))
