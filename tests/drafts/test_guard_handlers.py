"""The guardrails on an agent's own reply, one update and one worker pass at a time
(tests.support.handlers): a phone number is blocked with a reason, a risky promise waits for
a confirmation that is taken once, a cancelled one never reaches Ozon. Nothing polls: these
check a refusal's wording, place and record, not a flow.

They replace the full-process checks of test_drafts_e2e.py (an agent's reply with a phone,
a risky reply waiting for confirmation, a cancelled risky reply)."""

from __future__ import annotations

from typing import Any

from aiogram.methods import EditMessageText, SendMessage, SetMessageReaction

from tests.support.handlers import GROUP_ID, VERA, HandlerWorld, buttons
from tests.support.texts import has, says
from tests.support.world import CLIENT_ID

THREAD = 42


async def buyer_topic(hw: HandlerWorld, text: str) -> None:
    """A buyer's Ozon chat (the emulator's, so a reply can reach it) in topic THREAD."""
    workspace = await hw.bound_group()
    seller = await hw.add_seller(workspace)
    external_id, _ = hw.ozon.state.buyer_writes(CLIENT_ID, text=text)
    chat, _ = await hw.db.chats.upsert(seller_id=seller.id, external_id=external_id)
    await hw.db.chats.set_topic(
        chat_id=chat.id, workspace_id=workspace.id, thread_id=THREAD, name="Заказ"
    )


async def agent_writes(hw: HandlerWorld, text: str) -> dict[str, Any]:
    message = hw.message(VERA, text, GROUP_ID, message_thread_id=THREAD, is_topic_message=True)
    await hw.feed("message", message)
    return message


async def one_notice(hw: HandlerWorld, mine: dict[str, Any]) -> SendMessage:
    """The one notice the outbox posts: in the topic, under the agent's message."""
    posted = [r for r in await hw.deliver() if isinstance(r, SendMessage)]
    [notice] = [p for p in posted if p.chat_id == GROUP_ID]
    assert notice.message_thread_id == THREAD
    assert notice.reply_parameters is not None
    assert notice.reply_parameters.message_id == mine["message_id"]
    return notice


async def test_an_agents_reply_with_a_phone_is_blocked_and_explained(hw: HandlerWorld) -> None:
    await buyer_topic(hw, "Как с вами связаться?")
    mine = await agent_writes(hw, "Звоните: 8-916-123-45-67")
    notice = await one_notice(hw, mine)
    assert has(notice.text, says("guard.blocked_reply"))
    assert has(notice.text, says("guard.phone"))
    assert "8-916-123-45-67" in notice.text
    assert await hw.db.pool.fetchval("SELECT count(*) FROM reply_outbox") == 0
    await hw.app.bridge.replies.run_once()
    assert hw.ozon.state.sent_by_seller(CLIENT_ID) == []


async def test_an_agents_risky_reply_waits_for_confirmation(hw: HandlerWorld) -> None:
    await buyer_topic(hw, "Куртка порвалась")
    risky = "Не переживайте, вернём вам деньги!"
    mine = await agent_writes(hw, risky)
    notice = await one_notice(hw, mine)
    assert has(notice.text, says("guard.held_reply"))
    await hw.app.bridge.replies.run_once()
    assert hw.ozon.state.sent_by_seller(CLIENT_ID) == []
    confirm = next(d for d in buttons(notice).values() if d.startswith("dh1:y:"))
    first = await hw.press(VERA, confirm, on=notice)
    again = await hw.press(VERA, confirm, on=notice)
    assert first.text == says("guard.answer.confirmed").template
    assert again.text == says("guard.answer.decided").template
    await hw.app.bridge.replies.run_once()
    delivered = await hw.deliver()
    assert [s.text for s in hw.ozon.state.sent_by_seller(CLIENT_ID)] == [risky]
    receipts = [r for r in delivered if isinstance(r, SetMessageReaction)]
    assert [(r.message_id, [x.emoji for x in r.reaction or []]) for r in receipts] == [
        (mine["message_id"], ["👍"])
    ]


async def test_a_cancelled_risky_reply_is_never_sent(hw: HandlerWorld) -> None:
    await buyer_topic(hw, "Куртка порвалась")
    mine = await agent_writes(hw, "Я бот, обратитесь в поддержку")
    notice = await one_notice(hw, mine)
    assert has(notice.text, says("guard.held_reply"))
    cancel = next(d for d in buttons(notice).values() if d.startswith("dh1:n:"))
    answer = await hw.press(VERA, cancel, on=notice)
    assert answer.text == says("guard.answer.cancelled").template
    edits = [r for r in await hw.deliver() if isinstance(r, EditMessageText)]
    assert edits and not buttons(edits[-1])
    await hw.app.bridge.replies.run_once()
    assert hw.ozon.state.sent_by_seller(CLIENT_ID) == []
    assert await hw.db.pool.fetchval("SELECT count(*) FROM reply_outbox") == 0
