"""The Yandex Market adapter of the marketplace port, against the YM emulator over real HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import SecretStr

from connectors.errors import ContentRejected, SendOutcomeUnknown
from connectors.marketplace.matching import Delivery
from connectors.marketplace.messages import Author, ChatInfo, Downloaded, Refused, has_news
from connectors.marketplace.port import (
    ChatRef,
    Credentials,
    EventFeed,
    ListingFeed,
    OutgoingFile,
    SentReply,
)
from connectors.yandex_market.adapter import (
    CAMPAIGN_ID,
    CONTEXT,
    ORDER_ID,
    RETURN_ID,
    YM_RULES,
    YmChannel,
    YmMarketplace,
    arbitrage_state,
    is_arbitrage,
    message_key,
)
from connectors.yandex_market.client import YandexMarketClient
from sandbox.yandex_market import Upload, YandexMarketEmulator

BUSINESS = 5123456
CAMPAIGN = 21784512
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 300
LATER = timedelta(minutes=2)


async def no_sleep(_: float) -> None:
    """Retries without waiting."""


class Clock:
    """The adapter's clock, moved by tests (the sweep and the recheck window)."""

    def __init__(self) -> None:
        self.shift = LATER

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.shift


@pytest.fixture
async def emu() -> AsyncIterator[YandexMarketEmulator]:
    async with YandexMarketEmulator() as emulator:
        emulator.state.add_business(BUSINESS, name="Кабинет", campaign_ids=[CAMPAIGN])
        yield emulator


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def channel(emu: YandexMarketEmulator, clock: Clock) -> AsyncIterator[YmChannel]:
    key = emu.state.issue_key([BUSINESS]).token
    async with YandexMarketClient(base_url=emu.base_url, sleep=no_sleep) as client:
        marketplace = YmMarketplace(client, clock=clock)
        assert marketplace.account_id_of(SecretStr(key)) is None  # the cabinet is looked up
        _, cabinets = await marketplace.cabinets(SecretStr(key))
        assert [c.business_id for c in cabinets] == [BUSINESS]
        yield marketplace.channel(Credentials(account_id=str(BUSINESS), secret=SecretStr(key)))


def calls(emu: YandexMarketEmulator, path: str) -> int:
    return emu.calls[(str(BUSINESS), path)]


async def test_the_feed_lists_waiting_chats_with_their_context_and_buyer(
    emu: YandexMarketEmulator, channel: YmChannel
) -> None:
    assert isinstance(channel.feed, ListingFeed) and not isinstance(channel.feed, EventFeed)
    order = emu.state.buyer_writes(
        BUSINESS,
        text="Где заказ?",
        context_type="ORDER",
        customer_name="Анна К.",
        order_id=55012347,
    )
    ret = emu.state.buyer_writes(BUSINESS, text="Возврат", context_type="RETURN")
    direct = emu.state.buyer_writes(BUSINESS, text="Есть синий?", context_type="DIRECT")
    done = emu.state.buyer_writes(BUSINESS, text="Спасибо")
    emu.state.partner_writes(BUSINESS, done.chat_id, "Пожалуйста", [])  # waits for the buyer

    page = await channel.list_chats(cursor=None, unread_only=True)
    by_id = {c.chat_id: c for c in page.chats}
    assert set(by_id) == {str(order.chat_id), str(ret.chat_id), str(direct.chat_id)}
    listed = by_id[str(order.chat_id)]
    assert listed.buyer_name == "Анна К." and listed.latest_is_bound and not listed.closed
    assert listed.extra[CONTEXT] == "ORDER" and listed.extra[ORDER_ID] == "55012347"
    assert listed.extra[CAMPAIGN_ID] == str(CAMPAIGN)
    assert by_id[str(ret.chat_id)].extra[RETURN_ID]
    assert ORDER_ID not in by_id[str(direct.chat_id)].extra

    [message] = await channel.newest_messages(str(order.chat_id), limit=50)
    assert message.author is Author.BUYER and message.order_number == "55012347"
    assert message.message_id == message_key(message.created_at, order.message_id)

    sweep = await channel.list_chats(cursor=None, unread_only=False)
    assert str(done.chat_id) in {c.chat_id for c in sweep.chats}  # every status
    before = calls(emu, "/chats")
    again = await channel.list_chats(cursor=None, unread_only=False)
    assert again.chats == [] and calls(emu, "/chats") == before  # the sweep is slower


