"""Onboarding: the wizard connecting a seller whose buyer then reaches a topic, kept on the
whole bot (the new seller's first sync, its poll job and the buyer's message delivered by
the running workers); the bot added to a forum group, /setup and its rights fixed, and the
one-line form's answers, as handler cases (tests.support.handlers, group updates built by
tests.support.admin_steps)."""

from __future__ import annotations

from aiogram.methods import SendMessage

from bot.texts import text
from tests.support.admin_steps import (
    bot_standing,
    bot_with_rights,
    group_chat,
    group_posts,
    standing_changes,
)
from tests.support.handlers import BORIS, GROUP_ID, OWNER, VERA, HandlerWorld, buttons, texts
from tests.support.recorded_bot import BOT_USER
from tests.support.texts import has, said, says
from tests.support.world import (
    API_KEY,
    CLIENT_ID,
    NO_PREMIUM_ID,
    NO_PREMIUM_KEY,
    SECOND_ID,
    SECOND_KEY,
    WRONG_KEY,
    AdminWorld,
    wait_until,
)


async def test_bot_added_to_a_forum_group_then_setup_with_missing_rights_then_fixed(
    hw: HandlerWorld,
) -> None:
    chat = group_chat(GROUP_ID)
    hw.in_group(BORIS, "creator")
    hw.in_group(VERA, "member")
    hw.in_group(OWNER, "member")
    topics_only = bot_standing("administrator", ("can_manage_topics",))
    await standing_changes(hw, chat, BORIS, bot_standing("left"), topics_only)
    [hello] = await group_posts(hw, GROUP_ID)
    assert has(hello.text, says("setup.hello"))
    for right in ("can_delete_messages", "can_pin_messages"):
        assert has(hello.text, says(f"setup.right.{right}"))
    assert not has(hello.text, says("setup.right.can_manage_topics"))
    pending = await hw.db.workspaces.get_by_chat(tg_chat_id=GROUP_ID)
    assert pending.state == "pending"

    setup = hw.message(BORIS, "/setup", GROUP_ID)
    bot_with_rights(hw, asker=BORIS, asker_status="creator", rights=("can_manage_topics",))
    await hw.feed("message", setup)
    [report] = await group_posts(hw, GROUP_ID)
    assert has(report.text, says("setup.missing"))
    assert report.reply_parameters is not None
    assert report.reply_parameters.message_id == setup["message_id"]
    assert (await hw.db.workspaces.get_by_chat(tg_chat_id=GROUP_ID)).state == "pending"
    assert await hw.db.audit.list_recent() == []

    # Boris (the group's admin, not an owner) grants the rest: the bot asks the owner by
    # itself, nobody retypes /setup.
    full = bot_standing("administrator")
    hw.session.members[(GROUP_ID, BOT_USER.id)] = "administrator"  # getChatMember from now on
    requests = await standing_changes(hw, chat, BORIS, topics_only, full)
    [asked] = await group_posts(hw, GROUP_ID)
    assert has(asked.text, says("security.setup.asked"))
    [request] = [r for r in requests if isinstance(r, SendMessage) and r.chat_id == OWNER.id]
    assert has(request.text, says("security.request.text", group="Поддержка"))
    assert (await hw.db.workspaces.get_by_chat(tg_chat_id=GROUP_ID)).state == "pending"
    assert said(texts(await hw.say(OWNER, "/start"), OWNER.id), says("start"))
    await hw.feed("message", hw.message(BORIS, "/setup", GROUP_ID))  # asks no second time
    [again] = await group_posts(hw, GROUP_ID)
    assert has(again.text, says("security.setup.already_asked"))
    [approve] = [d for t, d in buttons(request).items() if has(t, says("security.button.approve"))]
    await hw.press(OWNER, approve, on=request)
    [bound] = await group_posts(hw, GROUP_ID)
    assert has(bound.text, says("setup.bound", group="Поддержка"))
    assert has(bound.text, says("setup.ready"))
    assert bound.reply_markup is not None  # the next step is a button, not a typed command
    [[shop]] = bound.reply_markup.inline_keyboard  # type: ignore[union-attr]
    assert has(shop.text, says("onboarding.button.add_seller"))
    assert shop.url == f"https://t.me/{BOT_USER.username}?start=add_seller"
    workspace = await hw.db.workspaces.get_by_chat(tg_chat_id=GROUP_ID)
    assert workspace.state == "active" and workspace.bound_by_tg_user_id == BORIS.id
    bind, asked_entry = await hw.db.audit.list_recent()
    assert (bind.action, bind.actor_tg_user_id) == ("workspace.bind", OWNER.id)
    assert bind.details["approved_by"] == OWNER.id
    assert (asked_entry.action, asked_entry.actor_tg_user_id) == ("workspace.request", BORIS.id)

    await hw.say(BORIS, "/setup", GROUP_ID)  # re-running re-checks, binds nothing new
    [rerun] = await group_posts(hw, GROUP_ID)
    assert has(rerun.text, says("setup.bound"))
    assert len(await hw.db.audit.list_recent()) == 2
    assert await hw.db.pool.fetchval(
        "SELECT count(*) FROM tg_outbox WHERE status = 'pending'"
    ) == 0  # fmt: skip


