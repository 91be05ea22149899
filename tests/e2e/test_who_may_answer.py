"""/agents: a group admin decides who may answer buyers; the button proves nothing."""

from __future__ import annotations

from typing import Any

from sandbox.telegram import Member, MemberStatus
from tests.support.texts import TextMatch, has, says
from tests.support.world import World, wait_until


async def bot_said(world: World, chat_id: int, expected: TextMatch) -> dict[str, Any]:
    async def said() -> bool:
        return any(has(m.get("text"), expected) for m in world.tg.bot_messages(chat_id))

    await wait_until(said)
    return next(m for m in world.tg.bot_messages(chat_id) if has(m.get("text"), expected))


async def answered(world: World, query_id: str) -> dict[str, Any]:
    async def done() -> bool:
        return world.tg.callback_answer(query_id) is not None

    await wait_until(done)
    answer = world.tg.callback_answer(query_id)
    assert answer is not None
    return answer


async def test_an_admin_forbids_an_agent_to_answer_and_allows_again(world: World) -> None:
    boris = world.tg.create_user(first_name="Борис", username="boris")
    world.tg.state.chat(world.group_id).members[boris.id] = Member(boris.id, MemberStatus.MEMBER)
    chat_id, _ = world.buyer_writes(text="Где заказ?")
    await world.poll()
    thread = await world.topic_of(chat_id)
    world.tg.user_sends(boris.id, world.group_id, "Завтра привезут", thread_id=thread)
    await wait_until(lambda: _true(len(world.sent_to_ozon()) == 1))

    world.tg.user_sends(world.agent_id, world.agent_id, "/agents")
    roster = await bot_said(world, world.agent_id, says("agents.title", group="Поддержка"))
    assert has(roster["text"], says("agents.line", mark="✅", name="Борис (@boris)"))
    [[button]] = roster["reply_markup"]["inline_keyboard"]  # the admin herself has no switch
    assert button["text"] == "✅ Борис"

    stranger = world.tg.create_user(first_name="Чужой")
    refused = world.tg.press_button(
        stranger.id, world.agent_id, roster["message_id"], button["callback_data"]
    )
    refusal = await answered(world, refused)
    assert refusal["show_alert"] is True and has(refusal["text"], says("agents.refused"))

    pressed = world.tg.press_button(
        world.agent_id, world.agent_id, roster["message_id"], button["callback_data"]
    )
    assert (await answered(world, pressed))["text"] in says("agents.changed")
    await bot_said(world, world.agent_id, says("agents.line", mark="🚫", name="Борис (@boris)"))

    world.tg.user_sends(boris.id, world.group_id, "Ещё ответ", thread_id=thread)
    await bot_said(world, world.group_id, says("reply_failed.not_allowed"))
    assert len(world.sent_to_ozon()) == 1
    actions = await world.db.pool.fetch("SELECT action FROM audit_log ORDER BY id")
    assert [r["action"] for r in actions] == ["member.forbid_reply"]

    [edited] = [m for m in world.tg.messages(world.agent_id)
                if m["message_id"] == roster["message_id"]]  # fmt: skip
    [[allow]] = edited["reply_markup"]["inline_keyboard"]
    assert allow["text"] == "🚫 Борис"
    again = world.tg.press_button(
        world.agent_id, world.agent_id, roster["message_id"], allow["callback_data"]
    )
    await answered(world, again)
    await bot_said(world, world.agent_id, says("agents.line", mark="✅", name="Борис (@boris)"))
    actions = await world.db.pool.fetch("SELECT action FROM audit_log ORDER BY id")
    assert [r["action"] for r in actions] == ["member.forbid_reply", "member.allow_reply"]


async def _true(value: bool) -> bool:
    return value
