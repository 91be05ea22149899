"""Telegram deep links and inline buttons as plain data (the Bot API's JSON shape), so a
service can offer a next step in a queued notice without building aiogram objects.

``startgroup`` opens Telegram's group picker and pre-asks for exactly the admin rights
:data:`bot.admin.setup.REQUIRED_RIGHTS` checks (``can_manage_topics`` → ``manage_topics``),
so the person who adds the bot grants them in the same dialog instead of hunting for them
in the group's settings afterwards.
"""

from __future__ import annotations

from bot.admin.setup import REQUIRED_RIGHTS

Button = dict[str, str]
Keyboard = list[list[Button]]

# The payloads after ?start= / ?startgroup= (Telegram allows [A-Za-z0-9_-], up to 64).
ADD_SELLER = "add_seller"  # the private add-seller wizard
SETUP = "setup"  # the bot added to a group from /start


def requested_rights() -> str:
    """Telegram's names for the rights the bot needs, joined as the ``admin`` parameter."""
    return "+".join(right.removeprefix("can_") for right in REQUIRED_RIGHTS)


def add_to_group_link(bot_username: str) -> str:
    return f"https://t.me/{bot_username}?startgroup={SETUP}&admin={requested_rights()}"


def private_link(bot_username: str, payload: str) -> str:
    """Opens the private chat with the bot and sends ``/start <payload>`` there."""
    return f"https://t.me/{bot_username}?start={payload}"


def url_button(label: str, url: str) -> Button:
    return {"text": label, "url": url}


def callback_button(label: str, data: str) -> Button:
    return {"text": label, "callback_data": data}
