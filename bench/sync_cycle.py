"""Sync benchmark: many sellers with thousands of chats, a share of them active per cycle.

Defaults follow the target scale: 100 sellers × 5,000 chats, 1 % of chats with a new buyer
message per cycle. The Ozon emulator runs in its own process and PostgreSQL is the embedded
server (its own process too), so the CPU seconds and peak RSS printed are the sync engine's
alone: the process that polls, parses and stores.

    .venv/bin/python bench/sync_cycle.py [--sellers 100] [--chats 5000] [--cycles 3]
                                         [--new-share 0.01] [--marketplace ozon|wb]

``--marketplace wb`` runs the same cycles against the Wildberries emulator (its events
stream; ``--chats`` defaults to 50 there, seeded one control call per chat).
``--marketplace ym`` runs them against the Yandex Market emulator (chats listed by status;
``--chats`` 50), then the same new messages taken the push way, and prints each cabinet's
hourly budget use with and without push (``--poll-seconds``, ``--safety-net-seconds``).

Prints, per cycle: Ozon calls, calls per seller, CPU seconds, wall seconds, messages stored;
then the peak RSS of this process. Nothing is asserted: figures vary with the machine.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import resource
import socket
import time
from dataclasses import dataclass
from datetime import timedelta

import httpx
from cryptography.fernet import Fernet
from emulators import emulator_process
from pydantic import SecretStr
from scratch_db import scratch_database
from wb_sellers import follow_ups, register_wb_sellers, seed_wb
from ym_sellers import (
    PerCabinet,
    hourly,
    later_clock,
    per_cabinet,
    push_cycle,
    register_ym_sellers,
    seed_ym,
    ym_follow_ups,
)

from bot.marketplaces import build_marketplaces
from bot.seller_api import SellerApis
from bot.sync.poller import PollReport, SellerPoller
from connectors.marketplace.registry import MarketplaceRegistry
from connectors.ozon.client import OzonClient
from connectors.wildberries.client import WildberriesClient
from connectors.yandex_market.adapter import CODE as YM
from connectors.yandex_market.adapter import YmMarketplace
from connectors.yandex_market.client import YandexMarketClient
from connectors.yandex_market.limits import HOURLY_LIMITS
from storage.database import Database
from storage.records import Seller
from storage.vault import Vault

API_KEY = "bench-key"
HISTORY_AGE = timedelta(days=60)  # seeded chats spread over 60 days: ~3 % inside 48 h


@dataclass
class Cycle:
    name: str
    calls: int
    cpu: float
    wall: float
    stored: int


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def seed_emulator(url: str, sellers: int, chats: int) -> list[str]:
    client_ids = [str(500_000 + i) for i in range(sellers)]
    async with httpx.AsyncClient(base_url=url, timeout=120) as http:
        for client_id in client_ids:
            created = await http.post(
                "/__control/sellers", json={"client_id": client_id, "api_key": API_KEY}
            )
            created.raise_for_status()
            seeded = await http.post(
                f"/__control/sellers/{client_id}/seed",
                json={"count": chats, "age_seconds": HISTORY_AGE.total_seconds()},
            )
            seeded.raise_for_status()
    return client_ids


async def register_sellers(db: Database, vault: Vault, client_ids: list[str]) -> list[Seller]:
    workspace = await db.workspaces.bind(
        tg_chat_id=-100_000_000_001, title="Bench", bound_by_tg_user_id=1
    )
    encrypted = vault.encrypt(SecretStr(API_KEY))
    return [
        await db.sellers.create(
            workspace_id=workspace.id,
            marketplace="ozon",
            name=f"Seller {client_id}",
            client_id=client_id,
            api_key_encrypted=encrypted,
        )
        for client_id in client_ids
    ]


async def run_cycle(
    name: str,
    poller: SellerPoller,
    client: OzonClient | WildberriesClient | YandexMarketClient,
    sellers: list[Seller],
    profile: bool = False,
) -> Cycle:
    calls_before = client.calls.total
    profiler = cProfile.Profile() if profile else None
    cpu_before, wall_before = time.process_time(), time.perf_counter()
    if profiler:
        profiler.enable()
    reports: list[PollReport] = await asyncio.gather(*(poller.poll(s) for s in sellers))
    if profiler:
        profiler.disable()
        ours = r"(bot|connectors|storage)/|httpx/_client|httpcore|asyncpg/connection.py"
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(ours, 30)
    return Cycle(
        name=name,
        calls=client.calls.total - calls_before,
        cpu=time.process_time() - cpu_before,
        wall=time.perf_counter() - wall_before,
        stored=sum(r.messages_stored for r in reports),
    )


async def main_wb(args: argparse.Namespace) -> list[Cycle]:
    chats = args.chats if args.chats is not None else 50
    with emulator_process("sandbox.wildberries", free_port(), "--no-rate-limit") as url:
        print(f"seeding {args.sellers} WB sellers × {chats} chats in the emulator …")
        seeded = await seed_wb(url, args.sellers, chats)
        async with scratch_database(max_size=20) as db:
            vault = Vault([SecretStr(Fernet.generate_key().decode())])
            sellers = await register_wb_sellers(db, vault, seeded)
            async with (
                WildberriesClient(base_url=url) as client,
                OzonClient(base_url="http://127.0.0.1:9") as unused,
            ):
                registry = build_marketplaces(ozon=unused, wb=client)
                apis = SellerApis(db=db, vault=vault, marketplaces=registry)
                poller = SellerPoller(db=db, apis=apis)
                cycles = [await run_cycle("first sync", poller, client, sellers)]
                cycles.append(await run_cycle("idle", poller, client, sellers))
                per_seller = max(1, round(chats * args.new_share))
                for number in range(1, args.cycles + 1):
                    await follow_ups(url, seeded, per_seller, number)
                    cycles.append(
                        await run_cycle(
                            f"{args.new_share:.0%} active #{number}",
                            poller,
                            client,
                            sellers,
                            profile=args.profile and number == 1,
                        )
                    )
    return cycles


async def main_ym(args: argparse.Namespace) -> list[Cycle]:
    chats = args.chats if args.chats is not None else 50
    sellers_n = args.sellers
    with emulator_process("sandbox.yandex_market", free_port()) as url:
        print(f"seeding {sellers_n} YM cabinets × {chats} chats in the emulator …")
        seeded = await seed_ym(url, sellers_n, chats)
        async with scratch_database(max_size=20) as db:
            vault = Vault([SecretStr(Fernet.generate_key().decode())])
            sellers = await register_ym_sellers(db, vault, seeded)
            async with YandexMarketClient(base_url=url) as client:
                registry = MarketplaceRegistry({YM: YmMarketplace(client, clock=later_clock())})
                apis = SellerApis(db=db, vault=vault, marketplaces=registry)
                poller = SellerPoller(db=db, apis=apis, clock=later_clock())
                cycles = [await run_cycle("first sync", poller, client, sellers)]
                client.calls.reset()
                cycles.append(await run_cycle("idle", poller, client, sellers))
                idle = per_cabinet(client.calls.by_method, sellers_n)
                per_seller = max(1, round(chats * args.new_share))
                client.calls.reset()
                await ym_follow_ups(url, seeded, per_seller, 1)
                cycles.append(await run_cycle(f"{per_seller}/cabinet new", poller, client,
                                              sellers, profile=args.profile))  # fmt: skip
                active = per_cabinet(client.calls.by_method, sellers_n)
                client.calls.reset()
                written = await ym_follow_ups(url, seeded, per_seller, 2)
                started = time.perf_counter()
                stored = await push_cycle(db, apis, sellers, written)
                pushed = per_cabinet(client.calls.by_method, sellers_n)
                cycles.append(Cycle("same, by push", client.calls.total, 0.0,
                                    time.perf_counter() - started, stored))  # fmt: skip
                client.calls.reset()
                cycles.append(await run_cycle("idle after push", poller, client, sellers))
    print_cycles(cycles, sellers_n, "YM calls")
    print_ym_budget(args, idle, active, pushed, per_seller)
    return cycles


def print_ym_budget(args: argparse.Namespace, idle: PerCabinet, active: PerCabinet,
                    pushed: PerCabinet, per_seller: int) -> None:  # fmt: skip
    """Each cabinet's hourly budget use: polling alone, and push with a slow safety net."""
    share = args.active_share
    without = hourly(idle, active, interval=timedelta(seconds=args.poll_seconds),
                     active_share=share, sweep_pages=1)  # fmt: skip
    safety = hourly(idle, idle, interval=timedelta(seconds=args.safety_net_seconds),
                    active_share=0.0, sweep_pages=1)  # fmt: skip
    pushes = timedelta(hours=1) / timedelta(seconds=args.poll_seconds) * share
    print(f"\nper cabinet per hour ({args.sellers} cabinets; {share:.0%} of polls bring "
          f"{per_seller} new message(s)):")  # fmt: skip
    print(f"{'bucket':<12}{'no push: calls':>16}{'share':>8}{'push: calls':>14}{'share':>8}")
    with_push = {u.resource: u.calls for u in safety}
    for bucket, count in pushed.items():
        with_push[bucket] = with_push.get(bucket, 0.0) + count * pushes
    names = sorted({u.resource for u in without} | set(with_push), key=str)
    polling = {u.resource: u.calls for u in without}
    for bucket in names:
        limit = HOURLY_LIMITS[bucket]
        a, b = polling.get(bucket, 0.0), with_push.get(bucket, 0.0)
        print(f"{bucket:<12}{a:>16.0f}{a / limit:>8.1%}{b:>14.0f}{b / limit:>8.1%}")


