"""What /find accepts: one line of text, trimmed, of a bounded length, with something to
search for in it (a letter or a digit)."""

from __future__ import annotations

from dataclasses import dataclass

MAX_LENGTH = 100  # characters; an order number, a name or a few words fit easily


@dataclass(frozen=True, slots=True)
class Query:
    """A usable query, or why not (``problem``: "empty" or "too_long")."""

    text: str = ""
    problem: str | None = None


def parse_query(args: str) -> Query:
    """Whitespace collapsed to single spaces; a query without a letter or digit is empty
    (punctuation alone would match every order number by prefix)."""
    value = " ".join(args.split())
    if not any(ch.isalnum() for ch in value):
        return Query(problem="empty")
    if len(value) > MAX_LENGTH:
        return Query(problem="too_long")
    return Query(text=value)
