"""Only owners (ADMIN_IDS) bind groups; a group admin's /setup asks them once; owners list
and unbind groups. Through the real bot and the Telegram emulator."""

from __future__ import annotations

import asyncio

from bot.admin.binding import GroupBinding
from bot.admin.callbacks import GroupAccess
from bot.settings import Settings
from storage.database import Database
from tests.support.texts import has, says
from tests.support.world import (
    API_KEY,
    CLIENT_ID,
    FULL_RIGHTS,
    AdminWorld,
    open_admin_world,
    wait_until,
)


async def _owner_opened_private(aw: AdminWorld) -> None:
    aw.say(aw.owner, "/start")
    await aw.wait_private(aw.owner, says("start"))


async def test_a_group_admins_setup_asks_the_owner_and_nothing_is_bound(aw: AdminWorld) -> None:
    await _owner_opened_private(aw)
    group = aw.forum_group()
    asked = aw.say(aw.boris, "/setup", group.id)
    told = await aw.wait_group_post(group.id, says("security.setup.asked"), after=asked)
    assert told["reply_to_message"]["message_id"] == asked
    request = await aw.wait_private(aw.owner, says("security.request.text", group="Поддержка"))
    assert has(request["text"], says("security.request.text", person="Борис"))
    assert set(aw.buttons(request)) == {
        says("security.button.approve").template,
        says("security.button.reject").template,
    }
    assert (await aw.db.workspaces.get_by_chat(tg_chat_id=group.id)).state == "pending"

    # Before approval the group admin can connect no shop: nothing is polled or drafted.
    refused = await aw.add_by_one_line(
        aw.boris, f"/add_seller ozon {CLIENT_ID} {API_KEY}", says("refused")
    )
    assert refused
    assert await aw.db.sellers.list_all() == []

    rejected = await aw.press(aw.owner, request, says("security.button.reject"))
    assert not rejected.get("show_alert")
    await aw.wait_group_post(group.id, says("security.request.group_rejected"))
    await aw.wait_private(aw.owner, says("security.request.rejected"))
    assert (await aw.db.workspaces.get_by_chat(tg_chat_id=group.id)).state == "pending"
    actions = [e.action for e in await aw.db.audit.list_recent()]
    assert actions == ["workspace.request_reject", "workspace.request"]


async def test_a_second_setup_makes_no_second_request(aw: AdminWorld) -> None:
    await _owner_opened_private(aw)
    group = aw.forum_group()
    aw.say(aw.boris, "/setup", group.id)
    await aw.wait_group_post(group.id, says("security.setup.asked"))
    again = aw.say(aw.boris, "/setup", group.id)
    await aw.wait_group_post(group.id, says("security.setup.already_asked"), after=again)
    requests = [
        m for m in aw.private(aw.owner) if has(m.get("text"), says("security.request.text"))
    ]
    assert len(requests) == 1


async def test_racing_requests_and_bindings_make_one_of_each(db: Database) -> None:
    async with open_admin_world(db) as aw:
        assert aw.app is not None
        binding: GroupBinding = aw.app.dispatcher["binding"]
        asked = await asyncio.gather(*(
            binding.ask(tg_chat_id=-100777, title="Г", requester=aw.boris.id, locale="ru")
            for _ in range(5)
        ))  # fmt: skip
        assert sum(a.created for a in asked) == 1
        assert len({a.request.id for a in asked}) == 1
        await asyncio.gather(*(
            binding.bind(tg_chat_id=-100778, title="Г", bound_by=aw.owner.id, locale="ru")
            for _ in range(5)
        ))  # fmt: skip
        binds = [e for e in await db.audit.list_recent() if e.action == "workspace.bind"]
        assert len(binds) == 1
        count = await db.pool.fetchval(
            "SELECT count(*) FROM workspaces WHERE tg_chat_id = ANY($1::bigint[])",
            [-100777, -100778],
        )
        assert count == 2


