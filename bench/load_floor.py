"""The floor of ``bench/load.py``: the CPU a bare HTTP client spends on the Ozon and Bot API
calls the bot is making, at the bot's pace, against the same emulators, in a process of its
own that runs during the load window itself.

    python bench/load_floor.py --client httpx|aiohttp --ozon URL --telegram URL \
        --token T --group G --sellers ID:KEY,ID:KEY,... --rate 80 --ozon-share 0.7 \
        --seconds 60

Prints one JSON line: ``{"client", "calls", "cpu_seconds", "cpu_ms_per_call", "segments"}``
(``segments``: the figure for each third of the run, to show its spread). Only the calls
are timed (process CPU, ``time.process_time``, around each call), not the waits between
them, the import or the client set-up.

Why paced, one call in flight, and during the window: the bot's calls come one at a time
(about 80 a second at 1×, each a few milliseconds on loopback, so by Little's law well
under one in flight), each paying its own event-loop wake-ups; a client firing calls flat
out batches those and measures a floor the work never offers. And CPU time per unit of
work drifts on a shared machine by a fifth from one minute to the next, so a floor
measured after the load compares our minutes with other minutes. On this machine, idle,
one httpx call costs about 2.3 ms of CPU at 50 a second and 1.4 ms back to back (aiohttp:
0.9 and 0.35); ``--rate 0`` gives the back-to-back figure, which the bench prints for
reference.

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
from contextlib import AbstractAsyncContextManager

import aiohttp
import httpx

OZON_PATH = "/v3/chat/list"
OZON_BODY = {"filter": {"chat_status": "ALL", "unread_only": False}, "limit": 100}
SEGMENTS = 3

Call = Callable[[], Awaitable[None]]


async def paced(args: argparse.Namespace, ozon: Call, telegram: Call) -> list[tuple[int, float]]:
    """Calls at ``--rate`` a second (0: back to back), Ozon's share ``--ozon-share``, for
    ``--seconds``; (calls, CPU seconds) per segment."""
    loop = asyncio.get_running_loop()
    interval = 1 / args.rate if args.rate > 0 else 0.0
    started = loop.time()
    segment_length = args.seconds / SEGMENTS
    segments = [(0, 0.0)] * SEGMENTS
    made = ozon_made = 0
    next_at = started
    while (elapsed := loop.time() - started) < args.seconds:
        # Deterministic interleave: Ozon whenever it is behind its share.
        call = ozon if ozon_made < args.ozon_share * (made + 1) else telegram
        cpu = time.process_time()
        await call()
        cpu = time.process_time() - cpu
        index = min(SEGMENTS - 1, int(elapsed / segment_length))
        calls, seconds = segments[index]
        segments[index] = (calls + 1, seconds + cpu)
        made += 1
        ozon_made += call is ozon
        if interval:
            next_at += interval
            await asyncio.sleep(max(0.0, next_at - loop.time()))
    return segments


def calls_with_httpx(
    args: argparse.Namespace, http: httpx.AsyncClient, sellers: list[tuple[str, str]]
) -> tuple[Call, Call]:
    cycle = itertools.cycle(sellers)

    async def ozon() -> None:
        client_id, key = next(cycle)
        response = await http.post(
            args.ozon + OZON_PATH, json=OZON_BODY, headers={"Client-Id": client_id, "Api-Key": key}
        )
        response.read()

    async def telegram() -> None:
        response = await http.post(
            f"{args.telegram}/bot{args.token}/sendChatAction",
            data={"chat_id": str(args.group), "action": "typing"},
        )
        response.read()

    return ozon, telegram


def calls_with_aiohttp(
    args: argparse.Namespace, http: aiohttp.ClientSession, sellers: list[tuple[str, str]]
) -> tuple[Call, Call]:
    cycle = itertools.cycle(sellers)

    async def ozon() -> None:
        client_id, key = next(cycle)
        async with http.post(
            args.ozon + OZON_PATH, json=OZON_BODY, headers={"Client-Id": client_id, "Api-Key": key}
        ) as response:
            await response.read()

    async def telegram() -> None:
        async with http.post(
            f"{args.telegram}/bot{args.token}/sendChatAction",
            data={"chat_id": str(args.group), "action": "typing"},
        ) as response:
            await response.read()

    return ozon, telegram


async def run(args: argparse.Namespace, sellers: list[tuple[str, str]]) -> list[tuple[int, float]]:
    session: AbstractAsyncContextManager[httpx.AsyncClient | aiohttp.ClientSession]
    session = httpx.AsyncClient(timeout=30) if args.client == "httpx" else aiohttp.ClientSession()
    async with session as http:
        if isinstance(http, httpx.AsyncClient):
            ozon, telegram = calls_with_httpx(args, http, sellers)
        else:
            ozon, telegram = calls_with_aiohttp(args, http, sellers)
        await ozon()  # the connections are set up outside the measurement
        await telegram()
        return await paced(args, ozon, telegram)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--client", choices=("httpx", "aiohttp"), required=True)
    parser.add_argument("--ozon", required=True)
    parser.add_argument("--telegram", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--group", type=int, required=True)
    parser.add_argument("--sellers", required=True, help="Client-Id:Api-Key,…")
    parser.add_argument("--rate", type=float, required=True,
                        help="calls per second; 0: back to back")  # fmt: skip
    parser.add_argument("--ozon-share", type=float, required=True, help="0..1")
    parser.add_argument("--seconds", type=float, required=True)
    args = parser.parse_args()
    sellers = [(pair.split(":", 1)[0], pair.split(":", 1)[1]) for pair in args.sellers.split(",")]
    segments = asyncio.run(run(args, sellers))
    calls = sum(n for n, _ in segments)
    seconds = sum(s for _, s in segments)
    print(
        json.dumps(
            {
                "client": args.client,
                "calls": calls,
                "cpu_seconds": seconds,
                "cpu_ms_per_call": 1000 * seconds / max(1, calls),
                "segments": [1000 * s / max(1, n) for n, s in segments],
            }
        )
    )


if __name__ == "__main__":
    main()
