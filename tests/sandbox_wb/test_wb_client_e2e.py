"""The WB client against the emulator over real HTTP: what the adapter will rely on."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from connectors.errors import (
    AttachmentNotReady,
    AttachmentRefused,
    AuthFailed,
    ChatNotFound,
    ContentRejected,
    SendOutcomeUnknown,
    TokenExpired,
    TokenRateTooLow,
    TokenScopeMissing,
)
from connectors.wildberries.client import WildberriesClient, WildberriesSellerApi
from connectors.wildberries.echo import SentFile, find_echo, is_portal_reply
from connectors.wildberries.models import Event, Sender
from connectors.wildberries.rules import OutgoingFile
from sandbox.wildberries import Moderation, TokenKind, Upload, WildberriesEmulator

from .conftest import JPEG, PDF, SELLER

MB = 1000 * 1000


class NoSleep:
    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)


@pytest.fixture
async def client(emu: WildberriesEmulator) -> AsyncIterator[WildberriesClient]:
    async with WildberriesClient(base_url=emu.base_url, sleep=NoSleep()) as wb:
        yield wb


async def drain(
    api: WildberriesSellerApi, cursor: int | None = None
) -> tuple[list[Event], int | None]:
    events: list[Event] = []
    while True:
        page = await api.events(cursor)
        if page.exhausted:
            return events, cursor if page.next is None else page.next
        events += page.events
        cursor = page.next


async def test_check_tells_each_token_problem_apart(
    emu: WildberriesEmulator, client: WildberriesClient, token: str
) -> None:
    report = await client.for_seller(token).check()
    assert report.seller_key == SELLER and report.burst == 10 and report.auth_scheme == "bearer"
    expired = emu.state.issue_token(SELLER, expires_at=emu.state.now() - timedelta(hours=1))
    scopeless = emu.state.issue_token(SELLER, buyer_chat=False)
    base = emu.state.issue_token(SELLER, kind=TokenKind.BASE)
    calls_before = sum(emu.calls.values())
    with pytest.raises(TokenExpired):
        await client.for_seller(expired.token).check()
    assert sum(emu.calls.values()) == calls_before  # told by the token itself
    with pytest.raises(TokenScopeMissing):
        await client.for_seller(scopeless.token).check()
    with pytest.raises(TokenRateTooLow):
        await client.for_seller(base.token).check()
    with pytest.raises(AuthFailed) as unknown:
        await client.for_seller("garbage").check()
    assert unknown.value.kind == "invalid_key"


async def test_bare_only_server_is_found_by_the_fallback(
    emu: WildberriesEmulator, client: WildberriesClient, token: str
) -> None:
    emu.state.auth_mode = "bare"
    api = client.for_seller(token)
    assert (await api.check()).auth_scheme == "bare"
    assert await api.chats() == []  # the view keeps the working form
    assert emu.calls[("", "/api/v1/seller/chats")] == 1  # the refused Bearer try
    assert emu.calls[(SELLER, "/api/v1/seller/chats")] == 2


async def test_conversation_photo_reply_pdf_and_portal(
    emu: WildberriesEmulator, client: WildberriesClient, token: str
) -> None:
    api = client.for_seller(token)
    emu.state.events_page_size = 2
    first = emu.state.buyer_writes(
        SELLER,
        text="Пришёл не тот цвет",
        client_name="Алёна",
        uploads=[Upload("p.jpg", JPEG, Moderation.PENDING, pending_polls=1)],
    )
    emu.state.buyer_writes(SELLER, text="Можно вернуть?", chat_id=first.chat_id)
    events, cursor = await drain(api)
    assert [e.text for e in events] == ["Пришёл не тот цвет", "Можно вернуть?"]
    opening = events[0]
    assert opening.is_new_chat and opening.reply_sign and opening.client_name == "Алёна"
    assert (
        opening.attachments.good_card is not None
        and opening.attachments.good_card.nm_id == 12345678
    )
    (image,) = opening.attachments.images
    assert image.download_id is not None
    with pytest.raises(AttachmentNotReady) as pending:
        await api.download(image.download_id)
    assert pending.value.retry_after == 30
    photo = await api.download(image.download_id)
    assert photo.content == JPEG and photo.content_type == "image/jpeg" and photo.name == "p.jpg"
    (chat,) = await api.chats()
    assert chat.reply_sign == opening.reply_sign
    sent_at = emu.state.now() - timedelta(seconds=5)
    result = await api.send(
        chat.reply_sign, "Да, оформим возврат", [OutgoingFile("Возврат.pdf", PDF)]
    )
    assert result.chat_id == first.chat_id and result.errors == ()
    emu.state.portal_reply(SELLER, first.chat_id, "Из портала")
    later, cursor = await drain(api, cursor)
    ours, portal = later
    assert ours.sender is Sender.SELLER and not is_portal_reply(ours) and is_portal_reply(portal)
    echo = find_echo(
        later,
        chat_id=first.chat_id,
        since=sent_at,
        text="Да, оформим возврат",
        files=[SentFile.of("Возврат.pdf", PDF)],
    )
    assert echo.found and echo.event_ids == (ours.event_id,)
    assert [s.text for s in emu.state.sent_by(SELLER)] == ["Да, оформим возврат"]
    nothing, _ = await drain(api, cursor)
    assert nothing == []


async def test_accept_then_drop_is_unknown_and_the_echo_settles_it(
    emu: WildberriesEmulator, client: WildberriesClient, token: str
) -> None:
    api = client.for_seller(token)
    opening = emu.state.buyer_writes(SELLER, text="Вопрос")
    _, cursor = await drain(api)
    sign = emu.state.chats[opening.chat_id].reply_sign
    emu.state.faults.add("accept_then_drop", count=1, path="/api/v1/seller/message")
    since = emu.state.now() - timedelta(seconds=5)
    with pytest.raises(SendOutcomeUnknown):
        await api.send(sign, "Ответ один раз")
    assert len(emu.state.sent) == 1 and emu.calls[(SELLER, "/api/v1/seller/message")] == 1
    events, _ = await drain(api, cursor)
    assert find_echo(events, chat_id=opening.chat_id, since=since, text="Ответ один раз").found


async def test_a_7_mb_file_is_refused_before_anything_is_sent(
    emu: WildberriesEmulator, client: WildberriesClient, token: str
) -> None:
    api = client.for_seller(token)
    opening = emu.state.buyer_writes(SELLER, text="Вопрос")
    sign = emu.state.chats[opening.chat_id].reply_sign
    with pytest.raises(ContentRejected) as refused:
        await api.send(sign, "Смотрите", [OutgoingFile("big.pdf", b"%PDF-" + b"\x00" * (7 * MB))])
    assert refused.value.rule == "file_too_big" and refused.value.file_name == "big.pdf"
    assert emu.calls[(SELLER, "/api/v1/seller/message")] == 0


async def test_refused_image_and_bad_sign(
    emu: WildberriesEmulator, client: WildberriesClient, token: str
) -> None:
    api = client.for_seller(token)
    event = emu.state.buyer_writes(SELLER, uploads=[Upload("x.jpg", JPEG, Moderation.REFUSED)])
    with pytest.raises(AttachmentRefused):
        await api.download(event.files[0].download_id)
    with pytest.raises(ChatNotFound):
        await api.send("1:unknown:1:abc", "Ответ")


async def test_429_fault_is_waited_out(
    emu: WildberriesEmulator, client: WildberriesClient, token: str
) -> None:
    api = client.for_seller(token)
    emu.state.faults.add("429", count=2, path="/api/v1/seller/events")
    page = await api.events()
    assert page.exhausted
    assert emu.calls[(SELLER, "/api/v1/seller/events")] == 3
