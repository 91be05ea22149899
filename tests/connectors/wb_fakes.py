"""Test doubles for WB connector tests: a scripted WB behind ``httpx.MockTransport`` that
checks every request against WB's OpenAPI before answering."""

from __future__ import annotations

import base64
import json
from collections import defaultdict, deque
from collections.abc import Callable
from typing import Any

import httpx

from connectors.ratelimit import Limiter, WindowLimiter
from connectors.wildberries.client import WildberriesClient, WildberriesSellerApi

from .wb_spec import check_request

BASE_URL = "https://buyer-chat-api.wildberries.ru"
TOKEN = "wb-t0ken-7f1c9a2e-do-not-leak-5b8d"
CHAT_ID = "1:4019cd7d-cca8-4e90-8b11-f78afbea42e3"
REPLY_SIGN = CHAT_ID + ":54828159:bc3a4c04079f5956cff170b25e73523a"
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n" + b"\x00" * 64

Reply = httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]


def jwt(payload: dict[str, Any]) -> str:
    def part(data: dict[str, Any]) -> str:
        raw = json.dumps(data).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    return f"{part({'alg': 'ES256', 'typ': 'JWT'})}.{part(payload)}.c2lnbmF0dXJl"


def problem(status: int, detail: str, headers: dict[str, str] | None = None) -> httpx.Response:
    body = {"title": "error", "detail": detail, "status": status, "requestId": "r1"}
    merged = {"content-type": "application/problem+json", **(headers or {})}
    return httpx.Response(status, content=json.dumps(body).encode(), headers=merged)


def ok(result: Any, headers: dict[str, str] | None = None, errors: Any = None) -> httpx.Response:
    return httpx.Response(200, json={"result": result, "errors": errors}, headers=headers)


class RecordingSleep:
    """Replaces asyncio.sleep for retries: returns at once, remembers every delay."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)


class FakeWb:
    """Per-path queues of scripted replies, then a per-path default; ``/download`` paths are
    keyed as ``/api/v1/seller/download``. Every request is spec-checked and recorded."""

    def __init__(self) -> None:
        self.queues: defaultdict[str, deque[Reply]] = defaultdict(deque)
        self.defaults: dict[str, Reply] = {}
        self.requests: list[httpx.Request] = []

    def queue(self, path: str, *replies: Reply) -> None:
        self.queues[path].extend(replies)

    def default(self, path: str, reply: Reply) -> None:
        self.defaults[path] = reply

    def calls(self, path: str) -> list[httpx.Request]:
        return [r for r in self.requests if _key(r.url.path) == path]

    def __call__(self, request: httpx.Request) -> httpx.Response:
        check_request(request)
        self.requests.append(request)
        key = _key(request.url.path)
        reply: Reply | None = self.queues[key].popleft() if self.queues[key] else None
        if reply is None:
            reply = self.defaults.get(key)
        if reply is None:
            raise AssertionError(f"unexpected request to {key}")
        if isinstance(reply, Exception):
            raise reply
        if isinstance(reply, httpx.Response):
            return reply
        return reply(request)


def _key(path: str) -> str:
    prefix = "/api/v1/seller/download/"
    return prefix.rstrip("/") if path.startswith(prefix) else path


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, delay: float) -> None:
        self.now += delay


def make_api(
    fake: FakeWb,
    *,
    token: str = TOKEN,
    limiter: Limiter | None = None,
    **kwargs: Any,
) -> tuple[WildberriesClient, WildberriesSellerApi, RecordingSleep]:
    sleep = RecordingSleep()
    clock = FakeClock()
    client = WildberriesClient(
        base_url=BASE_URL,
        http=httpx.AsyncClient(transport=httpx.MockTransport(fake)),
        sleep=sleep,
        random=lambda: 0.5,
        limiter=limiter or WindowLimiter(10, 10.5, clock=clock, sleep=clock.sleep),
        **kwargs,
    )
    return client, client.for_seller(token), sleep
