"""The command menus: every listed command has a handler and a description Telegram takes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.admin.commands import MENUS, menu_commands
from bot.texts import Locale

HANDLERS = Path(__file__).resolve().parents[2] / "bot" / "handlers"


def _handled_commands() -> set[str]:
    source = "\n".join(p.read_text(encoding="utf-8") for p in HANDLERS.rglob("*.py"))
    found: set[str] = set()
    for args in re.findall(r"Command\(([^)]*)\)", source):
        found.update(re.findall(r"\"([a-z0-9_]+)\"", args))
    return found


@pytest.mark.parametrize("locale", ["ru", "en"])
def test_every_menu_entry_is_a_valid_bot_command(locale: Locale) -> None:
    for menu in MENUS:
        for command in menu_commands(menu, locale):
            assert re.fullmatch(r"[a-z0-9_]{1,32}", command.command)
            assert 1 <= len(command.description) <= 256


def test_every_menu_entry_has_a_handler() -> None:
    handled = _handled_commands()
    listed = {c for menu in MENUS for c in menu.commands}
    assert listed <= handled, sorted(listed - handled)
