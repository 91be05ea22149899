"""Template variables as plain functions: names in both languages, unknown ones found,
values filled from a chat, a missing value reported instead of a raw placeholder."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.canned.matching import parse_query, search, stack
from bot.template_variables import deadline_text, fill, shown_name, unknown_names, used_codes
from storage.records import CannedReply


def test_russian_and_english_names_are_the_same_variable() -> None:
    values = {"order": "123-45", "buyer": "Анна"}
    assert fill("{заказ} / {order} / { Заказ }", values).text == "123-45 / 123-45 / 123-45"
    assert used_codes("{имя}, {name}! {заказ}") == ["buyer", "order"]


def test_other_braces_stay_and_are_unknown_at_save() -> None:
    filled = fill("Код {abc} для {заказ}", {"order": "7"})
    assert (filled.text, filled.changed) == ("Код {abc} для 7", True)
    assert unknown_names("Код {abc} и {закз}, {заказ}") == ["abc", "закз"]


def test_a_missing_value_is_reported_and_nothing_is_filled() -> None:
    filled = fill("{имя}, заказ {заказ}", {"order": "7", "buyer": None})
    assert filled.missing == ("buyer",)
    assert filled.text == "{имя}, заказ {заказ}"
    assert not filled.changed


def test_text_without_variables_is_untouched() -> None:
    assert fill("Спасибо!", {}) == fill("Спасибо!", {"order": "1"})
    assert not fill("Спасибо!", {}).changed


def test_the_placeholder_shown_is_the_one_of_the_language() -> None:
    assert (shown_name("order", "ru"), shown_name("order", "en")) == ("{заказ}", "{order}")


def test_the_deadline_is_shown_in_the_shops_time_zone() -> None:
    class Shop:
        timezone = "Asia/Yekaterinburg"

    moment = datetime(2026, 12, 2, 10, 30, tzinfo=UTC)
    assert deadline_text(moment, Shop()) == "02.12 15:30"  # type: ignore[arg-type]


def _template(number: int, name: str, body: str, file_id: str | None = None) -> CannedReply:
    now = datetime(2026, 12, 1, tzinfo=UTC)
    return CannedReply(
        id=number, workspace_id=1, seller_id=None, name=name, body=body,
        file_kind="photo" if file_id else None, file_id=file_id, file_name=None,
        created_by=1, created_at=now, updated_at=now,
    )  # fmt: skip


def test_stacking_needs_each_word_to_name_one_template_and_one_file_at_most() -> None:
    hello, ship, ph1, ph2 = (
        _template(1, "привет", "Здравствуйте!"),
        _template(2, "доставка", "В пути."),
        _template(3, "фото1", "a", "p1"),
        _template(4, "фото2", "b", "p2"),
    )
    templates = [hello, ship, ph1, ph2]
    assert stack(templates, parse_query("прив дост")) == [hello, ship]
    assert stack(templates, parse_query("доставка привет")) == [ship, hello]  # typed order
    assert stack(templates, parse_query("привет")) is None
    assert stack(templates, parse_query("привет фото")) is None  # "фото" names two
    assert stack(templates, parse_query("фото1 фото2")) is None  # two files: one message
    assert search(templates, parse_query("путИ")) == [ship]
