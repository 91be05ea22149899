"""Closing a Bot's aiohttp session in tests without aiogram's courtesy pause.

``AiohttpSession.close`` sleeps 250 ms so SSL connections can say goodbye; the emulators
speak plain HTTP on loopback, so there is nothing to wait for, and a world closed per test
would otherwise spend a quarter of a second doing nothing each time.
"""

from __future__ import annotations

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession


async def close_session(bot: Bot) -> None:
    session = bot.session
    if isinstance(session, AiohttpSession):
        client = session._session  # the aiohttp.ClientSession, created on first request
        if client is not None and not client.closed:
            await client.close()
        return
    await session.close()
