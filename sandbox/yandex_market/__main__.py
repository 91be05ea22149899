"""``python -m sandbox.yandex_market``: run the emulator standalone until Ctrl+C."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging

from sandbox.serving import serve_until_signalled

from .server import YandexMarketEmulator
from .state import YmState

DEMO_BUSINESS_ID = 5123456
DEMO_CAMPAIGN_ID = 21784512
#: A demo credential of a local emulator, not a secret: the offline demo configures it.
DEMO_KEY = "ACMA:demo-ym-key:0000"

log = logging.getLogger("sandbox.yandex_market")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m sandbox.yandex_market",
        description="Local emulator of Yandex Market's chat API (Partner API v2)",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8085)
    parser.add_argument(
        "--demo-seller",
        action="store_true",
        help=f"create cabinet {DEMO_BUSINESS_ID} with the key {DEMO_KEY} (COMMUNICATION)",
    )
    parser.add_argument("--no-rate-limit", action="store_true", help="no hourly or parallel caps")
    parser.add_argument("--push-url", help="POST the demo cabinet's notifications here")
    return parser.parse_args(argv)


def build(args: argparse.Namespace) -> YandexMarketEmulator:
    state = YmState()
    emulator = YandexMarketEmulator(args.host, args.port, state=state,
                                    rate_limit=not args.no_rate_limit)  # fmt: skip
    if args.demo_seller:
        state.add_business(DEMO_BUSINESS_ID, name="Demo YM cabinet",
                           campaign_ids=[DEMO_CAMPAIGN_ID])  # fmt: skip
        state.issue_key([DEMO_BUSINESS_ID], scopes=["COMMUNICATION"], token=DEMO_KEY)
        if args.push_url:
            emulator.push.settings.urls[DEMO_BUSINESS_ID] = args.push_url
    return emulator


def main(argv: list[str] | None = None) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    emulator = build(parse_args(argv))
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve_until_signalled(emulator, "Yandex Market", log))


if __name__ == "__main__":
    main()
