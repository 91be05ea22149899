"""/setup, /sellers, /help and key lines typed in a group, one update at a time
(tests.support.handlers): the handlers find the group's workspace and remember a group
through GroupBinding, and post in the group through the outbox (nothing is sent to the
group while handling)."""

from __future__ import annotations

from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.methods import DeleteMessage, SendMessage

from bot.settings import Settings
from storage.database import Database
from tests.support.handlers import (
    BORIS,
    GROUP_ID,
    OWNER,
    VERA,
    HandlerWorld,
    open_handler_world,
    texts,
)
from tests.support.recorded_bot import BOT_USER
from tests.support.texts import has, says
from tests.support.world import API_KEY, CLIENT_ID

THREAD = 5


async def _group_posts(hw: HandlerWorld) -> list[SendMessage]:
    return [r for r in await hw.deliver() if isinstance(r, SendMessage) and r.chat_id == GROUP_ID]


def _in_topic(hw: HandlerWorld, text: str) -> dict[str, object]:
    return hw.message(BORIS, text, GROUP_ID, message_thread_id=THREAD, is_topic_message=True)


async def test_setup_in_a_group_not_ready_remembers_it_and_says_what_to_fix(
    hw: HandlerWorld,
) -> None:
    hw.in_group(BORIS, "creator")
    hw.session.members[(GROUP_ID, BOT_USER.id)] = "member"  # no admin rights yet
    asked = _in_topic(hw, "/setup")
    assert texts(await hw.feed("message", asked)) == []  # only through the outbox
    workspace = await hw.db.workspaces.get_by_chat(tg_chat_id=GROUP_ID)
    assert workspace.state == "pending"
    [post] = await _group_posts(hw)
    assert has(post.text, says("setup.missing"))
    assert post.message_thread_id == THREAD
    assert post.reply_parameters is not None
    assert post.reply_parameters.message_id == asked["message_id"]
    assert texts(hw.session.requests, OWNER.id) == []  # nobody asked to approve


async def test_setup_in_a_bound_group_that_lost_rights_keeps_it_bound(hw: HandlerWorld) -> None:
    bound = await hw.bound_group()
    hw.session.members[(GROUP_ID, BOT_USER.id)] = "member"
    await hw.say(BORIS, "/setup", GROUP_ID)
    assert (await hw.db.workspaces.get(workspace_id=bound.id)).state == "active"
    [post] = await _group_posts(hw)
    assert has(post.text, says("setup.missing"))


async def test_the_owners_setup_binds_the_group_and_says_so(hw: HandlerWorld) -> None:
    hw.in_group(OWNER, "member")
    hw.session.members[(GROUP_ID, BOT_USER.id)] = "administrator"
    await hw.say(OWNER, "/setup", GROUP_ID)
    workspace = await hw.db.workspaces.get_by_chat(tg_chat_id=GROUP_ID)
    assert (workspace.state, workspace.bound_by_tg_user_id) == ("active", OWNER.id)
    assert [e.action for e in await hw.db.audit.list_recent()] == ["workspace.bind"]
    [post] = await _group_posts(hw)
    assert has(post.text, says("setup.bound"))


async def test_setup_without_owners_remembers_the_group_and_refuses(db: Database) -> None:
    def no_owners(settings: Settings) -> Settings:
        return settings.model_copy(update={"admin_ids": frozenset()})

    async with open_handler_world(db, no_owners) as hw:
        hw.in_group(BORIS, "creator")
        await hw.feed("message", _in_topic(hw, "/setup"))
        assert (await db.workspaces.get_by_chat(tg_chat_id=GROUP_ID)).state == "pending"
        [post] = await _group_posts(hw)
        assert has(post.text, says("security.setup.no_owners"))
        assert post.message_thread_id == THREAD


async def test_sellers_in_the_group_sends_the_list_in_private_and_says_so_there(
    hw: HandlerWorld,
) -> None:
    workspace = await hw.bound_group()
    await hw.add_seller(workspace)
    asked = hw.message(BORIS, "/sellers", GROUP_ID)
    requests = await hw.feed("message", asked)
    [listing] = [r for r in requests if isinstance(r, SendMessage)]
    assert listing.chat_id == BORIS.id
    assert has(listing.text, says("sellers.title")) and has(listing.text, "Обувь")
    [post] = await _group_posts(hw)
    assert has(post.text, says("sellers.group.sent_private"))
    assert post.reply_parameters is not None
    assert post.reply_parameters.message_id == asked["message_id"]


