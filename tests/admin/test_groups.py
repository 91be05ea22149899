"""Group events through the whole bot: a key posted in a group (the shop connected in
private), the bot removed and re-added, a group without topics, migration. One-handler
answers (who may run /setup and /help, /sellers in the group, keys from strangers, from
someone without a private chat, or that cannot be deleted) are handler cases:
tests/admin/test_refusals_handlers.py, tests/admin/test_group_command_handlers.py."""

from __future__ import annotations

from tests.support.texts import TextMatch, has, says
from tests.support.world import API_KEY, CLIENT_ID, AdminWorld, wait_until


async def test_a_key_sent_in_the_group_is_deleted_at_once_and_onboarding_goes_private(
    aw: AdminWorld,
) -> None:
    group, workspace = await aw.bound_group()
    aw.say(aw.boris, "/start")
    await aw.wait_private(aw.boris, says("start"))
    leaked = aw.say(aw.boris, f"/add_seller ozon {CLIENT_ID} {API_KEY} Обувь", group.id)

    warning = await aw.wait_group_post(group.id, says("add.group.deleted"))
    assert has(warning["text"], says("add.group.continue_private"))
    assert leaked not in [m["message_id"] for m in aw.tg.messages(group.id)]
    [delete] = [p for m, p in aw.tg.calls if m == "deleteMessage"]
    assert (delete["chat_id"], delete["message_id"]) == (group.id, leaked)
    await aw.wait_private(aw.boris, says("add.moved_private"))
    await aw.wait_private(aw.boris, says("add.summary"), seconds=15)
    [seller] = await aw.db.sellers.list_all()
    assert seller.workspace_id == workspace.id and seller.created_by_tg_user_id == aw.boris.id
    warned_at = await aw.db.pool.fetchval(
        "SELECT created_at FROM tg_outbox WHERE dedup_key = $1", f"add_seller:{group.id}:{leaked}"
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
    aw: AdminWorld,
) -> None:
    group = aw.tg.create_group("Чат", members=[aw.vera.id], admins=[aw.boris.id], bot_member=False)
    aw.tg.add_bot(group.id)
    hello = await aw.wait_group_post(group.id, says("setup.hello"))
    assert has(hello["text"], says("setup.fix.not_forum"))
    assert has(hello["text"], says("setup.fix.not_admin"))
    aw.say(aw.boris, "/setup", group.id)
    await wait_until(lambda: _posts_with(aw, group.id, says("setup.missing"), 2))
    assert (await aw.db.workspaces.get_by_chat(tg_chat_id=group.id)).state == "pending"


async def _posts_with(aw: AdminWorld, chat_id: int, contains: TextMatch, n: int) -> bool:
    return sum(has(t, contains) for t in aw.group_posts(chat_id)) >= n


async def test_a_group_migrated_to_a_supergroup_keeps_its_workspace(aw: AdminWorld) -> None:
    group = aw.tg.create_group(
        "Старая", members=[aw.vera.id], admins=[aw.boris.id], supergroup=False
    )
    aw.say(aw.boris, "/setup", group.id)
    await aw.wait_group_post(group.id, says("setup.fix.not_forum"))
    workspace = await aw.db.workspaces.get_by_chat(tg_chat_id=group.id)

    new_id = aw.tg.migrate_group(group.id)

    async def moved() -> bool:
        return (await aw.db.workspaces.get(workspace_id=workspace.id)).tg_chat_id == new_id

    await wait_until(moved)
    [entry] = await aw.db.audit.list_recent()
    assert entry.action == "workspace.move" and entry.details["to_tg_chat_id"] == new_id
