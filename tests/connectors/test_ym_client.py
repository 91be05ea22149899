"""The Yandex Market client against the emulator over real HTTP: key checks, cabinets,
paging, budgets from headers, 420 back-off, no retry of 4xx, retries of 5xx, and a send whose
answer is lost never repeated blindly. The emulator refuses any request that breaks the
official spec, so every passing call here is also a spec-conformant request."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from connectors.errors import (
    AuthFailed,
    BadRequest,
    ChatNotFound,
    ContentRejected,
    SendOutcomeUnknown,
    ServerError,
    TokenScopeMissing,
)
from connectors.yandex_market.client import YandexMarketClient
from connectors.yandex_market.errors import BudgetExhausted, ReadOnlyKey, YmRateLimited
from connectors.yandex_market.limits import Resource
from connectors.yandex_market.models import ChatStatus, ContextType
from sandbox.yandex_market import Upload, YandexMarketEmulator

BUSINESS = 5123456
SECOND = 6200000


async def no_sleep(_: float) -> None:
    """Retries without waiting (the delay asked for is recorded by the tests that care)."""


@pytest.fixture
async def emu() -> AsyncIterator[YandexMarketEmulator]:
    async with YandexMarketEmulator() as emulator:
        emulator.state.add_business(BUSINESS, name="Основной", campaign_ids=[21784512, 21784513])
        emulator.state.add_business(SECOND, name="Второй", campaign_ids=[31000001])
        yield emulator


@pytest.fixture
async def client(emu: YandexMarketEmulator) -> AsyncIterator[YandexMarketClient]:
    async with YandexMarketClient(base_url=emu.base_url, sleep=no_sleep) as ym:
        yield ym


def calls(emu: YandexMarketEmulator, path: str) -> int:
    return emu.calls[(str(BUSINESS), path)]


async def test_a_key_is_checked_for_chat_scopes_and_its_cabinets_found(
    emu: YandexMarketEmulator, client: YandexMarketClient
) -> None:
    both = emu.state.issue_key([BUSINESS, SECOND], scopes=["ALL_METHODS"]).token
    report = await client.for_seller(both).check()
    assert report.scopes == {"ALL_METHODS"}
    assert [(b.business_id, b.name, b.campaign_ids) for b in report.businesses] == [
        (BUSINESS, "Основной", (21784512, 21784513)),
        (SECOND, "Второй", (31000001,)),
    ]
    read_only = emu.state.issue_key([BUSINESS], scopes=["ALL_METHODS_READ_ONLY"]).token
    with pytest.raises(ReadOnlyKey) as refused:
        await client.for_seller(read_only).check()
    assert refused.value.kind == "missing_scope" and "read-only" in refused.value.message
    pricing = emu.state.issue_key([BUSINESS], scopes=["PRICING"]).token
    with pytest.raises(TokenScopeMissing):
        await client.for_seller(pricing).check()
    with pytest.raises(AuthFailed) as unknown:
        await client.for_seller("ACMA:nope:0").check()
    assert unknown.value.kind == "invalid_key" and unknown.value.status == 401
    mine = emu.state.issue_key([BUSINESS]).token
    with pytest.raises(AuthFailed) as other_cabinet:
        await client.for_seller(mine, SECOND).check()
    assert other_cabinet.value.kind == "bad_client_id"
    assert "ACMA" not in refused.value.message  # the key never reaches a message


async def test_chats_page_with_tokens_and_filters(
    emu: YandexMarketEmulator, client: YandexMarketClient
) -> None:
    api = client.for_seller(emu.state.issue_key([BUSINESS]).token, BUSINESS)
    for n in range(23):
        emu.state.buyer_writes(BUSINESS, text=f"чат {n}", context_type="DIRECT")
    answered = emu.state.buyer_writes(BUSINESS, text="ответили")
    emu.state.partner_writes(BUSINESS, answered.chat_id, "Ответ", [])
    first = await api.chats(statuses=[ChatStatus.NEW, ChatStatus.WAITING_FOR_PARTNER])
    assert len(first.chats) == 20 and first.next_page_token
    rest = await api.chats(
        statuses=[ChatStatus.NEW, ChatStatus.WAITING_FOR_PARTNER],
        page_token=first.next_page_token,
    )
    assert len(rest.chats) == 3 and rest.next_page_token is None
    assert answered.chat_id not in {c.chat_id for c in first.chats + rest.chats}
    direct = await api.chats(context_types=[ContextType.DIRECT])
    assert {c.context.type for c in direct.chats} == {ContextType.DIRECT}


async def test_budgets_follow_the_headers_and_a_spent_one_refuses_locally(
    emu: YandexMarketEmulator, client: YandexMarketClient
) -> None:
    api = client.for_seller(emu.state.issue_key([BUSINESS]).token, BUSINESS)
    chat = emu.state.buyer_writes(BUSINESS, text="?")
    emu.limits.overrides["getChatMessage"] = 2
    await api.message(chat.chat_id, chat.message_id)
    view = api.budget(Resource.MESSAGE)
    assert (view.limit, view.remaining) == (2, 1)  # Yandex's numbers replace our own
    await api.message(chat.chat_id, chat.message_id)
    assert api.budget(Resource.MESSAGE).remaining == 0
    before = calls(emu, "/chats/message")
    with pytest.raises(BudgetExhausted) as local:
        await api.message(chat.chat_id, chat.message_id)
    assert calls(emu, "/chats/message") == before  # nothing was sent
    assert 3500 < (local.value.retry_after or 0) <= 3600
    history = await api.history(chat.chat_id)  # other methods have their own budget
    assert [m.message_id for m in history.messages] == [chat.message_id]


async def test_a_420_for_an_hourly_budget_backs_off_until_its_reset(
    emu: YandexMarketEmulator, client: YandexMarketClient
) -> None:
    """Yandex counts what we cannot see (another tool on the same key): its 420 stops us
    until the reset it states; a client started later learns it from the next answer."""
    key = emu.state.issue_key([BUSINESS]).token
    emu.state.buyer_writes(BUSINESS, text="?")
    emu.limits.overrides["getChats"] = 1
    async with YandexMarketClient(base_url=emu.base_url, sleep=no_sleep) as other_tool:
        await other_tool.for_seller(key, BUSINESS).chats()  # spends Yandex's bucket
    api = client.for_seller(key, BUSINESS)
    with pytest.raises(YmRateLimited) as limited:
        await api.chats()
    assert limited.value.status == 420 and not limited.value.parallel
    assert 3500 < (limited.value.retry_after or 0) <= 3600
    assert calls(emu, "/chats") == 2  # not retried
    with pytest.raises(BudgetExhausted):
        await api.chats()
    assert calls(emu, "/chats") == 2

    emu.state.advance(3601)
    async with YandexMarketClient(
        base_url=emu.base_url, sleep=no_sleep, clock=emu.state.now
    ) as later:
        page = await later.for_seller(key, BUSINESS).chats()
    assert len(page.chats) == 1


async def test_4xx_is_never_retried_and_5xx_or_the_parallel_cap_are(
    emu: YandexMarketEmulator, client: YandexMarketClient
) -> None:
    api = client.for_seller(emu.state.issue_key([BUSINESS]).token, BUSINESS)
    chat = emu.state.buyer_writes(BUSINESS, text="?")
    with pytest.raises(ChatNotFound):
        await api.chat(999)
    assert calls(emu, "/chat") == 1
    emu.state.add_fault("500", path="/chat", count=2)
    assert (await api.chat(chat.chat_id)).chat_id == chat.chat_id
    assert calls(emu, "/chat") == 4
    emu.state.add_fault("420", path="/chat", count=1)  # the 4-parallel cap
    assert (await api.chat(chat.chat_id)).chat_id == chat.chat_id
    assert calls(emu, "/chat") == 6
    emu.state.add_fault("500", path="/chat")
    with pytest.raises(ServerError):
        await api.chat(chat.chat_id)
    assert calls(emu, "/chat") == 10  # four attempts, then the error


async def test_content_rules_refuse_before_any_call(
    emu: YandexMarketEmulator, client: YandexMarketClient
) -> None:
    api = client.for_seller(emu.state.issue_key([BUSINESS]).token, BUSINESS)
    chat = emu.state.buyer_writes(BUSINESS, text="?")
    with pytest.raises(ContentRejected) as long_text:
        await api.send_message(chat.chat_id, "я" * 4097)
    assert long_text.value.rule == "text_too_long" and long_text.value.limit == 4096
    with pytest.raises(ContentRejected) as big:
        await api.send_file(
            chat.chat_id,
            name="big.pdf",
            content=b"\x00" * 5_000_001,
            content_type="application/pdf",
        )
    assert big.value.rule == "file_too_big"
    await api.send_message(chat.chat_id, "я" * 4096)
    assert calls(emu, "/chats/message") == 1 and calls(emu, "/chats/file/send") == 0


async def test_a_send_whose_answer_is_lost_is_not_repeated(
    emu: YandexMarketEmulator, client: YandexMarketClient
) -> None:
    api = client.for_seller(emu.state.issue_key([BUSINESS]).token, BUSINESS)
    chat = emu.state.buyer_writes(BUSINESS, text="?")
    emu.state.add_fault("accept_then_drop", path="/chats/message", count=1)
    with pytest.raises(SendOutcomeUnknown):
        await api.send_message(chat.chat_id, "Ответ")
    emu.state.add_fault("500", path="/chats/file/send", count=1)
    with pytest.raises(SendOutcomeUnknown):
        await api.send_file(
            chat.chat_id, name="a.pdf", content=b"%PDF-1", content_type="application/pdf"
        )
    assert [m.text for m in emu.state.sent_by_partner(BUSINESS)] == ["Ответ"]
    assert calls(emu, "/chats/message") == 1 and calls(emu, "/chats/file/send") == 1


async def test_buyer_files_are_fetched_with_the_key_from_yandex_hosts_only(
    emu: YandexMarketEmulator, client: YandexMarketClient
) -> None:
    api = client.for_seller(emu.state.issue_key([BUSINESS]).token, BUSINESS)
    chat = emu.state.buyer_writes(
        BUSINESS,
        text="фото",
        files=[
            Upload("Фото 1.jpg", b"\xff\xd8\xff1", "image/jpeg"),
            Upload("скрыт.pdf", b"%PDF", refused=True),
        ],
    )
    [item] = (await api.history(chat.chat_id)).messages
    photo, hidden = item.payload
    file = await api.download(photo.url)
    assert (file.content, file.content_type, file.name) == (
        b"\xff\xd8\xff1",
        "image/jpeg",
        "Фото 1.jpg",
    )
    with pytest.raises(AuthFailed):
        await api.download(hidden.url)
    with pytest.raises(BadRequest):
        await api.download("https://evil.example/steal")
    assert client.may_fetch("https://files.messenger.yandex.net/x")
    assert not client.may_fetch("http://files.messenger.yandex.net/x")


async def test_concurrent_calls_of_one_cabinet_never_exceed_its_in_flight_cap(
    emu: YandexMarketEmulator, client: YandexMarketClient
) -> None:
    api = client.for_seller(emu.state.issue_key([BUSINESS]).token, BUSINESS)
    chat = emu.state.buyer_writes(BUSINESS, text="?")
    emu.state.add_fault("slow", seconds=0.2, path="/chats/history", count=12)
    pages = await asyncio.gather(*(api.history(chat.chat_id) for _ in range(12)))
    assert all(len(p.messages) == 1 for p in pages)
    assert emu.limits.peak_in_flight[str(BUSINESS)] == client.limits.concurrency == 3
    assert calls(emu, "/chats/history") == 12  # no 420, so nothing was retried
