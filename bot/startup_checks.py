"""Before anything starts: is Telegram there, and does it accept our token?

A new operator's first mistakes are a mistyped token and a machine without a route to
Telegram. Both used to end in a library traceback (or a bot that kept retrying in silence);
here they end in one line that says what is wrong and what to check. A network failure is
retried on the bot's one backoff for a while first, because at boot the network (or a
proxy, or Telegram itself) is often a few seconds behind the process.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

from aiogram import Bot
from aiogram.exceptions import (
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.types import User

from bot.errors import StartupError
from bot.retry import backoff

logger = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]
Clock = Callable[[], float]

RETRY_BASE = timedelta(seconds=1)
RETRY_CAP = timedelta(seconds=15)


async def verify_telegram(
    bot: Bot,
    *,
    api_url: str,
    wait_seconds: float,
    sleep: Sleep = asyncio.sleep,
    clock: Clock | None = None,
) -> User:
    """The bot's own account (getMe), or a :class:`StartupError` worth printing as is.

    A rejected token is final at once: retrying cannot fix it. An unreachable or failing
    Telegram is retried until ``wait_seconds`` have passed."""
    now = clock or asyncio.get_running_loop().time
    deadline = now() + wait_seconds
    failures = 0
    while True:
        try:
            return await bot.get_me()
        except TelegramUnauthorizedError:
            raise StartupError(
                "Telegram rejected BOT_TOKEN (401 Unauthorized): copy the token again from "
                "@BotFather (/mybots → API Token) into .env"
            ) from None
        except TelegramNotFound:
            # Telegram's answer to a malformed token; also what a wrong server answers.
            raise StartupError(
                f"Telegram at {api_url} does not know this BOT_TOKEN (404 Not Found): copy the "
                "token again from @BotFather, and check TELEGRAM_API_URL if you changed it"
            ) from None
        except (TelegramNetworkError, TelegramServerError, TelegramRetryAfter) as exc:
            failures += 1
            delay = backoff(failures, base=RETRY_BASE, cap=RETRY_CAP).total_seconds()
            if isinstance(exc, TelegramRetryAfter):
                delay = max(delay, float(exc.retry_after))
            if now() + delay > deadline:
                raise StartupError(
                    f"Cannot reach Telegram at {api_url} after {failures} tries in "
                    f"{wait_seconds:.0f} s ({type(exc).__name__}): check the network or "
                    "proxy of this machine, or TELEGRAM_API_URL"
                ) from None
            logger.warning("Telegram not reachable yet (%s); retry %d in %.0f s",
                           type(exc).__name__, failures, delay)  # fmt: skip
            await sleep(delay)
