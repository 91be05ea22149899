"""``python -m sandbox.telegram``: run the emulator standalone until Ctrl+C."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging

from sandbox.serving import serve_until_signalled

from .server import TelegramEmulator

log = logging.getLogger("sandbox.telegram")
FULL_TOPIC_RIGHTS = {
    "can_manage_topics": True,
    "can_delete_messages": True,
    "can_pin_messages": True,
}


def _limit(value: str) -> tuple[int, float]:
    """``"20/60"`` → ``(20, 60.0)``."""
    units, _, seconds = value.partition("/")
    try:
        return int(units), float(seconds)
    except ValueError:
        raise argparse.ArgumentTypeError("expected UNITS/SECONDS, e.g. 20/60") from None


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m sandbox.telegram", description="Local stateful Telegram Bot API emulator"
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8082)
    parser.add_argument("--group-limit", type=_limit, default=(20, 60.0), metavar="N/SECONDS")
    parser.add_argument("--global-limit", type=_limit, default=(30, 1.0), metavar="N/SECONDS")
    parser.add_argument("--token", help="create the bot with this token at start")
    parser.add_argument("--bot-username", default="agentiq_demo_bot")
    parser.add_argument(
        "--demo-group",
        action="store_true",
        help="with --token, also create an agent and a forum supergroup where the bot is admin",
    )
    return parser.parse_args(argv)


async def serve(args: argparse.Namespace) -> None:
    emulator = TelegramEmulator(
        args.host, args.port, group_limit=args.group_limit, global_limit=args.global_limit
    )
    if args.token:
        emulator.create_bot(args.token, username=args.bot_username)
        if args.demo_group:
            agent = emulator.create_user("Агент", username="agent")
            group = emulator.create_group(
                "Поддержка",
                is_forum=True,
                members=[agent.id],
                admins=[agent.id],
                bot_rights=FULL_TOPIC_RIGHTS,
            )
            log.info("demo agent user %s, forum supergroup %s", agent.id, group.id)
    await serve_until_signalled(emulator, "Telegram", log)


def main(argv: list[str] | None = None) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    args = parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args))


if __name__ == "__main__":
    main()
