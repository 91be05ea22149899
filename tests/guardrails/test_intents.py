"""Intent detection and the negative-turn rule, table-driven."""

from __future__ import annotations

import pytest

from bot.drafts.templates import TEMPLATES, template_draft
from bot.guardrails.intents import Intent, buyer_language, detect, is_negative, raises_return
from bot.guardrails.rules import check


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("Когда будет доставка?", Intent.DELIVERY),
        ("Где мой заказ? Жду уже неделю", Intent.DELIVERY),
        ("Курьер заберёт сам?", Intent.DELIVERY),
        ("Хочу оформить возврат", Intent.RETURN),
        ("Можно обменять на другой цвет?", Intent.RETURN),
        ("Пришла куртка, рукав порван", Intent.DEFECT),
        ("Не работает после первого включения", Intent.DEFECT),
        ("Пришёл не тот товар", Intent.DEFECT),
        ("Какой размер взять на рост 180?", Intent.SIZING),
        ("Маломерит?", Intent.SIZING),
        ("Спасибо, всё отлично!", Intent.THANKS),
        ("Спасибо! А курьер заберёт сам?", Intent.DELIVERY),
        ("Здравствуйте", Intent.OTHER),
        ("Есть ли в другом цвете?", Intent.OTHER),
        ("Пришёл другого цвета", Intent.DEFECT),
        ("Не тот размер", Intent.DEFECT),
        ("Прислали другой цвет", Intent.DEFECT),
        ("Пришла не того размера", Intent.DEFECT),
        ("Цвет не совпадает с фото", Intent.DEFECT),
    ],
)
def test_detect(text: str, intent: Intent) -> None:
    assert detect(text) is intent


@pytest.mark.parametrize(
    ("text", "negative"),
    [
        ("Брак, верните деньги", True),
        ("Напишу жалобу в Роспотребнадзор", True),
        ("Хочу вернуть", True),
        ("Когда доставка? Это ужас, жду две недели", True),
        ("Спасибо большое!", False),
        ("Когда доставка?", False),
    ],
)
def test_negative(text: str, negative: bool) -> None:
    assert is_negative(text) is negative


def test_return_raised_and_language() -> None:
    assert raises_return("Как вернуть куртку?")
    assert not raises_return("Когда доставка?")
    assert buyer_language("Hello, where is my order?") == "en"
    assert buyer_language("Здравствуйте, где заказ? order 123") == "ru"


@pytest.mark.parametrize("intent", list(Intent))
@pytest.mark.parametrize("language", ["ru", "en"])
def test_every_template_is_clean(intent: Intent, language: str) -> None:
    text = template_draft(intent, language)
    assert text == TEMPLATES[intent][language]
    assert check(text, buyer_raised_return=intent is Intent.RETURN) == []
