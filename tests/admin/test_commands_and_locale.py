"""Command menus per scope and language, and the admin flow in English."""

from __future__ import annotations

from bot.settings import Settings
from storage.database import Database
from tests.support.texts import has, says
from tests.support.world import API_KEY, CLIENT_ID, AdminWorld, open_admin_world, wait_until


async def test_menus_are_published_per_scope_in_both_languages(aw: AdminWorld) -> None:
    commands = aw.tg.state.commands

    async def published() -> bool:
        return len(commands) == 12

    await wait_until(published)

    def names(scope: str, language: str = "") -> list[str]:
        return [c["command"] for c in commands[f"type={scope}|{language}"]]

    private = ["start", "help", "add_seller", "sellers", "agents", "groups", "ai"]
    assert names("all_private_chats") == private
    assert names("all_group_chats", "en") == ["queue", "take", "release", "stats", "help"]
    assert names("all_chat_administrators", "ru")[:3] == ["setup", "sellers", "agents"]
    assert "rules" in names("all_chat_administrators", "ru")
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

    async with open_admin_world(db, english) as aw:
        # groups speak LOCALE; a private chat speaks the person's language when it is ours
        aw.boris.language_code = "en"
        aw.gleb.language_code = "de"  # not ours: LOCALE
        group = aw.forum_group(bot_rights={"can_manage_topics": True})
        aw.say(aw.boris, "/setup", group.id)
        missing = await aw.wait_group_post(group.id, says("setup.missing", "en"))
        rights = [says(f"setup.right.{r}", "en").template
                  for r in ("can_delete_messages", "can_pin_messages")]  # fmt: skip
        assert ", ".join(rights) in missing["text"]
        aw.tg.set_bot_rights(group.id, {"can_manage_topics": True, "can_delete_messages": True,
                                        "can_pin_messages": True})  # fmt: skip
        aw.say(aw.owner, "/setup", group.id)
        await aw.wait_group_post(group.id, says("setup.bound", "en"))
        aw.say(aw.boris, "/start")
        await aw.wait_private(aw.boris, says("start", "en"))
        done = await aw.add_by_one_line(
            aw.boris, f"/add_seller ozon {CLIENT_ID} {API_KEY}", says("add.summary", "en")
        )
        assert has(done["text"], says("add.summary", "en", shop="Ozon 777001"))
        aw.say(aw.gleb, "/sellers")
        await aw.wait_private(aw.gleb, says("refused", "en"))
        default = {c["command"]: c["description"] for c in aw.tg.state.commands["type=default|"]}
        assert default["sellers"] == says("command.sellers", "en").template
