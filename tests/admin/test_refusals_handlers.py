"""Who may run the admin commands and press their buttons, one door at a time: the real
dispatcher fed one update each (tests.support.handlers), checked by text key."""

from __future__ import annotations

import pytest
from aiogram.methods import SendMessage

from tests.support.handlers import (
    BORIS,
    GLEB,
    GROUP_ID,
    VERA,
    HandlerWorld,
    buttons,
    shown,
    texts,
)
from tests.support.texts import has, said, says
from tests.support.world import SECOND_ID, SECOND_KEY


async def test_setup_from_an_agent_in_the_group_is_refused_and_in_private_explained(
    hw: HandlerWorld,
) -> None:
    hw.in_group(VERA, "member")
    asked = hw.message(VERA, "/setup", GROUP_ID)
    assert texts(await hw.feed("message", asked)) == []  # the group hears through the queue
    [refused] = [r for r in await hw.deliver() if isinstance(r, SendMessage)]
    assert refused.chat_id == GROUP_ID
    assert has(refused.text, says("onboarding.setup.admins_only"))
    assert refused.reply_parameters is not None
    assert refused.reply_parameters.message_id == asked["message_id"]
    [workspace] = await hw.db.workspaces.list_all(only_active=False)
    assert workspace.state == "pending"  # remembered, nothing bound
    [answer] = shown(await hw.say(GLEB, "/setup"))
    assert has(answer.text, says("setup.in_private"))
    [[add]] = answer.reply_markup.inline_keyboard  # type: ignore[union-attr]
    assert add.url is not None and "startgroup=" in add.url


async def test_help_answers_agents_in_the_group_and_strangers_in_private(
    hw: HandlerWorld,
) -> None:
    await hw.bound_group()
    asked = hw.message(VERA, "/help", GROUP_ID)
    await hw.feed("message", asked)  # group posts go through the outbox
    [reply] = [r for r in await hw.deliver() if isinstance(r, SendMessage)]
    assert reply.chat_id == GROUP_ID
    assert has(reply.text, says("help.section.agents"))
    assert reply.reply_parameters is not None
    assert reply.reply_parameters.message_id == asked["message_id"]
    [private] = texts(await hw.say(GLEB, "/help"), GLEB.id)
    assert has(private, says("help.footer"))


@pytest.mark.parametrize(
    "command", ["/add_seller", "/sellers", f"/add_seller ozon {SECOND_ID} {SECOND_KEY}"]
)
async def test_strangers_and_agents_are_refused_admin_commands(
    hw: HandlerWorld, command: str
) -> None:
    workspace = await hw.bound_group()
    await hw.add_seller(workspace)
    for person in (GLEB, VERA):
        sent = texts(await hw.say(person, command), person.id)
        assert said(sent, says("refused")), (person, sent)
    assert len(await hw.db.sellers.list_all()) == 1


async def test_a_stranger_pressing_an_admins_button_is_refused_and_nothing_changes(
    hw: HandlerWorld,
) -> None:
    workspace = await hw.bound_group()
    seller = await hw.add_seller(workspace)
    [listing] = [r for r in await hw.say(BORIS, "/sellers") if isinstance(r, SendMessage)]
    # the list has one card per seller; open it as the admin would
    [open_data] = [d for t, d in buttons(listing).items() if "Обувь" in t]
    await hw.press(BORIS, open_data, on=listing)
    card = shown(hw.session.requests)[-1]  # the list became the seller's card
    assert has(card.text, "Обувь")
    [pause] = [d for t, d in buttons(card).items() if has(t, says("button.pause"))]

    answer = await hw.press(GLEB, pause, on=card)
    assert answer.show_alert
    assert has(answer.text, says("refused"))
    assert (await hw.db.sellers.get(seller_id=seller.id)).state == "active"

    answer = await hw.press(BORIS, pause, on=card)  # the same button, its admin pressing
    assert not answer.show_alert
    assert has(answer.text, says("sellers.paused"))
    assert (await hw.db.sellers.get(seller_id=seller.id)).state == "paused"
