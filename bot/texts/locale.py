"""The bot's languages."""

from typing import Literal

Locale = Literal["ru", "en"]
