"""/sellers shows a shop's secret push URL to its admins and rotates it; nobody else. One
update at a time (tests.support.handlers)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest
from aiogram.methods import EditMessageText, SendMessage

from bot.admin.callbacks import PushUrl, PushUrlOp
from bot.settings import Settings
from bot.sync.push_tokens import token_hash
from storage.database import Database
from tests.support.handlers import BORIS, VERA, HandlerWorld, buttons, open_handler_world, shown
from tests.support.texts import has, says

PATH = re.compile(r"/ozon/push/([A-Za-z0-9_-]{40,})")


@pytest.fixture
async def hw(db: Database) -> AsyncIterator[HandlerWorld]:
    def push_on(settings: Settings) -> Settings:
        return settings.model_copy(update={"ozon_push_port": 0})

    async with open_handler_world(db, push_on) as opened:
        yield opened


async def stored_hash(hw: HandlerWorld, seller_id: int) -> str | None:
    value: str | None = await hw.db.pool.fetchval(
        "SELECT push_token_hash FROM sellers WHERE id = $1", seller_id
    )
    return value


async def test_the_push_url_is_shown_rotated_and_refused_to_others(hw: HandlerWorld) -> None:
    seller = await hw.add_seller(await hw.bound_group())
    [listing] = [r for r in await hw.say(BORIS, "/sellers") if isinstance(r, SendMessage)]
    assert has(listing.text, says("sellers.title"))
    [open_card] = [d for t, d in buttons(listing).items() if seller.name in t]
    await hw.press(BORIS, open_card, on=listing)
    card = shown(hw.session.requests)[-1]
    push = buttons(card)[says("security.button.push_url").template]
    assert push == PushUrl(action=PushUrlOp.SHOW, seller_id=seller.id).pack()

    await hw.press(BORIS, push, on=card)
    url = shown(hw.session.requests)[-1]
    assert isinstance(url, EditMessageText)
    assert has(url.text, says("security.push_url.text", shop=seller.name))
    [first] = PATH.findall(url.text)
    assert await stored_hash(hw, seller.id) == token_hash(first)

    rotate = buttons(url)[says("security.button.rotate_push_url").template]
    answer = await hw.press(BORIS, rotate, on=url)
    assert answer.show_alert and answer.text in says("security.push_url.rotated")
    rotated = shown(hw.session.requests)[-1]
    [second] = PATH.findall(rotated.text)
    assert second != first
    current = await stored_hash(hw, seller.id)
    assert current == token_hash(second)

    # Vera (an agent) forges the button: refused, no token shown, nothing rotated.
    before = len(hw.session.requests)
    refused = await hw.press(VERA, PushUrl(action=PushUrlOp.ROTATE, seller_id=seller.id))
    assert refused.show_alert and refused.text in says("refused")
    assert not any(PATH.search(r.text) for r in shown(hw.session.requests[before:]))
    assert await stored_hash(hw, seller.id) == current
