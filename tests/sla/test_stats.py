"""/stats figures against a constructed history, and the chart is a real PNG."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from PIL import Image

from bot.sla.stats import build_report, parse_period, render_chart, render_text
from bot.texts import text as t
from storage.database import Database
from storage.records import Agent, Seller
from tests.storage.factories import make_agent, make_chat, make_seller, make_workspace
from tests.support.texts import has, says

NOW = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=1)
START = NOW - timedelta(days=2)


async def turn(
    db: Database,
    seller: Seller,
    name: str,
    *,
    priority: str,
    target_min: int,
    answered_min: int | None,
    kind: str = "first",
    agent: Agent | None = None,
    via: str = "bot",
) -> None:
    chat = await make_chat(db, seller, external_id=name)
    await db.turns.open_or_extend(
        chat_id=chat.id, at=START, kind=kind, priority=priority,
        deadline=START + timedelta(minutes=target_min),
        hard_deadline=START + timedelta(minutes=target_min * 2),
    )  # fmt: skip
    if answered_min is None:
        await db.chats.set_sla(
            chat_id=chat.id, priority=priority, waiting_since=START,
            sla_deadline=START + timedelta(minutes=target_min), reply_window_ends_at=None,
            unanswered_count=1,
        )  # fmt: skip
        return
    await db.turns.close(
        chat_id=chat.id, answered_at=START + timedelta(minutes=answered_min), via=via,
        agent_id=None if agent is None else agent.id,
    )  # fmt: skip


@pytest.fixture
async def history(db: Database) -> list[Seller]:
    workspace = await make_workspace(db)
    shoes = await make_seller(db, workspace, client_id="1", name="Обувь")
    bags = await make_seller(db, workspace, client_id="2", name="Сумки")
    anna = await make_agent(db, tg_user_id=1, display_name="Анна")
    boris = await make_agent(db, tg_user_id=2, display_name="Борис")
    await turn(db, shoes, "u1", priority="urgent", target_min=30, answered_min=10, agent=anna)
    await turn(db, shoes, "u2", priority="urgent", target_min=30, answered_min=20, agent=anna)
    await turn(db, shoes, "u3", priority="urgent", target_min=30, answered_min=40, agent=boris)
    await turn(db, shoes, "u4", priority="urgent", target_min=30, answered_min=None)  # overdue
    await turn(db, bags, "h1", priority="high", target_min=60, answered_min=30, agent=anna)
    await turn(db, bags, "h2", priority="high", target_min=60, answered_min=90, kind="next",
               via="cabinet")  # fmt: skip
    await turn(db, bags, "n1", priority="normal", target_min=10_000, answered_min=None)
    # Older than the period: must not count.
    old = await make_chat(db, shoes, external_id="old")
    await db.turns.open_or_extend(
        chat_id=old.id, at=NOW - timedelta(days=9), kind="first", priority="urgent",
        deadline=None, hard_deadline=None,
    )  # fmt: skip
    chat = await db.chats.get_by_external(seller_id=shoes.id, external_id="u1")
    for outcome in ("sent", "sent", "edited", "dismissed", None):
        suggestion = await db.suggestions.create(chat_id=chat.id, text="…", source="llm")
        if outcome:
            await db.suggestions.decide(suggestion_id=suggestion.id, outcome=outcome, at=NOW)
    return [shoes, bags]


async def test_figures_match_the_history(db: Database, history: list[Seller]) -> None:
    report = await build_report(db, sellers=history, period="7d", now=NOW)
    overall = report.overall
    assert (overall.turns, overall.answered, overall.decided) == (7, 5, 6)
    urgent, high = report.priorities["urgent"], report.priorities["high"]
    assert (urgent.turns, urgent.in_time, urgent.decided) == (4, 2, 4)
    assert (high.in_time, high.decided) == (1, 2)
    assert report.priorities["normal"].decided == 0  # still within its deadline
    # First responses: 10, 20, 40 (urgent) and 30 (high); the 90 min one was a next response.
    assert overall.frt_median == pytest.approx(25 * 60)
    assert overall.frt_p90 == pytest.approx(37 * 60)
    assert report.histogram[:5] == [0, 1, 1, 2, 1]
    assert sum(report.histogram) == 5
    agents = {name: (row.answered, row.in_time) for name, row in report.agents}
    assert agents == {"Анна": (3, 3), "Борис": (1, 0), "": (1, 0)}  # "" = Ozon cabinet
    shops = {name: (row.turns, row.answered) for name, row in report.sellers}
    assert shops == {"Обувь": (4, 3), "Сумки": (3, 2)}
    assert (report.ai_accepted, report.ai_decided) == (3, 4)
    assert report.waiting == 2

    text = render_text(report, "ru")
    assert has(text, says("stats.turns", turns=7, answered=5, waiting=2))
    assert has(text, says("stats.frt", median=t("dur.min", "ru", m=25),
                          p90=t("dur.min", "ru", m=37)))  # fmt: skip
    for priority, done, total, goal in (("urgent", 2, 4, "95%"), ("high", 1, 2, "90%")):
        shown = says("stats.prio", priority=t(f"stats.prio_name.{priority}", "ru"), done=done,
                     total=total, share="50%", goal=goal)  # fmt: skip
        assert has(text, shown)
    assert has(text, says("stats.row", name="Анна", answered=3, share="100%"))
    assert has(text, says("stats.row", name=t("stats.cabinet", "ru"), answered=1))
    assert has(text, says("stats.ai", accepted=3, decided=4, share="75%"))


async def test_one_seller_only(db: Database, history: list[Seller]) -> None:
    report = await build_report(db, sellers=history[1:], period="30d", now=NOW)
    assert report.overall.turns == 3
    assert set(report.priorities) == {"high", "normal"}


def test_periods() -> None:
    assert [parse_period(a) for a in ("", "today", "7d", "30", "месяц", "7 дней", "year")] == [
        "today", "today", "7d", "30d", "30d", "7d", None,
    ]  # fmt: skip


async def test_the_chart_is_a_valid_png(db: Database, history: list[Seller]) -> None:
    report = await build_report(db, sellers=history, period="7d", now=NOW)
    png = render_chart(report, "ru")
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(png))
    image.verify()
    assert image.format == "PNG" and image.size[0] == 1080  # the phone's full width


async def test_every_day_of_the_week_has_its_in_time_figure(
    db: Database, history: list[Seller]
) -> None:
    """The chart's per-day line: the 7 local days ending today, each with its decided and
    in-time turns (all of the history started on one day, two days ago)."""
    report = await build_report(db, sellers=history, period="7d", now=NOW)
    zone = ZoneInfo(history[0].timezone)
    assert [d.day for d in report.days] == [
        (NOW.astimezone(zone) - timedelta(days=n)).date() for n in range(6, -1, -1)
    ]
    busy = {d.day: (d.in_time, d.decided) for d in report.days if d.decided}
    assert busy == {START.astimezone(zone).date(): (3, 6)}
    assert (await build_report(db, sellers=history, period="today", now=NOW)).days == []
