"""Onboarding by buttons and deep links (issue 16, item 2), one update at a time through
the real dispatcher (tests.support.handlers): /start's buttons and the rights its
``startgroup`` link asks for, the bot added with missing rights → «🔄 Проверить снова» →
connected, connecting by itself on promotion, an answer for every sender of /setup and for
every private input, the bot's descriptions, /help by role."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

from aiogram.methods import (
    SendMessage,
    SetMyDescription,
    SetMyShortDescription,
    TelegramMethod,
)
from aiogram.types import InlineKeyboardButton

from bot.admin.setup import REQUIRED_RIGHTS
from bot.admin.setup_callbacks import OpenAddSeller, RecheckGroup, ShowHelp
from tests.support.admin_steps import bot_standing, group_chat, group_posts, standing_changes
from tests.support.handlers import (
    BORIS,
    GLEB,
    GROUP_ID,
    OWNER,
    VERA,
    HandlerWorld,
    Shown,
    texts,
)
from tests.support.recorded_bot import BOT_USER
from tests.support.texts import has, said, says

ADD_SELLER_LINK = f"https://t.me/{BOT_USER.username}?start=add_seller"


def keyboard(method: Shown) -> list[InlineKeyboardButton]:
    rows = getattr(method.reply_markup, "inline_keyboard", None) or []
    return [button for row in rows for button in row]


def button(method: Shown, key: str) -> InlineKeyboardButton:
    [found] = [b for b in keyboard(method) if has(b.text, says(key))]
    return found


def private_to(person_id: int, requests: list[TelegramMethod[Any]]) -> list[SendMessage]:
    return [r for r in requests if isinstance(r, SendMessage) and r.chat_id == person_id]


async def test_start_offers_the_group_link_with_the_rights_a_shop_and_help(
    hw: HandlerWorld,
) -> None:
    [welcome] = private_to(GLEB.id, await hw.say(GLEB, "/start"))
    assert has(welcome.text, says("start"))
    link = urlsplit(button(welcome, "onboarding.button.add_to_group").url or "")
    assert (link.scheme, link.netloc, link.path) == ("https", "t.me", f"/{BOT_USER.username}")
    query = parse_qs(link.query)
    assert query["startgroup"] == ["setup"]
    [rights] = query["admin"]  # Telegram's names, exactly what bot.admin.setup checks
    assert sorted(rights.split(" ")) == sorted(r.removeprefix("can_") for r in REQUIRED_RIGHTS)
    assert "+" in link.query.split("admin=")[1]  # joined with "+", as Telegram reads it

    shop = button(welcome, "onboarding.button.add_seller")
    refused = await hw.press(GLEB, shop.callback_data or "", on=welcome)  # no group of his
    assert not refused.show_alert
    assert said(hw.session.texts(GLEB.id)[-1:], says("refused"))
    await hw.press(GLEB, button(welcome, "onboarding.button.help").callback_data or "")
    assert has(hw.session.texts(GLEB.id)[-1], says("help.footer"))
    assert ShowHelp().pack() == button(welcome, "onboarding.button.help").callback_data

    await hw.bound_group()  # Boris administers a connected group: the wizard opens
    await hw.press(BORIS, OpenAddSeller())
    assert has(hw.session.texts(BORIS.id)[-1], says("add.ask_marketplace"))
    [opened] = texts(await hw.say(BORIS, "/start add_seller"), BORIS.id)  # the group's link
    assert has(opened, says("add.ask_marketplace"))


async def test_added_with_missing_rights_then_check_again_connects(hw: HandlerWorld) -> None:
    hw.in_group(VERA, "member")
    chat = group_chat(GROUP_ID)
    topics_only = bot_standing("administrator", ("can_manage_topics",))
    hw.session.members[(GROUP_ID, BOT_USER.id)] = "member"  # what getChatMember says now
    await standing_changes(hw, chat, OWNER, bot_standing("left"), topics_only)
    [missing] = await group_posts(hw, GROUP_ID)
    assert has(missing.text, says("setup.missing"))
    assert has(missing.text, says("setup.right.can_pin_messages"))
    recheck = button(missing, "onboarding.button.recheck")
    assert recheck.callback_data == RecheckGroup().pack()

    agent = await hw.press(VERA, recheck.callback_data, on=missing)
    assert agent.show_alert and has(agent.text, says("onboarding.recheck.admins_only"))
    early = await hw.press(OWNER, recheck.callback_data, on=missing)  # nothing fixed yet
    assert early.show_alert and has(early.text, says("onboarding.recheck.not_admin"))
    assert await group_posts(hw, GROUP_ID) == []  # the group hears nothing of a no-change

    # Rights granted in a way Telegram reports to nobody (or the update was missed):
    hw.session.members[(GROUP_ID, BOT_USER.id)] = "administrator"
    pressed = await hw.press(OWNER, recheck.callback_data, on=missing)
    assert not pressed.show_alert
    [bound] = await group_posts(hw, GROUP_ID)
    assert has(bound.text, says("setup.bound", group="Поддержка"))
    assert not has(bound.text, says("setup.ready_unbound"))
    assert button(bound, "onboarding.button.add_seller").url == ADD_SELLER_LINK
    workspace = await hw.db.workspaces.get_by_chat(tg_chat_id=GROUP_ID)
    assert (workspace.state, workspace.bound_by_tg_user_id) == ("active", OWNER.id)
    again = await hw.press(OWNER, recheck.callback_data, on=missing)
    assert again.show_alert and has(again.text, says("onboarding.recheck.connected"))
    assert [e.action for e in await hw.db.audit.list_recent()] == ["workspace.bind"]


async def test_promoted_by_an_owner_it_connects_by_itself(hw: HandlerWorld) -> None:
    chat = group_chat(GROUP_ID)
    await standing_changes(hw, chat, OWNER, bot_standing("left"), bot_standing("member"))
    [hello] = await group_posts(hw, GROUP_ID)
    assert has(hello.text, says("setup.hello")) and has(hello.text, says("setup.fix.not_admin"))
    assert button(hello, "onboarding.button.recheck")

    await standing_changes(hw, chat, OWNER, bot_standing("member"), bot_standing("administrator"))
    [bound] = await group_posts(hw, GROUP_ID)
    assert has(bound.text, says("setup.bound", group="Поддержка"))
    assert has(bound.text, says("setup.ready"))
    assert button(bound, "onboarding.button.add_seller").url == ADD_SELLER_LINK
    assert (await hw.db.workspaces.get_by_chat(tg_chat_id=GROUP_ID)).state == "active"


async def test_setup_by_an_anonymous_admin_asks_to_turn_anonymity_off(hw: HandlerWorld) -> None:
    group = group_chat(GROUP_ID)
    anonymous = {"id": 1087968824, "is_bot": True, "first_name": "Group",
                 "username": "GroupAnonymousBot"}  # fmt: skip
    asked = {**hw.message(BORIS, "/setup", GROUP_ID), "from": anonymous, "sender_chat": group}
    await hw.feed("message", asked)
    [told] = await group_posts(hw, GROUP_ID)
    assert has(told.text, says("onboarding.setup.anonymous"))
    assert told.reply_parameters is not None
    assert told.reply_parameters.message_id == asked["message_id"]
    assert (await hw.db.workspaces.get_by_chat(tg_chat_id=GROUP_ID)).state == "pending"


async def test_free_text_and_unknown_commands_in_private_get_a_hint(hw: HandlerWorld) -> None:
    [hint] = texts(await hw.say(GLEB, "Здравствуйте, где мой заказ?"), GLEB.id)
    assert has(hint, says("onboarding.fallback.text"))
    [unknown] = texts(await hw.say(GLEB, "/frobnicate now"), GLEB.id)
    assert has(unknown, says("onboarding.fallback.command", command="/frobnicate"))
    photo = {"photo": [{"file_id": "p1", "file_unique_id": "u1", "width": 1, "height": 1}]}
    message = {k: v for k, v in hw.message(GLEB, "", **photo).items() if k != "text"}
    [pictured] = texts(await hw.feed("message", message), GLEB.id)
    assert has(pictured, says("onboarding.fallback.text"))

    await hw.bound_group()
    await hw.say(BORIS, "/add_seller")  # the wizard waits for a marketplace button
    [waiting] = texts(await hw.say(BORIS, "Ozon"), BORIS.id)
    assert has(waiting, says("onboarding.fallback.in_wizard"))
    # ...and the wizard's own steps still read free text first (bot.handlers order)
    await hw.say(BORIS, "/cancel")
    hello = texts(await hw.say(VERA, "просто текст", GROUP_ID))
    assert hello == []  # in the group, free text is the agents' own talk


async def test_descriptions_are_set_in_both_languages_at_start_up(hw: HandlerWorld) -> None:
    [publish] = [
        h.callback
        for h in hw.app.dispatcher.startup.handlers
        if h.callback.__name__ == "publish_profile"
    ]
    for _ in range(3):
        hw.session.add_result_for(SetMyDescription, True)
        hw.session.add_result_for(SetMyShortDescription, True)
    before = len(hw.session.requests)
    await publish()  # each request checked against the Bot API spec by the session
    sent = hw.session.requests[before:]
    long = {r.language_code: r.description for r in sent if isinstance(r, SetMyDescription)}
    short = {
        r.language_code: r.short_description for r in sent if isinstance(r, SetMyShortDescription)
    }
    assert set(long) == set(short) == {None, "ru", "en"}
    for code, locale in ((None, "ru"), ("ru", "ru"), ("en", "en")):
        assert long[code] == says("onboarding.description", locale).template
        assert short[code] == says("onboarding.short_description", locale).template
        assert len(long[code] or "") <= 512 and len(short[code] or "") <= 120


async def _group_help(hw: HandlerWorld, person: Any) -> str:
    await hw.feed("message", hw.message(person, "/help", GROUP_ID))
    [reply] = await group_posts(hw, GROUP_ID)
    return reply.text


async def test_help_lists_only_what_each_person_may_use(hw: HandlerWorld) -> None:
    await hw.bound_group()  # Boris the group's admin, Vera an agent
    agent = await _group_help(hw, VERA)
    assert has(agent, says("help.section.agents")) and "/queue" in agent and "/take" in agent
    assert not has(agent, says("help.section.admins"))
    assert "/setup" not in agent and "/rules" not in agent
    assert "/start" not in agent  # a private chat's command, not the group's
    admin = await _group_help(hw, BORIS)
    assert has(admin, says("help.section.admins")) and "/setup" in admin and "/rules" in admin
    assert "/groups" not in admin  # the bot's owners only, in private

    [stranger] = texts(await hw.say(GLEB, "/help"), GLEB.id)
    assert not has(stranger, says("help.section.admins")) and "/add_seller" not in stranger
    [boris] = texts(await hw.say(BORIS, "/help"), BORIS.id)
    assert "/add_seller" in boris and "/groups" not in boris
    [olga] = texts(await hw.say(OWNER, "/help"), OWNER.id)
    assert "/groups" in olga


async def test_added_by_a_group_admin_it_asks_the_owner_who_may_bind_directly(
    hw: HandlerWorld,
) -> None:
    hw.in_group(BORIS, "creator")
    hw.in_group(OWNER, "member")
    hw.session.members[(GROUP_ID, BOT_USER.id)] = "administrator"
    chat = group_chat(GROUP_ID)
    added = await standing_changes(
        hw, chat, BORIS, bot_standing("left"), bot_standing("administrator")
    )
    [request] = private_to(OWNER.id, added)  # asked by itself: nobody typed /setup
    [asked] = await group_posts(hw, GROUP_ID)
    assert has(asked.text, says("setup.hello")) and has(asked.text, says("security.setup.asked"))
    assert (await hw.db.workspaces.get_by_chat(tg_chat_id=GROUP_ID)).state == "pending"

    await hw.say(OWNER, "/setup", GROUP_ID)  # the owner binds it without the request
    [bound] = await group_posts(hw, GROUP_ID)
    assert has(bound.text, says("setup.bound"))
    [listing] = texts(await hw.say(OWNER, "/groups"), OWNER.id)
    assert not has(listing, says("security.groups.pending_title"))  # the request is settled
    approve = next(iter(b.callback_data for b in keyboard(request) if b.callback_data))
    late = await hw.press(OWNER, approve, on=request)
    assert late.show_alert and has(late.text, says("security.request.already_decided"))
    bind, asking = await hw.db.audit.list_recent()
    assert (bind.action, asking.action) == ("workspace.bind", "workspace.request")
    assert bind.details["request_id"] == asking.details["request_id"]
