"""Test doubles for connector tests: a stateful fake Ozon behind httpx.MockTransport."""

from __future__ import annotations

import json
from collections import defaultdict, deque
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx

from connectors.ozon.client import OzonClient, OzonCredentials, OzonSellerApi

BASE_URL = "https://api-seller.ozon.ru"
CLIENT_ID = "123456"
API_KEY = "k3y-7f1c9a2e-do-not-leak-5b8d"
CHAT_ID = "18b8e1f9-4ae7-461c-84ea-8e1f54d1a45e"
MSG_ID = "3000000000817031942"

Reply = httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]


def rpc_error(
    status: int, code: int, message: str, headers: dict[str, str] | None = None
) -> httpx.Response:
    return httpx.Response(
        status, json={"code": code, "message": message, "details": []}, headers=headers
    )


def ok(body: Any = None) -> httpx.Response:
    return httpx.Response(200, json={"result": "success"} if body is None else body)


def message(
    message_id: str = MSG_ID,
    *,
    author: str = "Seller",
    data: list[str] | None = None,
    created_at: datetime | None = None,
    is_image: bool = False,
) -> dict[str, Any]:
    when = created_at or datetime.now(UTC)
    return {
        "message_id": message_id,
        "user": {"id": "2077", "type": author},
        "created_at": when.isoformat().replace("+00:00", "Z"),
        "is_read": False,
        "is_image": is_image,
        "moderate_image_status": "SUCCESS" if is_image else "",
        "data": data if data is not None else ["hello"],
        "context": {"order_number": "", "sku": ""},
    }


class RecordingSleep:
    """Replaces asyncio.sleep: returns at once and remembers every requested delay."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)


class FakeOzon:
    """Stateful handler: per-path queues of scripted replies, then a per-path default.

    A reply is a response, an exception to raise (transport errors) or a callable taking the
    request. Every request is recorded with its decoded JSON body.
    """

    def __init__(self) -> None:
        self.queues: defaultdict[str, deque[Reply]] = defaultdict(deque)
        self.defaults: dict[str, Reply] = {}
        self.requests: list[httpx.Request] = []

    def queue(self, path: str, *replies: Reply) -> None:
        self.queues[path].extend(replies)

    def default(self, path: str, reply: Reply) -> None:
        self.defaults[path] = reply

    def calls(self, path: str) -> list[httpx.Request]:
        return [r for r in self.requests if r.url.path == path]

    def bodies(self, path: str) -> list[Any]:
        return [json.loads(r.content) for r in self.calls(path)]

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        path = request.url.path
        queued = self.queues[path]
        reply = queued.popleft() if queued else self.defaults.get(path)
        if reply is None:
            return rpc_error(404, 5, "Not Found")
        if isinstance(reply, Exception):
            raise reply
        if isinstance(reply, httpx.Response):
            return reply
        return reply(request)


def make_api(
    fake: FakeOzon, *, max_attempts: int = 4, client_id: str = CLIENT_ID, **kwargs: Any
) -> tuple[OzonClient, OzonSellerApi, RecordingSleep]:
    sleep = RecordingSleep()
    http = httpx.AsyncClient(transport=httpx.MockTransport(fake))
    client = OzonClient(
        base_url=BASE_URL,
        http=http,
        max_attempts=max_attempts,
        rate_per_second=10_000,
        sleep=sleep,
        random=lambda: 0.5,
        **kwargs,
    )
    api = client.for_seller(OzonCredentials(client_id=client_id, api_key=API_KEY))
    return client, api, sleep
