"""Handing a chat over, one update at a time (tests.support.handlers): /assign without a
name offers the people who may answer as buttons, a name (@username, first or full name,
any case) picks one, several matches offer those, an unknown name says so with the names
known, and a person who may not answer is refused for that reason. Every handover
mentions the new and the previous owner (``tg://user`` links, so Telegram notifies them),
an admin's take-over of someone's chat too."""

from __future__ import annotations

from aiogram.methods import SendMessage

from bot.sla.callbacks import ClaimCallback
from bot.sla.handover import AssignCallback
from storage.records import Agent, Workspace
from tests.sla.test_claim_handlers import owner_of, topic
from tests.support.handlers import (
    BORIS,
    GROUP_ID,
    VERA,
    HandlerWorld,
    Person,
    buttons,
)
from tests.support.texts import has, says

THREAD = 71
ANNA = Person(1011, "Анна", "anna_s")
VERA_I = Person(1012, "Вера", "vera_i")  # a second Вера (full name «Вера Иванова»)


def mentions(person: Person | Agent) -> str:
    """How a message names a person so that Telegram notifies them."""
    tg_id = person.id if isinstance(person, Person) else person.tg_user_id
    return f'<a href="tg://user?id={tg_id}">'


async def member(
    hw: HandlerWorld, workspace: Workspace, person: Person, name: str, *,
    role: str = "agent", can_reply: bool = True,
) -> Agent:  # fmt: skip
    """A person the bot has met in the group (they wrote there), as a member row."""
    agent = await hw.db.agents.upsert(
        tg_user_id=person.id, display_name=name, username=person.username
    )
    await hw.db.agents.set_member(workspace_id=workspace.id, agent_id=agent.id, role=role)
    if not can_reply:
        await hw.db.agents.set_can_reply(
            workspace_id=workspace.id, agent_id=agent.id, can_reply=False
        )
    hw.in_group(person, "creator" if role == "admin" else "member")
    return agent


async def scene(hw: HandlerWorld) -> tuple[Workspace, int, dict[str, Agent]]:
    """The group with Boris (admin), Vera, Vera Ivanova and Anna (who may not answer)."""
    workspace = await hw.bound_group()
    seller = await hw.add_seller(workspace)
    chat = await topic(hw, workspace, seller, "900-1", thread=THREAD)
    people = {
        "boris": await member(hw, workspace, BORIS, "Борис", role="admin"),
        "vera": await member(hw, workspace, VERA, "Вера"),
        "vera_i": await member(hw, workspace, VERA_I, "Вера Иванова"),
        "anna": await member(hw, workspace, ANNA, "Анна Смирнова", can_reply=False),
    }
    return workspace, chat, people


async def command(hw: HandlerWorld, person: Person, line: str, **extra: object) -> SendMessage:
    """``person`` types ``line`` in the topic: the one post the outbox then makes there."""
    await hw.say(person, line, GROUP_ID, message_thread_id=THREAD, is_topic_message=True,
                 **extra)  # fmt: skip
    [post] = [r for r in await hw.deliver() if isinstance(r, SendMessage)]
    assert post.chat_id == GROUP_ID and post.message_thread_id == THREAD
    return post


async def test_assign_without_a_name_offers_the_people_who_may_answer(hw: HandlerWorld) -> None:
    _, chat, people = await scene(hw)
    picker = await command(hw, BORIS, "/assign")
    assert has(picker.text, says("handover.pick"))
    offered = buttons(picker)
    # Anna may not answer buyers (/agents): not offered; Boris may take it himself
    assert set(offered) == {"Борис · @boris", "Вера · @vera", "Вера Иванова · @vera_i"}

    denied = await hw.press(VERA, offered["Вера · @vera"], chat_id=GROUP_ID)
    assert denied.show_alert and denied.text == says("admin_only").template
    assert await owner_of(hw, chat) is None

    done = await hw.press(BORIS, offered["Вера · @vera"], chat_id=GROUP_ID)
    assert not done.show_alert and done.text in says("handover.done", agent="Вера")
    assert await owner_of(hw, chat) == people["vera"].id
    [told] = [r for r in await hw.deliver() if isinstance(r, SendMessage)]
    assert told.message_thread_id == THREAD and has(told.text, says("handover.assigned"))
    assert mentions(VERA) in told.text  # Telegram notifies Vera

    again = await command(hw, BORIS, "/assign")  # the owner is not offered her own chat
    assert "Вера · @vera" not in buttons(again)


