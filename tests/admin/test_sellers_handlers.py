"""/sellers buttons as handler cases: forged callback data is looked up and refused."""

from __future__ import annotations

from bot.admin.callbacks import SellerAction, SellerOp
from tests.support.handlers import BORIS, OWNER, HandlerWorld
from tests.support.texts import has, says
from tests.support.world import SECOND_ID, SECOND_KEY

OTHER_GROUP = -100_777


async def test_tampered_callback_data_is_looked_up_and_refused(hw: HandlerWorld) -> None:
    workspace = await hw.bound_group()
    seller = await hw.add_seller(workspace)
    # A second group with its own admin (the owner) and seller.
    hw.in_group(OWNER, "creator", OTHER_GROUP)
    other_ws = await hw.db.workspaces.bind(
        tg_chat_id=OTHER_GROUP, title="Другая", bound_by_tg_user_id=OWNER.id
    )
    foreign = await hw.add_seller(other_ws, client_id=SECOND_ID, api_key=SECOND_KEY, name="Чужой")

    refused = await hw.press(BORIS, SellerAction(action="rmok", seller_id=foreign.id))
    assert refused.show_alert and refused.text in says("refused")
    gone = await hw.press(BORIS, SellerAction(action=SellerOp.PAUSE, seller_id=999_999))
    assert has(gone.text, says("sellers.gone"))
    odd = await hw.press(BORIS, f"as1:explode:{seller.id}")
    assert has(odd.text, says("wizard.outdated"))
    old = await hw.press(BORIS, f"as:pause:{seller.id}")
    assert has(old.text, says("wizard.outdated"))  # a button from before the version digit
    states = {s.id: s.state for s in await hw.db.sellers.list_all()}
    assert states == {seller.id: "active", foreign.id: "active"}
