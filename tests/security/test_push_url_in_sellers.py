"""/sellers shows a shop's secret push URL to its admins and rotates it; nobody else."""

from __future__ import annotations

import re

from bot.admin.callbacks import PushUrl
from bot.sync.push_tokens import token_hash
from tests.support.texts import says
from tests.support.world import API_KEY, CLIENT_ID, AdminWorld, wait_until

PATH = re.compile(r"/ozon/push/([A-Za-z0-9_-]{40,})")


async def test_the_push_url_is_shown_rotated_and_refused_to_others(aw: AdminWorld) -> None:
    await aw.bound_group()
    await aw.add_by_one_line(
        aw.boris, f"/add_seller ozon {CLIENT_ID} {API_KEY}", says("add.summary")
    )
    [seller] = await aw.db.sellers.list_all()
    after = aw.last_private_id(aw.boris)
    aw.say(aw.boris, "/sellers")
    listing = await aw.wait_private(aw.boris, says("sellers.title"), after=after)
    await aw.press(aw.boris, listing, seller.name)
    cards: list[dict[str, object]] = []

    async def card_open() -> bool:
        push_url = says("security.button.push_url").template
        cards[:] = [m for m in aw.private(aw.boris) if push_url in aw.buttons(m)]
        return bool(cards)

    await wait_until(card_open)
    await aw.press(aw.boris, cards[0], says("security.button.push_url"))
    shown = await aw.wait_private(aw.boris, "/ozon/push/", after=after)
    [first] = PATH.findall(shown["text"])
    stored = await aw.db.pool.fetchval(
        "SELECT push_token_hash FROM sellers WHERE id = $1", seller.id
    )
    assert stored == token_hash(first)

    answer = await aw.press(aw.boris, shown, says("security.button.rotate_push_url"))
    assert answer["show_alert"] and answer["text"] in says("security.push_url.rotated")

    async def rotated() -> bool:
        texts = [m.get("text", "") for m in aw.private(aw.boris)]
        return any(PATH.search(t) and first not in t for t in texts)

    await wait_until(rotated)
    current = await aw.db.pool.fetchval(
        "SELECT push_token_hash FROM sellers WHERE id = $1", seller.id
    )
    assert current != token_hash(first)

    # Vera (an agent) forges the button: refused, no token shown, nothing rotated.
    aw.say(aw.vera, "/start")
    hello = await aw.wait_private(aw.vera, says("start"))
    refused = await aw.answer_of(
        aw.forge_press(aw.vera, hello, PushUrl(action="rotate", seller_id=seller.id))
    )
    assert refused["show_alert"]
    assert not any(PATH.search(m.get("text", "")) for m in aw.private(aw.vera))
    assert (
        await aw.db.pool.fetchval("SELECT push_token_hash FROM sellers WHERE id = $1", seller.id)
        == current
    )
