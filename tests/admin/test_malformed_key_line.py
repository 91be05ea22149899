"""A malformed one-line /add_seller still carries a key: it is deleted in private too."""

from __future__ import annotations

import pytest

from tests.support.texts import says
from tests.support.world import API_KEY, AdminWorld


@pytest.mark.parametrize(
    ("line", "answer"),
    [
        (f"/add_seller ozon 12a45 {API_KEY}", "Client-Id не подходит"),
        (f"/add_seller kaspi 123 {API_KEY}", "с Ozon, Wildberries и Яндекс Маркетом"),
        ("/add_seller ym 123 тоже ключ", "API-ключ Яндекс Маркета"),
        ("/add_seller wb 123 тоже ключ", "токен API Wildberries"),
        (f"/add_seller ozon 123 {API_KEY} {'x' * 70}", "Название"),
    ],
)
async def test_a_malformed_line_with_a_key_is_deleted_in_private(
    aw: AdminWorld, line: str, answer: str
) -> None:
    await aw.bound_group()
    aw.say(aw.boris, "/start")
    await aw.wait_private(aw.boris, says("start"))
    after = aw.last_private_id(aw.boris)
    sent = aw.say(aw.boris, line)
    await aw.wait_private(aw.boris, answer, after=after)
    assert sent not in [m["message_id"] for m in aw.tg.messages(aw.boris.id)]
    assert await aw.db.sellers.list_all() == []
