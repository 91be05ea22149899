"""/sellers one update at a time (tests.support.handlers): state, pause, resume, key
replacement, removal (strangers and agents refused: tests/admin/test_refusals_handlers.py;
forged data: tests/admin/test_sellers_handlers.py)."""

from __future__ import annotations

from typing import Any

from aiogram.methods import AnswerCallbackQuery, SendMessage

from tests.support.handlers import BORIS, HandlerWorld, Shown, buttons, shown, texts
from tests.support.texts import TextMatch, has, said, says
from tests.support.world import API_KEY, CLIENT_ID, WRONG_KEY


async def _with_seller(hw: HandlerWorld) -> tuple[Any, Any]:
    workspace = await hw.bound_group()
    assert said(texts(await hw.say(BORIS, "/start"), BORIS.id), says("start"))
    added = await hw.say(BORIS, f"/add_seller ozon {CLIENT_ID} {API_KEY} Обувь")
    assert said(texts(added, BORIS.id), says("add.summary"))
    [seller] = await hw.db.sellers.list_all()
    return workspace, seller


def _button(message: Shown, label: str | TextMatch) -> str:
    [data] = [d for t, d in buttons(message).items() if has(t, label)]
    return data


async def _press(hw: HandlerWorld, message: Shown, label: str | TextMatch) -> tuple[
    AnswerCallbackQuery, list[Shown]
]:  # fmt: skip
    """Boris presses ``label`` on ``message``: the answer, and what was sent or edited."""
    before = len(hw.session.requests)
    answer = await hw.press(BORIS, _button(message, label), on=message)
    return answer, shown(hw.session.requests[before:])


async def _open_card(hw: HandlerWorld) -> Shown:
    [listing] = [r for r in await hw.say(BORIS, "/sellers") if isinstance(r, SendMessage)]
    assert has(listing.text, says("sellers.title"))
    _, [card] = await _press(hw, listing, "Обувь")  # the list becomes the seller's card
    assert _button(card, says("button.replace_key"))
    return card


async def test_sellers_shows_state_and_pause_resume_work(hw: HandlerWorld) -> None:
    _, seller = await _with_seller(hw)
    hw.ozon.state.buyer_writes(CLIENT_ID, text="Ау")
    await hw.app.sync.run_now(seller.id)
    card = await _open_card(hw)
    assert has(card.text, says("sellers.state.active"))
    assert has(card.text, says("sellers.card", waiting=1))
    assert not has(card.text, says("sellers.never"))

    answer, [card] = await _press(hw, card, says("button.pause"))
    assert answer.text == says("sellers.paused").template
    assert has(card.text, says("sellers.state.paused"))
    assert (await hw.db.sellers.get(seller_id=seller.id)).state == "paused"
    assert seller.id not in hw.app.sync.seller_ids()

    _, [card] = await _press(hw, card, says("button.resume"))
    assert has(card.text, says("sellers.state.active"))
    assert (await hw.db.sellers.get(seller_id=seller.id)).state == "active"
    assert seller.id in hw.app.sync.seller_ids()
    actions = [e.action for e in await hw.db.audit.list_recent()]
    assert actions[:3] == ["seller.resume", "seller.pause", "seller.add"]


async def test_replace_key_checks_it_first_and_remove_asks_to_confirm(hw: HandlerWorld) -> None:
    _, seller = await _with_seller(hw)
    old_encrypted = await hw.db.sellers.get_encrypted_key(seller_id=seller.id)
    card = await _open_card(hw)
    _, asked = await _press(hw, card, says("button.replace_key"))
    assert said([m.text for m in asked], says("sellers.ask_new_key"))
    assert said(texts(await hw.say(BORIS, WRONG_KEY), BORIS.id), says("sellers.key_kept"))
    assert await hw.db.sellers.get_encrypted_key(seller_id=seller.id) == old_encrypted

    new_key = "ozon-admin-key-rotated-777777"
    hw.ozon.state.set_api_key(CLIENT_ID, new_key)
    assert said(texts(await hw.say(BORIS, new_key), BORIS.id), says("sellers.key_synced"))
    stored = await hw.db.sellers.get_encrypted_key(seller_id=seller.id)
    assert hw.vault.decrypt(stored).get_secret_value() == new_key

    card = await _open_card(hw)
    _, [confirm] = await _press(hw, card, says("button.remove"))
    assert confirm.text in says("sellers.remove_confirm", shop="Обувь", group="Поддержка")
    _, removed = await _press(hw, confirm, says("button.remove_confirm"))
    assert said([m.text for m in removed], says("sellers.removed", shop="Обувь"))
    assert await hw.db.sellers.list_all() == []
    assert hw.app.sync.seller_ids() == set()
    actions = [e.action for e in await hw.db.audit.list_recent()]
    assert actions[:2] == ["seller.remove", "seller.key_replace"]