async def test_approval_binds_once_and_a_replayed_or_foreign_press_changes_nothing(
    aw: AdminWorld,
) -> None:
    await _owner_opened_private(aw)
    group = aw.forum_group()
    aw.say(aw.boris, "/setup", group.id)
    request = await aw.wait_private(aw.owner, says("security.request.text"))
    [approve] = [
        d for t, d in aw.buttons(request).items() if has(t, says("security.button.approve"))
    ]
    unpacked = GroupAccess.unpack(approve)

    # Boris forges the owner's button in his own private chat: refused, nothing bound.
    boris_view = {**request, "chat": {"id": aw.boris.id}}
    aw.say(aw.boris, "/start")
    await aw.wait_private(aw.boris, says("start"))
    boris_view["message_id"] = aw.last_private_id(aw.boris)
    forged = await aw.answer_of(aw.forge_press(aw.boris, boris_view, unpacked))
    assert forged["show_alert"] and has(forged["text"], says("security.owners_only"))
    assert (await aw.db.workspaces.get_by_chat(tg_chat_id=group.id)).state == "pending"

    await aw.press(aw.owner, request, says("security.button.approve"))
    await aw.wait_group_post(group.id, says("setup.bound", group="Поддержка"))
    replayed = await aw.answer_of(aw.forge_press(aw.owner, request, unpacked))
    assert replayed["show_alert"] and has(
        replayed["text"], says("security.request.already_decided")
    )
    binds = [e for e in await aw.db.audit.list_recent() if e.action == "workspace.bind"]
    assert len(binds) == 1


async def test_setup_without_owners_refuses_and_says_how_to_set_them(db: Database) -> None:
    def no_owners(settings: Settings) -> Settings:
        return settings.model_copy(update={"admin_ids": frozenset()})

    async with open_admin_world(db, no_owners) as aw:
        group = aw.forum_group()
        aw.say(aw.boris, "/setup", group.id)
        await aw.wait_group_post(group.id, says("security.setup.no_owners"))
        assert await aw.db.workspaces.list_all(only_active=True) == []


async def test_owners_list_and_unbind_groups(aw: AdminWorld) -> None:
    group, workspace = await aw.bound_group()
    await aw.add_by_one_line(
        aw.boris, f"/add_seller ozon {CLIENT_ID} {API_KEY}", says("add.summary")
    )
    [seller] = await aw.db.sellers.list_all()
    assert aw.app is not None and seller.id in aw.app.sync.seller_ids()

    aw.say(aw.boris, "/groups")  # a group admin is no owner
    await aw.wait_private(aw.boris, says("security.owners_only"))
    aw.say(aw.owner, "/groups")
    listing = await aw.wait_private(aw.owner, says("security.groups.title"))
    assert has(listing["text"], says("security.groups.line", group="Поддержка", shops=1))
    await aw.press(aw.owner, listing, says("security.button.unbind", group="Поддержка"))
    await aw.wait_private(aw.owner, says("security.groups.unbound", group="Поддержка"))
    await aw.wait_group_post(group.id, says("security.group.unbound_notice"))

    assert (await aw.db.workspaces.get(workspace_id=workspace.id)).state == "pending"
    assert (await aw.db.sellers.get(seller_id=seller.id)).state == "paused"
    assert seller.id not in aw.app.sync.seller_ids()
    actions = [e.action for e in await aw.db.audit.list_recent()]
    assert actions[:2] == ["workspace.unbind", "seller.pause"]
    # The bot removed and added back does not bring an unbound group back.
    aw.tg.remove_bot(group.id)
    aw.tg.add_bot(group.id, rights=FULL_RIGHTS)
    await aw.wait_group_post(group.id, says("setup.back"))
    assert (await aw.db.workspaces.get(workspace_id=workspace.id)).state == "pending"
    await wait_until(aw.outbox_settled)
