"""Loopback end-to-end checks of the connector against the local Ozon emulator (sandbox/ozon)."""

from collections.abc import AsyncIterator

import pytest

from connectors.errors import AuthFailed, ChatNotFound, PremiumRequired, ReplyWindowExpired
from connectors.ozon.client import OzonClient, OzonCredentials, OzonSellerApi
from connectors.ozon.models import AuthorType, ChatType

from .fakes import RecordingSleep

emulator = pytest.importorskip("sandbox.ozon")

CLIENT_ID = "111111"
API_KEY = "emu-key-4c1f2b"
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


@pytest.fixture
async def emu() -> AsyncIterator["emulator.OzonEmulator"]:
    async with emulator.OzonEmulator(port=0) as server:
        server.state.add_seller(CLIENT_ID, API_KEY, premium=True)
        yield server


@pytest.fixture
async def client(emu: "emulator.OzonEmulator") -> AsyncIterator[OzonClient]:
    async with OzonClient(base_url=emu.base_url, sleep=RecordingSleep()) as ozon:
        yield ozon


@pytest.fixture
def api(client: OzonClient) -> OzonSellerApi:
    return client.for_seller(OzonCredentials(client_id=CLIENT_ID, api_key=API_KEY))


async def test_list_history_read_download(emu, api: OzonSellerApi) -> None:
    chat_id, _ = emu.state.buyer_writes(
        CLIENT_ID, text="Где заказ?", order_number="47873153-0052", sku="987654321"
    )
    _, image_id = emu.state.buyer_writes(CLIENT_ID, chat_id=chat_id, image=JPEG)

    page = await api.list_chats()
    buyer_chats = [c for c in page.chats if c.is_buyer_chat]
    assert [c.chat_id for c in buyer_chats] == [chat_id]
    assert buyer_chats[0].unread_count == 2
    assert any(c.type is ChatType.SELLER_API_UPDATES for c in page.chats)

    history = await api.history(chat_id)
    by_id = {m.message_id: m for m in history.messages}
    image = by_id[image_id]
    assert image.is_image and image.author_type is AuthorType.CUSTOMER
    texts = [m.content.text for m in history.messages if not m.is_image]
    assert texts == ["Где заказ?"]
    assert all(m.order_number == "47873153-0052" for m in history.messages)

    downloaded = await api.download_file(image.content.images[0])
    assert downloaded.content == JPEG

    assert await api.mark_read(chat_id, image_id) == 0
    after = {c.chat_id: c for c in (await api.list_chats()).chats}
    assert after[chat_id].unread_count == 0
    assert after[chat_id].first_unread_message_id is None


async def test_send_message_and_file(emu, api: OzonSellerApi) -> None:
    chat_id, _ = emu.state.buyer_writes(CLIENT_ID, text="Подойдёт?")
    await api.send_message(chat_id, "Да, подойдёт.")
    await api.send_file(chat_id, name="photo.jpg", content=JPEG)
    sent = emu.state.sent_by_seller(CLIENT_ID, chat_id)
    assert [s.text for s in sent if s.kind == "text"] == ["Да, подойдёт."]
    assert len(sent) == 2
    history = await api.history(chat_id)
    assert sum(1 for m in history.messages if m.is_from_seller) == 2


async def test_accept_then_drop_on_send_stores_exactly_one(
    emu, api: OzonSellerApi, client: OzonClient
) -> None:
    chat_id, _ = emu.state.buyer_writes(CLIENT_ID, text="Когда отправка?")
    emu.state.add_fault("accept_then_drop", count=1, path="/v1/chat/send/message")
    await api.send_message(chat_id, "Сегодня отправим.")
    sent = emu.state.sent_by_seller(CLIENT_ID, chat_id)
    assert [s.text for s in sent] == ["Сегодня отправим."]
    assert client.calls.for_account(CLIENT_ID)["/v1/chat/send/message"] == 1
    assert client.calls.for_account(CLIENT_ID)["/v3/chat/history"] == 1


async def test_accept_then_drop_on_file_stores_exactly_one(emu, api: OzonSellerApi) -> None:
    chat_id, _ = emu.state.buyer_writes(CLIENT_ID, text="Фото?")
    emu.state.add_fault("accept_then_drop", count=1, path="/v1/chat/send/file")
    await api.send_file(chat_id, name="photo.jpg", content=JPEG)
    assert len(emu.state.sent_by_seller(CLIENT_ID, chat_id)) == 1


async def test_drop_before_processing_is_retried(emu, api: OzonSellerApi) -> None:
    chat_id, _ = emu.state.buyer_writes(CLIENT_ID, text="Алло?")
    emu.state.add_fault("drop", count=1, path="/v1/chat/send/message")
    await api.send_message(chat_id, "Здесь!")
    assert [s.text for s in emu.state.sent_by_seller(CLIENT_ID, chat_id)] == ["Здесь!"]


async def test_transient_faults_are_retried(emu, api: OzonSellerApi, client: OzonClient) -> None:
    emu.state.add_fault("429", count=1, path="/v3/chat/list")
    emu.state.add_fault("500", count=1, path="/v3/chat/list")
    page = await api.list_chats()
    assert page.chats  # the system chat at least
    assert client.calls.by_method["/v3/chat/list"] == 3


async def test_error_mapping_against_emulator(emu, client: OzonClient) -> None:
    good = client.for_seller(OzonCredentials(client_id=CLIENT_ID, api_key=API_KEY))
    wrong = client.for_seller(OzonCredentials(client_id=CLIENT_ID, api_key="nope"))
    with pytest.raises(AuthFailed) as info:
        await wrong.check_access()
    assert info.value.kind == "invalid_key"
    bad_id = client.for_seller(OzonCredentials(client_id="abc", api_key=API_KEY))
    with pytest.raises(AuthFailed) as info:
        await bad_id.check_access()
    assert info.value.kind == "bad_client_id"

    with pytest.raises(ChatNotFound):
        await good.send_message("00000000-0000-0000-0000-000000000000", "hi")

    chat_id, _ = emu.state.buyer_writes(CLIENT_ID, text="Привет")
    emu.state.advance_clock(49 * 3600)
    with pytest.raises(ReplyWindowExpired):
        await good.send_message(chat_id, "Поздно")
    assert emu.state.sent_by_seller(CLIENT_ID, chat_id) == []

    emu.state.set_premium(CLIENT_ID, False)
    with pytest.raises(PremiumRequired):
        await good.check_access()