async def main(args: argparse.Namespace) -> None:
    if args.marketplace == "ym":
        await main_ym(args)
        return
    if args.marketplace == "wb":
        print_cycles(await main_wb(args), args.sellers, "WB calls")
        return
    if args.chats is None:
        args.chats = 5000
    port = free_port()
    with emulator_process("sandbox.ozon", port, "--rate-limit-rps", "50") as url:
        print(f"seeding {args.sellers} sellers × {args.chats} chats in the emulator …")
        client_ids = await seed_emulator(url, args.sellers, args.chats)
        async with scratch_database(max_size=20) as db:
            vault = Vault([SecretStr(Fernet.generate_key().decode())])
            sellers = await register_sellers(db, vault, client_ids)
            async with OzonClient(base_url=url) as client:
                apis = SellerApis(db=db, vault=vault, marketplaces=build_marketplaces(ozon=client))
                poller = SellerPoller(db=db, apis=apis)
                cycles = [await run_cycle("first sync", poller, client, sellers)]
                cycles.append(await run_cycle("idle", poller, client, sellers))
                per_seller = max(1, round(args.chats * args.new_share))
                async with httpx.AsyncClient(base_url=url, timeout=120) as control:
                    for number in range(1, args.cycles + 1):
                        touched = await control.post(
                            "/__control/follow_ups",
                            json={"per_seller": per_seller, "seed": number},
                        )
                        touched.raise_for_status()
                        cycles.append(
                            await run_cycle(
                                f"{args.new_share:.0%} active #{number}",
                                poller,
                                client,
                                sellers,
                                profile=args.profile and number == 1,
                            )
                        )

    print_cycles(cycles, args.sellers, "Ozon calls")