async def test_a_listed_chat_is_news_only_past_the_stored_cursor(
    emu: YandexMarketEmulator, channel: YmChannel, clock: Clock
) -> None:
    chat = emu.state.buyer_writes(BUSINESS, text="Первое")
    [first] = await channel.newest_messages(str(chat.chat_id), limit=50)
    [listed] = (await channel.list_chats(cursor=None, unread_only=True)).chats
    assert not has_news(listed, first.message_id)  # idle: nothing to read
    assert has_news(listed, None)

    clock.shift = timedelta(seconds=10)  # just after the last message: read again
    [recent] = (await channel.list_chats(cursor=None, unread_only=True)).chats
    assert has_news(recent, first.message_id)

    clock.shift = LATER
    emu.state.buyer_writes(BUSINESS, text="Второе", chat_id=chat.chat_id)
    [changed] = (await channel.list_chats(cursor=None, unread_only=True)).chats
    assert has_news(changed, first.message_id)
    newer = await channel.messages_after(str(chat.chat_id), first.message_id)
    assert [m.text for m in newer] == ["Второе"]


@pytest.mark.parametrize("inclusive", [True, False])
async def test_history_after_the_cursor_is_the_same_whichever_reading_yandex_has(
    emu: YandexMarketEmulator, channel: YmChannel, inclusive: bool
) -> None:
    emu.state.history_from_inclusive = inclusive
    chat = emu.state.buyer_writes(BUSINESS, text="0")
    for n in range(1, 150):
        emu.state.buyer_writes(BUSINESS, text=str(n), chat_id=chat.chat_id)
    everything = await channel.newest_messages(str(chat.chat_id), limit=200)
    assert [m.text for m in everything] == [str(n) for n in range(150)]
    cursor = everything[9].message_id
    after = await channel.messages_after(str(chat.chat_id), cursor)
    assert [m.text for m in after] == [str(n) for n in range(10, 150)]
    assert await channel.messages_after(str(chat.chat_id), everything[-1].message_id) == []


async def test_senders_files_stickers_and_arbitration_are_mapped(
    emu: YandexMarketEmulator, channel: YmChannel
) -> None:
    chat = emu.state.buyer_writes(
        BUSINESS,
        text="Сломан",
        context_type="ORDER",
        files=[Upload("фото.jpg", JPEG, "image/jpeg"), Upload("акт.pdf", b"%PDF-1.4")],
    )
    emu.state.market_writes(BUSINESS, chat.chat_id, "Подключилась поддержка", sender="SUPPORT")
    emu.state.buyer_writes(BUSINESS, chat_id=chat.chat_id)  # a sticker: no text, no file
    emu.state.partner_writes(BUSINESS, chat.chat_id, "Из кабинета", [])
    emu.state.start_arbitrage(BUSINESS, chat.chat_id)
    messages = await channel.newest_messages(str(chat.chat_id), limit=50)
    authors = [m.author for m in messages]
    assert authors == [Author.BUYER, Author.SUPPORT, Author.BUYER, Author.SELLER, Author.SYSTEM]
    photo = messages[0]
    assert photo.shows_image and photo.files[0].name == "акт.pdf"
    assert messages[2].unreadable and messages[2].placeable
    downloaded = await channel.download(photo.images[0])
    assert isinstance(downloaded, Downloaded)
    assert downloaded.content == JPEG and downloaded.name == "фото.jpg"

    [listed] = (await channel.list_chats(cursor=None, unread_only=False)).chats
    assert is_arbitrage(listed)
    emu.state.finish_arbitrage(BUSINESS, chat.chat_id)
    info = await channel.fetch_chat(str(chat.chat_id))
    assert info.closed and not is_arbitrage(info) and arbitrage_state(info) == "finished"


async def test_a_file_market_refuses_is_refused_at_once_and_a_foreign_host_too(
    emu: YandexMarketEmulator, channel: YmChannel
) -> None:
    """A 4xx on a file is final (retrying spends the hourly budget for the same answer)."""
    chat = emu.state.buyer_writes(
        BUSINESS, text="чек", files=[Upload("чек.pdf", b"%PDF-1.4", refused=True)]
    )
    [message] = await channel.newest_messages(str(chat.chat_id), limit=5)
    assert await channel.download(message.files[0].url) == Refused("unavailable")
    assert await channel.download("https://evil.example/steal") == Refused("unavailable")


