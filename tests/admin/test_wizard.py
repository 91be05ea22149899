"""The wizard's edges: several workspaces, a long first sync (cancelling at every step is a
handler case: tests/admin/test_wizard_handlers.py)."""

from __future__ import annotations

from datetime import timedelta

from bot.admin.callbacks import PickWorkspace
from tests.support.texts import has, says
from tests.support.world import (
    API_KEY,
    CLIENT_ID,
    FULL_RIGHTS,
    SECOND_ID,
    SECOND_KEY,
    AdminWorld,
    wait_until,
)


async def test_several_workspaces_are_offered_as_buttons(aw: AdminWorld) -> None:
    _, first = await aw.bound_group()
    second_group = aw.tg.create_group(
        "Вторая",
        is_forum=True,
        members=[aw.owner.id],
        admins=[aw.boris.id],
        bot_rights=FULL_RIGHTS,
    )
    aw.say(aw.owner, "/setup", second_group.id)
    await aw.wait_group_post(second_group.id, says("setup.bound", group="Вторая"))
    second = await aw.db.workspaces.get_by_chat(tg_chat_id=second_group.id)

    after = aw.last_private_id(aw.boris)
    aw.say(aw.boris, f"/add_seller ozon {CLIENT_ID} {API_KEY} Обувь")
    which = await aw.wait_private(aw.boris, says("add.ask_workspace"), after=after)
    assert set(aw.buttons(which)) >= {"Поддержка", "Вторая"}
    # A forged choice of a workspace Boris does not administer is refused.
    foreign = await aw.db.workspaces.bind(tg_chat_id=-1009, title="Чужая", bound_by_tg_user_id=1)
    refused = await aw.answer_of(
        aw.forge_press(aw.boris, which, PickWorkspace(workspace_id=foreign.id))
    )
    assert refused["show_alert"]
    await aw.press(aw.boris, which, "Вторая")
    await aw.wait_private(aw.boris, says("add.summary", group="Вторая"), seconds=15)
    [seller] = await aw.db.sellers.list_all()
    assert seller.workspace_id == second.id != first.id


async def test_a_long_first_sync_edits_one_progress_message(aw: AdminWorld) -> None:
    await aw.bound_group()
    aw.ozon.state.seed_chats(SECOND_ID, 250, age=timedelta(days=30))
    after = aw.last_private_id(aw.boris)
    aw.say(aw.boris, f"/add_seller ozon {SECOND_ID} {SECOND_KEY} Одежда")
    summary = await aw.wait_private(aw.boris, says("add.summary"), after=after, seconds=30)
    history = [h.get("text", "") for h in summary["edit_history"]]
    assert any(has(h, says("add.progress", found=100)) for h in history), history
    assert has(summary["text"], says("add.summary", found=251))
    mine = [m for m in aw.private(aw.boris) if m["message_id"] > after]
    note, progress = mine  # a note that the key message was deleted, then one message
    assert has(note["text"], says("add.key_message_deleted"))
    assert progress["message_id"] == summary["message_id"]

    async def idle() -> bool:
        return aw.app is not None and bool(aw.app.sync.seller_ids())

    await wait_until(idle)
