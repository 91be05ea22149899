"""Which shop a command names (bot.shop_choice): the longest whole name the arguments
start with, case- and ё-insensitive, else the only shop, else the unique beginning of
one name (not a word the command itself takes)."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from bot.shop_choice import Chosen, choose
from storage.records import Seller


def shop(seller_id: int, name: str) -> Seller:
    fields = {f: None for f in Seller.__dataclass_fields__}
    fields.update(id=seller_id, name=name, workspace_id=1, created_at=datetime.now(UTC),
                  work_start=time(9), work_end=time(18))  # fmt: skip
    return Seller(**fields)  # type: ignore[arg-type]


HOME, GARDEN, SHOES = shop(1, "Дом"), shop(2, "Дом и сад"), shop(3, "Ёлка")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ("Дом и сад вежливо", (2, "вежливо")),
        ("дом И САД", (2, "")),
        ("Дом строго", (1, "строго")),
        ("елка мягко", (3, "мягко")),  # ё = е
        ("Домик мягко", None),  # not a whole name, not a unique beginning
        ("ёл мягко", None),  # too short to be a name's beginning
        ("ёлк мягко", (3, "мягко")),
        ("мягко", None),
        ("", None),
    ],
)
def test_a_shop_is_named_by_its_longest_whole_name(
    args: str, expected: tuple[int, str] | None
) -> None:
    found = choose([HOME, GARDEN, SHOES], args)
    assert (None if found is None else (found.seller.id, found.rest)) == expected


def test_one_shop_needs_no_name_but_its_name_is_still_read() -> None:
    assert choose([GARDEN], "вежливо") == Chosen(GARDEN, "вежливо")
    assert choose([GARDEN], "Дом и сад вежливо") == Chosen(GARDEN, "вежливо")


def test_a_word_the_command_takes_is_not_read_as_a_shop() -> None:
    office = shop(4, "Office")
    assert choose([office, HOME], "off") == Chosen(office, "")
    assert choose([office, HOME], "OFF", reserved={"off"}) is None  # /hours off
    assert choose([office, HOME], "offi 1") == Chosen(office, "1")
