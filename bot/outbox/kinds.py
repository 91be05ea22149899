"""Every kind of post the Telegram queue carries, each with one frozen payload type.

The payload is stored as JSON in ``tg_outbox.payload``; building it from a dataclass (and
reading it back into one) means a producer and the handler that posts it can never
disagree about a field name, which hand-built dicts allowed at every enqueue site.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

from storage.records import TgOutboxItem


class Kind(StrEnum):
    BUYER_MESSAGE = "buyer_message"
    CABINET_REPLY = "cabinet_reply"
    NOTICE = "notice"
    REACTION = "reaction"
    DRAFT_POST = "draft_post"
    DRAFT_STATUS = "draft_status"
    DRAFT_EDIT_PROMPT = "draft_edit_prompt"
    HELD_NOTICE = "held_notice"
    HELD_STATUS = "held_status"
    AI_PANEL = "ai_panel"
    SLA_BOARD = "sla_board"
    SLA_STATS = "sla_stats"
    SLA_QUEUE = "sla_queue"
    REPLY_CHECK = "reply_check"
    TOPIC_RESOLVED = "topic_resolved"
    TAKE_BUTTON = "take_button"
    PROMPT_REMOVAL = "prompt_removal"


# Posts of a marketplace message: within one chat they must appear in the buyer's order,
# so only the oldest pending one of a chat may be claimed (see TgOutboxRepo.claim).
CONTENT_KINDS: tuple[Kind, ...] = (Kind.BUYER_MESSAGE, Kind.CABINET_REPLY)
# Kinds kept in a chat's order with one another: closing a resolved topic waits for the
# posts queued before it, and a post queued after it waits for the close (then reopens).
IN_CHAT_ORDER: tuple[Kind, ...] = (*CONTENT_KINDS, Kind.TOPIC_RESOLVED)


@dataclass(frozen=True, slots=True)
class MessagePost:
    """A stored marketplace message (the row's ``message_id``) to mirror into its topic."""

    cabinet: bool = False  # typed in the seller's cabinet, not by the buyer


@dataclass(frozen=True, slots=True)
class Notice:
    """A short bot message (HTML). The row's chat means its topic; else ``thread_id``;
    neither means General. With ``turn_id`` it is dropped once that turn is answered.
    ``buttons`` are (label, callback data) pairs, one per row (e.g. whom to hand a chat)."""

    text: str
    reply_to: int | None = None
    thread_id: int | None = None
    turn_id: int | None = None
    # Inline buttons as the Bot API spells them (rows of {"text", "url" | "callback_data"}),
    # kept as JSON so a notice can offer its next step (a deep link, "check again").
    keyboard: list[list[dict[str, str]]] | None = None


@dataclass(frozen=True, slots=True)
class Reaction:
    message_id: int
    emoji: str


@dataclass(frozen=True, slots=True)
class DraftPost:
    suggestion_id: int
    replaces: int | None = None


@dataclass(frozen=True, slots=True)
class DraftStatus:
    suggestion_id: int


@dataclass(frozen=True, slots=True)
class DraftEditPrompt:
    suggestion_id: int
    who: str = ""


@dataclass(frozen=True, slots=True)
class HeldNotice:
    held_id: int


@dataclass(frozen=True, slots=True)
class HeldStatus:
    held_id: int
    message_id: int
    who: str = ""


@dataclass(frozen=True, slots=True)
class AiPanel:
    seller_id: int
    thread_id: int | None = None
    message_id: int | None = None


@dataclass(frozen=True, slots=True)
class SlaBoard:
    """The pinned queue board of a group (rendered when posted, never stale)."""


@dataclass(frozen=True, slots=True)
class SlaStats:
    """A /stats answer or the weekly digest: one photo (the chart), the text its caption."""

    text: str
    png: str  # base64: the payload is JSON
    thread_id: int | None = None


@dataclass(frozen=True, slots=True)
class SlaQueue:
    """A /queue answer with its filter buttons (rows of [label, callback data]); with
    ``edit_message_id``, a pressed filter: that answer edited in place."""

    text: str
    buttons: list[list[list[str]]]
    thread_id: int | None = None
    reply_to: int | None = None
    edit_message_id: int | None = None


@dataclass(frozen=True, slots=True)
class ReplyCheck:
    """A file reply whose delivery history cannot settle: the notice with "send anyway" /
    "drop" (``message_id`` None), or its edit once someone decided."""

    reply_id: int
    message_id: int | None = None
    decision: str | None = None
    who: str = ""


@dataclass(frozen=True, slots=True)
class TopicResolved:
    """The row's chat was resolved without a reply: its topic gets the ✅ and is closed
    (skipped if the buyer wrote again before it was done)."""


@dataclass(frozen=True, slots=True)
class TakeButton:
    """The Take button of the row's chat's open turn, edited to show who owns the chat now
    (rendered when posted; a newer one for the same chat makes it pointless)."""


@dataclass(frozen=True, slots=True)
class PromptRemoval:
    """A used or cancelled "send me the corrected text" prompt, deleted from the topic."""

    suggestion_id: int
    message_id: int


Payload = (
    MessagePost
    | Notice
    | Reaction
    | DraftPost
    | DraftStatus
    | DraftEditPrompt
    | HeldNotice
    | HeldStatus
    | AiPanel
    | SlaBoard
    | SlaStats
    | SlaQueue
    | ReplyCheck
    | TopicResolved
    | TakeButton
    | PromptRemoval
)

_KIND_OF: dict[type[Any], Kind] = {
    Notice: Kind.NOTICE,
    Reaction: Kind.REACTION,
    DraftPost: Kind.DRAFT_POST,
    DraftStatus: Kind.DRAFT_STATUS,
    DraftEditPrompt: Kind.DRAFT_EDIT_PROMPT,
    HeldNotice: Kind.HELD_NOTICE,
    HeldStatus: Kind.HELD_STATUS,
    AiPanel: Kind.AI_PANEL,
    SlaBoard: Kind.SLA_BOARD,
    SlaStats: Kind.SLA_STATS,
    SlaQueue: Kind.SLA_QUEUE,
    ReplyCheck: Kind.REPLY_CHECK,
    TopicResolved: Kind.TOPIC_RESOLVED,
    TakeButton: Kind.TAKE_BUTTON,
    PromptRemoval: Kind.PROMPT_REMOVAL,
}
_TYPE_OF: dict[Kind, type[Any]] = {kind: cls for cls, kind in _KIND_OF.items()} | {
    Kind.BUYER_MESSAGE: MessagePost,
    Kind.CABINET_REPLY: MessagePost,
}

P = TypeVar("P")


def kind_of(payload: Payload) -> Kind:
    if isinstance(payload, MessagePost):
        return Kind.CABINET_REPLY if payload.cabinet else Kind.BUYER_MESSAGE
    return _KIND_OF[type(payload)]


def encode(payload: Payload) -> dict[str, Any]:
    if isinstance(payload, MessagePost):
        return {}  # the kind says it all; rows queued before this module had no payload
    return dataclasses.asdict(payload)


def decode(item: TgOutboxItem, cls: type[P]) -> P:
    """The row's payload as ``cls``; unknown keys (an older or newer writer) are ignored,
    a kind mismatch is a bug and raises ``KeyError`` (the worker fails the row, reported)."""
    expected = _TYPE_OF.get(Kind(item.kind))
    if expected is not cls:
        raise KeyError(f"outbox item {item.id} of kind {item.kind!r} is not a {cls.__name__}")
    if cls is MessagePost:
        return cls(cabinet=item.kind == Kind.CABINET_REPLY)  # type: ignore[call-arg]
    names = {field.name for field in dataclasses.fields(cls)}  # type: ignore[arg-type]
    return cls(**{k: v for k, v in (item.payload or {}).items() if k in names})
