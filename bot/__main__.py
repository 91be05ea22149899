"""Entry point: ``python -m bot [run | migrate | rotate-keys]`` (``run`` by default).

``run`` starts the real bot; it needs ``BOT_TOKEN``. The offline demo is not part of the
product: it is ``python -m sandbox.demo`` (``python3 tasks.py run`` picks it without a token).

This is the composition root: settings are read once here and everything else receives
what it needs from it. Configuration problems end with one readable line and exit code 2.
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from pydantic import ValidationError

from bot.errors import StartupError
from bot.logging_setup import setup_logging
from bot.runtime import build_vault, open_database, rotate_stored_keys
from bot.settings import Settings, describe_settings_error, load_settings

NO_TOKEN = (
    "BOT_TOKEN is not set: put the token from @BotFather in .env to run the real bot, "
    "or play the offline demo with `python3 tasks.py run` (or `python -m sandbox.demo`)"
)


async def _migrate(settings: Settings) -> None:
    async with open_database(settings):
        pass


async def _rotate_keys(settings: Settings) -> int:
    vault = build_vault(settings)
    async with open_database(settings) as db:
        return await rotate_stored_keys(db, vault)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__.splitlines()[0])
    parser.add_argument(
        "command",
        nargs="?",
        default="run",
        choices=["run", "migrate", "rotate-keys"],
        help="run the bot (default), apply database migrations, or re-encrypt stored keys "
        "with the first FERNET_KEYS key",
    )
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
    except ValidationError as exc:
        print(f"Configuration error: {describe_settings_error(exc)}", file=sys.stderr)
        return 2
    if args.command == "run" and settings.bot_token is None:
        print(NO_TOKEN, file=sys.stderr)
        return 2
    setup_logging(settings.log_level, settings.secret_values(), settings.log_format)
    try:
        if args.command == "run":
            vault = build_vault(settings)
            # Imported only here: aiogram takes seconds to import, and configuration
            # errors, `migrate` and `rotate-keys` should answer at once.
            from bot.app import run_bot  # noqa: PLC0415

            asyncio.run(run_bot(settings, vault))
        elif args.command == "migrate":
            asyncio.run(_migrate(settings))
            print("Database schema is up to date.")
        else:
            count = asyncio.run(_rotate_keys(settings))
            print(f"Re-encrypted {count} stored key(s) with the first FERNET_KEYS key.")
    except StartupError as exc:
        print(f"Cannot start: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
