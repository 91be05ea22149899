"""``python -m sandbox.llm``: run the OpenAI-compatible emulator standalone until Ctrl+C."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging

from sandbox.serving import serve_until_signalled

from .server import LlmEmulator

log = logging.getLogger("sandbox.llm")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m sandbox.llm", description="Local OpenAI-compatible chat model emulator"
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8083)
    parser.add_argument("--latency", type=float, default=0.0, help="model time per answer, s")
    parser.add_argument("--api-key", default=None, help="require this Bearer key")
    return parser.parse_args(argv)


async def serve(args: argparse.Namespace) -> None:
    emulator = LlmEmulator(args.host, args.port, latency=args.latency, api_key=args.api_key)
    await serve_until_signalled(emulator, "LLM", log)


def main(argv: list[str] | None = None) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(parse_args(argv)))


if __name__ == "__main__":
    main()
