"""What a group is told after the bot looked at it (bot.admin.connecting's outcome): the
text, and the one button that is the next step — «🔄 Проверить снова» while something is
missing, «🏪 Подключить магазин» (a deep link to the private wizard) once connected."""

from __future__ import annotations

from bot.admin.connecting import Connection, Outcome
from bot.admin.deep_links import (
    ADD_SELLER,
    Keyboard,
    callback_button,
    private_link,
    url_button,
)
from bot.admin.setup import render_problems
from bot.admin.setup_callbacks import RecheckGroup
from bot.texts import Html, Locale, plain_text, text

# Outcomes told with one of the owners' request texts (bot/texts/security.py).
_REQUEST_TEXTS = {
    Outcome.ASKED: "security.setup.asked",
    Outcome.ALREADY_ASKED: "security.setup.already_asked",
    Outcome.UNREACHABLE: "security.setup.owners_unreachable",
    Outcome.NO_OWNERS: "security.setup.no_owners",
}


def recheck_keyboard(locale: Locale) -> Keyboard:
    return [[callback_button(plain_text("onboarding.button.recheck", locale),
                             RecheckGroup().pack())]]  # fmt: skip


def add_seller_keyboard(locale: Locale, bot_username: str) -> Keyboard:
    link = private_link(bot_username, ADD_SELLER)
    return [[url_button(plain_text("onboarding.button.add_seller", locale), link)]]


def connected_reply(group: str, locale: Locale, bot_username: str) -> tuple[str, Keyboard]:
    """A bound group with every right: the next step is a shop (also after an approval)."""
    body = text("setup.bound", locale, group=group) + "\n" + text("setup.ready", locale)
    return body, add_seller_keyboard(locale, bot_username)


def connection_reply(
    connection: Connection, locale: Locale, *, bot_username: str, greeting: str = ""
) -> tuple[str, Keyboard | None]:
    """The message (HTML) and its buttons; ``greeting`` (hello, back) goes first."""
    outcome = connection.outcome
    keyboard: Keyboard | None = None
    if outcome is Outcome.MISSING:
        fixes = render_problems(connection.report, locale)
        body = text("setup.missing", locale, fixes=fixes)
        keyboard = recheck_keyboard(locale)
    elif outcome in (Outcome.BOUND, Outcome.ACTIVE):
        group = connection.workspace.title
        body, keyboard = connected_reply(group, locale, bot_username)
    elif outcome is Outcome.WAITING:
        body, keyboard = text("setup.ready_unbound", locale), recheck_keyboard(locale)
    else:
        body = text(_REQUEST_TEXTS[outcome], locale)
    if greeting:
        body = Html(greeting + "\n\n" + body)
    return body, keyboard
