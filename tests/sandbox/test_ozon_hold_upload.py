"""Ozon faults around a send: the response held until released, the upload cut midway."""

from __future__ import annotations

import asyncio
import base64

import httpx
import pytest

from sandbox.ozon import OzonEmulator
from sandbox.ozon.state import EmulatorState

from .conftest import CLIENT_ID

SEND = "/v1/chat/send/message"
SEND_FILE = "/v1/chat/send/file"


async def test_hold_stores_the_message_and_answers_after_release(
    emu: OzonEmulator, client: httpx.AsyncClient
) -> None:
    chat_id, _ = emu.state.buyer_writes(CLIENT_ID, text="вопрос")
    fault = emu.state.add_fault("hold", count=1, path=SEND)
    call = asyncio.create_task(client.post(SEND, json={"chat_id": chat_id, "text": "держим"}))
    await fault.wait_held(5)
    assert [r.text for r in emu.state.sent_by_seller(CLIENT_ID)] == ["держим"]  # took effect
    assert not call.done()
    emu.state.faults.release(fault)
    response = await asyncio.wait_for(call, 5)
    assert response.json() == {"result": "success"}
    assert fault.hits == 1 and fault.holding == 0


async def test_hold_ends_when_the_client_goes_away(
    emu: OzonEmulator, client: httpx.AsyncClient
) -> None:
    chat_id, _ = emu.state.buyer_writes(CLIENT_ID, text="вопрос")
    fault = emu.state.add_fault("hold", path=SEND)
    call = asyncio.create_task(client.post(SEND, json={"chat_id": chat_id, "text": "висит"}))
    await fault.wait_held(5)
    call.cancel()
    with pytest.raises(asyncio.CancelledError):
        await call
    await client.aclose()

    await fault.wait_idle(5)
    assert [r.text for r in emu.state.sent_by_seller(CLIENT_ID)] == ["висит"]


async def test_fail_mid_upload_stores_nothing_and_the_retry_goes_through(
    emu: OzonEmulator, client: httpx.AsyncClient
) -> None:
    chat_id, _ = emu.state.buyer_writes(CLIENT_ID, text="вопрос")
    fault = emu.state.add_fault("fail_mid_upload", count=1)
    body = {
        "chat_id": chat_id,
        "name": "act.pdf",
        "base64_content": base64.b64encode(b"%PDF-1.4" * 4000).decode(),
    }
    ok = await client.post(SEND, json={"chat_id": chat_id, "text": "текст не задет"})
    assert ok.status_code == 200  # the fault matches /v1/chat/send/file only
    with pytest.raises(httpx.TransportError):
        await client.post(SEND_FILE, json=body)
    assert [r.text for r in emu.state.sent_by_seller(CLIENT_ID)] == ["текст не задет"]
    assert fault.hits == 1
    again = await client.post(SEND_FILE, json=body)
    assert again.status_code == 200
    assert [r.file_name for r in emu.state.sent_by_seller(CLIENT_ID)][-1] == "act.pdf"


async def test_control_api_hold_and_release(
    emu: OzonEmulator, client: httpx.AsyncClient, anon: httpx.AsyncClient
) -> None:
    chat_id, _ = emu.state.buyer_writes(CLIENT_ID, text="вопрос")
    made = await anon.post("/__control/faults", json={"kind": "hold", "count": 1, "path": SEND})
    assert made.status_code == 201
    fault_id = made.json()["id"]
    call = asyncio.create_task(client.post(SEND, json={"chat_id": chat_id, "text": "держим"}))
    fault = emu.state.faults.get(fault_id)
    assert fault is not None
    await fault.wait_held(5)
    released = await anon.post(f"/__control/faults/{fault_id}/release")
    assert released.status_code == 200 and released.json()["released"] is True
    assert (await asyncio.wait_for(call, 5)).status_code == 200
    assert (await anon.post("/__control/faults/999/release")).status_code == 404
    bad = await anon.post("/__control/faults", json={"kind": "fail_mid_upload", "path": SEND})
    assert bad.status_code == 400


def test_fail_mid_upload_validation() -> None:
    state = EmulatorState()
    with pytest.raises(ValueError, match="send/file only"):
        state.add_fault("fail_mid_upload", path=SEND)
    assert state.add_fault("fail_mid_upload").kind == "fail_mid_upload"


async def test_skip_lets_the_first_calls_through(
    emu: OzonEmulator, client: httpx.AsyncClient
) -> None:
    chat_id, _ = emu.state.buyer_writes(CLIENT_ID, text="вопрос")
    emu.state.add_fault("accept_then_drop", count=1, path=SEND, skip=2)
    for text in ("1", "2"):
        ok = await client.post(SEND, json={"chat_id": chat_id, "text": text})
        assert ok.status_code == 200
    with pytest.raises(httpx.TransportError):
        await client.post(SEND, json={"chat_id": chat_id, "text": "3"})
    assert [r.text for r in emu.state.sent_by_seller(CLIENT_ID)] == ["1", "2", "3"]
