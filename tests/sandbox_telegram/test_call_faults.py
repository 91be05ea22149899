"""Failures around a call: accepted then dropped, held, dropped mid-upload, photo refused,
and the getUpdates confirmation held after a delivered batch."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramNetworkError
from aiogram.types import BufferedInputFile

from .conftest import TOKEN, World

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _api(world: World, method: str) -> str:
    return f"{world.tg.base_url}/bot{TOKEN}/{method}"


async def test_accept_then_drop_posts_and_the_client_sees_a_network_error(
    world: World, bot: Bot
) -> None:
    tg, group = world.tg, world.group
    fault = tg.add_fault("accept_then_drop", "sendMessage", contains="потеряется")
    await bot.send_message(group.id, "дойдёт с ответом")
    with pytest.raises(TelegramNetworkError):
        await bot.send_message(group.id, "ответ потеряется")
    assert [m["text"] for m in tg.bot_messages(group.id)] == [
        "дойдёт с ответом",
        "ответ потеряется",
    ]
    assert len(fault.hits) == 1 and fault.exhausted
    await bot.send_message(group.id, "снова с ответом")  # count=1: used up
    assert tg.violations == []


async def test_accept_then_drop_on_create_forum_topic_makes_the_topic(
    world: World, bot: Bot
) -> None:
    tg, group = world.tg, world.group
    tg.add_fault("accept_then_drop", "createForumTopic")
    with pytest.raises(TelegramNetworkError):
        await bot.create_forum_topic(group.id, "Заказ 1")
    assert [t.name for t in tg.topics(group.id)] == ["Заказ 1"]


async def test_hold_answers_after_release(world: World, bot: Bot) -> None:
    tg, group = world.tg, world.group
    fault = tg.add_fault("hold", "createForumTopic", skip=1)
    await bot.create_forum_topic(group.id, "первая, пропущена")
    call = asyncio.create_task(bot.create_forum_topic(group.id, "вторая, задержана"))
    await fault.wait_held(5)
    assert [t.name for t in tg.topics(group.id)][-1] == "вторая, задержана"  # took effect
    assert not call.done()
    fault.release()
    topic = await asyncio.wait_for(call, 5)
    assert topic.name == "вторая, задержана"
    assert fault.holding == 0 and len(fault.hits) == 1


async def test_hold_ends_when_the_client_disconnects(world: World) -> None:
    tg, group = world.tg, world.group
    fault = tg.add_fault("hold", "sendMessage")
    async with httpx.AsyncClient(timeout=5) as http:
        call = asyncio.create_task(
            http.post(_api(world, "sendMessage"), json={"chat_id": group.id, "text": "висит"})
        )
        await fault.wait_held(5)
        call.cancel()  # the client goes away with the call in flight
        with pytest.raises(asyncio.CancelledError):
            await call

    await fault.wait_idle(5)
    assert [m["text"] for m in tg.bot_messages(group.id)] == ["висит"]


async def test_fail_mid_upload_posts_nothing(world: World, bot: Bot) -> None:
    tg, group = world.tg, world.group
    fault = tg.add_fault("fail_mid_upload", "sendPhoto|sendDocument", count=2)
    photo = BufferedInputFile(PNG * 100, "a.png")
    with pytest.raises(TelegramNetworkError):
        await bot.send_photo(group.id, photo)
    with pytest.raises(TelegramNetworkError):
        await bot.send_document(group.id, BufferedInputFile(b"%PDF-1.4" * 500, "a.pdf"))
    assert tg.bot_messages(group.id) == []
    assert len(fault.hits) == 2
    sent = await bot.send_photo(group.id, photo)  # the retry goes through
    assert sent.photo
    assert len(tg.bot_messages(group.id)) == 1


async def test_refuse_photo_matching_caption_then_document_goes_through(
    world: World, bot: Bot
) -> None:
    tg, group = world.tg, world.group
    tg.add_fault("refuse_photo", "sendPhoto", contains="чек")
    with pytest.raises(TelegramBadRequest, match="IMAGE_PROCESS_FAILED"):
        await bot.send_photo(group.id, BufferedInputFile(PNG, "a.png"), caption="чек")
    assert tg.bot_messages(group.id) == []
    await bot.send_document(group.id, BufferedInputFile(PNG, "a.png"), caption="чек")
    assert tg.bot_messages(group.id)[0]["caption"] == "чек"
    assert tg.violations == []


async def test_unreadable_photo_is_refused_when_asked(world: World, bot: Bot) -> None:
    tg, group = world.tg, world.group
    await bot.send_photo(group.id, BufferedInputFile(b"not an image", "x.jpg"))  # default: taken
    tg.refuse_unreadable_photos = True
    with pytest.raises(TelegramBadRequest, match="IMAGE_PROCESS_FAILED"):
        await bot.send_photo(group.id, BufferedInputFile(b"not an image", "x.jpg"))
    await bot.send_photo(group.id, BufferedInputFile(PNG, "ok.png"))
    assert len(tg.bot_messages(group.id)) == 2


def test_fault_validation(world: World) -> None:
    tg = world.tg
    with pytest.raises(ValueError, match="unknown fault kind"):
        tg.add_fault("teapot")
    with pytest.raises(ValueError, match="sendPhoto, sendDocument"):
        tg.add_fault("fail_mid_upload", "sendMessage")
    with pytest.raises(ValueError, match="refuse_photo"):
        tg.add_fault("refuse_photo", "sendDocument")
    with pytest.raises(ValueError, match="count"):
        tg.add_fault("hold", "sendMessage", count=0)
    assert tg.faults.call_faults == []


async def test_gate_holds_the_confirmation_after_a_batch(world: World, bot: Bot) -> None:
    tg, anna, group = world.tg, world.anna, world.group
    gate = tg.hold_next_poll()
    for text in ("раз", "два"):
        tg.user_sends(anna.id, group.id, text=text)
    batch = await bot.get_updates(timeout=0)
    confirm = asyncio.create_task(bot.get_updates(offset=batch[-1].update_id + 1, timeout=0))
    assert await gate.wait_holding(5) == [u.update_id for u in batch]
    assert not confirm.done()
    assert tg.state.updates.pending == []  # the offset reached Telegram: nothing redelivered
    gate.release()
    assert await asyncio.wait_for(confirm, 5) == []


async def test_gate_without_confirm_redelivers_after_a_new_poller(world: World) -> None:
    tg, anna, group = world.tg, world.anna, world.group
    gate = tg.hold_next_poll(confirm=False)
    tg.user_sends(anna.id, group.id, text="раз")
    async with httpx.AsyncClient(timeout=5) as http:
        first = (await http.post(_api(world, "getUpdates"), json={"timeout": 0})).json()
        offset = first["result"][-1]["update_id"] + 1
        held = asyncio.create_task(
            http.post(_api(world, "getUpdates"), json={"offset": offset, "timeout": 0})
        )
        await gate.wait_holding(5)
        # a restarted client polls from scratch: the held call is superseded (409) and the
        # batch comes again because its confirmation never took effect
        again = (await http.post(_api(world, "getUpdates"), json={"timeout": 0})).json()
        assert [u["message"]["text"] for u in again["result"]] == ["раз"]
        assert (await asyncio.wait_for(held, 5)).status_code == 409


async def test_control_api_faults_and_gate(world: World) -> None:
    tg, group = world.tg, world.group
    async with httpx.AsyncClient(base_url=tg.base_url, timeout=5) as http:
        made = await http.post(
            "/__control/faults", json={"kind": "hold", "method": "sendMessage", "count": None}
        )
        assert made.status_code == 201
        fault_id = made.json()["id"]
        call = asyncio.create_task(
            http.post(f"/bot{TOKEN}/sendMessage", json={"chat_id": group.id, "text": "держим"})
        )
        await tg.faults.call_faults[0].wait_held(5)
        listed = (await http.get("/__control/faults")).json()["faults"]
        assert listed[0]["holding"] == 1 and listed[0]["count"] is None
        released = await http.post(f"/__control/faults/{fault_id}/release")
        assert released.json()["released"] is True
        assert (await asyncio.wait_for(call, 5)).json()["ok"] is True
        assert (await http.post("/__control/faults/999/release")).status_code == 404
        bad = await http.post("/__control/faults", json={"kind": "teapot"})
        assert bad.status_code == 400
        assert (await http.delete("/__control/faults")).json() == {"cleared": 1}
        gate = await http.post("/__control/updates/gate", json={"confirm": False})
        assert gate.status_code == 201 and gate.json()["confirm"] is False
        shown = (await http.get("/__control/updates/gate")).json()["gate"]
        assert shown["batch"] == [] and shown["holding"] is False
        assert (await http.delete("/__control/updates/gate")).json() == {"released": True}
        settings = await http.post("/__control/settings", json={"refuse_unreadable_photos": True})
        assert settings.json() == {"refuse_unreadable_photos": True}
