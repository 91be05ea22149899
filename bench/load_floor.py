"""The floor of ``bench/load.py``: the CPU a bare HTTP client spends on a given number of
Ozon and Bot API calls against the same emulators, in a process of its own.

    python bench/load_floor.py --client httpx|aiohttp --ozon URL --telegram URL \
        --token T --group G --ozon-calls N --telegram-calls M --sellers ID:KEY,ID:KEY,...

Prints one JSON line: ``{"client", "calls", "cpu_seconds", "cpu_ms_per_call"}``. Only the
calls are timed (process CPU, ``time.process_time``), not the import or the client set-up.
The Ozon call is a chat listing (what an idle poll mostly makes), the Telegram call a
``sendChatAction`` (a POST with parameters that spends no flood budget, so the floor never
waits on a limit); both are what the connectors send, minus everything the bot does around
them.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import time
from collections.abc import Awaitable, Callable

import aiohttp
import httpx

CONCURRENCY = 8
OZON_PATH = "/v3/chat/list"
OZON_BODY = {"filter": {"chat_status": "ALL", "unread_only": False}, "limit": 100}

Call = Callable[[int], Awaitable[None]]


async def spread(calls: int, call: Call) -> None:
    queue = iter(range(calls))

    async def worker() -> None:
        for n in queue:
            await call(n)

    await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))


async def with_httpx(args: argparse.Namespace, sellers: list[tuple[str, str]]) -> float:
    async with httpx.AsyncClient(timeout=30) as http:
        cycle = itertools.cycle(sellers)

        async def ozon(_: int) -> None:
            client_id, key = next(cycle)
            response = await http.post(
                args.ozon + OZON_PATH,
                json=OZON_BODY,
                headers={"Client-Id": client_id, "Api-Key": key},
            )
            response.read()

        async def telegram(_: int) -> None:
            response = await http.post(
                f"{args.telegram}/bot{args.token}/sendChatAction",
                data={"chat_id": str(args.group), "action": "typing"},
            )
            response.read()

        started = time.process_time()
        await spread(args.ozon_calls, ozon)
        await spread(args.telegram_calls, telegram)
        return time.process_time() - started


async def with_aiohttp(args: argparse.Namespace, sellers: list[tuple[str, str]]) -> float:
    async with aiohttp.ClientSession() as http:
        cycle = itertools.cycle(sellers)

        async def ozon(_: int) -> None:
            client_id, key = next(cycle)
            async with http.post(
                args.ozon + OZON_PATH,
                json=OZON_BODY,
                headers={"Client-Id": client_id, "Api-Key": key},
            ) as response:
                await response.read()

        async def telegram(_: int) -> None:
            async with http.post(
                f"{args.telegram}/bot{args.token}/sendChatAction",
                data={"chat_id": str(args.group), "action": "typing"},
            ) as response:
                await response.read()

        started = time.process_time()
        await spread(args.ozon_calls, ozon)
        await spread(args.telegram_calls, telegram)
        return time.process_time() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--client", choices=("httpx", "aiohttp"), required=True)
    parser.add_argument("--ozon", required=True)
    parser.add_argument("--telegram", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--group", type=int, required=True)
    parser.add_argument("--ozon-calls", type=int, required=True)
    parser.add_argument("--telegram-calls", type=int, required=True)
    parser.add_argument("--sellers", required=True, help="Client-Id:Api-Key,…")
    args = parser.parse_args()
    sellers = [tuple(pair.split(":", 1)) for pair in args.sellers.split(",")]
    run = with_httpx if args.client == "httpx" else with_aiohttp
    seconds = asyncio.run(run(args, sellers))  # type: ignore[arg-type]
    calls = args.ozon_calls + args.telegram_calls
    print(
        json.dumps(
            {
                "client": args.client,
                "calls": calls,
                "cpu_seconds": seconds,
                "cpu_ms_per_call": 1000 * seconds / max(1, calls),
            }
        )
    )


if __name__ == "__main__":
    main()
