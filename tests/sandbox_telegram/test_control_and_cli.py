"""The /__control/ HTTP API, the CLI, and self-checks of what the emulator emits."""

from __future__ import annotations

import asyncio
import base64
import re
import signal
import sys

import aiohttp

from sandbox.telegram import TelegramEmulator, load_spec
from sandbox.telegram.validation import check_value

from .conftest import TOKEN, World, make_bot


async def test_control_api_drives_a_whole_flow(tg: TelegramEmulator) -> None:
    async with aiohttp.ClientSession(base_url=tg.base_url) as http:

        async def post(path: str, body: dict | None = None, status: int = 200) -> dict:
            async with http.post(f"/__control{path}", json=body or {}) as response:
                assert response.status == status, await response.text()
                return await response.json()

        async def get(path: str) -> dict:
            async with http.get(f"/__control{path}") as response:
                assert response.status == 200, await response.text()
                return await response.json()

        bot_user = await post("/bots", {"token": TOKEN, "username": "demo_bot"}, 201)
        anna = await post("/users", {"first_name": "Анна", "username": "anna"}, 201)
        group = await post(
            "/groups",
            {
                "title": "Поддержка",
                "is_forum": True,
                "members": [anna["id"]],
                "admins": [anna["id"]],
                "bot_rights": {"can_manage_topics": True},
            },
            201,
        )
        bot = make_bot(tg)
        try:
            topic = await bot.create_forum_topic(group["id"], "Заказ")
            thread = topic.message_thread_id
            draft = await bot.send_message(
                group["id"],
                "черновик",
                message_thread_id=thread,
                reply_markup={"inline_keyboard": [[{"text": "OK", "callback_data": "ok"}]]},
            )
            sent = await post(
                "/messages",
                {
                    "user_id": anna["id"],
                    "chat_id": group["id"],
                    "text": "ответ",
                    "thread_id": thread,
                },
                201,
            )
            assert sent["message_thread_id"] == thread
            photo = await post(
                "/messages",
                {
                    "anonymous_admin": True,
                    "chat_id": group["id"],
                    "photo_base64": base64.b64encode(b"img").decode(),
                },
                201,
            )
            assert photo["sender_chat"]["id"] == group["id"]
            press = await post(
                "/button_presses",
                {
                    "user_id": anna["id"],
                    "chat_id": group["id"],
                    "message_id": draft.message_id,
                    "callback_data": "ok",
                },
                201,
            )
            assert (await get(f"/callback_answers/{press['query_id']}"))["answer"] is None
            await bot.answer_callback_query(press["query_id"], text="Готово")
            answer = (await get(f"/callback_answers/{press['query_id']}"))["answer"]
            assert answer["text"] == "Готово"
            bot_only = await get(f"/chats/{group['id']}/messages?from=bot&thread_id={thread}")
            assert [m["text"] for m in bot_only["messages"]] == ["черновик"]
            await post(f"/chats/{group['id']}/topics/{thread}/close")
            topics = (await get(f"/chats/{group['id']}/topics"))["topics"]
            assert topics[0]["closed"] is True
            assert (await get(f"/chats/{group['id']}/units"))["units"] == 2
            await post(
                "/errors",
                {"method": "getMe", "description": "Unauthorized", "error_code": 401},
                201,
            )
            assert len((await get("/errors"))["errors"]) == 1
            async with http.delete("/__control/errors") as response:
                assert (await response.json()) == {"cleared": 1}
            await post(f"/chats/{group['id']}/remove_bot")
            calls = (await get("/calls"))["calls"]
            assert [c["method"] for c in calls] == [
                "createForumTopic",
                "sendMessage",
                "answerCallbackQuery",
            ]
            assert (await get("/violations"))["violations"] == []
            state = await get("/state")
            assert state["bot"]["id"] == bot_user["id"]
            async with http.post("/__control/users", json={"username": "x"}) as response:
                assert response.status == 400
                assert "error" in await response.json()
        finally:
            await bot.session.close()


async def test_cli_runs_and_stops_on_sigint() -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "sandbox.telegram",
        "--port",
        "0",
        "--token",
        TOKEN,
        "--demo-group",
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        url = None
        assert process.stderr is not None
        while url is None:
            line = (await asyncio.wait_for(process.stderr.readline(), 10)).decode()
            assert line, "the emulator exited before logging its URL"
            match = re.search(r"listening on (http://\S+)", line)
            url = match.group(1) if match else None
        async with (
            aiohttp.ClientSession() as http,
            http.get(f"{url}/bot{TOKEN}/getMe") as response,
        ):
            body = await response.json()
        assert body["ok"] is True
        assert body["result"]["id"] == 123456
        process.send_signal(signal.SIGINT)
        assert await asyncio.wait_for(process.wait(), 10) == 0
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


async def test_emitted_objects_conform_to_the_spec(world: World) -> None:
    """Every update the emulator produced validates against the spec's Update type."""
    tg, anna, group = world.tg, world.anna, world.group
    bot = make_bot(tg)
    try:
        topic = await bot.create_forum_topic(group.id, "Тема", icon_custom_emoji_id=None)
        tg.user_sends(anna.id, group.id, text="текст", thread_id=topic.message_thread_id)
        tg.user_sends(anna.id, group.id, document=("a.pdf", b"%PDF"), caption="акт")
        tg.anonymous_admin_sends(group.id, text="анонимно")
        sent = await bot.send_message(
            group.id,
            "кнопки",
            reply_markup={"inline_keyboard": [[{"text": "OK", "callback_data": "ok"}]]},
        )
        tg.press_button(anna.id, group.id, sent.message_id, "ok")
        first = tg.user_sends(anna.id, anna.id, text="/start")
        tg.user_edits(anna.id, anna.id, first["message_id"], text="/help")
        tg.set_bot_rights(group.id, {"can_manage_topics": True})
    finally:
        await bot.session.close()
    spec = load_spec()
    for update in tg.updates:
        change = update.get("my_chat_member", {})
        for member in (change.get("old_chat_member", {}), change.get("new_chat_member", {})):
            member.pop("can_send_welcome_messages", None)  # Bot API 10.3, newer than the spec
        check_value(spec, ["Update"], update, "update", "self-check")
    kinds = [next(k for k in u if k != "update_id") for u in tg.updates]
    assert kinds == [
        "message",
        "message",
        "message",
        "message",
        "callback_query",
        "message",
        "edited_message",
        "my_chat_member",
    ]


async def test_raw_http_wire_format(world: World) -> None:
    """Case-insensitive method names, JSON bodies, wrong tokens and missing files."""
    tg = world.tg
    async with aiohttp.ClientSession(base_url=tg.base_url) as http:
        async with http.post(
            f"/bot{TOKEN}/SENDMESSAGE", json={"chat_id": world.group.id, "text": "json"}
        ) as response:
            body = await response.json()
        assert response.status == 200
        assert body["ok"] is True
        assert body["result"]["text"] == "json"
        async with http.post(
            f"/bot{TOKEN}/sendMessage", data={"chat_id": str(world.group.id)}
        ) as response:
            body = await response.json()
        assert response.status == 400
        assert body == {
            "ok": False,
            "error_code": 400,
            "description": "Bad Request: message text is empty",
        }
        async with http.post("/bot1:wrong/getMe") as response:
            assert response.status == 401
            assert (await response.json())["description"] == "Unauthorized"
        async with http.get(f"/file/bot{TOKEN}/photos/nothing.jpg") as response:
            assert response.status == 404
    assert tg.violations == ['sendMessage: required parameter "text" is missing']
