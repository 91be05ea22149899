"""A WB buyer's photo that Telegram takes neither as a photo nor as a document is named in
the topic, and the report says where to see it: the WB portal, not the Ozon cabinet."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from pydantic import SecretStr

from sandbox.wildberries import Upload, WildberriesEmulator
from storage.database import Database
from tests.support.texts import says
from tests.support.world import World, open_world, wait_until

WB_SELLER = "wb-refusal-seller"
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 2048


@pytest.fixture
async def world(db: Database) -> AsyncIterator[World]:
    async with WildberriesEmulator() as wb:
        wb.state.add_seller(WB_SELLER, name="Обувь на WB")
        async with open_world(db, wb=wb) as opened:
            yield opened


async def test_a_wb_file_telegram_refuses_is_reported_with_wb_wording(world: World) -> None:
    assert world.wb is not None and world.app is not None
    token = world.wb.state.issue_token(WB_SELLER).token
    seller = await world.db.sellers.create(
        workspace_id=world.workspace.id,
        marketplace="wildberries",
        name="Обувь WB",
        client_id=WB_SELLER,
        api_key_encrypted=world.vault.encrypt(SecretStr(token)),
    )
    world.tg.inject_error("sendPhoto", "Bad Request: IMAGE_PROCESS_FAILED", count=1)
    world.tg.inject_error("sendDocument", "Bad Request: wrong type of the web page content")
    opened = world.wb.state.buyer_writes(
        WB_SELLER, text="Смотрите", uploads=[Upload("photo.jpg", JPEG)]
    )
    await world.app.sync.run_now(seller.id)
    chat = await world.db.chats.get_by_external(seller_id=seller.id, external_id=opened.chat_id)

    async def reported() -> bool:
        current = await world.db.chats.get(chat_id=chat.id)
        return (
            current.topic_thread_id is not None and len(world.posts(current.topic_thread_id)) >= 2
        )

    await wait_until(reported, seconds=30)
    await wait_until(world.outbox_settled)
    thread = (await world.db.chats.get(chat_id=chat.id)).topic_thread_id
    assert thread is not None
    *_, named, report = world.posts(thread)
    assert named["text"] in says("outbox.file_as_text", name="photo.jpg")
    refused = "Bad Request: wrong type of the web page content"
    assert report["text"] in says("outbox.refused.file.wildberries", name="photo.jpg",
                                  reason=refused)  # the WB portal  # fmt: skip
    assert report["text"] not in says("outbox.refused.file")  # not the Ozon wording
    assert "Ozon" not in report["text"]
    assert "wrong type of the web page content" in report["text"]