async def test_assign_by_name_mentions_the_new_and_the_previous_owner(hw: HandlerWorld) -> None:
    _, chat, people = await scene(hw)
    first = await command(hw, BORIS, "/assign вера иванова")  # full name, any case
    assert has(first.text, says("handover.assigned")) and mentions(VERA_I) in first.text
    assert await owner_of(hw, chat) == people["vera_i"].id

    second = await command(hw, BORIS, "/assign @VERA")  # @username, any case
    assert has(second.text, says("handover.assigned_from"))
    assert mentions(VERA) in second.text and mentions(VERA_I) in second.text
    assert await owner_of(hw, chat) == people["vera"].id

    third = await command(hw, BORIS, "/assign Борис")  # a first name
    assert has(third.text, says("handover.assigned_from"))
    assert mentions(VERA) in third.text and mentions(BORIS) in third.text
    assert await owner_of(hw, chat) == people["boris"].id
    assert third.entities is None  # HTML links, parsed by Telegram (validated by the session)


async def test_an_ambiguous_name_offers_the_matches(hw: HandlerWorld) -> None:
    _, chat, people = await scene(hw)
    asked = await command(hw, BORIS, "/assign Вера")
    assert has(asked.text, says("handover.ambiguous", name="Вера"))
    offered = buttons(asked)
    assert set(offered) == {"Вера · @vera", "Вера Иванова · @vera_i"}
    assert AssignCallback.unpack(offered["Вера Иванова · @vera_i"]) == AssignCallback(
        chat=chat, agent=people["vera_i"].id
    )
    assert await owner_of(hw, chat) is None


async def test_an_unknown_name_says_so_and_names_the_people_known(hw: HandlerWorld) -> None:
    _, chat, _ = await scene(hw)
    answer = await command(hw, BORIS, "/assign Пётр")
    assert has(answer.text, says("handover.unknown", name="Пётр"))
    for name in ("Борис", "Вера", "Вера Иванова"):
        assert name in answer.text
    assert "Анна" not in answer.text  # may not answer: not offered as a choice
    assert await owner_of(hw, chat) is None


async def test_a_person_who_may_not_answer_is_refused_for_that_reason(hw: HandlerWorld) -> None:
    _, chat, _ = await scene(hw)
    answer = await command(hw, BORIS, "/assign Анна")
    assert has(answer.text, says("handover.not_allowed", agent="Анна Смирнова"))
    assert await owner_of(hw, chat) is None


async def test_assign_in_reply_to_a_message_still_works(hw: HandlerWorld) -> None:
    _, chat, people = await scene(hw)
    replied = hw.message(ANNA, "…", GROUP_ID) | {"from": VERA.to_dict()}
    post = await command(hw, BORIS, "/assign", reply_to_message=replied)
    assert has(post.text, says("handover.assigned")) and mentions(VERA) in post.text
    assert await owner_of(hw, chat) == people["vera"].id


async def test_an_admins_take_over_mentions_the_previous_owner(hw: HandlerWorld) -> None:
    _, chat, people = await scene(hw)
    await hw.press(VERA, ClaimCallback(chat=chat), chat_id=GROUP_ID)
    await hw.deliver()
    assert await owner_of(hw, chat) == people["vera"].id

    answer = await hw.press(BORIS, ClaimCallback(chat=chat), chat_id=GROUP_ID)
    assert answer.text == says("claim.ok").template
    [told] = [r for r in await hw.deliver() if isinstance(r, SendMessage)]
    assert has(told.text, says("handover.taken_over", agent="Борис"))
    assert mentions(VERA) in told.text
    assert await owner_of(hw, chat) == people["boris"].id

    released = await command(hw, BORIS, "/release")  # his own chat: no one to tell
    assert has(released.text, says("claim.released", agent="Борис"))
    await command(hw, VERA, "/take")
    freed = await command(hw, BORIS, "/release")  # Vera's chat, released by the admin
    assert has(freed.text, says("handover.released_by", admin="Борис"))
    assert mentions(VERA) in freed.text
