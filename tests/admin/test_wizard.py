"""The wizard's edges one update at a time (tests.support.handlers): several workspaces, a
long first sync (cancelling at every step, stale buttons and forged choices:
tests/admin/test_wizard_handlers.py)."""

from __future__ import annotations

from datetime import timedelta

from aiogram.methods import EditMessageText, SendMessage

from bot.admin.callbacks import PickWorkspace
from tests.support.admin_steps import group_chat, group_posts, in_chat, next_message_id
from tests.support.handlers import BORIS, GROUP_ID, OWNER, HandlerWorld, buttons, texts
from tests.support.recorded_bot import BOT_USER
from tests.support.texts import has, said, says
from tests.support.world import API_KEY, CLIENT_ID, SECOND_ID, SECOND_KEY

SECOND_GROUP = GROUP_ID - 1


async def test_several_workspaces_are_offered_as_buttons(hw: HandlerWorld) -> None:
    first = await hw.bound_group()
    hw.in_group(BORIS, "creator", SECOND_GROUP)
    hw.in_group(OWNER, "member", SECOND_GROUP)
    hw.session.members[(SECOND_GROUP, BOT_USER.id)] = "administrator"
    await hw.feed("message", in_chat(hw, OWNER, "/setup", group_chat(SECOND_GROUP, "Вторая")))
    [bound] = await group_posts(hw, SECOND_GROUP)
    assert has(bound.text, says("setup.bound", group="Вторая"))
    second = await hw.db.workspaces.get_by_chat(tg_chat_id=SECOND_GROUP)

    requests = await hw.say(BORIS, f"/add_seller ozon {CLIENT_ID} {API_KEY} Обувь")
    [which] = [
        r for r in requests
        if isinstance(r, SendMessage) and has(r.text, says("add.ask_workspace"))
    ]  # fmt: skip
    assert set(buttons(which)) >= {"Поддержка", "Вторая"}
    # A forged choice of a workspace Boris does not administer is refused.
    foreign = await hw.db.workspaces.bind(tg_chat_id=-1009, title="Чужая", bound_by_tg_user_id=1)
    refused = await hw.press(BORIS, PickWorkspace(workspace_id=foreign.id), on=which)
    assert refused.show_alert
    before = len(hw.session.requests)
    await hw.press(BORIS, buttons(which)["Вторая"], on=which)
    done = texts(hw.session.requests[before:], BORIS.id)
    assert said(done, says("add.summary", group="Вторая"))
    [seller] = await hw.db.sellers.list_all()
    assert seller.workspace_id == second.id != first.id


async def test_a_long_first_sync_edits_one_progress_message(hw: HandlerWorld) -> None:
    await hw.bound_group()
    hw.ozon.state.seed_chats(SECOND_ID, 250, age=timedelta(days=30))
    for message_id in (9001, 9002):  # the ids Telegram gives the next two messages sent
        next_message_id(hw, BORIS.id, message_id)
    requests = await hw.say(BORIS, f"/add_seller ozon {SECOND_ID} {SECOND_KEY} Одежда")
    mine = [r for r in requests if isinstance(r, SendMessage) and r.chat_id == BORIS.id]
    note, progress = mine  # a note that the key message was deleted, then one message
    assert has(note.text, says("add.key_message_deleted"))
    edits = [r for r in requests if isinstance(r, EditMessageText)]
    assert {(e.chat_id, e.message_id) for e in edits} == {(BORIS.id, 9002)}  # the second one
    history = [progress.text, *(e.text for e in edits)]
    assert any(has(h, says("add.progress", found=100)) for h in history), history
    assert has(edits[-1].text, says("add.summary", found=251))
    [seller] = await hw.db.sellers.list_all()
    assert seller.id in hw.app.sync.seller_ids()  # and its poll job is scheduled
