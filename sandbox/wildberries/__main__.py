"""``python -m sandbox.wildberries``: run the emulator standalone until Ctrl+C."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
from datetime import UTC, datetime

from sandbox.serving import serve_until_signalled

from .server import WildberriesEmulator
from .state import WbState

DEMO_SELLER_ID = "demo-wb-seller"
#: A demo credential of a local emulator, not a secret: the offline demo configures it.
DEMO_TOKEN = "demo-wb-token"
DEMO_TOKEN_EXPIRES = datetime(2099, 1, 1, tzinfo=UTC)

log = logging.getLogger("sandbox.wildberries")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m sandbox.wildberries",
        description="Local emulator of Wildberries' buyer-chat API",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8084)
    parser.add_argument(
        "--demo-seller",
        action="store_true",
        help=f"create seller {DEMO_SELLER_ID} with token {DEMO_TOKEN}",
    )
    parser.add_argument("--no-rate-limit", action="store_true", help="turn the 10/10 s limit off")
    parser.add_argument("--events-page-size", type=int, default=50)
    return parser.parse_args(argv)


def build(args: argparse.Namespace) -> WildberriesEmulator:
    state = WbState(events_page_size=args.events_page_size)
    if args.demo_seller:
        state.add_seller(DEMO_SELLER_ID, name="Demo WB shop")
        state.issue_token(DEMO_SELLER_ID, token=DEMO_TOKEN, expires_at=DEMO_TOKEN_EXPIRES)
    return WildberriesEmulator(
        args.host, args.port, state=state, rate_limit=not args.no_rate_limit
    )


def main(argv: list[str] | None = None) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    emulator = build(parse_args(argv))
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve_until_signalled(emulator, "Wildberries", log))


if __name__ == "__main__":
    main()
