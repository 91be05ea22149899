"""The topic's context header says what a Yandex Market order is about (issue 16, item 10),
one step at a time: the buyer writes about an order on the YM emulator, one real sync pass
posts the topic's first post (tests.support.drafting.sync_once), whose header the bot filled
from ``POST /v1/businesses/{businessId}/orders`` (getBusinessOrders; the emulator serves
it, checked against ``sandbox/yandex_market/spec/ym-orders.json``).

- Yandex tells the product's name, the order's status and the delivery window: all three
  are shown; a status the bot has no name for is shown by Yandex's code.
- Where it tells nothing (an order it does not return), the key may not read orders
  (getBusinessOrders does not accept the COMMUNICATION scope) or the call fails, the post
  goes anyway, without those lines: the lookup never delays or loses the buyer's message.
"""

from __future__ import annotations

from pydantic import SecretStr

from bot.texts import text
from storage.database import Database
from tests.support.drafting import sync_once
from tests.support.handlers import GROUP_ID
from tests.support.intake_steps import Telegram, body
from tests.support.markets import YM_BUSINESS, YmMarket
from tests.support.relaying import open_market_steps
from tests.support.texts import has, says

ORDER = 55_123_456
PRODUCT = "Наушники беспроводные Pulse 3, чёрные"
#: A key that reads and answers chats and reads orders.
ORDER_SCOPES = ["COMMUNICATION", "INVENTORY_AND_ORDER_PROCESSING_READ_ONLY"]


async def first_post(
    db: Database, *, scopes: list[str] = ORDER_SCOPES, fault: str = "", **order: str
) -> str:
    """The bound group with its YM cabinet (a key with ``scopes``); Yandex describes the
    order with ``order`` (none: it returns no such order); ``fault``: every order call
    fails so; the buyer writes about the order. Returns the topic's first post."""
    async with open_market_steps(db, "ym") as (hw, market):
        assert isinstance(market, YmMarket)
        ym = market.ym
        key = ym.state.issue_key([YM_BUSINESS], scopes=scopes).token
        workspace = await hw.db.workspaces.get_by_chat(tg_chat_id=GROUP_ID)
        seller = await hw.db.sellers.create(
            workspace_id=workspace.id, marketplace="ym", name="Электроника",
            client_id=str(YM_BUSINESS), api_key_encrypted=hw.vault.encrypt(SecretStr(key)),
        )  # fmt: skip
        telegram = Telegram.on(hw)
        message = ym.state.buyer_writes(
            YM_BUSINESS, text="Когда привезут?", context_type="ORDER", order_id=ORDER
        )
        if order:
            ym.state.describe_order(YM_BUSINESS, ORDER, **order)
        if fault:
            ym.state.add_fault(fault, path="/orders")
        await sync_once(hw, seller.id)
        chat = await hw.db.chats.get_by_external(
            seller_id=seller.id, external_id=str(message.chat_id)
        )
        assert chat.topic_thread_id is not None
        [post] = telegram.posts(chat.topic_thread_id)
        return body(post)


async def test_the_header_names_the_product_the_status_and_the_delivery(db: Database) -> None:
    shown = await first_post(
        db, offer_name=PRODUCT, status="DELIVERY", from_date="2026-12-05", to_date="2026-12-07"
    )
    assert has(shown, says("post.product_name", name=PRODUCT))
    assert has(shown, says("order.status.delivering"))
    assert has(shown, text("post.delivery_between", "ru", start="05.12", end="07.12"))
    assert has(shown, says("post.order", order=str(ORDER)))
    assert shown.rstrip().endswith("Когда привезут?")  # the buyer's words still there


async def test_a_status_only_yandex_has_gets_its_own_name(db: Database) -> None:
    shown = await first_post(db, offer_name=PRODUCT, status="RETURNED", from_date="2026-12-05")
    assert has(shown, says("order.status.returned"))
    assert has(shown, text("post.delivery_on", "ru", date="05.12"))  # no toDate: one day


async def test_an_unknown_status_is_shown_as_yandex_names_it(db: Database) -> None:
    shown = await first_post(db, offer_name=PRODUCT, status="UNKNOWN")
    assert has(shown, says("order.status.other", code="UNKNOWN"))


async def test_an_order_yandex_does_not_return_leaves_the_lines_out(db: Database) -> None:
    shown = await first_post(db)
    assert has(shown, says("post.order", order=str(ORDER))) and "Когда привезут?" in shown
    assert not has(shown, "🛍") and not has(shown, "🚚") and not has(shown, "📦")


async def test_a_key_that_may_not_read_orders_still_gets_the_post(db: Database) -> None:
    shown = await first_post(db, scopes=["COMMUNICATION"], offer_name=PRODUCT, status="DELIVERY")
    assert has(shown, says("post.order", order=str(ORDER))) and "Когда привезут?" in shown
    assert PRODUCT not in shown and not has(shown, "📦")


async def test_a_failing_lookup_never_holds_the_post_back(db: Database) -> None:
    shown = await first_post(db, fault="500", offer_name=PRODUCT, status="DELIVERED")
    assert has(shown, says("post.order", order=str(ORDER))) and "Когда привезут?" in shown
    assert PRODUCT not in shown
