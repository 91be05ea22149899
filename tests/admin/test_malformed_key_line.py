"""A malformed one-line /add_seller still carries a key: it is deleted in private too.
One update at a time (tests.support.handlers): the line, its deletion and the one answer."""

from __future__ import annotations

import pytest
from aiogram.methods import DeleteMessage

from tests.support.handlers import BORIS, HandlerWorld, texts
from tests.support.texts import has, says
from tests.support.world import API_KEY


@pytest.mark.parametrize(
    ("line", "answer"),
    [
        (f"/add_seller ozon 12a45 {API_KEY}", "key.bad_client_id"),
        (f"/add_seller kaspi 123 {API_KEY}", "add.usage.marketplaces"),
        ("/add_seller ym 123 тоже ключ", "add.usage.token.ym"),
        ("/add_seller wb 123 тоже ключ", "add.usage.token"),
        (f"/add_seller ozon 123 {API_KEY} {'x' * 70}", "add.bad_name"),
    ],
)
async def test_a_malformed_line_with_a_key_is_deleted_in_private(
    hw: HandlerWorld, line: str, answer: str
) -> None:
    await hw.bound_group()
    sent = hw.message(BORIS, line)
    requests = await hw.feed("message", sent)
    deleted = [r for r in requests if isinstance(r, DeleteMessage)]
    assert [(r.chat_id, r.message_id) for r in deleted] == [(BORIS.id, sent["message_id"])]
    [told] = texts(requests, BORIS.id)
    assert has(told, says(answer))
    assert API_KEY not in told
    assert await hw.db.sellers.list_all() == []
