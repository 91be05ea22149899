"""The ids a log line is about (seller, chat, workspace, update), carried by contextvars.

A worker binds the ids of the item it handles for the duration of that item; every log
call below it, in any module, is then tagged with them by the JSON log format without
passing them around. Only ids: never a text, a name or a key.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

#: The id fields a log line may carry, in the order they are written.
ID_FIELDS = ("workspace_id", "seller_id", "chat_id", "update_id", "item_id", "reply_id")

_IDS: contextvars.ContextVar[Mapping[str, int | str] | None] = contextvars.ContextVar(
    "log_ids", default=None
)


def current_ids() -> Mapping[str, int | str]:
    return _IDS.get() or {}


@contextmanager
def log_ids(**ids: int | str | None) -> Iterator[None]:
    """Tag the log lines of this block (nested blocks add to the outer ids)."""
    unknown = set(ids) - set(ID_FIELDS)
    if unknown:
        raise ValueError(f"not a log id field: {sorted(unknown)}")
    merged = {**current_ids(), **{key: value for key, value in ids.items() if value is not None}}
    token = _IDS.set(merged)
    try:
        yield
    finally:
        _IDS.reset(token)
