"""/agents and /take where they do not work, one door at a time (tests.support.handlers).

These replace three end-to-end tests that waited for a phrase and asserted nothing else:
here each also proves the answer is the only one, in the right chat, and that the person
who may not is ignored."""

from __future__ import annotations

from aiogram.methods import SendMessage

from tests.support.handlers import (
    BORIS,
    GLEB,
    GROUP_ID,
    VERA,
    HandlerWorld,
    texts,
)
from tests.support.texts import has, says


async def test_agents_in_the_group_points_the_admin_to_the_private_chat(hw: HandlerWorld) -> None:
    await hw.bound_group()
    asked = hw.message(BORIS, "/agents", GROUP_ID)
    assert texts(await hw.feed("message", asked)) == []  # the group post is queued
    [post] = [r for r in await hw.deliver() if isinstance(r, SendMessage)]
    assert post.chat_id == GROUP_ID
    assert has(post.text, says("agents.in_private"))
    assert post.reply_parameters is not None
    assert post.reply_parameters.message_id == asked["message_id"]


async def test_agents_in_the_group_from_an_agent_is_ignored(hw: HandlerWorld) -> None:
    await hw.bound_group()
    await hw.say(VERA, "/agents", GROUP_ID)
    assert texts(await hw.deliver()) == []


async def test_someone_who_administers_no_group_is_told_so(hw: HandlerWorld) -> None:
    await hw.bound_group()
    assert texts(await hw.say(GLEB, "/agents")) == [says("agents.no_groups").template]


async def test_take_in_private_says_where_it_works(hw: HandlerWorld) -> None:
    await hw.bound_group()
    [answer] = texts(await hw.say(VERA, "/take"), VERA.id)
    assert has(answer, says("claim.not_a_topic"))
