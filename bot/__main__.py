"""Entry point: ``python -m bot [run | demo | migrate | rotate-keys]`` (``run`` by default).

``run`` starts the real bot when ``BOT_TOKEN`` is set, and the offline demo otherwise.

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


def _secret_values(settings: Settings) -> list[str]:
    secrets = [k.get_secret_value() for k in settings.fernet_keys]
    for value in (
        settings.bot_token,
        settings.llm_api_key,
        settings.database_url,
        settings.webhook_secret,
        settings.db_password,
    ):
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
        choices=["run", "demo", "migrate", "rotate-keys"],
        help="run the bot (default; the offline demo without BOT_TOKEN), run the demo, apply "
        "database migrations, or re-encrypt stored keys with the first FERNET_KEYS key",
    )
    parser.add_argument(
        "--keep-running",
        action="store_true",
        help="demo: keep the emulators and the bot running after the scripted conversation",
    )
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
    except ValidationError as exc:
        print(f"Configuration error: {describe_settings_error(exc)}", file=sys.stderr)
        return 2
    demo = args.command == "demo" or (args.command == "run" and settings.bot_token is None)
    # The demo's transcript is its output; its logs stay quiet unless asked for.
    level = settings.log_level if not demo or settings.log_level == "DEBUG" else "WARNING"
    setup_logging(level, _secret_values(settings), settings.log_format)
    try:
        if demo:
            # Imported here for the same reason as the bot below.
            from bot.demo import main_demo  # noqa: PLC0415

            return main_demo(settings, keep_running=args.keep_running)
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
