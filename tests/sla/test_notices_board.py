"""Which notice a turn owes (once, most severe first), batch texts, and the board text."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.sla.board import BOARD_ROWS, render_board
from bot.sla.format import coarse, topic_link
from bot.sla.hours import BusinessHours
from bot.sla.notices import batch_text, owed, single_text
from bot.texts import text as t
from storage.sla_queue_repo import DueTurn, WaitingChat
from tests.support.texts import has, says

START = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)  # a Thursday
GROUP = -1002000000001


def turn(
    *,
    deadline_min: int = 60,
    hard_min: int = 240,
    warned: bool = False,
    escalated: bool = False,
    breached: bool = False,
    owner: tuple[int, str] | None = None,
    turn_id: int = 1,
) -> DueTurn:
    stamp = START
    return DueTurn(
        turn_id, turn_id, 1, 1, "high", START,
        START + timedelta(minutes=deadline_min), START + timedelta(minutes=hard_min),
        stamp if warned else None, stamp if escalated else None, stamp if breached else None,
        100 + turn_id, f"Заказ {turn_id}", None, None,
        7 if owner else None, owner[0] if owner else None, owner[1] if owner else None, False,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("minutes", "state", "notice", "stamps"),
    [
        (20, {}, None, None),
        (30, {}, "warned", (True, False, False)),
        (45, {"warned": True}, None, None),
        (60, {"warned": True}, "escalated", (False, True, False)),
        (61, {}, "escalated", (True, True, False)),  # late tick: warn stamped, not sent
        (300, {}, "hard_breached", (True, True, True)),
        (300, {"warned": True, "escalated": True}, "hard_breached", (False, False, True)),
        (300, {"warned": True, "escalated": True, "breached": True}, None, None),
    ],
)
def test_owed(minutes: int, state: dict[str, bool], notice: str | None, stamps: object) -> None:
    fired = owed(turn(**state), now=START + timedelta(minutes=minutes), hours=BusinessHours())
    if notice is None:
        assert fired is None
    else:
        assert fired is not None
        assert (fired.notice, fired.stamps) == (notice, stamps)


def test_warning_counts_working_time() -> None:
    """Friday 20:30 with a 1 h target (09-21 Mon-Fri): deadline Monday 09:30, so half the
    time is used at 21:00 on Friday, not somewhere on Sunday."""
    hours = BusinessHours(enabled=True, timezone="UTC")
    friday = datetime(2026, 11, 27, 20, 30, tzinfo=UTC)
    due = turn()
    due = DueTurn(**{**{f: getattr(due, f) for f in due.__dataclass_fields__},
                     "started_at": friday, "deadline": hours.add(friday, 60),
                     "hard_deadline": hours.add(friday, 240)})  # fmt: skip
    assert owed(due, now=friday + timedelta(minutes=20), hours=hours) is None
    fired = owed(due, now=friday + timedelta(minutes=31), hours=hours)
    assert fired is not None and fired.notice == "warned"


def test_escalation_mentions_the_owner_else_the_admins() -> None:
    now = START + timedelta(minutes=61)
    owned = owed(turn(owner=(555, "Анна")), now=now, hours=BusinessHours())
    assert owned is not None
    text = single_text(owned, admins=[(1, "Админ")], now=now, locale="ru")
    assert 'tg://user?id=555">Анна</a>' in text and "Админ" not in text
    free = owed(turn(), now=now, hours=BusinessHours())
    assert free is not None
    text = single_text(free, admins=[(1, "Ад<м>ин")], now=now, locale="en")
    assert 'tg://user?id=1">Ад&lt;м&gt;ин</a>' in text and has(
        text, says("notice.escalated", "en")
    )


def test_batch_lists_most_severe_first_with_links() -> None:
    now = START + timedelta(minutes=300)
    fired = [
        f
        for f in (
            owed(turn(turn_id=1, deadline_min=600, hard_min=900), now=now, hours=BusinessHours()),
            owed(turn(turn_id=2), now=now, hours=BusinessHours()),
            owed(
                turn(turn_id=3, hard_min=900, owner=(9, "Борис")), now=now, hours=BusinessHours()
            ),
        )
        if f is not None
    ]
    text = batch_text(fired, admins=[(1, "Админ")], tg_chat_id=GROUP, locale="ru")
    lines = text.splitlines()
    assert lines[0] == t("notice.batch_head", "ru", count=3)
    assert has(lines[1], says("notice.kind.hard_breached")) and "Заказ 2" in lines[1]
    assert has(lines[2], says("notice.kind.escalated")) and "Борис" in lines[2]
    assert has(lines[3], says("notice.kind.warned"))
    assert topic_link(GROUP, 102) in text and "Админ" in lines[-1]


def test_topic_links() -> None:
    assert topic_link(-1002000000001, 7) == "https://t.me/c/2000000001/7"


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [(60, 0), (301, 300), (3599, 3300), (3601, 3600), (7 * 3600 + 1, 7 * 3600)],
)
def test_time_left_is_rounded_down(seconds: int, shown: int) -> None:
    """Down, so a time left is never overstated (and /queue rounds the same way)."""
    assert coarse(timedelta(seconds=seconds)) == timedelta(seconds=shown)


def waiting(index: int, total: int, deadline_min: int | None) -> WaitingChat:
    return WaitingChat(
        index, 1, "Обувь", 1, "urgent" if index == 0 else "normal",
        None if deadline_min is None else START + timedelta(minutes=deadline_min),
        START, 200 + index, f"Заказ {index}", None, None, None, None, 1, total,
    )  # fmt: skip


def test_board_text_and_hash() -> None:
    chats = [waiting(0, 2, 22), waiting(1, 2, -27)]
    board = render_board(chats, tg_chat_id=GROUP, now=START, locale="ru")
    lines = board.text.splitlines()
    assert lines[0] == t("board.title", "ru", count=2)
    assert lines[1].startswith('🔴 <a href="https://t.me/c/2000000001/200">Заказ 0</a>')
    assert has(lines[1], says("sla.left", left=t("dur.min", "ru", m=20)))
    assert has(lines[2], says("sla.overdue", late=t("dur.min", "ru", m=25)))
    # The minute hand moving inside a rounding step does not change the board.
    later = render_board(chats, tg_chat_id=GROUP, now=START + timedelta(minutes=1), locale="ru")
    assert later.hash == board.hash
    empty = render_board([], tg_chat_id=GROUP, now=START, locale="en")
    assert empty.empty and empty.text == says("board.empty", "en").template


def test_board_is_capped() -> None:
    chats = [waiting(i, 40, i) for i in range(40)]
    board = render_board(chats, tg_chat_id=GROUP, now=START, locale="ru")
    assert len(board.text.splitlines()) == BOARD_ROWS + 2
    assert board.text.endswith(t("board.more", "ru", count=15))
