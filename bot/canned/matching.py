"""Which templates an inline query offers: plain templates in, an ordered choice out.

The few letters after ``@bot`` are matched against each template's name and text (every
word must appear in one of them), names first. Stacking — several templates in one
message — is one mechanism: a query of two or more words where each word picks out a
template by its name also offers them together, as the first result, in the order typed
(``привет доставка``: the greeting, then the delivery text). A message carries at most
one file, so templates with two files are never stacked. A query starting with ``//``
makes every result an internal note (:mod:`bot.bridge.notes`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.bridge.notes import NOTE_PREFIX
from storage.records import CannedReply

#: Telegram takes at most 50 results per answer; a phone shows far fewer.
MAX_RESULTS = 20
#: Between stacked texts: one blank line, as an agent would write two paragraphs.
STACK_JOINER = "\n\n"


@dataclass(frozen=True, slots=True)
class Query:
    words: tuple[str, ...]
    note: bool


def parse_query(raw: str) -> Query:
    stripped = raw.strip()
    note = stripped.startswith(NOTE_PREFIX)
    if note:
        stripped = stripped[len(NOTE_PREFIX) :]
    return Query(tuple(word.casefold() for word in stripped.split()), note)


def search(templates: Sequence[CannedReply], query: Query) -> list[CannedReply]:
    """Templates whose name or text holds every word; a name match ranks first."""

    def matches(template: CannedReply) -> bool:
        haystack = f"{template.name}\n{template.body}".casefold()
        return all(word in haystack for word in query.words)

    def rank(template: CannedReply) -> tuple[int, str]:
        name = template.name.casefold()
        by_name = bool(query.words) and name.startswith(query.words[0])
        return (0 if by_name else 1, name)

    return sorted((t for t in templates if matches(t)), key=rank)[:MAX_RESULTS]


def _by_name(templates: Sequence[CannedReply], word: str) -> CannedReply | None:
    """The template a word names: its exact name, else the one name it starts."""
    exact = [t for t in templates if t.name.casefold() == word]
    if exact:
        return exact[0]
    starting = [t for t in templates if t.name.casefold().startswith(word)]
    return starting[0] if len(starting) == 1 else None


def stack(templates: Sequence[CannedReply], query: Query) -> list[CannedReply] | None:
    """The templates the query's words name, in order, when there are two or more and
    each word names one (different ones of one group, at most one with a file); else
    None."""
    if len(query.words) < 2:
        return None
    picked: list[CannedReply] = []
    for word in query.words:
        found = _by_name(templates, word)
        if found is None or found in picked:
            return None
        picked.append(found)
    if sum(1 for t in picked if t.file_id is not None) > 1:
        return None
    if len({t.workspace_id for t in picked}) > 1:
        return None  # a person in several groups: one message goes to one group's buyer
    return picked


def stacked_text(templates: Sequence[CannedReply]) -> str:
    return STACK_JOINER.join(t.body for t in templates if t.body)
