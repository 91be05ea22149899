"""Group events: a key posted in a group (the shop connected in private), a group without
topics, a basic group's migration (handler cases, tests.support.handlers, with the group's
updates built by tests.support.admin_steps); and the bot removed and re-added, kept on the
whole bot: the buyer's message polled while the bot is out must wait in the queue and be
delivered by the running workers once it is back. One-handler answers (who may run /setup
and /help, /sellers in the group, keys from strangers, from someone without a private chat,
or that cannot be deleted) are in tests/admin/test_refusals_handlers.py and
tests/admin/test_group_command_handlers.py."""

from __future__ import annotations

from datetime import UTC, datetime

from aiogram.methods import DeleteMessage

from tests.support.admin_steps import (
    bot_standing,
    group_chat,
    group_posts,
    in_chat,
    standing_changes,
)
from tests.support.handlers import BORIS, GROUP_ID, HandlerWorld, texts
from tests.support.recorded_bot import BOT_USER
from tests.support.texts import has, said, says
from tests.support.world import API_KEY, CLIENT_ID, AdminWorld, wait_until


async def test_a_key_sent_in_the_group_is_deleted_at_once_and_onboarding_goes_private(
    hw: HandlerWorld,
) -> None:
    workspace = await hw.bound_group()
    assert said(texts(await hw.say(BORIS, "/start"), BORIS.id), says("start"))
    leaked = hw.message(BORIS, f"/add_seller ozon {CLIENT_ID} {API_KEY} Обувь", GROUP_ID)
    requests = await hw.feed("message", leaked)

    deleted = [(r.chat_id, r.message_id) for r in requests if isinstance(r, DeleteMessage)]
    assert deleted == [(GROUP_ID, leaked["message_id"])]
    assert isinstance(requests[0], DeleteMessage)  # before anything else is asked or said
    private = texts(requests, BORIS.id)
    assert said(private, says("add.moved_private"))
    assert said(private, says("add.summary"))
    [warning] = await group_posts(hw, GROUP_ID)
    assert has(warning.text, says("add.group.deleted"))
    assert has(warning.text, says("add.group.continue_private"))
    [seller] = await hw.db.sellers.list_all()
    assert seller.workspace_id == workspace.id and seller.created_by_tg_user_id == BORIS.id
    warned_at = await hw.db.pool.fetchval(
        "SELECT created_at FROM tg_outbox WHERE dedup_key = $1",
        f"add_seller:{GROUP_ID}:{leaked['message_id']}",
    )
    assert warned_at < seller.created_at  # the group is told before the slow part starts


async def test_removed_bot_detaches_the_workspace_and_readding_brings_it_back(
    aw: AdminWorld,
) -> None:
    group, workspace = await aw.bound_group()
    aw.say(aw.boris, "/start")
    await aw.add_by_one_line(
        aw.boris, f"/add_seller ozon {CLIENT_ID} {API_KEY}", says("add.summary")
    )
    [seller] = await aw.db.sellers.list_all()

    aw.tg.remove_bot(group.id)

    async def detached() -> bool:
        return (await aw.db.workspaces.get(workspace_id=workspace.id)).state == "detached"

    await wait_until(detached)
    aw.ozon.state.buyer_writes(CLIENT_ID, text="Алло?")
    assert aw.app is not None
    await aw.app.sync.run_now(seller.id)
    pending = await aw.db.pool.fetchval(
        "SELECT count(*) FROM tg_outbox WHERE status = 'pending' AND workspace_id = $1",
        workspace.id,
    )
    assert pending == 1  # kept, not delivered: data stays while the bot is out
    assert not [c for c in aw.tg.calls if c[0] == "createForumTopic"]
    assert await aw.db.sellers.list_all() == [seller]

    aw.tg.add_bot(group.id, rights={"can_manage_topics": True, "can_delete_messages": True,
                                    "can_pin_messages": True})  # fmt: skip
    await aw.wait_group_post(group.id, says("setup.back"))
    assert (await aw.db.workspaces.get(workspace_id=workspace.id)).state == "active"
    await wait_until(aw.outbox_settled)
    assert [c for c in aw.tg.calls if c[0] == "createForumTopic"]
    actions = [e.action for e in await aw.db.audit.list_recent()]
    assert actions[:2] == ["workspace.reattach", "workspace.detach"]


async def test_bot_added_to_a_group_without_topics_says_how_to_turn_them_on(
    hw: HandlerWorld,
) -> None:
    chat = group_chat(GROUP_ID, "Чат", forum=False)
    hw.in_group(BORIS, "creator")
    hw.session.members[(GROUP_ID, BOT_USER.id)] = "member"
    await standing_changes(hw, chat, BORIS, bot_standing("left"), bot_standing("member"))
    [hello] = await group_posts(hw, GROUP_ID)
    assert has(hello.text, says("setup.hello"))
    assert has(hello.text, says("setup.fix.not_forum"))
    assert has(hello.text, says("setup.fix.not_admin"))
    assert has(hello.text, says("setup.missing"))

    await hw.feed("message", in_chat(hw, BORIS, "/setup", chat))
    [missing] = await group_posts(hw, GROUP_ID)
    assert has(missing.text, says("setup.missing"))
    assert has(missing.text, says("setup.fix.not_forum"))
    assert (await hw.db.workspaces.get_by_chat(tg_chat_id=GROUP_ID)).state == "pending"


async def test_a_group_migrated_to_a_supergroup_keeps_its_workspace(hw: HandlerWorld) -> None:
    old_id, new_id = -5001, GROUP_ID
    old_chat = group_chat(old_id, "Старая", supergroup=False)
    hw.in_group(BORIS, "creator", old_id)
    hw.session.members[(old_id, BOT_USER.id)] = "member"
    await hw.feed("message", in_chat(hw, BORIS, "/setup", old_chat))
    [told] = await group_posts(hw, old_id)
    assert has(told.text, says("setup.fix.not_forum"))
    workspace = await hw.db.workspaces.get_by_chat(tg_chat_id=old_id)

    now = int(datetime.now(UTC).timestamp())
    for chat, moved in ((old_chat, {"migrate_to_chat_id": new_id}),
                        (group_chat(new_id, "Старая", forum=False),
                         {"migrate_from_chat_id": old_id})):  # fmt: skip
        # Telegram tells both chats; the second news finds the move already made
        await hw.feed("message", {"message_id": 1, "date": now, "chat": chat,
                                  "from": BORIS.to_dict(), **moved})  # fmt: skip
        assert (await hw.db.workspaces.get(workspace_id=workspace.id)).tg_chat_id == new_id
    [entry] = await hw.db.audit.list_recent()
    assert entry.action == "workspace.move" and entry.details["to_tg_chat_id"] == new_id
    assert await group_posts(hw, new_id) == []
