"""/ai in a group acts on that group's shops only, whatever the command or button says.

Anna administers two bound groups. In the first one she (or a tampered button) names a
shop of the second: nothing changes there, and nothing of the second group is shown in
the first."""

from __future__ import annotations

from typing import Any

from pydantic import SecretStr

from bot.drafts.callbacks import AUTO_TOGGLE, AiCallback
from sandbox.llm import LlmEmulator
from sandbox.telegram.models import CallbackQuery
from storage.records import Seller
from tests.drafts.conftest import buttons, callback_answer
from tests.support.world import FULL_RIGHTS, World, wait_until


async def _other_groups_seller(world: World) -> Seller:
    other = world.tg.create_group(
        title="Другая", is_forum=True, members=[world.agent_id], admins=[world.agent_id],
        bot_rights=FULL_RIGHTS,
    )  # fmt: skip
    workspace = await world.db.workspaces.bind(
        tg_chat_id=other.id, title="Другая", bound_by_tg_user_id=world.agent_id
    )
    seller = await world.db.sellers.create(
        workspace_id=workspace.id,
        marketplace="ozon",
        name="Секретный магазин",
        client_id="777",
        api_key_encrypted=world.vault.encrypt(SecretStr("k" * 36)),
    )
    return await world.db.sellers.update_ai(
        seller_id=seller.id,
        instructions="внутренняя инструкция",
        tone="",
        auto_reply_enabled=False,
        auto_reply_intents=[],
    )


def _forge_press(world: World, message: dict[str, Any], data: str) -> str:
    """A modified client sends data no button carried (the emulator's press refuses
    those, so the query is queued directly, as Telegram would deliver it)."""
    state = world.tg.state
    chat_id = message["chat"]["id"]
    query = CallbackQuery(
        id=f"forged-{len(state.queries)}",
        user_id=world.agent_id,
        chat_id=chat_id,
        message_id=message["message_id"],
        data=data,
        created_at=state.clock(),
    )
    state.queries[query.id] = query
    state.updates.push(
        "callback_query",
        {
            "id": query.id,
            "from": state.users[world.agent_id].to_dict(),
            "message": state.render(state.chats[chat_id].messages[message["message_id"]]),
            "chat_instance": "1",
            "data": data,
        },
    )
    return query.id


async def test_a_group_command_cannot_change_another_groups_shop(
    dworld: World, llm: LlmEmulator
) -> None:
    foreign = await _other_groups_seller(dworld)
    dworld.tg.user_sends(dworld.agent_id, dworld.group_id, f"/ai_tone {foreign.id} грубо")
    dworld.tg.user_sends(dworld.agent_id, dworld.group_id, f"/ai_tone {dworld.seller.id} мягко")

    async def own_changed() -> bool:
        return (await dworld.db.sellers.get(seller_id=dworld.seller.id)).ai_tone == "мягко"

    await wait_until(own_changed)
    await wait_until(dworld.outbox_settled)
    assert (await dworld.db.sellers.get(seller_id=foreign.id)).ai_tone == ""


async def test_a_tampered_panel_button_cannot_reach_another_groups_shop(
    dworld: World, llm: LlmEmulator
) -> None:
    foreign = await _other_groups_seller(dworld)
    tg = dworld.tg
    tg.user_sends(dworld.agent_id, dworld.group_id, "/ai")

    async def shown() -> bool:
        return any("Черновики ИИ" in m.get("text", "") for m in dworld.posts())

    await wait_until(shown)
    panel = next(m for m in dworld.posts() if "Черновики ИИ" in m["text"])
    assert (
        buttons(panel)["Включить автоответ"]
        == AiCallback(a=AUTO_TOGGLE, id=dworld.seller.id).pack()
    )
    query = _forge_press(dworld, panel, AiCallback(a=AUTO_TOGGLE, id=foreign.id).pack())
    answer = await callback_answer(dworld, query)
    await wait_until(dworld.outbox_settled)

    assert answer["show_alert"] is True
    assert (await dworld.db.sellers.get(seller_id=foreign.id)).auto_reply_enabled is False
    assert not any("Секретный" in m.get("text", "") for m in dworld.posts())


async def test_a_button_from_before_an_upgrade_is_answered_as_out_of_date(
    dworld: World,
) -> None:
    """The /ai panel's buttons used to flip ("da:a:<id>:"); such an old button now says it
    is out of date instead of spinning (or acting on a meaning it no longer has)."""
    tg = dworld.tg
    tg.user_sends(dworld.agent_id, dworld.group_id, "/ai")

    async def shown() -> bool:
        return any("Черновики ИИ" in m.get("text", "") for m in dworld.posts())

    await wait_until(shown)
    panel = next(m for m in dworld.posts() if "Черновики ИИ" in m["text"])
    query = _forge_press(dworld, panel, f"da:a:{dworld.seller.id}:")
    answer = await callback_answer(dworld, query)
    assert answer["show_alert"] is True and "устарела" in answer["text"]
    assert (await dworld.db.sellers.get(seller_id=dworld.seller.id)).auto_reply_enabled is False
