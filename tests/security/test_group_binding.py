"""Owners (ADMIN_IDS) list and unbind groups, through the real bot and the Telegram
emulator: the shops stop polling and the bot added back does not rebind. (Asking and
approving: tests/security/test_group_binding_handlers.py.)"""

from __future__ import annotations

from tests.support.texts import has, says
from tests.support.world import (
    API_KEY,
    CLIENT_ID,
    FULL_RIGHTS,
    AdminWorld,
    wait_until,
)


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
