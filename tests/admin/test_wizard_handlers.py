"""The add-seller wizard one step at a time: the real dispatcher fed one update each
(tests.support.handlers), checked by text key; stale buttons, the key message's deletion
and the group-to-private hand-off included."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aiogram.exceptions import TelegramForbiddenError
from aiogram.methods import DeleteMessage, SendMessage, TelegramMethod
from cryptography.fernet import Fernet
from pydantic import SecretStr

from bot.admin.cabinets import Cabinet
from bot.admin.callbacks import (
    Cancelled,
    CancelWizard,
    KeepName,
    PickCabinet,
    PickMarketplace,
    PickWorkspace,
    SellerAction,
    SellerOp,
)
from bot.handlers.add_seller.state import AddSeller, WizardData
from storage.vault import Vault
from tests.support.handlers import (
    BORIS,
    GROUP_ID,
    HandlerWorld,
    Person,
    buttons,
    shown,
    texts,
)
from tests.support.texts import has, said, says
from tests.support.world import API_KEY, CLIENT_ID, WRONG_KEY


async def _state(hw: HandlerWorld, person: Person) -> str | None:
    context = hw.app.dispatcher.fsm.get_context(hw.bot, chat_id=person.id, user_id=person.id)
    return await context.get_state()


def _deleted(requests: list[TelegramMethod[Any]]) -> list[int]:
    return [r.message_id for r in requests if isinstance(r, DeleteMessage)]


async def _at_marketplace(hw: HandlerWorld) -> SendMessage:
    await hw.bound_group()
    [question] = [r for r in await hw.say(BORIS, "/add_seller") if isinstance(r, SendMessage)]
    assert has(question.text, says("add.ask_marketplace"))
    return question


async def test_every_step_of_an_ozon_wizard_in_order(hw: HandlerWorld) -> None:
    question = await _at_marketplace(hw)
    await hw.press(BORIS, PickMarketplace(marketplace="ozon"), on=question)
    assert has(shown(hw.session.requests)[-1].text, says("add.ask_client_id"))
    assert await _state(hw, BORIS) == AddSeller.client_id.state

    assert said(texts(await hw.say(BORIS, "12a")), says("add.bad_client_id"))
    assert said(texts(await hw.say(BORIS, CLIENT_ID)), says("add.ask_key"))

    short = hw.message(BORIS, "short")
    requests = await hw.feed("message", short)
    assert said(texts(requests), says("add.bad_key_shape"))
    assert _deleted(requests) == [short["message_id"]]

    wrong = hw.message(BORIS, WRONG_KEY)
    requests = await hw.feed("message", wrong)
    assert _deleted(requests) == [wrong["message_id"]]
    assert said(texts(requests), says("key.invalid_key"))
    assert said(texts(requests), says("add.ask_key_again"))
    assert await _state(hw, BORIS) == AddSeller.api_key.state

    key = hw.message(BORIS, API_KEY)
    requests = await hw.feed("message", key)
    assert _deleted(requests) == [key["message_id"]]  # deleted before it is checked
    assert said(texts(requests), says("add.ask_name"))
    assert await _state(hw, BORIS) == AddSeller.name.state

    assert said(texts(await hw.say(BORIS, "x" * 70)), says("add.bad_name"))
    done = texts(await hw.say(BORIS, "Обувь"))
    assert said(done, says("add.checking", shop="Обувь"))
    assert said(done, says("add.summary", shop="Обувь"))
    [seller] = await hw.db.sellers.list_all()
    assert (seller.client_id, seller.name) == (CLIENT_ID, "Обувь")
    assert await _state(hw, BORIS) is None
    recorded = repr(hw.session.requests)  # every field of every request
    assert API_KEY not in recorded and WRONG_KEY not in recorded  # never echoed


async def test_keep_name_button_takes_the_default_name(hw: HandlerWorld) -> None:
    question = await _at_marketplace(hw)
    await hw.press(BORIS, PickMarketplace(marketplace="ozon"), on=question)
    await hw.say(BORIS, CLIENT_ID)
    await hw.say(BORIS, API_KEY)
    answer = await hw.press(BORIS, KeepName())
    assert not answer.show_alert
    [seller] = await hw.db.sellers.list_all()
    assert seller.name == f"Ozon {CLIENT_ID}"


async def test_a_button_of_a_step_already_passed_is_out_of_date(hw: HandlerWorld) -> None:
    question = await _at_marketplace(hw)
    await hw.press(BORIS, PickMarketplace(marketplace="ozon"), on=question)
    before = len(hw.session.requests)
    for stale in (PickMarketplace(marketplace="wildberries"), KeepName(),
                  PickWorkspace(workspace_id=1), PickCabinet(account_id="1")):  # fmt: skip
        answer = await hw.press(BORIS, stale)
        assert answer.show_alert and has(answer.text, says("wizard.outdated")), stale
    assert len(hw.session.requests) == before + 4  # only the four answers
    assert await _state(hw, BORIS) == AddSeller.client_id.state  # the wizard goes on


async def test_cancel_ends_the_wizard_and_its_button_is_then_out_of_date(
    hw: HandlerWorld,
) -> None:
    question = await _at_marketplace(hw)
    answer = await hw.press(BORIS, CancelWizard(what=Cancelled.ADD), on=question)
    assert has(answer.text, says("wizard.cancelled"))
    assert await _state(hw, BORIS) is None
    again = await hw.press(BORIS, CancelWizard(what=Cancelled.ADD), on=question)
    assert again.show_alert and has(again.text, says("wizard.outdated"))
    key_cancel = await hw.press(BORIS, CancelWizard(what=Cancelled.KEY))
    assert has(key_cancel.text, says("wizard.outdated"))
    assert said(texts(await hw.say(BORIS, "/cancel")), says("wizard.nothing"))

    await hw.say(BORIS, "/add_seller")
    assert said(texts(await hw.say(BORIS, "/cancel")), says("wizard.cancelled"))
    assert await _state(hw, BORIS) is None


async def test_cancel_ends_a_key_replacement_too(hw: HandlerWorld) -> None:
    seller = await hw.add_seller(await hw.bound_group())
    await hw.press(BORIS, SellerAction(action=SellerOp.KEY, seller_id=seller.id))
    assert said(texts(hw.session.requests), says("sellers.ask_new_key"))
    answer = await hw.press(BORIS, CancelWizard(what=Cancelled.KEY))
    assert has(answer.text, says("wizard.cancelled"))
    assert await _state(hw, BORIS) is None
    stale = await hw.press(BORIS, CancelWizard(what=Cancelled.KEY))
    assert stale.show_alert and has(stale.text, says("wizard.outdated"))


async def test_a_forged_workspace_or_a_cabinet_not_offered_is_refused(
    hw: HandlerWorld,
) -> None:
    await hw.bound_group()
    await hw.bound_group(GROUP_ID - 1)  # Boris administers two groups: he is asked which
    foreign = await hw.db.workspaces.bind(tg_chat_id=-1009, title="Чужая", bound_by_tg_user_id=1)
    requests = await hw.say(BORIS, f"/add_seller ozon {CLIENT_ID} {API_KEY} Обувь")
    assert said(texts(requests), says("add.ask_workspace"))
    assert await _state(hw, BORIS) == AddSeller.workspace.state
    refused = await hw.press(BORIS, PickWorkspace(workspace_id=foreign.id))
    assert refused.show_alert and has(refused.text, says("refused"))
    assert await hw.db.sellers.list_all() == []
    assert await _state(hw, BORIS) == AddSeller.workspace.state  # he may still pick his own

    context = hw.app.dispatcher.fsm.get_context(hw.bot, chat_id=BORIS.id, user_id=BORIS.id)
    await context.set_state(AddSeller.cabinet)  # as after a key reaching two cabinets
    await context.set_data(WizardData(marketplace="ym", cabinets=(Cabinet("1", "A"),)).dump())
    gone = await hw.press(BORIS, PickCabinet(account_id="2"))
    assert gone.show_alert and has(gone.text, says("add.cabinet_gone"))


async def test_add_seller_in_the_group_goes_on_in_private(hw: HandlerWorld) -> None:
    await hw.bound_group()
    requests = await hw.say(BORIS, "/add_seller", GROUP_ID)
    assert said(texts(requests, BORIS.id), says("add.ask_marketplace"))
    assert await _state(hw, BORIS) == AddSeller.marketplace.state  # his private chat's
    told = texts(await hw.deliver(), GROUP_ID)
    assert said(told, says("add.group.continue_private"))
    [question] = [r for r in requests if isinstance(r, SendMessage) and r.chat_id == BORIS.id]
    answer = await hw.press(BORIS, PickMarketplace(marketplace="ozon"), on=question)
    assert not answer.show_alert  # the private chat's next step sees the state set from the group
    assert await _state(hw, BORIS) == AddSeller.client_id.state


async def test_a_key_sent_in_the_group_is_deleted_and_checked_in_private(
    hw: HandlerWorld,
) -> None:
    await hw.bound_group()
    line = hw.message(BORIS, f"/add_seller ozon {CLIENT_ID} {API_KEY} Обувь", GROUP_ID)
    requests = await hw.feed("message", line)
    assert _deleted(requests) == [line["message_id"]]
    assert said(texts(requests, BORIS.id), says("add.moved_private"))
    assert said(texts(requests, BORIS.id), says("add.summary", shop="Обувь"))
    told = texts(await hw.deliver(), GROUP_ID)
    assert said(told, says("add.group.deleted")) and said(told, says("add.group.continue_private"))
    assert len(await hw.db.sellers.list_all()) == 1


async def test_a_group_admin_who_never_opened_a_private_chat_is_told_to(
    hw: HandlerWorld,
) -> None:
    await hw.bound_group()
    never_opened = "Forbidden: bot can't initiate conversation with a user"
    blocked = TelegramForbiddenError(SendMessage(chat_id=BORIS.id, text="…"), never_opened)
    hw.session.add_result_for(SendMessage, blocked)
    await hw.say(BORIS, "/add_seller", GROUP_ID)
    assert said(texts(await hw.deliver(), GROUP_ID), says("add.group.open_private"))


def test_wizard_data_survives_the_storage_round_trip() -> None:
    data = WizardData(marketplace="ym", client_id="5", sealed_key="sealed", name="Обувь",
                      workspace_id=7, cabinets=(Cabinet("5", "A"), Cabinet("6", "B")))  # fmt: skip
    dumped = json.loads(json.dumps(data.dump()))  # any storage keeps JSON
    assert WizardData.load(dumped) == data
    assert WizardData.load({}) == WizardData()  # older or empty data reads as empty
    vault = Vault([SecretStr(Fernet.generate_key().decode())])
    assert WizardData.load({}).draft(vault) is None  # no key: the wizard starts over
    sealed = WizardData(marketplace="ozon").with_key(SecretStr(API_KEY), vault, client_id="5")
    draft = sealed.draft(vault)
    assert draft is not None and draft.api_key.get_secret_value() == API_KEY
    assert API_KEY not in json.dumps(sealed.dump())
    assert data.offered("6") == Cabinet("6", "B") and data.offered("9") is None


@pytest.mark.parametrize("how", ["command", "button"])
async def test_cancel_works_at_every_step(hw: HandlerWorld, how: str) -> None:
    """At the Client-Id, the key and the name step, /cancel and the prompt's own button
    both end the wizard and save nothing."""
    cancel = CancelWizard(what=Cancelled.ADD).pack()
    steps = [("add.ask_client_id", None), ("add.ask_key", CLIENT_ID), ("add.ask_name", API_KEY)]
    for depth in range(1, len(steps) + 1):
        question = await _at_marketplace(hw)
        sent = await hw.press(BORIS, PickMarketplace(marketplace="ozon"), on=question)
        assert not sent.show_alert
        for key, answer in steps[:depth]:
            if answer is not None:
                await hw.say(BORIS, answer)
            prompt = shown(hw.session.requests)[-1]
            assert has(prompt.text, says(key)), (depth, key)
        assert cancel in buttons(prompt).values()
        if how == "command":
            assert said(texts(await hw.say(BORIS, "/cancel")), says("wizard.cancelled"))
        else:
            answer_ = await hw.press(BORIS, cancel, on=prompt)
            assert answer_.text == says("wizard.cancelled").template
        assert await _state(hw, BORIS) is None, depth
    assert await hw.db.sellers.list_all() == []
    assert said(texts(await hw.say(BORIS, "/cancel")), says("wizard.nothing"))
