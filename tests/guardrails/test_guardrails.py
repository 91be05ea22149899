"""Guardrails, table-driven with realistic Russian phrasings: what is caught, what passes."""

from __future__ import annotations

import pytest

from bot.guardrails.rules import Rule, blocking, check, highlight, warnings

CAUGHT: list[tuple[str, Rule]] = [
    # phones, every way buyers and agents write them
    ("Позвоните нам: +7 916 123-45-67", Rule.PHONE),
    ("наш номер 8 (916) 123 45 67", Rule.PHONE),
    ("звоните 8-916-123-45-67", Rule.PHONE),
    ("89161234567 — это мой", Rule.PHONE),
    ("+79161234567", Rule.PHONE),
    ("тел. 9161234567", Rule.PHONE),
    ("номер 916 123 45 67", Rule.PHONE),
    ("городской 123-45-67", Rule.PHONE),
    ("восемь девятьсот шестнадцать сто двадцать три сорок пять шестьдесят семь", Rule.PHONE),
    ("пишите на восемь 916 123 45 67", Rule.PHONE),
    ("8.916.123.45.67", Rule.PHONE),
    # e-mail
    ("пишите на shop@mail.ru", Rule.EMAIL),
    ("почта shop собака mail точка ru", Rule.EMAIL),
    ("shop (at) yandex (dot) ru", Rule.EMAIL),
    ("SHOP@GMAIL.COM", Rule.EMAIL),
    # links
    ("подробнее на https://myshop.example/sale", Rule.LINK),
    ("заходите на www.myshop.ru", Rule.LINK),
    ("наш сайт myshop.ru", Rule.LINK),
    ("сайт myshop точка ру", Rule.LINK),
    ("myshop (.) ru", Rule.LINK),
    ("myshop[.]com", Rule.LINK),
    ("канал t.me/myshop", Rule.LINK),
    ("обувь-опт.рф", Rule.LINK),
    # handles and messengers
    ("мой телеграм @shop_helper", Rule.HANDLE),
    ("пишите @shopsupport", Rule.HANDLE),
    ("напишите нам в вотсап", Rule.HANDLE),
    ("есть группа ВКонтакте", Rule.HANDLE),
    ("в инсте больше фото", Rule.HANDLE),
    ("ответим в WhatsApp", Rule.HANDLE),
    ("найдите нас в Telegram", Rule.HANDLE),
    # limit
    ("я" * 1001, Rule.TOO_LONG),
    # warnings
    ("Гарантируем возврат денег в течение дня", Rule.PROMISE),
    ("Не переживайте, вернём вам деньги", Rule.PROMISE),
    ("Заменим бесплатно!", Rule.PROMISE),
    ("Сделаем бесплатную замену", Rule.PROMISE),
    ("Вы неправильно постирали куртку", Rule.BLAME),
    ("Читайте внимательно описание", Rule.BLAME),
    ("Надо было смотреть размерную сетку", Rule.BLAME),
    ("Обратитесь в поддержку Ozon", Rule.BRUSH_OFF),
    ("Напишите в службу поддержки", Rule.BRUSH_OFF),
    ("Это вопрос к Ozon, не к нам", Rule.BRUSH_OFF),
    ("Ответ подготовил ИИ", Rule.AUTOMATION),
    ("Я бот магазина", Rule.AUTOMATION),
    ("текст от нейросети", Rule.AUTOMATION),
    ("ChatGPT подсказал", Rule.AUTOMATION),
    ("это автоматический ответ", Rule.AUTOMATION),
]

PASSES: list[str] = [
    "Ваш заказ 47873153-0052 передан в доставку",
    "Отправление 47873153-0052-1 уже в пункте выдачи",
    "Цена 1 990 ₽, со скидкой 2 490 ₽ → 1 990 ₽",
    "Стоимость 12500 руб.",
    "Размеры в наличии: 42 44 46 48 50",
    "Рост 170-176, обхват груди 96-100",
    "Доставим 12.05.2025 с 10:00 до 21:00",
    "Артикул 987654321, SKU 1234567890",
    "Товар 1 шт, вес 0.5 кг, 30x20x10 см",
    "Спасибо за заказ! Хорошего дня.",
    "Посмотрите карточку товара на ozon.ru",
    "Ссылка https://www.ozon.ru/product/kurtka-987654321/",
    "Мы работаем ежедневно, работа склада не прерывается",
    "И ещё: упаковку можно выбросить",
    "Размер S/M, M/L",
    "два или три дня",
    "Здравствуйте! Проверим и вернёмся с ответом сегодня.",
    "Возврат оформляется в разделе «Мои заказы»",  # buyer asked (default context)
]


@pytest.mark.parametrize(("text", "rule"), CAUGHT)
def test_caught(text: str, rule: Rule) -> None:
    rules = {f.rule for f in check(text)}
    assert rule in rules, (text, rules)


@pytest.mark.parametrize("text", PASSES)
def test_passes(text: str) -> None:
    assert check(text) == [], text


@pytest.mark.parametrize(
    "text",
    ["Вы можете оформить возврат в личном кабинете", "Можете вернуть товар в течение 7 дней"],
)
def test_a_return_offered_unasked_is_a_warning_but_fine_when_asked(text: str) -> None:
    unasked = check(text, buyer_raised_return=False)
    assert [f.rule for f in unasked] == [Rule.UNASKED_RETURN]
    assert check(text, buyer_raised_return=True) == []


def test_severity_split_and_highlight() -> None:
    text = "Гарантируем возврат, звоните +7 916 123-45-67 <3"
    found = check(text)
    assert [f.rule for f in blocking(found)] == [Rule.PHONE]
    assert [f.rule for f in warnings(found)] == [Rule.PROMISE]
    marked = highlight(text, found)
    assert "<u><b>+7 916 123-45-67</b></u>" in marked
    assert "&lt;3" in marked  # the rest stays escaped


@pytest.mark.parametrize(
    ("marketplace", "own", "rival"),
    [
        ("ozon", "https://www.ozon.ru/product/987654321/", "https://www.wildberries.ru/catalog/1"),
        (
            "wildberries",
            "https://www.wildberries.ru/catalog/123/detail.aspx",
            "https://www.ozon.ru/product/987654321/",
        ),
        ("ym", "https://market.yandex.ru/product/123", "https://www.wildberries.ru/catalog/1"),
    ],
)
def test_a_link_to_the_buyers_own_marketplace_passes_and_a_rivals_is_caught(
    marketplace: str, own: str, rival: str
) -> None:
    assert check(f"Вот товар: {own}", marketplace=marketplace) == []
    assert {f.rule for f in check(f"Вот товар: {rival}", marketplace=marketplace)} == {Rule.LINK}
