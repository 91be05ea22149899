"""/sellers through the emulators: state, pause, resume, key replacement, removal, forged
buttons (strangers and agents refused: tests/admin/test_refusals_handlers.py; forged data:
tests/admin/test_sellers_handlers.py)."""

from __future__ import annotations

from typing import Any

from tests.support.texts import has, says
from tests.support.world import API_KEY, CLIENT_ID, WRONG_KEY, AdminWorld


async def _with_seller(aw: AdminWorld) -> tuple[Any, Any]:
    _, workspace = await aw.bound_group()
    aw.say(aw.boris, "/start")
    await aw.wait_private(aw.boris, says("start"))
    await aw.add_by_one_line(
        aw.boris, f"/add_seller ozon {CLIENT_ID} {API_KEY} Обувь", says("add.summary")
    )
    [seller] = await aw.db.sellers.list_all()
    return workspace, seller


async def _open_card(aw: AdminWorld) -> dict[str, Any]:
    after = aw.last_private_id(aw.boris)
    aw.say(aw.boris, "/sellers")
    listing = await aw.wait_private(aw.boris, says("sellers.title"), after=after)
    await aw.press(aw.boris, listing, "Обувь")
    return await aw.wait_private_button(aw.boris, says("button.replace_key"), after=after)


async def test_sellers_shows_state_and_pause_resume_work(aw: AdminWorld) -> None:
    _, seller = await _with_seller(aw)
    aw.ozon.state.buyer_writes(CLIENT_ID, text="Ау")
    assert aw.app is not None
    await aw.app.sync.run_now(seller.id)
    card = await _open_card(aw)
    assert has(card["text"], says("sellers.state.active"))
    assert has(card["text"], says("sellers.card", waiting=1))
    assert not has(card["text"], says("sellers.never"))

    answer = await aw.press(aw.boris, card, says("button.pause"))
    assert answer["text"] == says("sellers.paused").template
    card = await aw.wait_private(aw.boris, says("sellers.state.paused"))
    assert (await aw.db.sellers.get(seller_id=seller.id)).state == "paused"
    assert seller.id not in aw.app.sync.seller_ids()

    await aw.press(aw.boris, card, says("button.resume"))
    await aw.wait_private(aw.boris, says("sellers.state.active"))
    assert (await aw.db.sellers.get(seller_id=seller.id)).state == "active"
    assert seller.id in aw.app.sync.seller_ids()
    actions = [e.action for e in await aw.db.audit.list_recent()]
    assert actions[:3] == ["seller.resume", "seller.pause", "seller.add"]


async def test_replace_key_checks_it_first_and_remove_asks_to_confirm(aw: AdminWorld) -> None:
    _, seller = await _with_seller(aw)
    old_encrypted = await aw.db.sellers.get_encrypted_key(seller_id=seller.id)
    card = await _open_card(aw)
    await aw.press(aw.boris, card, says("button.replace_key"))
    await aw.wait_private(aw.boris, says("sellers.ask_new_key"))
    after = aw.last_private_id(aw.boris)
    aw.say(aw.boris, WRONG_KEY)
    await aw.wait_private(aw.boris, says("sellers.key_kept"), after=after)
    assert await aw.db.sellers.get_encrypted_key(seller_id=seller.id) == old_encrypted

    new_key = "ozon-admin-key-rotated-777777"
    aw.ozon.state.set_api_key(CLIENT_ID, new_key)
    after = aw.last_private_id(aw.boris)
    aw.say(aw.boris, new_key)
    await aw.wait_private(aw.boris, says("sellers.key_synced"), after=after)
    stored = await aw.db.sellers.get_encrypted_key(seller_id=seller.id)
    assert aw.vault.decrypt(stored).get_secret_value() == new_key

    card = await _open_card(aw)
    await aw.press(aw.boris, card, says("button.remove"))
    confirm = await aw.wait_private(aw.boris, says("sellers.remove_confirm", shop="Обувь"))
    assert confirm["text"] in says("sellers.remove_confirm", shop="Обувь", group="Поддержка")
    await aw.press(aw.boris, confirm, says("button.remove_confirm"))
    await aw.wait_private(aw.boris, says("sellers.removed", shop="Обувь"))
    assert await aw.db.sellers.list_all() == []
    assert aw.app is not None and aw.app.sync.seller_ids() == set()
    actions = [e.action for e in await aw.db.audit.list_recent()]
    assert actions[:2] == ["seller.remove", "seller.key_replace"]