def print_cycles(cycles: list[Cycle], sellers: int, label: str) -> None:
    print()
    print(f"{'cycle':<18}{label:>11}{'per seller':>11}{'CPU s':>8}{'wall s':>8}{'stored':>8}")
    for cycle in cycles:
        print(
            f"{cycle.name:<18}{cycle.calls:>11}{cycle.calls / sellers:>11.1f}"
            f"{cycle.cpu:>8.2f}{cycle.wall:>8.2f}{cycle.stored:>8}"
        )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak RSS of the sync process: {peak_mb:.0f} MB")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sellers", type=int, default=100)
    parser.add_argument("--chats", type=int, default=None, help="5000 (Ozon), 50 (WB)")
    parser.add_argument("--cycles", type=int, default=3)
    parser.add_argument("--new-share", type=float, default=0.01)
    parser.add_argument("--profile", action="store_true", help="cProfile the first active cycle")
    parser.add_argument("--marketplace", choices=("ozon", "wb", "ym"), default="ozon")
    parser.add_argument("--poll-seconds", type=float, default=60.0, help="ym: poll interval")
    parser.add_argument(
        "--safety-net-seconds", type=float, default=300.0, help="ym: poll interval with push"
    )
    parser.add_argument(
        "--active-share", type=float, default=0.1, help="ym: share of polls with new messages"
    )
    asyncio.run(main(parser.parse_args()))
