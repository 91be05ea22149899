"""A group admin's /setup asks the owners (ADMIN_IDS) once, and only an owner's press binds
the group: one update at a time (tests.support.handlers), each answer by text key; racing
requests make one of each. Listing and unbinding stay in test_group_binding.py."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiogram.methods import SendMessage, TelegramMethod

from bot.admin.binding import GroupBinding
from bot.admin.callbacks import GroupAccess
from storage.database import Database
from tests.support.handlers import (
    BORIS,
    GROUP_ID,
    OWNER,
    HandlerWorld,
    buttons,
    open_handler_world,
    texts,
)
from tests.support.recorded_bot import BOT_USER
from tests.support.texts import has, said, says
from tests.support.world import API_KEY, CLIENT_ID


@pytest.fixture
async def hw(db: Database) -> AsyncIterator[HandlerWorld]:
    async with open_handler_world(db) as opened:
        opened.in_group(BORIS, "creator")  # an unbound group, ready, Boris its admin
        opened.session.members[(GROUP_ID, BOT_USER.id)] = "administrator"
        yield opened


def requests_to_owner(requests: list[TelegramMethod[Any]]) -> list[SendMessage]:
    return [
        r for r in requests
        if isinstance(r, SendMessage) and r.chat_id == OWNER.id
        and has(r.text, says("security.request.text"))
    ]  # fmt: skip


async def pressed(hw: HandlerWorld, before: int, chat_id: int | None = None) -> list[str]:
    """Texts sent (to ``chat_id``) since request ``before`` (during a press) and then by
    the outbox."""
    return texts(hw.session.requests[before:] + await hw.deliver(), chat_id)


async def setup_by_boris(hw: HandlerWorld) -> tuple[dict[str, Any], list[TelegramMethod[Any]]]:
    asked = hw.message(BORIS, "/setup", GROUP_ID)
    return asked, await hw.feed("message", asked) + await hw.deliver()


async def test_a_group_admins_setup_asks_the_owner_and_nothing_is_bound(
    hw: HandlerWorld,
) -> None:
    asked, requests = await setup_by_boris(hw)
    [told] = [r for r in requests if isinstance(r, SendMessage) and r.chat_id == GROUP_ID]
    assert has(told.text, says("security.setup.asked"))
    assert told.reply_parameters is not None
    assert told.reply_parameters.message_id == asked["message_id"]
    [request] = requests_to_owner(requests)
    assert has(request.text, says("security.request.text", person="Борис", group="Поддержка"))
    assert set(buttons(request)) == {
        says("security.button.approve").template,
        says("security.button.reject").template,
    }
    assert (await hw.db.workspaces.get_by_chat(tg_chat_id=GROUP_ID)).state == "pending"

    # Before approval the group admin can connect no shop: nothing is polled or drafted.
    refused = texts(await hw.say(BORIS, f"/add_seller ozon {CLIENT_ID} {API_KEY}"), BORIS.id)
    assert said(refused, says("refused"))
    assert await hw.db.sellers.list_all() == []

    [reject] = [d for t, d in buttons(request).items() if has(t, says("security.button.reject"))]
    before = len(hw.session.requests)
    rejected = await hw.press(OWNER, reject, on=request)
    assert not rejected.show_alert
    assert said(await pressed(hw, before, GROUP_ID), says("security.request.group_rejected"))
    assert said(texts(hw.session.requests[before:], OWNER.id), says("security.request.rejected"))
    assert (await hw.db.workspaces.get_by_chat(tg_chat_id=GROUP_ID)).state == "pending"
    actions = [e.action for e in await hw.db.audit.list_recent()]
    assert actions == ["workspace.request_reject", "workspace.request"]


async def test_a_second_setup_makes_no_second_request(hw: HandlerWorld) -> None:
    _, first = await setup_by_boris(hw)
    assert len(requests_to_owner(first)) == 1
    again, second = await setup_by_boris(hw)
    [told] = [r for r in second if isinstance(r, SendMessage) and r.chat_id == GROUP_ID]
    assert has(told.text, says("security.setup.already_asked"))
    assert told.reply_parameters is not None
    assert told.reply_parameters.message_id == again["message_id"]
    assert requests_to_owner(second) == []


async def test_approval_binds_once_and_a_replayed_or_foreign_press_changes_nothing(
    hw: HandlerWorld,
) -> None:
    _, requests = await setup_by_boris(hw)
    [request] = requests_to_owner(requests)
    [approve] = [d for t, d in buttons(request).items() if has(t, says("security.button.approve"))]
    assert GroupAccess.unpack(approve).approve

    # Boris forges the owner's button in his own private chat: refused, nothing bound.
    forged = await hw.press(BORIS, approve)
    assert forged.show_alert and forged.text in says("security.owners_only")
    assert (await hw.db.workspaces.get_by_chat(tg_chat_id=GROUP_ID)).state == "pending"

    before = len(hw.session.requests)
    approved = await hw.press(OWNER, approve, on=request)
    assert not approved.show_alert
    assert said(await pressed(hw, before, GROUP_ID), says("setup.bound", group="Поддержка"))
    assert (await hw.db.workspaces.get_by_chat(tg_chat_id=GROUP_ID)).state == "active"
    replayed = await hw.press(OWNER, approve, on=request)
    assert replayed.show_alert and replayed.text in says("security.request.already_decided")
    binds = [e for e in await hw.db.audit.list_recent() if e.action == "workspace.bind"]
    assert len(binds) == 1


async def test_racing_requests_and_bindings_make_one_of_each(hw: HandlerWorld) -> None:
    binding: GroupBinding = hw.app.dispatcher["binding"]
    asked = await asyncio.gather(*(
        binding.ask(tg_chat_id=-100777, title="Г", requester=BORIS.id, locale="ru")
        for _ in range(5)
    ))  # fmt: skip
    assert sum(a.created for a in asked) == 1
    assert len({a.request.id for a in asked}) == 1
    await asyncio.gather(*(
        binding.bind(tg_chat_id=-100778, title="Г", bound_by=OWNER.id, locale="ru")
        for _ in range(5)
    ))  # fmt: skip
    binds = [e for e in await hw.db.audit.list_recent() if e.action == "workspace.bind"]
    assert len(binds) == 1
    count = await hw.db.pool.fetchval(
        "SELECT count(*) FROM workspaces WHERE tg_chat_id = ANY($1::bigint[])",
        [-100777, -100778],
    )
    assert count == 2