async def test_sellers_in_a_group_that_is_not_bound_is_ignored(hw: HandlerWorld) -> None:
    hw.in_group(BORIS, "creator")
    await hw.db.workspaces.register_pending(tg_chat_id=GROUP_ID, title="Поддержка")
    assert texts(await hw.say(BORIS, "/sellers", GROUP_ID)) == []
    assert await _group_posts(hw) == []


async def test_help_in_a_group_the_bot_left_is_ignored(hw: HandlerWorld) -> None:
    workspace = await hw.bound_group()
    await hw.db.workspaces.set_state(workspace_id=workspace.id, state="detached")
    await hw.say(BORIS, "/help", GROUP_ID)
    assert await _group_posts(hw) == []


async def test_sellers_from_an_agent_in_the_group_is_ignored(hw: HandlerWorld) -> None:
    await hw.bound_group()
    assert texts(await hw.say(VERA, "/sellers", GROUP_ID)) == []
    assert await _group_posts(hw) == []


async def test_a_key_the_bot_cannot_delete_gets_a_louder_warning(hw: HandlerWorld) -> None:
    """The bot may not delete messages in this (not yet bound) group: it says so loudly,
    and the shop is not connected."""
    hw.in_group(VERA, "member")
    await hw.db.workspaces.register_pending(tg_chat_id=GROUP_ID, title="Поддержка")
    hw.session.add_result_for(
        DeleteMessage,
        TelegramBadRequest(DeleteMessage(chat_id=GROUP_ID, message_id=1),
                           "Bad Request: message can't be deleted"),
    )  # fmt: skip
    leaked = hw.message(VERA, f"/add_seller ozon {CLIENT_ID} {API_KEY}", GROUP_ID)
    requests = await hw.feed("message", leaked)
    assert [r.message_id for r in requests if isinstance(r, DeleteMessage)] == [
        leaked["message_id"]
    ]  # it tried
    [warning] = await _group_posts(hw)
    assert has(warning.text, says("add.group.not_deleted"))
    assert not has(warning.text, says("add.group.deleted"))
    assert API_KEY not in repr(hw.session.requests)
    assert (await hw.db.workspaces.get_by_chat(tg_chat_id=GROUP_ID)).state == "pending"
    assert await hw.db.sellers.list_all() == []


async def test_a_key_in_the_group_from_someone_without_a_private_chat(hw: HandlerWorld) -> None:
    await hw.bound_group()
    never_opened = "Forbidden: bot can't initiate conversation with a user"
    blocked = TelegramForbiddenError(SendMessage(chat_id=BORIS.id, text="…"), never_opened)
    hw.session.add_result_for(SendMessage, blocked)
    leaked = hw.message(BORIS, f"/add_seller ozon {CLIENT_ID} {API_KEY}", GROUP_ID)
    requests = await hw.feed("message", leaked)
    assert [(r.chat_id, r.message_id) for r in requests if isinstance(r, DeleteMessage)] == [
        (GROUP_ID, leaked["message_id"])
    ]
    [warning] = await _group_posts(hw)
    assert has(warning.text, says("add.group.deleted"))
    assert has(warning.text, says("add.group.open_private"))
    assert await hw.db.sellers.list_all() == []


async def test_a_strangers_key_is_deleted_too_but_nothing_else_happens(hw: HandlerWorld) -> None:
    await hw.bound_group()
    leaked = hw.message(VERA, f"/add_seller ozon {CLIENT_ID} {API_KEY}", GROUP_ID)
    requests = await hw.feed("message", leaked)
    assert [(r.chat_id, r.message_id) for r in requests if isinstance(r, DeleteMessage)] == [
        (GROUP_ID, leaked["message_id"])
    ]
    [warning] = await _group_posts(hw)
    assert has(warning.text, says("add.group.deleted"))
    assert not has(warning.text, says("add.group.continue_private"))
    assert not has(warning.text, says("add.group.open_private"))
    assert texts(hw.session.requests, VERA.id) == []  # nothing in her private chat
    assert await hw.db.sellers.list_all() == []
