"""/agents, the whole story one step at a time (tests.support.relaying on Ozon): an agent's
reply reaches the buyer, a group admin forbids her to answer (a stranger's press proves
nothing), her next reply is refused in the topic and never reaches Ozon, and she is allowed
again. The roster's wording and who may press alone: test_who_may_answer_handlers.py."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiogram.methods import EditMessageText, SendMessage

from storage.database import Database
from tests.support.handlers import BORIS, GLEB, GROUP_ID, buttons, shown
from tests.support.relaying import RelayWorld, open_relay_world, receipts
from tests.support.texts import has, says


@pytest.fixture
async def rw(db: Database) -> AsyncIterator[RelayWorld]:
    async with open_relay_world(db) as opened:
        yield opened


def edited_roster(requests: list[object], roster_id: int | None) -> EditMessageText:
    [edited] = [
        r
        for r in requests
        if isinstance(r, EditMessageText) and r.chat_id == BORIS.id and r.message_id == roster_id
    ]
    return edited


async def test_an_admin_forbids_an_agent_to_answer_and_allows_again(rw: RelayWorld) -> None:
    chat_id, thread = await rw.topic("Где заказ?")
    first = await rw.agent_writes(thread, "text", "Завтра привезут")
    assert receipts(await rw.relay()) == [first["message_id"]]
    assert rw.market.sent_texts(chat_id) == ["Завтра привезут"]

    [roster] = [m for m in shown(await rw.hw.say(BORIS, "/agents")) if isinstance(m, SendMessage)]
    assert roster.chat_id == BORIS.id
    assert has(roster.text, says("agents.title", group="Поддержка"))
    assert has(roster.text, says("agents.line", mark="✅", name="Вера (@vera)"))
    [(label, forbid)] = buttons(roster).items()  # the admin himself has no switch
    assert label == "✅ Вера"
    roster_id = 1001 + rw.hw.session.sent(SendMessage).index(roster)  # as the session answered
    on = EditMessageText(chat_id=BORIS.id, message_id=roster_id, text=roster.text,
                         reply_markup=roster.reply_markup)  # fmt: skip

    rw.hw.in_group(GLEB, "left")
    refusal = await rw.hw.press(GLEB, forbid, on=on)
    assert refusal.show_alert is True and has(refusal.text, says("agents.refused"))
    assert await rw.db.pool.fetchval("SELECT count(*) FROM audit_log") == 0

    before = len(rw.hw.session.requests)
    assert has((await rw.hw.press(BORIS, forbid, on=on)).text, says("agents.changed"))
    edited = edited_roster(rw.hw.session.requests[before:], roster_id)
    assert has(edited.text, says("agents.line", mark="🚫", name="Вера (@vera)"))

    await rw.agent_writes(thread, "text", "Ещё ответ")
    requests = await rw.relay()
    assert any(
        has(m.text, says("reply_failed.not_allowed"))
        for m in shown(requests)
        if m.chat_id == GROUP_ID
    )
    assert rw.market.sent_texts(chat_id) == ["Завтра привезут"]  # nothing more reached Ozon
    actions = await rw.db.pool.fetch("SELECT action FROM audit_log ORDER BY id")
    assert [r["action"] for r in actions] == ["member.forbid_reply"]

    [(label, allow)] = buttons(edited).items()
    assert label == "🚫 Вера"
    before = len(rw.hw.session.requests)
    await rw.hw.press(BORIS, allow, on=edited)
    again = edited_roster(rw.hw.session.requests[before:], roster_id)
    assert has(again.text, says("agents.line", mark="✅", name="Вера (@vera)"))
    actions = await rw.db.pool.fetch("SELECT action FROM audit_log ORDER BY id")
    assert [r["action"] for r in actions] == ["member.forbid_reply", "member.allow_reply"]
