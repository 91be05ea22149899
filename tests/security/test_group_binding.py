"""Owners (ADMIN_IDS) list and unbind groups, one update at a time through the assembled
dispatcher (tests.support.handlers): the shops stop polling and the bot added back does not
rebind. (Asking and approving: tests/security/test_group_binding_handlers.py.)"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tests.support.handlers import BORIS, GROUP_ID, OWNER, HandlerWorld, buttons, shown, texts
from tests.support.recorded_bot import BOT_USER, member
from tests.support.texts import has, said, says
from tests.support.world import API_KEY, CLIENT_ID


def bot_membership(old: str, new: str) -> dict[str, Any]:
    """Telegram's my_chat_member update: the bot's status in the group changed."""

    def status(name: str) -> dict[str, Any]:
        return member(name, BOT_USER.id).model_dump(mode="json", exclude_none=True) | {
            "user": BOT_USER.model_dump(mode="json", exclude_none=True)
        }

    return {
        "chat": {"id": GROUP_ID, "type": "supergroup", "title": "Поддержка", "is_forum": True},
        "from": BORIS.to_dict(),
        "date": int(datetime.now(UTC).timestamp()),
        "old_chat_member": status(old),
        "new_chat_member": status(new),
    }


async def test_owners_list_and_unbind_groups(hw: HandlerWorld) -> None:
    workspace = await hw.bound_group()
    added = await hw.say(BORIS, f"/add_seller ozon {CLIENT_ID} {API_KEY}")
    assert said(texts(added + await hw.deliver(), BORIS.id), says("add.summary"))
    [seller] = await hw.db.sellers.list_all()
    assert seller.id in hw.app.sync.seller_ids()

    refused = await hw.say(BORIS, "/groups")  # a group admin is no owner
    assert said(texts(refused, BORIS.id), says("security.owners_only"))
    [listing] = [m for m in shown(await hw.say(OWNER, "/groups")) if m.chat_id == OWNER.id]
    assert has(listing.text, says("security.groups.title"))
    assert has(listing.text, says("security.groups.line", group="Поддержка", shops=1))
    [unbind] = [
        data
        for label, data in buttons(listing).items()
        if has(label, says("security.button.unbind", group="Поддержка"))
    ]
    before = len(hw.session.requests)
    await hw.press(OWNER, unbind, on=listing)
    assert said(
        texts(hw.session.requests[before:], OWNER.id),
        says("security.groups.unbound", group="Поддержка"),
    )
    assert said(texts(await hw.deliver(), GROUP_ID), says("security.group.unbound_notice"))

    assert (await hw.db.workspaces.get(workspace_id=workspace.id)).state == "pending"
    assert (await hw.db.sellers.get(seller_id=seller.id)).state == "paused"
    assert seller.id not in hw.app.sync.seller_ids()
    actions = [e.action for e in await hw.db.audit.list_recent()]
    assert actions[:2] == ["workspace.unbind", "seller.pause"]
    # The bot removed and added back does not bring an unbound group back.
    await hw.feed("my_chat_member", bot_membership("administrator", "left"))
    await hw.feed("my_chat_member", bot_membership("left", "administrator"))
    assert said(texts(await hw.deliver(), GROUP_ID), says("setup.back"))
    assert (await hw.db.workspaces.get(workspace_id=workspace.id)).state == "pending"
    assert await hw.deliver() == []  # the outbox settled
