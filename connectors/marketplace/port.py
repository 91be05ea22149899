"""The marketplace port: what an adapter (Ozon, Wildberries, later Yandex Market) provides.

The core (``bot/``) talks to marketplaces only through these protocols and the data classes
of :mod:`connectors.marketplace.messages`; adapters raise only the errors of
:mod:`connectors.errors`. ``docs/marketplaces.md`` explains each method's contract and has
the checklist for adding a marketplace.

A change feed comes in one of two shapes, because marketplaces offer one or the other:

- :class:`ListingFeed`: chats listed by recent activity, then each changed chat's history
  after the stored cursor (Ozon; Yandex Market lists by ``updatedAt`` the same way);
- :class:`EventFeed`: one stream of message events read from a stored cursor
  (Wildberries' ``/events`` with ``next``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, Protocol, runtime_checkable

from pydantic import SecretStr

from connectors.marketplace.matching import Verdict
from connectors.marketplace.messages import ChatPage, Download, EventBatch, Message
from connectors.marketplace.rules import Rules


@dataclass(frozen=True, slots=True)
class Credentials:
    """A seller's account id (Ozon's Client-Id; derived from the token elsewhere) and its
    secret, kept as a SecretStr so no repr or log shows it."""

    account_id: str
    secret: SecretStr


@dataclass(frozen=True, slots=True)
class ChatRef:
    """The chat a call is about: its marketplace id and the fields the adapter stored for
    it (``ChatInfo.extra``, e.g. WB's reply signature)."""

    chat_id: str
    extra: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class OutgoingFile:
    name: str
    content: bytes
    content_type: str = "application/octet-stream"


@dataclass(frozen=True, slots=True)
class SentReply:
    """What was sent, to recognise it in history: a text, or a file by its name."""

    kind: Literal["text", "file"]
    text: str = ""
    file_name: str = ""


@runtime_checkable
class ListingFeed(Protocol):
    async def list_chats(self, *, cursor: str | None, unread_only: bool) -> ChatPage:
        """One page of chats, most recently active first."""
        ...

    async def newest_messages(self, chat_id: str, *, limit: int) -> list[Message]:
        """The newest ``limit`` messages of a chat never seen before (any order)."""
        ...

    async def messages_after(self, chat_id: str, cursor: str) -> list[Message]:
        """Everything after ``cursor`` (unplaceable items included), oldest first."""
        ...


@runtime_checkable
class EventFeed(Protocol):
    async def events(self, *, cursor: str | None) -> EventBatch:
        """The next batch of events after ``cursor`` (None: from the stream's start)."""
        ...


class SellerChannel(Protocol):
    """One seller's view of its marketplace; cheap to create, per call site."""

    @property
    def rules(self) -> Rules: ...

    @property
    def account_id(self) -> str: ...

    @property
    def feed(self) -> ListingFeed | EventFeed: ...

    def calls_made(self) -> int:
        """HTTP calls this account has made in this process (for cost reports)."""
        ...

    async def check_access(self) -> None:
        """The cheapest call that proves the credentials work for chats; raises
        ``AuthFailed`` (with its kind) or ``PremiumRequired`` with the reason otherwise."""
        ...

    async def find_reply(
        self, chat: ChatRef, reply: SentReply, *, since: datetime, exclude: set[str]
    ) -> Verdict:
        """Whether ``reply``, attempted at ``since``, is in the chat (the marketplace's way
        of recognising our own message; ``exclude`` are ids known as other replies)."""
        ...

    async def send_text(self, chat: ChatRef, text: str) -> None:
        """Send once: an unknown outcome is verified, else ``SendOutcomeUnknown``."""
        ...

    async def send_files(self, chat: ChatRef, files: Sequence[OutgoingFile]) -> None:
        """Send files once (same rule as :meth:`send_text`)."""
        ...

    async def download(self, url: str) -> Download:
        """An attachment of a buyer message (``Message.images`` / ``FileRef.url``)."""
        ...

    async def mark_read(self, chat: ChatRef, message_id: str) -> None:
        """Mark up to ``message_id`` read; a no-op where the marketplace has no such call."""
        ...


class Marketplace(Protocol):
    """A marketplace adapter as the composition root holds it: one per process."""

    @property
    def rules(self) -> Rules: ...

    def channel(self, credentials: Credentials) -> SellerChannel: ...

    def account_id_of(self, secret: SecretStr) -> str | None:
        """The account a key identifies by itself (a WB token names its seller); None when
        the seller types the account id beside the key (Ozon's Client-Id)."""
        ...

    async def aclose(self) -> None: ...
