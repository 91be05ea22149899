"""Entry point: ``python -m bot [run | migrate | rotate-keys]`` (``run`` is the default).

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

NO_TOKEN_GUIDANCE = """\
BOT_TOKEN is not set, so there is no Telegram bot to run.

To run the real bot:
  1. Create a bot with @BotFather in Telegram and copy its token.
  2. Put BOT_TOKEN=<the token> into a .env file here (see .env.example) or the environment.
  3. Optionally set ADMIN_IDS=<your Telegram user id> and DATABASE_URL (without it an
     embedded PostgreSQL keeps its data in DATA_DIR, ./data by default).

An offline demo that needs no token (emulated Ozon and Telegram) is not available yet:
it arrives together with the Telegram bridge."""


def _secret_values(settings: Settings) -> list[str]:
    secrets = [k.get_secret_value() for k in settings.fernet_keys]
    for value in (settings.bot_token, settings.llm_api_key, settings.database_url):
        if value is not None:
            secrets.append(value.get_secret_value())
    return secrets


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
    setup_logging(settings.log_level, _secret_values(settings))
    try:
        if args.command == "run":
            if settings.bot_token is None:
                print(NO_TOKEN_GUIDANCE, file=sys.stderr)
                return 2
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
