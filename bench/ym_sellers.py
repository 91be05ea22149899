"""The Yandex Market side of ``bench/sync_cycle.py --marketplace ym``: the emulator's
cabinets and buyers, the bot's YM client behind the port, and the hourly budget arithmetic.

Yandex's limits are per cabinet and per hour, so what matters is not the calls of one cycle
but the calls an hour of cycles costs each cabinet against each method's budget. The run
measures one idle poll, one poll with new buyer messages, and the same messages taken the
push way (``fetch_message``, then an idle safety-net poll), and turns them into an hour at
the given intervals.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
from pydantic import SecretStr

from bot.seller_api import SellerApis
from bot.sync.ingest import ingest_chat
from connectors.yandex_market.adapter import CODE, SWEEP_EVERY, YmChannel
from connectors.yandex_market.limits import HOURLY_LIMITS, Resource
from storage.database import Database
from storage.records import Seller
from storage.vault import Vault

FIRST_BUSINESS = 7_000_000
#: Client call labels → the hourly bucket they spend.
BUCKETS = {
    "/chats": Resource.CHATS,
    "/chats/history": Resource.HISTORY,
    "/chats/message": Resource.MESSAGE,
    "/chat": Resource.CHAT,
}


def later_clock(minutes: float = 2.0) -> Callable[[], datetime]:
    """The adapter's clock past its recheck window: the steady state of an idle cabinet."""
    return lambda: datetime.now(UTC) + timedelta(minutes=minutes)


async def seed_ym(url: str, sellers: int, chats: int) -> dict[int, tuple[str, list[int]]]:
    """businessId → (its key, its chat ids); contexts cycle ORDER, RETURN, DIRECT."""
    seeded: dict[int, tuple[str, list[int]]] = {}
    contexts = ("ORDER", "RETURN", "DIRECT")
    async with httpx.AsyncClient(base_url=url + "/__control", timeout=120) as http:
        for number in range(sellers):
            business = FIRST_BUSINESS + number
            (await http.post("/businesses", json={"business_id": business})).raise_for_status()
            key = await http.post("/keys", json={"business_ids": [business]})
            key.raise_for_status()
            chat_ids: list[int] = []
            for chat in range(chats):
                written = await http.post(
                    f"/businesses/{business}/buyer_message",
                    json={"text": f"Вопрос {chat}", "context_type": contexts[chat % 3],
                          "customer_name": f"Покупатель {chat}"},
                )  # fmt: skip
                written.raise_for_status()
                chat_ids.append(int(written.json()["chat_id"]))
            seeded[business] = (key.json()["token"], chat_ids)
    return seeded


async def ym_follow_ups(
    url: str, seeded: dict[int, tuple[str, list[int]]], per_seller: int, seed: int
) -> dict[int, list[tuple[int, int]]]:
    """``per_seller`` buyers of every cabinet write again: businessId → (chat, message)."""
    pick = random.Random(seed)
    written: dict[int, list[tuple[int, int]]] = {}
    async with httpx.AsyncClient(base_url=url + "/__control", timeout=120) as http:
        for business, (_, chat_ids) in seeded.items():
            for chat_id in pick.sample(chat_ids, min(per_seller, len(chat_ids))):
                answer = await http.post(
                    f"/businesses/{business}/buyer_message",
                    json={"text": "Ещё вопрос", "chat_id": chat_id},
                )
                answer.raise_for_status()
                written.setdefault(business, []).append((chat_id, answer.json()["message_id"]))
    return written


async def register_ym_sellers(
    db: Database, vault: Vault, seeded: dict[int, tuple[str, list[int]]]
) -> list[Seller]:
    workspace = await db.workspaces.bind(
        tg_chat_id=-100_000_000_003, title="Bench YM", bound_by_tg_user_id=1
    )
    return [
        await db.sellers.create(
            workspace_id=workspace.id,
            marketplace=CODE,
            name=f"Кабинет {business}",
            client_id=str(business),
            api_key_encrypted=vault.encrypt(SecretStr(key)),
            created_by_tg_user_id=1,
        )
        for business, (key, _) in seeded.items()
    ]


async def push_cycle(
    db: Database, apis: SellerApis, sellers: list[Seller],
    written: dict[int, list[tuple[int, int]]],
) -> int:  # fmt: skip
    """What the push path does for each new message: one ``fetch_message``, then ingest."""
    stored = 0
    for seller in sellers:
        channel = await apis.for_seller(seller)
        assert isinstance(channel, YmChannel)
        for chat_id, message_id in written.get(int(seller.client_id), []):
            fetched = await channel.fetch_message(str(chat_id), str(message_id))
            result = await ingest_chat(db, seller=seller, summary=fetched.chat,
                                       messages=fetched.messages,
                                       reply_window=channel.rules.reply_window)  # fmt: skip
            stored += result.stored
    return stored


@dataclass(frozen=True, slots=True)
class HourlyUse:
    """Calls one cabinet spends per hour of a bucket, and the share of its budget."""

    resource: Resource
    calls: float

    @property
    def share(self) -> float:
        return self.calls / HOURLY_LIMITS[self.resource]


PerCabinet = dict[Resource, float]


def per_cabinet(calls: Counter[str], sellers: int) -> PerCabinet:
    spent: PerCabinet = {}
    for label, count in calls.items():
        resource = BUCKETS.get(label)
        if resource is not None:
            spent[resource] = spent.get(resource, 0.0) + count / sellers
    return spent


def hourly(
    idle: PerCabinet, active: PerCabinet, *, interval: timedelta,
    active_share: float, sweep_pages: float,
) -> list[HourlyUse]:  # fmt: skip
    """An hour of polls every ``interval`` where ``active_share`` of polls bring messages
    (costing ``active`` instead of ``idle``), plus the sweep of every status."""
    polls = timedelta(hours=1) / interval
    use: PerCabinet = {}
    for resource in set(idle) | set(active):
        use[resource] = polls * ((1 - active_share) * idle.get(resource, 0.0)
                                 + active_share * active.get(resource, 0.0))  # fmt: skip
    sweeps = (timedelta(hours=1) / SWEEP_EVERY) * sweep_pages
    use[Resource.CHATS] = use.get(Resource.CHATS, 0.0) + sweeps
    return [HourlyUse(r, use[r]) for r in sorted(use, key=str)]