async def test_push_entry_points_fetch_the_chat_and_the_message(
    emu: YandexMarketEmulator, channel: YmChannel
) -> None:
    chat = emu.state.buyer_writes(
        BUSINESS, text="Привет", context_type="DIRECT", customer_name="Игорь"
    )
    info = await channel.fetch_chat(str(chat.chat_id))
    assert isinstance(info, ChatInfo) and info.buyer_name == "Игорь"
    assert info.extra[CONTEXT] == "DIRECT"
    second = emu.state.buyer_writes(BUSINESS, text="Ответьте", chat_id=chat.chat_id)
    fetched = await channel.fetch_message(str(chat.chat_id), str(second.message_id))
    assert [m.text for m in fetched.messages] == ["Ответьте"]
    assert calls(emu, "/chats/message") == 1 and calls(emu, "/chats/history") == 0

    emu.limits.overrides["getChatMessage"] = 101  # one read leaves 100: the reserve
    emu.limits.reset()
    await channel.fetch_message(str(chat.chat_id), str(second.message_id))
    third = emu.state.buyer_writes(BUSINESS, text="Ещё", chat_id=chat.chat_id)
    fallback = await channel.fetch_message(str(chat.chat_id), third.message_id)
    assert [m.text for m in fallback.messages] == ["Ещё"]
    assert calls(emu, "/chats/message") == 2 and calls(emu, "/chats/history") == 1
    assert fallback.chat.buyer_name == "Игорь"


async def test_sends_go_once_and_a_lost_answer_is_settled_from_history(
    emu: YandexMarketEmulator, channel: YmChannel
) -> None:
    chat = emu.state.buyer_writes(BUSINESS, text="?")
    ref = ChatRef(str(chat.chat_id))
    await channel.send_text(ref, "Первый ответ")
    emu.state.add_fault("accept_then_drop", path="/chats/message", count=1)
    await channel.send_text(ref, "Второй ответ")  # stored, answer lost: found in history
    emu.state.add_fault("drop", path="/chats/message", count=1)
    with pytest.raises(SendOutcomeUnknown):
        await channel.send_text(ref, "Третий ответ")  # never arrived: not found, not resent
    files = [OutgoingFile("фото.jpg", JPEG, "image/jpeg"), OutgoingFile("чек.pdf", b"%PDF-1")]
    emu.state.add_fault("accept_then_drop", path="/chats/file/send", count=1)
    await channel.send_files(ref, files)
    sent = emu.state.sent_by_partner(BUSINESS, chat.chat_id)
    assert [m.text or m.files[0].name for m in sent] == [
        "Первый ответ",
        "Второй ответ",
        "фото.jpg",
        "чек.pdf",
    ]
    since = datetime.now(UTC) - timedelta(minutes=1)
    verdict = await channel.find_reply(
        ref, SentReply("file", file_name="чек.pdf"), since=since, exclude=set()
    )
    assert verdict.outcome is Delivery.FOUND
    missing = await channel.find_reply(
        ref, SentReply("text", text="Третий ответ"), since=since, exclude=set()
    )
    assert missing.outcome is Delivery.NOT_FOUND
    with pytest.raises(ContentRejected):
        await channel.send_files(ref, [OutgoingFile("big.bin", b"\x00" * 5_000_001)])
    assert YM_RULES.files.max_file_bytes == 5_000_000 and YM_RULES.text_limit == 4096


async def test_after_a_restart_a_reply_is_looked_for_in_the_whole_history(
    emu: YandexMarketEmulator, channel: YmChannel
) -> None:
    chat = emu.state.buyer_writes(BUSINESS, text="0")
    for n in range(1, 120):
        emu.state.buyer_writes(BUSINESS, text=str(n), chat_id=chat.chat_id)
    started = datetime.now(UTC) - timedelta(seconds=5)
    emu.state.add_fault("accept_then_drop", path="/chats/message", count=1)
    await channel.send_text(ChatRef(str(chat.chat_id)), "Ответ")
    for n in range(3):
        emu.state.buyer_writes(BUSINESS, text=f"после {n}", chat_id=chat.chat_id)
    key = next(iter(emu.state.keys))
    async with YandexMarketClient(base_url=emu.base_url, sleep=no_sleep) as client:
        fresh = YmMarketplace(client).channel(
            Credentials(account_id=str(BUSINESS), secret=SecretStr(key))
        )
        verdict = await fresh.find_reply(
            ChatRef(str(chat.chat_id)),
            SentReply("text", text="Ответ"),
            since=started,
            exclude=set(),
        )
    assert verdict.outcome is Delivery.FOUND
    assert len(emu.state.sent_by_partner(BUSINESS, chat.chat_id)) == 1
