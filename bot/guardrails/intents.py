"""What the buyer is writing about, by simple word rules (templates and auto-reply).

Deliberately plain and predictable: an admin can tell from the buyer's words why a turn
was (or was not) answered automatically. Negative turns (defects, wrong items,
complaints, returns) win over everything else, so they are never auto-answered.
"""

from __future__ import annotations

import re
from enum import StrEnum


class Intent(StrEnum):
    DELIVERY = "delivery"
    RETURN = "return"
    DEFECT = "defect"
    SIZING = "sizing"
    THANKS = "thanks"
    OTHER = "other"


# Intents an admin may allow to be answered without a person.
SAFE_INTENTS: tuple[Intent, ...] = (Intent.THANKS, Intent.DELIVERY)

_RULES: tuple[tuple[Intent, re.Pattern[str]], ...] = (
    (
        Intent.DEFECT,
        re.compile(
            r"брак|порва|порвал|рван|слома|сломан|дефект|не\s+работает|не\s+включается|"
            r"трещин|треснул|испорч|дыр[кау]|пятн|разбит|поврежд|"
            # a wrong item, colour or size: «не того цвета», «пришёл другого цвета»,
            # «прислали другой цвет», «размер не тот» (not «обменять на другой цвет?»)
            r"не\s+(?:тот|того|та|ту|той|те)\s+(?:товар|размер|цвет|модел)|"
            r"(?:пришел|пришла|пришло|пришли|прислали|привезли|доставили)\s+(?:мне\s+)?друг|"
            r"(?:цвет|размер)\w*\s+не\s+(?:тот|та|совпада)|"
            r"пришл\w*\s+не\s+то|перепутал|не\s+соответствует|некачествен|"
            r"бракован|царапин|отклеил|протека",
        ),
    ),
    (
        Intent.RETURN,
        re.compile(r"возврат|вернуть|верну\b|обменять|обмен|отказаться\s+от|сдать\s+обратно"),
    ),
    (
        Intent.SIZING,
        re.compile(
            r"размер|маломер|большемер|ростовк|подойд[её]т\s+ли|длин[аы]\s+|обхват|сетк[аеу]|"
            r"какой\s+взять|на\s+рост"
        ),
    ),
    (
        Intent.DELIVERY,
        re.compile(
            r"достав|курьер|когда\s+(?:прид|привез|будет|отправ)|где\s+(?:мой\s+)?(?:заказ|"
            r"посылк)|трек|пункт\s+выдачи|пвз|отправ|срок|заберет|забер[её]т|идет\s+заказ"
        ),
    ),
    (
        Intent.THANKS,
        re.compile(r"спасибо|благодар|вс[её]\s+отлично|супер|понравил|класс|отличн"),
    ),
)

# Signals that make a turn negative whatever its intent (no automatic answer).
_NEGATIVE = re.compile(
    r"жалоб|роспотребнадзор|суд\b|в\s+суд|обман|мошенн|верните\s+деньги|ужас|отвратит|"
    r"возмущ|безобраз|претензи|отзыв\s+(?:напишу|оставлю)|не\s+рекомендую|кошмар"
)

NEGATIVE_INTENTS = frozenset({Intent.DEFECT, Intent.RETURN})


def detect(text: str) -> Intent:
    lowered = text.lower().replace("ё", "е")
    for intent, pattern in _RULES:
        if pattern.search(lowered):
            return intent
    return Intent.OTHER


def is_negative(text: str) -> bool:
    lowered = text.lower().replace("ё", "е")
    return detect(text) in NEGATIVE_INTENTS or bool(_NEGATIVE.search(lowered))


def raises_return(text: str) -> bool:
    """Did the buyer bring up a return or a refund themselves?"""
    lowered = text.lower().replace("ё", "е")
    return bool(re.search(r"возврат|вернуть|верните|обмен|деньги\s+назад", lowered))


def buyer_language(text: str) -> str:
    """``ru`` unless the buyer clearly writes in Latin script (drafts answer in kind)."""
    cyrillic = len(re.findall(r"[а-яА-ЯёЁ]", text))
    latin = len(re.findall(r"[a-zA-Z]", text))
    return "en" if latin > cyrillic * 2 and latin >= 5 else "ru"
