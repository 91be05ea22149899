"""Command menus per scope and language, and the admin flow in English, one update at a
time (tests.support.handlers): the menus are what the dispatcher's start-up hook
publishes, each setMyCommands checked against the Bot API spec."""

from __future__ import annotations

import dataclasses
from typing import Any

from aiogram.methods import SetMyCommands

from bot.settings import Settings
from storage.database import Database
from tests.support.admin_steps import bot_with_rights, group_posts
from tests.support.handlers import (
    BORIS,
    GLEB,
    GROUP_ID,
    OWNER,
    HandlerWorld,
    open_handler_world,
    texts,
)
from tests.support.recorded_bot import BOT_USER
from tests.support.texts import has, said, says
from tests.support.world import API_KEY, CLIENT_ID


async def _published_menus(hw: HandlerWorld) -> dict[str, list[dict[str, Any]]]:
    """Run the start-up hook that publishes the menus; ``scope|language`` → commands."""
    [publish] = [
        h.callback
        for h in hw.app.dispatcher.startup.handlers
        if h.callback.__name__ == "publish_commands"
    ]
    before = len(hw.session.requests)
    await publish()
    return {
        f"type={_scope(r)}|{r.language_code or ''}": [
            {"command": c.command, "description": c.description} for c in r.commands
        ]
        for r in hw.session.requests[before:]
        if isinstance(r, SetMyCommands)
    }


def _scope(request: SetMyCommands) -> str:
    kind = request.scope.type if request.scope is not None else "default"
    return str(getattr(kind, "value", kind))  # the enum's value, as on the wire


async def test_menus_are_published_per_scope_in_both_languages(hw: HandlerWorld) -> None:
    commands = await _published_menus(hw)
    assert len(commands) == 12

    def names(scope: str, language: str = "") -> list[str]:
        return [c["command"] for c in commands[f"type={scope}|{language}"]]

    private = ["start", "help", "add_seller", "sellers", "agents", "groups", "ai", "find"]
    assert names("all_private_chats") == private
    assert names("all_group_chats", "en") == [
        "queue", "take", "release", "done", "templates", "stats", "find", "help"
    ]  # fmt: skip
    assert names("all_chat_administrators", "ru")[:3] == ["setup", "sellers", "agents"]
    assert "rules" in names("all_chat_administrators", "ru")
    assert {"find", "digest"} <= set(names("all_chat_administrators", "ru"))
    assert names("default") == names("all_private_chats", "ru")
    ru = {c["command"]: c["description"] for c in commands["type=all_private_chats|ru"]}
    en = {c["command"]: c["description"] for c in commands["type=all_private_chats|en"]}
    assert ru["add_seller"] == says("command.add_seller").template
    assert en["add_seller"] == says("command.add_seller", "en").template
    default = {c["command"]: c["description"] for c in commands["type=default|"]}
    assert default == ru  # LOCALE=ru


async def test_the_admin_flow_speaks_english_with_locale_en(db: Database) -> None:
    def english(settings: Settings) -> Settings:
        return settings.model_copy(update={"locale": "en"})

    # groups speak LOCALE; a private chat speaks the person's language when it is ours
    boris = dataclasses.replace(BORIS, language_code="en")
    gleb = dataclasses.replace(GLEB, language_code="de")  # not ours: LOCALE
    async with open_handler_world(db, english) as hw:
        hw.in_group(boris, "creator")
        hw.in_group(OWNER, "member")
        bot_with_rights(hw, asker=boris, asker_status="creator", rights=("can_manage_topics",))
        await hw.say(boris, "/setup", GROUP_ID)
        [missing] = await group_posts(hw, GROUP_ID)
        assert has(missing.text, says("setup.missing", "en"))
        rights = [says(f"setup.right.{r}", "en").template
                  for r in ("can_delete_messages", "can_pin_messages")]  # fmt: skip
        assert ", ".join(rights) in missing.text
        hw.session.members[(GROUP_ID, BOT_USER.id)] = "administrator"  # all rights now
        await hw.say(OWNER, "/setup", GROUP_ID)
        [bound] = await group_posts(hw, GROUP_ID)
        assert has(bound.text, says("setup.bound", "en"))
        assert said(texts(await hw.say(boris, "/start"), boris.id), says("start", "en"))
        added = texts(await hw.say(boris, f"/add_seller ozon {CLIENT_ID} {API_KEY}"), boris.id)
        assert said(added, says("add.summary", "en", shop="Ozon 777001"))
        refused = texts(await hw.say(gleb, "/sellers"), gleb.id)
        assert said(refused, says("refused", "en"))
        menus = await _published_menus(hw)
        default = {c["command"]: c["description"] for c in menus["type=default|"]}
        assert default["sellers"] == says("command.sellers", "en").template
