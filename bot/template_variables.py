"""Template variables: what an agent sees in the topic, and what the buyer gets instead.

Inline mode does not tell the bot which chat a query comes from, so a template cannot be
filled when it is inserted: the agent's message carries the placeholders (``{заказ}``,
``{order}``: braces around a word an agent recognises, in Russian or English) and the bot
fills them when it takes the message as a reply to this buyer. The placeholders stay
readable in the topic, so a colleague sees which template was used and what will be put in.

Only known names are placeholders; any other text in braces is left alone in a reply (an
agent may write braces), but refused when an admin saves a template (a typo there would
reach every buyer). A known variable this chat has no value for (no order yet, a buyer
whose name the marketplace does not give) refuses the reply: the buyer must never get a
raw ``{заказ}``.

The values come from what the bot already keeps about the chat (the same fields the
topic's first post shows), so the buyer gets what the agent could read in the topic. This
module sits below the features: the bridge fills replies with it, bot.canned checks
templates with it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from connectors.marketplace.rules import Rules
from storage.records import Chat, Seller

#: Variable code → the names accepted between braces (Russian first: the bot's default).
VARIABLES: dict[str, tuple[str, ...]] = {
    "buyer": ("имя", "покупатель", "name", "buyer"),
    "order": ("заказ", "order"),
    "posting": ("отправление", "posting"),
    "product": ("товар", "product"),
    "link": ("ссылка", "link"),
    "shop": ("магазин", "shop"),
    "marketplace": ("маркетплейс", "площадка", "marketplace"),
    "deadline": ("срок", "deadline"),
}

_CODE_OF: dict[str, str] = {name: code for code, names in VARIABLES.items() for name in names}
#: ``{word}``: a short run without braces or line breaks (so a JSON snippet or a long
#: aside in braces is not taken for a variable).
_TOKEN = re.compile(r"\{([^{}\n]{1,30})\}")


def _code(raw: str) -> str | None:
    return _CODE_OF.get(raw.strip().lower())


def unknown_names(body: str) -> list[str]:
    """The braced words in ``body`` that are no variable, in order, each once."""
    seen: list[str] = []
    for match in _TOKEN.finditer(body):
        raw = match.group(1).strip()
        if _code(raw) is None and raw not in seen:
            seen.append(raw)
    return seen


def used_codes(body: str) -> list[str]:
    """The variables ``body`` uses, in order, each once."""
    seen: list[str] = []
    for match in _TOKEN.finditer(body):
        code = _code(match.group(1))
        if code is not None and code not in seen:
            seen.append(code)
    return seen


@dataclass(frozen=True, slots=True)
class Filled:
    """The text the buyer gets, whether anything was replaced, and the variables with no
    value for this chat (the reply is refused when there is any)."""

    text: str
    changed: bool
    missing: tuple[str, ...] = ()


def fill(body: str, values: Mapping[str, str | None]) -> Filled:
    """Replace every known placeholder with the chat's value; unknown braces stay."""
    missing: list[str] = []
    changed = False

    def replace(match: re.Match[str]) -> str:
        nonlocal changed
        code = _code(match.group(1))
        if code is None:
            return match.group(0)
        value = (values.get(code) or "").strip()
        if not value:
            if code not in missing:
                missing.append(code)
            return match.group(0)
        changed = True
        return value

    result = _TOKEN.sub(replace, body)
    if missing:
        return Filled(body, False, tuple(missing))
    return Filled(result, changed)


def shown_name(code: str, locale: str) -> str:
    """The placeholder as the agent should type it in ``locale`` (first name of its
    language)."""
    names = VARIABLES[code]
    cyrillic = [n for n in names if re.match(r"[а-яё]", n)]
    latin = [n for n in names if not re.match(r"[а-яё]", n)]
    return "{" + ((cyrillic if locale == "ru" else latin) or list(names))[0] + "}"


_FALLBACK_ZONE = "Europe/Moscow"


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(_FALLBACK_ZONE)


def deadline_text(deadline: datetime, seller: Seller) -> str:
    """The reply deadline as a buyer reads it: "02.12 14:30", in the shop's time zone
    (the one its business hours use), with the date since the buyer may read it later."""
    return deadline.astimezone(_zone(seller.timezone)).strftime("%d.%m %H:%M")


def product_link(chat: Chat, rules: Rules | None) -> str | None:
    """The product's page: the marketplace's own link, else its page for the SKU."""
    return chat.product_url or (rules.product_link(chat.sku) if rules is not None else None)


def chat_values(chat: Chat, seller: Seller, rules: Rules | None) -> dict[str, str | None]:
    """Variable code → its value in this chat (``None``: not known; without the
    marketplace's rules, its name and product pages are not known either)."""
    return {
        "buyer": " ".join(chat.buyer_name.split()) or None,
        # Ozon names the order by its posting for many chats: either is "the order" to a buyer.
        "order": chat.order_number or chat.posting_number,
        "posting": chat.posting_number,
        "product": chat.product_title,
        "link": product_link(chat, rules),
        "shop": seller.name or None,
        "marketplace": rules.display_name if rules is not None else None,
        "deadline": (
            deadline_text(chat.sla_deadline, seller) if chat.sla_deadline is not None else None
        ),
    }