async def test_the_wizard_connects_a_seller_and_the_buyer_reaches_a_topic(
    aw: AdminWorld,
) -> None:
    chat_id, _ = aw.ozon.state.buyer_writes(CLIENT_ID, text="Где мой заказ?", order_number="111-1")
    group, workspace = await aw.bound_group()
    aw.say(aw.boris, "/start")
    await aw.wait_private(aw.boris, says("start"))

    aw.say(aw.boris, "/add_seller")
    question = await aw.wait_private(aw.boris, says("add.ask_marketplace"))
    await aw.press(aw.boris, question, "Ozon")
    await aw.wait_private(aw.boris, says("add.ask_client_id"))

    aw.say(aw.boris, "магазин")
    await aw.wait_private(aw.boris, says("add.bad_client_id"))
    aw.say(aw.boris, CLIENT_ID)
    await aw.wait_private(aw.boris, says("add.ask_key"))

    after = aw.last_private_id(aw.boris)
    wrong = aw.say(aw.boris, WRONG_KEY)
    await aw.wait_private(aw.boris, says("key.invalid_key"), after=after)
    assert await aw.db.sellers.list_all() == []
    assert wrong not in [m["message_id"] for m in aw.tg.messages(aw.boris.id)]  # key deleted

    after = aw.last_private_id(aw.boris)
    aw.say(aw.boris, API_KEY)
    ask_name = await aw.wait_private(aw.boris, says("add.ask_name"), after=after)
    assert text("button.keep_name", "ru", name="Ozon 777001") in aw.buttons(ask_name)
    after = aw.last_private_id(aw.boris)
    aw.say(aw.boris, "Обувь <и> сумки")
    summary = await aw.wait_private(aw.boris, says("add.summary"), after=after, seconds=15)

    history = [h.get("text", "") for h in summary["edit_history"]]
    assert any(has(h, says("add.checking", shop="Обувь <и> сумки")) for h in history)
    assert any(has(h, says("add.progress", found=2, imported=1)) for h in history)
    assert "Обувь &lt;и&gt; сумки" in summary["text"]  # the name as text, never as markup
    assert has(summary["text"], says("add.summary", shop="Обувь <и> сумки", imported=1))

    [seller] = await aw.db.sellers.list_all()
    assert (seller.name, seller.workspace_id, seller.state) == (
        "Обувь <и> сумки", workspace.id, "active",
    )  # fmt: skip
    assert aw.app is not None and seller.id in aw.app.sync.seller_ids()
    chat = await aw.db.chats.get_by_external(seller_id=seller.id, external_id=chat_id)

    async def in_topic() -> bool:
        current = await aw.db.chats.get(chat_id=chat.id)
        return current.topic_thread_id is not None and bool(
            [m for m in aw.tg.bot_messages(group.id, current.topic_thread_id)
             if "Где мой заказ?" in m.get("text", "")]
        )  # fmt: skip

    await wait_until(in_topic)
    actions = [e.action for e in await aw.db.audit.list_recent()]
    assert actions == ["seller.add", "workspace.bind"]


async def _one_line(hw: HandlerWorld, line: str, contains: str) -> str:
    """Boris sends ``line`` in private; the one message of his that has ``contains``."""
    [found] = [t for t in texts(await hw.say(BORIS, line), BORIS.id) if has(t, says(contains))]
    return found


async def test_the_one_line_form_good_and_bad_keys_each_with_its_own_message(
    hw: HandlerWorld,
) -> None:
    hw.ozon.state.add_seller(NO_PREMIUM_ID, NO_PREMIUM_KEY, premium=False, name="Без подписки")
    workspace = await hw.bound_group()
    assert said(texts(await hw.say(BORIS, "/start"), BORIS.id), says("start"))

    bad_id = await _one_line(hw, f"/add_seller ozon abc {API_KEY}", "key.bad_client_id")
    assert has(bad_id, says("key.bad_client_id"))
    invalid = await _one_line(hw, f"/add_seller ozon {CLIENT_ID} {WRONG_KEY}", "add.nothing_saved")
    assert has(invalid, says("key.invalid_key"))
    no_premium = await _one_line(
        hw, f"/add_seller ozon {NO_PREMIUM_ID} {NO_PREMIUM_KEY}", "add.nothing_saved"
    )
    assert has(no_premium, says("key.no_premium"))
    hw.ozon.state.add_fault("drop", count=4, path="/v3/chat/list", client_id=CLIENT_ID)
    unreachable = await _one_line(
        hw, f"/add_seller ozon {CLIENT_ID} {API_KEY}", "add.nothing_saved"
    )
    assert has(unreachable, says("key.unreachable"))
    assert await hw.db.sellers.list_all() == []

    done = await _one_line(hw, f"/add_seller ozon {SECOND_ID} {SECOND_KEY} Одежда", "add.summary")
    assert has(done, says("add.summary", shop="Одежда"))
    [seller] = await hw.db.sellers.list_all()
    assert (seller.client_id, seller.name, seller.workspace_id) == (
        SECOND_ID, "Одежда", workspace.id,
    )  # fmt: skip
    again = await _one_line(hw, f"/add_seller ozon {SECOND_ID} {SECOND_KEY}", "add.duplicate")
    assert SECOND_ID in again
    assert len(await hw.db.sellers.list_all()) == 1
