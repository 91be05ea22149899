"""The Wildberries side of ``bench/sync_cycle.py --marketplace wb``: an emulator process,
its sellers and buyers, and the bot's WB client behind the port.

WB has no bulk seeding: each chat is one control call, so the WB run defaults to fewer
chats per seller than Ozon's (the events stream costs the same whatever their number).
"""

from __future__ import annotations

import random

import httpx
from pydantic import SecretStr

from storage.database import Database
from storage.records import Seller
from storage.vault import Vault


async def seed_wb(url: str, sellers: int, chats: int) -> dict[str, tuple[str, list[str]]]:
    """seller id → (its token, its chat ids); each chat opened by one buyer message."""
    seeded: dict[str, tuple[str, list[str]]] = {}
    async with httpx.AsyncClient(base_url=url + "/__control", timeout=120) as http:
        for number in range(sellers):
            seller_id = f"wb-bench-{number}"
            created = await http.post("/sellers", json={"seller_id": seller_id})
            created.raise_for_status()
            chat_ids: list[str] = []
            for chat in range(chats):
                written = await http.post(
                    f"/sellers/{seller_id}/buyer_message",
                    json={"text": f"Вопрос {chat}", "client_name": f"Покупатель {chat}"},
                )
                written.raise_for_status()
                chat_ids.append(written.json()["chat_id"])
            seeded[seller_id] = (created.json()["token"], chat_ids)
    return seeded


async def follow_ups(url: str, seeded: dict[str, tuple[str, list[str]]], per_seller: int,
                     seed: int) -> None:  # fmt: skip
    """``per_seller`` buyers of every seller write again."""
    pick = random.Random(seed)
    async with httpx.AsyncClient(base_url=url + "/__control", timeout=120) as http:
        for seller_id, (_, chat_ids) in seeded.items():
            for chat_id in pick.sample(chat_ids, min(per_seller, len(chat_ids))):
                written = await http.post(
                    f"/sellers/{seller_id}/buyer_message",
                    json={"text": "Ещё вопрос", "chat_id": chat_id},
                )
                written.raise_for_status()


async def register_wb_sellers(
    db: Database, vault: Vault, seeded: dict[str, tuple[str, list[str]]]
) -> list[Seller]:
    workspace = await db.workspaces.bind(
        tg_chat_id=-100_000_000_002, title="Bench WB", bound_by_tg_user_id=1
    )
    return [
        await db.sellers.create(
            workspace_id=workspace.id,
            marketplace="wildberries",
            name=f"WB {seller_id}",
            client_id=seller_id,
            api_key_encrypted=vault.encrypt(SecretStr(token)),
        )
        for seller_id, (token, _) in seeded.items()
    ]
