"""/agents one update at a time (tests.support.handlers): the roster's wording, who may
press its switches, what a press changes (/agents typed in a group:
tests/admin/test_agents_handlers.py). The whole story (an agent forbidden, their reply
refused, allowed again, the buyer reached) is test_who_may_answer.py, as relay steps."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiogram.methods import EditMessageText, SendMessage

from storage.database import Database
from tests.support.handlers import (
    BORIS,
    GLEB,
    GROUP_ID,
    VERA,
    HandlerWorld,
    Person,
    buttons,
    open_handler_world,
    shown,
)
from tests.support.texts import has, says

THREAD = 42


@pytest.fixture
async def hw(db: Database) -> AsyncIterator[HandlerWorld]:
    async with open_handler_world(db) as opened:
        await opened.buyer_in_topic(THREAD)
        await opened.feed("message", in_topic(opened, VERA, "Здравствуйте!"))  # Vera is known
        yield opened


def in_topic(hw: HandlerWorld, person: Person, text: str) -> dict[str, Any]:
    return hw.message(person, text, GROUP_ID, message_thread_id=THREAD, is_topic_message=True)


async def switch(
    hw: HandlerWorld, data: str, on: SendMessage | EditMessageText
) -> tuple[str | None, EditMessageText]:
    """Boris presses a switch: the callback's answer, and the roster as edited in place."""
    before = len(hw.session.requests)
    answer = await hw.press(BORIS, data, on=on)
    [edited] = [r for r in hw.session.requests[before:] if isinstance(r, EditMessageText)]
    return answer.text, edited


async def roster(hw: HandlerWorld) -> SendMessage:
    [listed] = [m for m in shown(await hw.say(BORIS, "/agents")) if isinstance(m, SendMessage)]
    assert listed.chat_id == BORIS.id
    return listed


async def test_the_roster_lists_who_answers_with_a_switch_per_agent(hw: HandlerWorld) -> None:
    listed = await roster(hw)
    assert has(listed.text, says("agents.title", group="Поддержка"))
    assert has(listed.text, says("agents.line", mark="✅", name="Вера (@vera)"))
    assert has(listed.text, says("agents.hint"))
    assert list(buttons(listed)) == ["✅ Вера"]  # admins always answer: no switch for them


async def test_only_a_group_admin_can_switch(hw: HandlerWorld) -> None:
    listed = await roster(hw)
    [forbid] = buttons(listed).values()
    hw.in_group(GLEB, "left")
    answer = await hw.press(GLEB, forbid, on=listed)
    assert answer.show_alert is True and has(answer.text, says("agents.refused"))
    await hw.say(VERA, "/agents")  # an agent has no roster either
    answer = await hw.press(VERA, forbid, on=listed)
    assert answer.show_alert is True and has(answer.text, says("agents.refused"))
    assert await hw.db.pool.fetchval("SELECT count(*) FROM audit_log") == 0


async def test_a_forbidden_agents_reply_is_refused_until_allowed_again(hw: HandlerWorld) -> None:
    listed = await roster(hw)
    [forbid] = buttons(listed).values()
    answer, edited = await switch(hw, forbid, listed)
    assert has(answer, says("agents.changed"))
    assert has(edited.text, says("agents.line", mark="🚫", name="Вера (@vera)"))

    refused = in_topic(hw, VERA, "Ещё ответ")
    await hw.feed("message", refused)
    [notice] = [m for m in shown(await hw.deliver()) if m.chat_id == GROUP_ID]
    assert has(notice.text, says("reply_failed.not_allowed"))
    rows = await hw.db.pool.fetch("SELECT text FROM reply_outbox ORDER BY id")
    assert [r["text"] for r in rows] == ["Здравствуйте!"]  # only the one before

    [allow] = buttons(edited).values()
    _, again = await switch(hw, allow, edited)
    assert has(again.text, says("agents.line", mark="✅", name="Вера (@vera)"))
    actions = await hw.db.pool.fetch("SELECT action FROM audit_log ORDER BY id")
    assert [r["action"] for r in actions] == ["member.forbid_reply", "member.allow_reply"]
