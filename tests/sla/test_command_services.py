"""The SLA command services on a real database, as the composition root wires them
(``sla_rules``, ``sla_queue``, ``sla_stats``, ``sla_answers`` in the dispatcher's data):
plain places and people in, a :class:`Reply` out, each change written in one transaction
with its audit record."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiogram.methods import SendMessage, SendPhoto
from aiogram.types import Message

from bot.access import Presser
from bot.sla.commands import Reply
from bot.sla.queue_commands import QueueAsk, QueueCommands, View, parse_filter
from bot.sla.rule_commands import RuleCommands
from bot.sla.scope import GroupAnswers, Place
from bot.sla.stats_command import StatsCommand
from storage.database import Database
from storage.records import Seller, Workspace
from tests.storage.factories import make_chat
from tests.support.handlers import (
    BORIS,
    GLEB,
    GROUP_ID,
    VERA,
    HandlerWorld,
    Person,
)
from tests.support.recorded_bot import chat_of
from tests.support.texts import has, says
from tests.support.world import SECOND_ID, SECOND_KEY

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def private(person: Person) -> Place:
    return Place(tg_chat_id=person.id, private=True, message_id=1)


def in_group(message_id: int = 7, thread_id: int | None = None) -> Place:
    return Place(tg_chat_id=GROUP_ID, private=False, message_id=message_id, thread_id=thread_id)


def photo_message(chat_id: int) -> Message:
    """What Telegram answers a sendPhoto with (the recorded session has no default)."""
    return Message(message_id=9000, date=datetime.now(UTC), chat=chat_of(chat_id))


def who(person: Person) -> Presser:
    return Presser(tg_user_id=person.id, name=person.first_name, username=person.username)


def rules_of(hw: HandlerWorld) -> RuleCommands:
    service: RuleCommands = hw.app.dispatcher["sla_rules"]
    return service


def queue_of(hw: HandlerWorld) -> QueueCommands:
    service: QueueCommands = hw.app.dispatcher["sla_queue"]
    return service


async def audit_actions(db: Database) -> list[str]:
    return [r["action"] for r in await db.pool.fetch("SELECT action FROM audit_log ORDER BY id")]


async def shop(hw: HandlerWorld) -> tuple[Workspace, Seller]:
    workspace = await hw.bound_group()
    return workspace, await hw.add_seller(workspace)


# ------------------------------------------------------------------ /rules


async def test_each_rule_change_is_audited_under_its_canonical_verb(hw: HandlerWorld) -> None:
    _, seller = await shop(hw)
    rules = rules_of(hw)
    place, boris = private(BORIS), who(BORIS)

    listing = await rules.rules(place, boris, "", "ru")
    assert has(listing.text, says("rules.title", shop="Обувь"))
    assert len(await hw.db.sla.list_rules(seller_id=seller.id)) == 5

    added = await rules.rules(place, boris, "добавить urgent regex возврат\\s+денег", "ru")
    assert has(added.text, says("rules.kind.regex", words="возврат, денег"))
    moved = await rules.rules(place, boris, "move 3 1", "ru")
    assert (await hw.db.sla.list_rules(seller_id=seller.id))[0].pattern == "возврат\\s+денег"
    assert has(moved.text, says("rules.moved", n=1))
    await rules.rules(place, boris, "удалить 1", "ru")
    patterns = [r.pattern for r in await hw.db.sla.list_rules(seller_id=seller.id)]
    assert "возврат\\s+денег" not in patterns and len(patterns) == 5
    await rules.rules(place, boris, "reset", "ru")
    assert len(await hw.db.sla.list_rules(seller_id=seller.id)) == 5

    assert await audit_actions(hw.db) == [
        "sla.rules.add", "sla.rules.move", "sla.rules.del", "sla.rules.reset",
    ]  # fmt: skip
    row = await hw.db.pool.fetchrow("SELECT * FROM audit_log ORDER BY id LIMIT 1")
    assert (row["actor_tg_user_id"], row["seller_id"]) == (BORIS.id, seller.id)


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        ("del 9", "sla.error.number_range"),
        ("move 1", "sla.error.numbers"),
        ("frobnicate 1", "sla.error.verb"),
        ("add soon keyword x", None),
    ],
)
async def test_a_refused_rule_change_changes_and_audits_nothing(
    hw: HandlerWorld, args: str, reason: str | None
) -> None:
    _, seller = await shop(hw)
    before = await hw.db.sla.list_rules(seller_id=seller.id)
    reply = await rules_of(hw).rules(private(BORIS), who(BORIS), args, "ru")
    assert has(reply.text, says("rules.bad"))
    if reason is not None:
        assert has(reply.text, says(reason))
    assert await hw.db.sla.list_rules(seller_id=seller.id) == before
    assert await audit_actions(hw.db) == []


class AuditDown(RuntimeError):
    """The audit insert failed (the database went away between the two statements)."""


@pytest.mark.parametrize(
    ("command", "args"),
    [
        ("rules", "add urgent keyword возврат"),
        ("rules", "del 1"),
        ("rules", "move 1 3"),
        ("rules", "reset"),
        ("targets", "urgent 15m 45m"),
        ("hours", "10:00-19:00 пн-пт"),
    ],
)
async def test_a_change_whose_audit_fails_is_undone(
    hw: HandlerWorld, monkeypatch: pytest.MonkeyPatch, command: str, args: str
) -> None:
    _, seller = await shop(hw)
    await hw.db.sla.remove_rule(
        seller_id=seller.id, rule_id=(await hw.db.sla.list_rules(seller_id=seller.id))[-1].id
    )  # so "reset" is a change too
    rules_before = await hw.db.sla.list_rules(seller_id=seller.id)
    targets_before = await hw.db.sla.get_targets(seller_id=seller.id)

    async def failing(**_: Any) -> None:
        raise AuditDown

    monkeypatch.setattr(hw.db.audit, "record", failing)
    service = rules_of(hw)
    with pytest.raises(AuditDown):
        await getattr(service, command)(private(BORIS), who(BORIS), args, "ru")
    assert await hw.db.sla.list_rules(seller_id=seller.id) == rules_before
    assert await hw.db.sla.get_targets(seller_id=seller.id) == targets_before
    assert await hw.db.sellers.get(seller_id=seller.id) == seller


# ------------------------------------------------------------------ /targets, /hours


async def test_targets_are_set_audited_and_shown(hw: HandlerWorld) -> None:
    _, seller = await shop(hw)
    reply = await rules_of(hw).targets(private(BORIS), who(BORIS), "urgent 15m 45m", "ru")
    assert has(reply.text, says("targets.saved", target="15 мин", hard="45 мин"))
    assert reply.text is not None and "\n" not in reply.text  # one line, not the listing
    target = (await hw.db.sla.get_targets(seller_id=seller.id))["urgent"]
    assert (target.target_minutes, target.hard_limit_minutes) == (15, 45)
    assert await audit_actions(hw.db) == ["sla.targets"]
    refused = await rules_of(hw).targets(private(BORIS), who(BORIS), "urgent 2h 1h", "ru")
    assert has(refused.text, says("targets.bad"))
    assert await audit_actions(hw.db) == ["sla.targets"]


async def test_hours_name_the_days_in_the_groups_language(hw: HandlerWorld) -> None:
    _, seller = await shop(hw)
    rules = rules_of(hw)
    shown = await rules.hours(
        private(BORIS), who(BORIS), "10:00-19:00 пн-пт Asia/Yekaterinburg", "ru"
    )
    assert has(
        shown.text,
        says("hours.on", days="пн, вт, ср, чт, пт", start="10:00", end="19:00",
             tz="Asia/Yekaterinburg"),
    )  # fmt: skip
    stored = await hw.db.sellers.get(seller_id=seller.id)
    assert stored.business_hours_enabled and stored.work_days == [1, 2, 3, 4, 5]

    await hw.db.pool.execute("UPDATE workspaces SET locale = 'en'")
    english = await rules.hours(in_group(), who(BORIS), "", "ru")  # the group's language wins
    assert has(english.text, says("hours.on", "en", days="Mon, Tue, Wed, Thu, Fri"))
    assert has(english.text, says("hours.help", "en"))
    weekend = await rules.hours(in_group(), who(BORIS), "10:00-16:00 сб-вс", "en")
    assert has(weekend.text, says("hours.on", "en", days="Sat, Sun"))
    off = await rules.hours(private(BORIS), who(BORIS), "off", "ru")
    assert has(off.text, says("hours.off", shop="Обувь"))
    assert await audit_actions(hw.db) == ["sla.hours", "sla.hours", "sla.hours"]


# ------------------------------------------------------------------ who may, which shop


async def test_several_shops_are_offered_as_buttons_and_picked_by_name(hw: HandlerWorld) -> None:
    workspace, first = await shop(hw)
    second = await hw.add_seller(workspace, client_id=SECOND_ID, api_key=SECOND_KEY, name="Одежда")
    rules = rules_of(hw)
    asked = await rules.rules(private(BORIS), who(BORIS), "", "ru")
    assert has(asked.text, says("pick_seller"))
    assert [label for row in asked.buttons for label, _ in row] == ["Обувь", "Одежда"]
    assert asked.text is not None and str(second.id) not in asked.text  # no internal ids
    picked = await rules.rules(private(BORIS), who(BORIS), "одежда", "ru")
    assert has(picked.text, says("rules.title", shop="Одежда"))
    await rules.targets(private(BORIS), who(BORIS), "Одежда high 2h 4h", "ru")
    await rules.targets(private(BORIS), who(BORIS), "обу high 3h 4h", "ru")  # a unique prefix
    assert (await hw.db.sla.get_targets(seller_id=second.id))["high"].target_minutes == 120
    assert (await hw.db.sla.get_targets(seller_id=first.id))["high"].target_minutes == 180


async def test_only_admins_configure_and_a_workspace_without_shops_says_so(
    hw: HandlerWorld,
) -> None:
    await hw.bound_group()
    rules = rules_of(hw)
    assert has((await rules.rules(private(BORIS), who(BORIS), "", "ru")).text,
               says("no_workspace"))  # fmt: skip
    for person in (VERA, GLEB):
        for place in (private(person), in_group()):
            reply = await rules.hours(place, who(person), "off", "ru")
            assert has(reply.text, says("admin_only")), (person, place)
    assert (await rules.rules(in_group(), None, "", "ru")).text in says("admin_only")
    assert await audit_actions(hw.db) == []


# ------------------------------------------------------------------ /queue


def test_queue_arguments_in_either_language() -> None:
    assert parse_filter("") == QueueAsk(View.ALL)
    assert parse_filter("Все") == QueueAsk(View.ALL)
    assert parse_filter("срочные") == QueueAsk(View.URGENT)
    assert parse_filter("overdue") == QueueAsk(View.OVERDUE)
    assert parse_filter("свободные") == QueueAsk(View.UNCLAIMED)
    assert parse_filter("Без ответственного") == QueueAsk(View.UNCLAIMED)
    assert parse_filter("unread") == QueueAsk(View.UNCLAIMED)  # the former name still works
    assert parse_filter("мои") == QueueAsk(View.MINE)
    assert parse_filter(" Обувь ") == QueueAsk(View.SELLER, "Обувь")
    assert parse_filter("seller") == QueueAsk(View.SELLER, "seller")


async def waiting(
    db: Database, seller: Seller, order: str, *, priority: str, deadline: datetime
) -> int:
    chat = await make_chat(db, seller, external_id=order, order_number=order)
    await db.chats.set_sla(
        chat_id=chat.id,
        priority=priority,
        waiting_since=deadline - timedelta(hours=1),
        sla_deadline=deadline,
        reply_window_ends_at=deadline + timedelta(hours=40),
        unanswered_count=1,
    )
    return chat.id


async def test_queue_views_filter_the_waiting_chats(hw: HandlerWorld) -> None:
    _, seller = await shop(hw)
    now = datetime.now(UTC)
    await waiting(hw.db, seller, "111-1", priority="urgent", deadline=now - timedelta(minutes=5))
    mine = await waiting(
        hw.db, seller, "222-2", priority="normal", deadline=now + timedelta(hours=2)
    )
    vera = await hw.db.agents.upsert(tg_user_id=VERA.id, display_name="Вера", username="vera")
    await hw.db.chats.set_owner(chat_id=mine, agent_id=vera.id)
    queue = queue_of(hw)

    async def ask(args: str, place: Place | None = None) -> str:
        reply = await queue.queue(place or in_group(), who(VERA), args, "ru")
        assert reply.text is not None
        return reply.text

    everything = await ask("")
    assert has(everything, says("queue.title", count=2)) and has(everything, says("queue.usage"))
    assert "111-1" in everything and "222-2" in everything
    views = {"urgent": "111-1", "overdue": "111-1", "unread": "111-1", "мои": "222-2"}
    for args, order in views.items():
        shown = await ask(args)
        assert has(shown, says("queue.title_view", count=1, total=2)), args
        assert order in shown and not has(shown, says("queue.usage")), args
    assert "111-1" in await ask("обу") and "222-2" in await ask(str(seller.id))
    assert has(await ask("Одежда"), says("queue.unknown"))  # no such shop here
    private_view = await ask("", private(VERA))
    assert has(private_view, says("queue.title", count=2))


async def test_queue_refusals_speak_in_private_and_stay_silent_in_groups(
    hw: HandlerWorld,
) -> None:
    await shop(hw)
    queue = queue_of(hw)
    stranger = await queue.queue(private(GLEB), who(GLEB), "", "en")
    assert stranger.text in says("no_workspace", "en")
    assert await queue.queue(in_group(), who(GLEB), "", "ru") == Reply(None)
    mine = await queue.queue(in_group(), who(BORIS), "mine", "ru")  # never claimed anything
    assert has(mine.text, says("queue.empty"))


# ------------------------------------------------------------------ /stats and the group post


async def test_stats_are_text_and_a_chart_for_agents_in_the_group_only(hw: HandlerWorld) -> None:
    await shop(hw)
    stats: StatsCommand = hw.app.dispatcher["sla_stats"]
    report = await stats.stats(in_group(), who(VERA), "7d", "ru")
    assert has(report.text, says("stats.head", period="7 дней"))
    assert report.png is not None and report.png.startswith(PNG_MAGIC)
    assert (await stats.stats(in_group(), who(VERA), "year", "ru")).text in says("stats.usage")
    refused = await stats.stats(private(VERA), who(VERA), "7d", "ru")  # private: admins only
    assert refused.text in says("admin_only") and refused.png is None


async def test_a_group_answer_is_queued_once_as_a_reply_in_its_topic(hw: HandlerWorld) -> None:
    answers: GroupAnswers = hw.app.dispatcher["sla_answers"]
    assert not await answers.post(in_group(), Reply("<b>hi</b>"))  # the group is not bound
    await hw.bound_group()
    assert not await answers.post(private(BORIS), Reply("hi"))
    assert not await answers.post(in_group(), Reply(None))
    place = in_group(message_id=41, thread_id=5)
    assert await answers.post(place, Reply("<b>hi</b>"))
    assert await answers.post(place, Reply("<b>hi</b>"))  # the same command again: one post
    chart = await answers.post(in_group(message_id=42), Reply("report", png=PNG_MAGIC + b"x"))
    assert chart
    hw.session.add_result_for(SendPhoto, photo_message(GROUP_ID))
    sent = await hw.deliver()
    [notice] = [r for r in sent if isinstance(r, SendMessage)]
    assert (notice.text, notice.message_thread_id) == ("<b>hi</b>", 5)
    assert notice.reply_parameters is not None and notice.reply_parameters.message_id == 41
    [photo] = [r for r in sent if isinstance(r, SendPhoto)]
    assert photo.chat_id == GROUP_ID and photo.caption == "report"  # one photo, captioned
