"""What the three emulators share: an aiohttp site on host:port, and a standalone process
that runs until Ctrl+C or ``kill``."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from typing import Protocol

from aiohttp import web


async def start_site(app: web.Application, host: str, port: int) -> web.AppRunner:
    """Serve ``app``; ``port=0`` picks a free port (read it with :func:`bound_port`)."""
    runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=0.25)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
    except BaseException:
        await runner.cleanup()
        raise
    return runner


def bound_port(runner: web.AppRunner) -> int:
    return int(runner.addresses[0][1])


class Emulator(Protocol):
    @property
    def base_url(self) -> str: ...

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


async def serve_until_signalled(emulator: Emulator, name: str, log: logging.Logger) -> None:
    await emulator.start()
    log.info("%s emulator listening on %s (control API at /__control/)", name, emulator.base_url)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        # Explicit handlers: Ctrl+C and `kill` both stop cleanly, even when the process was
        # started in the background with SIGINT ignored.
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(signum, stop.set)
    try:
        await stop.wait()
    finally:
        await emulator.stop()
        log.info("%s emulator stopped", name)
