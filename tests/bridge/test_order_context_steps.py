"""The topic's context header says what the order is about (issue 16, item 10), one step at a
time: the buyer writes on the Ozon emulator, one real sync pass posts the topic's first post
(tests.support.drafting.sync_once), whose header the bot filled from Ozon's
``/v3/posting/fbs/get`` (the emulator serves it).

- Ozon tells the product's name, the posting's status and the delivery window: all three
  are shown.
- Where it tells nothing (no such posting) or the call fails, the post goes anyway, without
  those lines: the lookup never delays or loses the buyer's message.
- Wildberries' chat API has no such call: its header stays as it was (tests of the WB
  intake cover that header; the WB adapter simply is no ``OrderLookup``).
"""

from __future__ import annotations

from bot.texts import text
from connectors.marketplace.orders import OrderLookup
from connectors.wildberries.adapter import WbChannel
from tests.support.drafting import sync_once
from tests.support.handlers import HandlerWorld
from tests.support.intake_steps import Telegram, body
from tests.support.texts import has, says
from tests.support.world import CLIENT_ID

ORDER = "47873153-0052"
PRODUCT = "Кроссовки беговые Stride 2, размер 42"


async def first_post(hw: HandlerWorld, **posting: str) -> str:
    """The bound group with its Ozon shop; Ozon knows the posting ``ORDER-1`` with
    ``posting`` (none: no posting at all); the buyer writes about the order. Returns the
    topic's first post."""
    workspace = await hw.bound_group()
    seller = await hw.add_seller(workspace)
    telegram = Telegram.on(hw)
    if posting:
        hw.ozon.state.add_posting(CLIENT_ID, f"{ORDER}-1", order_number=ORDER, **posting)
    external, _ = hw.ozon.state.buyer_writes(
        CLIENT_ID, text="Когда привезут?", order_number=ORDER, sku="987654321"
    )
    await sync_once(hw, seller.id)
    chat = await hw.db.chats.get_by_external(seller_id=seller.id, external_id=external)
    assert chat.topic_thread_id is not None
    [post] = telegram.posts(chat.topic_thread_id)
    return body(post)


async def test_the_header_names_the_product_the_status_and_the_delivery(
    hw: HandlerWorld,
) -> None:
    shown = await first_post(
        hw, sku="987654321", product_name=PRODUCT, status="delivering",
        delivery_date_begin="2026-12-05T09:00:00Z", delivery_date_end="2026-12-07T21:00:00Z",
    )  # fmt: skip
    assert has(shown, says("post.product_name", name=PRODUCT))
    assert has(shown, says("order.status.delivering"))
    assert has(shown, text("post.delivery_between", "ru", start="05.12", end="07.12"))
    assert has(shown, says("post.order", order=ORDER))
    assert shown.rstrip().endswith("Когда привезут?")  # the buyer's words still there


async def test_an_unknown_status_is_shown_as_ozon_names_it(hw: HandlerWorld) -> None:
    shown = await first_post(hw, product_name=PRODUCT, status="posting_split_pending")
    assert has(shown, says("order.status.other", code="posting_split_pending"))
    assert not has(shown, says("post.delivery_on"))  # no dates told: no delivery line


async def test_without_a_posting_the_post_goes_without_the_lines(hw: HandlerWorld) -> None:
    shown = await first_post(hw)
    assert has(shown, says("post.order", order=ORDER)) and "Когда привезут?" in shown
    assert not has(shown, "🛍") and not has(shown, "🚚") and not has(shown, "📦")


async def test_a_failing_lookup_never_holds_the_post_back(hw: HandlerWorld) -> None:
    hw.ozon.state.add_fault("500", path="/v3/posting/fbs/get")  # every call fails
    shown = await first_post(hw, product_name=PRODUCT, status="delivered")
    assert has(shown, says("post.order", order=ORDER)) and "Когда привезут?" in shown
    assert PRODUCT not in shown


def test_wildberries_tells_no_order_context() -> None:
    """WB's chat API names only the product's nmID, price and size (goodCard): no lookup."""
    assert not issubclass(WbChannel, OrderLookup)
