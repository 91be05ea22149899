"""Identifier and timestamp helpers that mimic the look of Ozon's values."""

from __future__ import annotations

import secrets
import uuid
from datetime import UTC, datetime

#: Ozon message ids are ~19-digit uint64 values (beyond JS 2^53); start in the same range.
FIRST_MESSAGE_ID = 3_000_000_000_800_000_000
#: Buyer ``user.id`` values are short numeric strings.
FIRST_BUYER_ID = 100_000


class IdSequence:
    """A strictly increasing integer sequence.

    One sequence per world gives message ids that grow with time across all chats, which also
    makes them usable as a unique "last activity" sort key for ``/v3/chat/list``.
    """

    __slots__ = ("_next",)

    def __init__(self, start: int) -> None:
        self._next = start

    def next(self) -> int:
        value = self._next
        self._next += 1
        return value

    def peek(self) -> int:
        """The value the next call to :meth:`next` will return."""
        return self._next


def new_chat_id() -> str:
    """Chat ids are UUID strings."""
    return str(uuid.uuid4())


def new_file_token() -> str:
    """The opaque hex part of a file URL."""
    return secrets.token_hex(16)


def format_time(value: datetime) -> str:
    """RFC3339 UTC with milliseconds and ``Z``, e.g. ``2025-09-14T08:07:19.581Z``."""
    value = value.astimezone(UTC)
    return f"{value:%Y-%m-%dT%H:%M:%S}.{value.microsecond // 1000:03d}Z"


def utc_now() -> datetime:
    """The default emulated clock: the real wall clock in UTC."""
    return datetime.now(UTC)
