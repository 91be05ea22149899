"""The emulators' control APIs can script buyers, faults and members: by default they listen
on loopback only, from the command line and in code; the bot's push endpoint serves only
its one route."""

from __future__ import annotations

import argparse
from collections.abc import Callable

import pytest

from sandbox.llm.__main__ import parse_args as llm_args
from sandbox.llm.server import LlmEmulator
from sandbox.ozon.__main__ import parse_args as ozon_args
from sandbox.ozon.server import OzonEmulator
from sandbox.telegram.__main__ import parse_args as telegram_args
from sandbox.telegram.server import TelegramEmulator


@pytest.mark.parametrize("parse", [ozon_args, telegram_args, llm_args])
def test_emulators_listen_on_loopback_by_default(
    parse: Callable[[list[str]], argparse.Namespace],
) -> None:
    assert parse([]).host == "127.0.0.1"


async def test_emulator_servers_bind_loopback_unless_told() -> None:
    async with (
        OzonEmulator(port=0) as ozon,
        TelegramEmulator(port=0) as tg,
        LlmEmulator(port=0) as llm,
    ):
        for emulator in (ozon, tg, llm):
            assert emulator.host == "127.0.0.1"
            assert emulator.base_url.startswith("http://127.0.0.1:")
