"""/sellers through the emulators: state, pause, resume, key replacement, removal, refusals."""

from __future__ import annotations

from typing import Any

from pydantic import SecretStr

from bot.admin.callbacks import SellerAction, SellerOp
from tests.support.texts import has, says
from tests.support.world import API_KEY, CLIENT_ID, SECOND_ID, SECOND_KEY, WRONG_KEY, AdminWorld


async def _with_seller(aw: AdminWorld) -> tuple[Any, Any]:
    _, workspace = await aw.bound_group()
    aw.say(aw.boris, "/start")
    await aw.wait_private(aw.boris, says("start"))
    await aw.add_by_one_line(aw.boris, f"/add_seller ozon {CLIENT_ID} {API_KEY} Обувь", "работает")
    [seller] = await aw.db.sellers.list_all()
    return workspace, seller


async def _open_card(aw: AdminWorld) -> dict[str, Any]:
    after = aw.last_private_id(aw.boris)
    aw.say(aw.boris, "/sellers")
    listing = await aw.wait_private(aw.boris, "Магазины", after=after)
    await aw.press(aw.boris, listing, "Обувь")
    return await aw.wait_private_button(aw.boris, says("button.replace_key"), after=after)


async def test_sellers_shows_state_and_pause_resume_work(aw: AdminWorld) -> None:
    _, seller = await _with_seller(aw)
    aw.ozon.state.buyer_writes(CLIENT_ID, text="Ау")
    assert aw.app is not None
    await aw.app.sync.run_now(seller.id)
    card = await _open_card(aw)
    assert has(card["text"], says("sellers.state.active")) and "Ждут ответа: 1" in card["text"]
    assert "ещё не было" not in card["text"]

    answer = await aw.press(aw.boris, card, "Пауза")
    assert answer["text"] == "На паузе"
    card = await aw.wait_private(aw.boris, "на паузе")
    assert (await aw.db.sellers.get(seller_id=seller.id)).state == "paused"
    assert seller.id not in aw.app.sync.seller_ids()

    await aw.press(aw.boris, card, "Возобновить")
    await aw.wait_private(aw.boris, says("sellers.state.active"))
    assert (await aw.db.sellers.get(seller_id=seller.id)).state == "active"
    assert seller.id in aw.app.sync.seller_ids()
    actions = [e.action for e in await aw.db.audit.list_recent()]
    assert actions[:3] == ["seller.resume", "seller.pause", "seller.add"]


async def test_replace_key_checks_it_first_and_remove_asks_to_confirm(aw: AdminWorld) -> None:
    _, seller = await _with_seller(aw)
    old_encrypted = await aw.db.sellers.get_encrypted_key(seller_id=seller.id)
    card = await _open_card(aw)
    await aw.press(aw.boris, card, "Заменить ключ")
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
    await aw.press(aw.boris, card, "Удалить")
    confirm = await aw.wait_private(aw.boris, "Удалить магазин «Обувь»?")
    assert (
        has(confirm["text"], says("sellers.remove_confirm"))
        and "В кабинете Ozon" in confirm["text"]
    )
    await aw.press(aw.boris, confirm, "Да, удалить")
    await aw.wait_private(aw.boris, "удалён")
    assert await aw.db.sellers.list_all() == []
    assert aw.app is not None and aw.app.sync.seller_ids() == set()
    actions = [e.action for e in await aw.db.audit.list_recent()]
    assert actions[:2] == ["seller.remove", "seller.key_replace"]


async def test_strangers_get_refusals_in_private_and_on_buttons(aw: AdminWorld) -> None:
    await _with_seller(aw)
    for command in ("/add_seller", "/sellers", f"/add_seller ozon {SECOND_ID} {SECOND_KEY}"):
        after = aw.last_private_id(aw.gleb)
        aw.say(aw.gleb, command)
        await aw.wait_private(aw.gleb, says("refused"), after=after)
    aw.say(aw.vera, "/sellers")  # an agent of the group is no admin either
    await aw.wait_private(aw.vera, says("refused"))

    card = await _open_card(aw)
    # Someone else presses the admin's button (a forged query): refused, nothing changes.
    data = aw.buttons(card)["⏸ Пауза"]
    query = aw.tg.press_button(aw.gleb.id, aw.boris.id, card["message_id"], data)
    answer = await aw.answer_of(query)
    assert answer["show_alert"] and "для администраторов" in answer["text"]
    assert [s.state for s in await aw.db.sellers.list_all()] == ["active"]
    assert len(await aw.db.sellers.list_all()) == 1


async def test_tampered_callback_data_is_looked_up_and_refused(aw: AdminWorld) -> None:
    _, seller = await _with_seller(aw)
    # A second group with its own admin (the owner) and seller.
    other = aw.tg.create_group("Другая", is_forum=True, admins=[aw.owner.id],
                               bot_rights={"can_manage_topics": True, "can_delete_messages": True,
                                           "can_pin_messages": True})  # fmt: skip
    aw.say(aw.owner, "/setup", other.id)
    await aw.wait_group_post(other.id, "подключена")
    aw.say(aw.owner, "/start")
    await aw.wait_private(aw.owner, says("start"))
    other_ws = await aw.db.workspaces.get_by_chat(tg_chat_id=other.id)
    foreign = await aw.db.sellers.create(
        workspace_id=other_ws.id, marketplace="ozon", name="Чужой", client_id=SECOND_ID,
        api_key_encrypted=aw.vault.encrypt(SecretStr(SECOND_KEY)),
    )  # fmt: skip

    card = await _open_card(aw)
    refused = await aw.answer_of(
        aw.forge_press(aw.boris, card, SellerAction(action="rmok", seller_id=foreign.id))
    )
    assert refused["show_alert"] and "для администраторов" in refused["text"]
    gone = await aw.answer_of(
        aw.forge_press(aw.boris, card, SellerAction(action=SellerOp.PAUSE, seller_id=999_999))
    )
    assert has(gone["text"], says("sellers.gone"))
    odd = await aw.answer_of(aw.forge_press(aw.boris, card, f"as1:explode:{seller.id}"))
    assert has(odd["text"], says("wizard.outdated"))
    old = await aw.answer_of(aw.forge_press(aw.boris, card, f"as:pause:{seller.id}"))
    assert has(old["text"], says("wizard.outdated"))  # a button from before the version digit
    states = {s.id: s.state for s in await aw.db.sellers.list_all()}
    assert states == {seller.id: "active", foreign.id: "active"}
