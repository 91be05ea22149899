"""The Wildberries adapter of the marketplace port, against the WB emulator over real HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import SecretStr

from connectors.marketplace.matching import Delivery
from connectors.marketplace.messages import Author, Downloaded, NotReady, Refused
from connectors.marketplace.port import (
    ChatRef,
    Credentials,
    EventFeed,
    ListingFeed,
    OutgoingFile,
    SentReply,
)
from connectors.wildberries.adapter import NM_ID, REPLY_SIGN, WbChannel, WbMarketplace
from connectors.wildberries.client import WildberriesClient
from sandbox.wildberries import Moderation, Upload, WildberriesEmulator

SELLER = "wb-seller-1"
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 300
PDF = b"%PDF-1.4\n" + b"\x00" * 300


async def _no_sleep(_: float) -> None:
    """Retries without waiting."""


@pytest.fixture
async def emu() -> AsyncIterator[WildberriesEmulator]:
    async with WildberriesEmulator(rate_limit=False) as emulator:
        emulator.state.add_seller(SELLER, name="WB shop")
        yield emulator


@pytest.fixture
async def channel(emu: WildberriesEmulator) -> AsyncIterator[WbChannel]:
    token = emu.state.issue_token(SELLER).token
    async with WildberriesClient(base_url=emu.base_url, sleep=_no_sleep) as client:
        marketplace = WbMarketplace(client)
        assert marketplace.account_id_of(SecretStr(token)) == SELLER  # the token's sid
        yield marketplace.channel(Credentials(account_id=SELLER, secret=SecretStr(token)))


async def test_the_feed_is_an_event_stream_grouped_by_chat_with_the_chat_fields(
    emu: WildberriesEmulator, channel: WbChannel
) -> None:
    assert isinstance(channel.feed, EventFeed) and not isinstance(channel.feed, ListingFeed)
    first = emu.state.buyer_writes(
        SELLER, text="Есть размер M?", client_name="Алёна", nm_id=555, uploads=[Upload("a", JPEG)]
    )
    emu.state.buyer_writes(SELLER, text="И цвет синий?", chat_id=first.chat_id)

    batch = await channel.events(cursor=None)
    [chat] = batch.chats
    assert chat.chat.chat_id == first.chat_id and chat.chat.buyer_name == "Алёна"
    assert chat.chat.extra[REPLY_SIGN] == first.reply_sign and chat.chat.extra[NM_ID] == "555"
    texts = [m.text for m in chat.messages]
    assert texts == ["Есть размер M?", "И цвет синий?"]
    photo = chat.messages[0]
    assert photo.author is Author.BUYER and photo.sku == "555"
    assert photo.images == (first.files[0].download_id,)
    assert sorted(m.message_id for m in chat.messages) == [m.message_id for m in chat.messages]

    rest = await channel.events(cursor=batch.next_cursor)
    if not rest.done:  # the stream may need one more call to say it is at its end
        rest = await channel.events(cursor=rest.next_cursor)
    assert rest.done and rest.chats == [] and rest.next_cursor == batch.next_cursor


async def test_our_send_and_a_portal_reply_are_told_apart(
    emu: WildberriesEmulator, channel: WbChannel
) -> None:
    opened = emu.state.buyer_writes(SELLER, text="Здравствуйте")
    batch = await channel.events(cursor=None)
    ref = ChatRef(opened.chat_id, batch.chats[0].chat.extra)
    since = datetime.now(UTC) - timedelta(seconds=5)
    await channel.send_text(ref, "Да, есть")
    emu.state.portal_reply(SELLER, opened.chat_id, "Из портала")

    later = await channel.events(cursor=batch.next_cursor)
    seller_messages = [m for c in later.chats for m in c.messages]
    assert [(m.text, m.via_api) for m in seller_messages] == [
        ("Да, есть", True),
        ("Из портала", False),
    ]
    found = await channel.find_reply(
        ref, SentReply("text", text="Да, есть"), since=since, exclude=set()
    )
    assert found.outcome is Delivery.FOUND and found.message_id == seller_messages[0].message_id
    portal = await channel.find_reply(
        ref, SentReply("text", text="Из портала"), since=since, exclude=set()
    )
    assert portal.outcome is Delivery.NOT_FOUND  # a person's reply is never taken for ours
    known = await channel.find_reply(
        ref,
        SentReply("text", text="Да, есть"),
        since=since,
        exclude={seller_messages[0].message_id},
    )
    assert known.outcome is Delivery.NOT_FOUND


async def test_a_send_whose_answer_is_lost_is_confirmed_in_events_and_stored_once(
    emu: WildberriesEmulator, channel: WbChannel
) -> None:
    opened = emu.state.buyer_writes(SELLER, text="Где заказ?")
    emu.state.faults.add("accept_then_drop", count=1, path="/api/v1/seller/message")
    await channel.send_files(
        ChatRef(opened.chat_id, {REPLY_SIGN: opened.reply_sign or ""}),
        [OutgoingFile("invoice.pdf", PDF, "application/pdf")],
    )
    [sent] = emu.state.sent_by(SELLER, opened.chat_id)
    assert [f.name for f in sent.files] == ["invoice.pdf"]


async def test_a_chat_seen_without_its_first_event_gets_its_reply_sign_from_the_chat_list(
    emu: WildberriesEmulator, channel: WbChannel
) -> None:
    opened = emu.state.buyer_writes(SELLER, text="Вопрос")
    await channel.send_text(ChatRef(opened.chat_id), "Ответ")
    assert [s.text for s in emu.state.sent_by(SELLER, opened.chat_id)] == ["Ответ"]


async def test_downloads_in_moderation_refused_and_cleared(
    emu: WildberriesEmulator, channel: WbChannel
) -> None:
    pending = Upload("p.jpg", JPEG, moderation=Moderation.PENDING, pending_polls=1)
    refused = Upload("r.jpg", JPEG, moderation=Moderation.REFUSED)
    event = emu.state.buyer_writes(SELLER, text="Фото", uploads=[pending, refused])
    waiting, banned = (f.download_id for f in event.files)

    not_yet = await channel.download(waiting)
    assert isinstance(not_yet, NotReady) and not_yet.retry_after_seconds > 0
    cleared = await channel.download(waiting)
    assert isinstance(cleared, Downloaded) and cleared.content == JPEG
    assert cleared.content_type == "image/jpeg"
    assert isinstance(await channel.download(banned), Refused)
