"""/digest one update at a time (tests.support.handlers): members see the schedule in the
group, admins change it (day, time, zone, off/on) in the group or in private; a wrong word
or zone is named back with the help; an admin of several groups changes each in its own."""

from __future__ import annotations

from aiogram.methods import SendMessage

from tests.support.handlers import BORIS, GLEB, GROUP_ID, OWNER, VERA, HandlerWorld, Person
from tests.support.texts import has, says
from tests.support.world import SECOND_ID, SECOND_KEY

OTHER_GROUP = -1001000000002


async def in_group(hw: HandlerWorld, person: Person, command: str) -> str:
    asked = hw.message(person, command, GROUP_ID)
    await hw.feed("message", asked)
    [post] = [r for r in await hw.deliver() if isinstance(r, SendMessage)]
    assert post.reply_parameters is not None
    assert post.reply_parameters.message_id == asked["message_id"]
    return post.text


async def in_private(hw: HandlerWorld, person: Person, command: str) -> str:
    [answer] = [r for r in await hw.say(person, command) if isinstance(r, SendMessage)]
    assert answer.chat_id == person.id
    return answer.text


async def test_members_see_the_schedule_and_admins_change_it(hw: HandlerWorld) -> None:
    await hw.add_seller(await hw.bound_group())
    shown = await in_group(hw, VERA, "/digest")
    assert has(shown, says("digest.settings.on", day="по понедельникам", time="09:00",
                           tz="Europe/Moscow"))  # fmt: skip
    assert has(shown, says("digest.help"))
    assert await in_group(hw, VERA, "/digest off") in says("digest.forbidden")
    changed = await in_group(hw, BORIS, "/digest Asia/Yekaterinburg пт 18:00")
    assert has(changed, says("digest.saved"))
    assert has(changed, says("digest.settings.on", day="по пятницам", time="18:00",
                             tz="Asia/Yekaterinburg"))  # fmt: skip
    assert has(await in_group(hw, BORIS, "/digest выкл"), says("digest.settings.off"))
    back_on = await in_group(hw, BORIS, "/digest on")
    assert has(back_on, says("digest.settings.on", day="по пятницам", time="18:00"))
    actions = [r["action"] for r in await hw.db.pool.fetch("SELECT action FROM audit_log")]
    assert actions == ["digest.settings"] * 3


async def test_a_wrong_word_or_zone_is_named_with_the_help(hw: HandlerWorld) -> None:
    await hw.add_seller(await hw.bound_group())
    wrong = await in_group(hw, BORIS, "/digest пн 25:00")
    assert has(wrong, says("digest.bad", word="25:00")) and has(wrong, says("digest.help"))
    zone = await in_group(hw, BORIS, "/digest пн 09:00 Mars/Base")
    assert has(zone, says("digest.bad_zone", word="Mars/Base"))
    assert has(await in_group(hw, VERA, "/digest"), says("digest.settings.on", time="09:00"))


async def test_in_private_an_admin_of_one_group_changes_it_there(hw: HandlerWorld) -> None:
    await hw.add_seller(await hw.bound_group())
    changed = await in_private(hw, BORIS, "/digest ср 08:15")
    assert has(changed, says("digest.settings.on", day="по средам", time="08:15"))
    assert await in_private(hw, VERA, "/digest") in says("digest.forbidden")
    assert await in_private(hw, GLEB, "/digest off") in says("digest.forbidden")
    assert await in_private(hw, GLEB, "/digest 25:00") in says("digest.forbidden")


async def test_an_admin_of_several_groups_changes_each_in_the_group(hw: HandlerWorld) -> None:
    await hw.add_seller(await hw.bound_group())
    other = await hw.bound_group(OTHER_GROUP)
    await hw.add_seller(other, client_id=SECOND_ID, api_key=SECOND_KEY, name="Одежда")
    refused = await in_private(hw, OWNER, "/digest off")
    assert has(refused, says("digest.in_group"))
    listed = await in_private(hw, OWNER, "/digest")
    assert listed.count("Поддержка") == 2  # both groups' schedules
    assert has(listed, says("digest.settings.on", day="по понедельникам"))
