"""``python -m sandbox.ozon``: run the emulator standalone until Ctrl+C."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging

from sandbox.serving import serve_until_signalled

from .server import OzonEmulator
from .state import EmulatorState

DEMO_CLIENT_ID = "111111"
DEMO_API_KEY = "demo-key"

log = logging.getLogger("sandbox.ozon")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m sandbox.ozon", description="Local emulator of Ozon's Seller API for chats"
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument(
        "--demo-seller",
        action="store_true",
        help=f"create seller Client-Id {DEMO_CLIENT_ID} with Api-Key {DEMO_API_KEY}",
    )
    parser.add_argument(
        "--demo-chats",
        type=int,
        default=0,
        metavar="N",
        help="with --demo-seller, also seed N open buyer chats",
    )
    parser.add_argument("--rate-limit-rps", type=int, default=50)
    parser.add_argument(
        "--public-url", default=None, help="base URL put into file links (default: own URL)"
    )
    parser.add_argument("--history-inclusive", action="store_true")
    return parser.parse_args(argv)


async def serve(args: argparse.Namespace) -> None:
    state = EmulatorState(history_inclusive=args.history_inclusive)
    if args.demo_seller:
        state.add_seller(DEMO_CLIENT_ID, DEMO_API_KEY, name="Demo seller")
        if args.demo_chats:
            state.seed_chats(DEMO_CLIENT_ID, args.demo_chats)
    emulator = OzonEmulator(
        args.host,
        args.port,
        state=state,
        rate_limit_rps=args.rate_limit_rps,
        public_url=args.public_url,
    )
    await serve_until_signalled(emulator, "Ozon", log)


def main(argv: list[str] | None = None) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    args = parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args))


if __name__ == "__main__":
    main()
