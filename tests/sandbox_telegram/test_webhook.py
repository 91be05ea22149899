"""Webhook delivery by the emulator: setWebhook's checks, getUpdates refused while a
webhook is set, updates POSTed in order with the secret header, retried until a 2xx."""

from __future__ import annotations

from typing import Any

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramConflictError
from aiohttp import web

from bot.serving import bound_port, start_site
from sandbox.telegram.webhook import SECRET_HEADER
from tests.support.world import wait_until

from .conftest import World


class Receiver:
    """A webhook endpoint answering the statuses it is told to, recording what it got."""

    def __init__(self) -> None:
        self.statuses: list[int] = []
        self.got: list[tuple[str | None, dict[str, Any]]] = []
        self.runner: web.AppRunner | None = None

    async def handle(self, request: web.Request) -> web.Response:
        self.got.append((request.headers.get(SECRET_HEADER), await request.json()))
        return web.Response(status=self.statuses.pop(0) if self.statuses else 200)

    async def start(self) -> str:
        app = web.Application()
        app.router.add_post("/hook", self.handle)
        self.runner = await start_site(app, "127.0.0.1", 0)
        return f"http://127.0.0.1:{bound_port(self.runner)}/hook"


@pytest.fixture
async def receiver() -> Any:
    found = Receiver()
    yield found
    if found.runner is not None:
        await found.runner.cleanup()


async def test_updates_are_posted_in_order_with_the_secret_and_retried(
    world: World, bot: Bot, receiver: Receiver
) -> None:
    tg, anna, group = world.tg, world.anna, world.group
    url = await receiver.start()
    receiver.statuses = [500]  # the first delivery fails: it is sent again
    assert await bot.set_webhook(url, secret_token="s3cret_-X", allowed_updates=["message"])
    for text in ("один", "два"):
        tg.user_sends(anna.id, group.id, text=text)

    async def both() -> bool:
        return [u["message"]["text"] for _, u in receiver.got][-2:] == ["один", "два"]

    await wait_until(both)
    texts = [u["message"]["text"] for _, u in receiver.got]
    assert texts == ["один", "один", "два"]
    assert {secret for secret, _ in receiver.got} == {"s3cret_-X"}
    assert [status for _, status in tg.webhook_answers] == [500, 200, 200]
    info = await bot.get_webhook_info()
    assert info.url == url and info.pending_update_count == 0
    assert info.last_error_message == "Wrong response from the webhook: 500"
    assert info.allowed_updates == ["message"]
    with pytest.raises(TelegramConflictError, match="webhook is active"):
        await bot.get_updates(timeout=0)
    assert await bot.delete_webhook()
    assert (await bot.get_webhook_info()).url == ""
    assert await bot.get_updates(timeout=0) == []
    assert tg.violations == []


@pytest.mark.parametrize(
    ("url", "secret", "error"),
    [
        ("http://bot.example.com/hook", None, "HTTPS URL must be provided"),
        ("https://bot.example.com:9999/hook", None, "only on ports 80, 88, 443 or 8443"),
        ("https://bot.example.com/hook", "no spaces allowed", "secret token contains"),
    ],
)
async def test_set_webhook_refuses_what_telegram_refuses(
    world: World, bot: Bot, url: str, secret: str | None, error: str
) -> None:
    with pytest.raises(TelegramBadRequest, match=error):
        await bot.set_webhook(url, secret_token=secret)
    assert world.tg.webhook is None
