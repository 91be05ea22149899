"""Everything the bot says, in Russian (default) and English.

Kept as data so wording is reviewed in one place and a missing translation is caught by
a test rather than by a user. Each feature keeps its texts in its own module here; this
package merges them and refuses a key defined twice.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.texts import (
    admin,
    agents,
    canned,
    core,
    desk,
    digest,
    drafts,
    handover,
    marketplaces,
    onboarding,
    outbox,
    push,
    queue_stats,
    replies,
    resolve,
    rules,
    security,
    sla,
    sync,
    topic_posts,
    updates,
    yandex_market,
    ym_orders,
)
from bot.texts.locale import Locale
from bot.texts.rendering import Html, plural, render, render_plain

__all__ = ["TEXTS", "Html", "Locale", "for_marketplace", "plain_text", "plural", "text"]


def _merge(*parts: Mapping[str, dict[Locale, str]]) -> dict[str, dict[Locale, str]]:
    merged: dict[str, dict[Locale, str]] = {}
    for part in parts:
        twice = merged.keys() & part.keys()
        if twice:
            raise ValueError(f"text keys defined twice: {sorted(twice)}")
        merged.update(part)
    return merged


TEXTS: dict[str, dict[Locale, str]] = _merge(
    core.TEXTS,
    admin.TEXTS,
    agents.TEXTS,
    sla.TEXTS,
    drafts.TEXTS,
    outbox.TEXTS,
    replies.TEXTS,
    sync.TEXTS,
    updates.TEXTS,
    security.TEXTS,
    marketplaces.TEXTS,
    push.TEXTS,
    yandex_market.TEXTS,
    ym_orders.TEXTS,
    onboarding.TEXTS,
    queue_stats.TEXTS,
    resolve.TEXTS,
    desk.TEXTS,
    digest.TEXTS,
    rules.TEXTS,
    handover.TEXTS,
    topic_posts.TEXTS,
    canned.TEXTS,
)


def text(key: str, locale: Locale, **values: object) -> str:
    """The Telegram HTML for ``key``: every value escaped unless it is :class:`Html`.

    The result is an :class:`Html` (so it can be a value of another text without being
    escaped twice) typed as ``str``, so callers may keep building messages from it; a
    message glued from several texts and passed on as a value is wrapped in ``Html``
    (or built with :func:`bot.texts.markup.join`)."""
    return render(TEXTS[key][locale], locale, values)


def plain_text(key: str, locale: Locale, **values: object) -> str:
    """``key`` for places Telegram shows as they are (button labels, topic names, callback
    answers, chart labels): values go in unescaped, so a shop called "A & B" stays so."""
    return render_plain(TEXTS[key][locale], locale, values)


def for_marketplace(key: str, marketplace: str) -> str:
    """``<key>.<marketplace>`` when that marketplace is worded differently, else ``key``."""
    specific = f"{key}.{marketplace}"
    return specific if specific in TEXTS else key
