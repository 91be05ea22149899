"""Which shop a command is about: named by the admin, or chosen with a button.

People never see the shops' internal ids, so a command names its shop by name:
``/ai_tone Уютный дом вежливо`` (the longest shop name the arguments start with,
case-insensitive, ё = е), or by the unique beginning of one name (``/rules уют``). With one
shop nothing needs naming. Otherwise the bot asks with one button per shop; the command's
words wait in ``pending_commands`` (a button's data is 64 bytes, too small for
``/ai_instructions``' text), and pressing a button continues the command for that shop.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.texts import Locale, text
from storage.database import Database
from storage.pending_command_repo import PendingCommand
from storage.records import Seller

# The beginning of a name shorter than this is too likely a word of the command itself.
MIN_PREFIX = 3
# The question repeats the command with the first shop's name as an example, this long.
_EXAMPLE_LIMIT = 80


class ShopCallback(CallbackData, prefix="sh1"):
    """A "which shop?" button: the command (for routing), the pending row, the shop."""

    c: str
    p: int
    s: int


@dataclass(frozen=True, slots=True)
class Chosen:
    """The shop the command is about and the rest of its arguments."""

    seller: Seller
    rest: str


def _fold(value: str) -> str:
    """Case- and ё-insensitive, keeping the length (so an index into it fits the input)."""
    return value.lower().replace("ё", "е")


def named(sellers: Sequence[Seller], args: str) -> Chosen | None:
    """The shop whose whole name starts ``args`` (the longest such name wins, so
    "Дом" and "Дом и сад" can live side by side)."""
    args = args.strip()
    folded = _fold(args)
    best: Seller | None = None
    for seller in sellers:
        name = _fold(seller.name.strip())
        if not name or not folded.startswith(name):
            continue
        if len(folded) > len(name) and not folded[len(name)].isspace():
            continue  # "Обувь2" is not "Обувь"
        if best is None or len(name) > len(best.name.strip()):
            best = seller
    if best is None:
        return None
    return Chosen(best, args[len(best.name.strip()) :].strip())


def by_prefix(
    sellers: Sequence[Seller], args: str, reserved: Collection[str] = ()
) -> Chosen | None:
    """The one shop whose name begins with the first word of ``args`` (at least
    :data:`MIN_PREFIX` letters, and not a word the command itself takes, ``reserved``)."""
    first, _, rest = args.strip().partition(" ")
    word = _fold(first)
    if len(word) < MIN_PREFIX or word in {_fold(r) for r in reserved}:
        return None
    found = [s for s in sellers if _fold(s.name.strip()).startswith(word)]
    return Chosen(found[0], rest.strip()) if len(found) == 1 else None


def choose(sellers: Sequence[Seller], args: str, reserved: Collection[str] = ()) -> Chosen | None:
    """The shop ``args`` names, or the only one; None when the person must choose."""
    found = named(sellers, args)
    if found is not None:
        return found
    if len(sellers) == 1:
        return Chosen(sellers[0], args.strip())
    return by_prefix(sellers, args, reserved)


def keyboard(command: str, pending_id: int, sellers: Sequence[Seller]) -> InlineKeyboardMarkup:
    """One button per shop, by name."""
    rows = [
        [
            InlineKeyboardButton(
                text=seller.name,
                callback_data=ShopCallback(c=command, p=pending_id, s=seller.id).pack(),
            )
        ]
        for seller in sellers
    ]
    return InlineKeyboardMarkup(inline_keyboard=rows)


@dataclass(frozen=True, slots=True)
class Question:
    """The "which shop?" answer: its text and its buttons."""

    text: str
    keyboard: InlineKeyboardMarkup


class ShopChoices:
    """Keeps a command's words while its shop is chosen, and gives them back once."""

    def __init__(self, *, db: Database) -> None:
        self._db = db

    async def ask(
        self,
        *,
        tg_user_id: int,
        command: str,
        args: str,
        sellers: Sequence[Seller],
        locale: Locale,
    ) -> Question:
        pending_id = await self._db.pending_commands.save(
            tg_user_id=tg_user_id, command=command, args=args.strip()
        )
        example = f"{sellers[0].name} {args.strip()}".strip()
        if len(example) > _EXAMPLE_LIMIT:
            example = example[: _EXAMPLE_LIMIT - 1] + "…"
        body = text("pick_seller", locale, command=f"/{command}", example=example)
        return Question(body, keyboard(command, pending_id, sellers))

    async def resume(self, *, pending_id: int, tg_user_id: int) -> PendingCommand | str:
        """The command's words, or the text key saying why not (pressed twice, too old,
        or pressed by someone else than who asked)."""
        found = await self._db.pending_commands.take(pending_id=pending_id, tg_user_id=tg_user_id)
        if found is not None:
            return found
        owner = await self._db.pending_commands.owner(pending_id=pending_id)
        return "pick_seller.not_yours" if owner is not None else "pick_seller.gone"
