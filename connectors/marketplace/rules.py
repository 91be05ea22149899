"""A marketplace's rules as data: what the core checks before it calls the marketplace.

Each adapter publishes one :class:`Rules`. The core reads it to refuse an agent's reply the
marketplace would refuse anyway (too long, a file type or size it does not take) *before*
sending, with the rule stated; to cap SLA deadlines at the reply window; to tell the AI
its limits; and to show the marketplace's name and badge to people.
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum

MB = 1024 * 1024


class OwnMessageMatch(StrEnum):
    """How a sent reply is recognised in history or events (no marketplace returns an id)."""

    #: A text by its text, a document by its name, an image as the one new seller image.
    CONTENT = "content"
    #: As CONTENT, and only among seller messages the marketplace marks as sent by the API.
    CONTENT_VIA_API = "content_via_api"


@dataclass(frozen=True, slots=True)
class FileRules:
    """What files a send takes; ``None`` means the marketplace states no limit."""

    #: Lower-case MIME types accepted; empty means any type.
    allowed_types: frozenset[str] = frozenset()
    #: Human labels of the allowed types, in the order people read them ("JPEG, PNG, PDF").
    allowed_labels: tuple[str, ...] = ()
    max_file_bytes: int | None = None
    max_total_bytes: int | None = None
    max_files_per_send: int = 1


@dataclass(frozen=True, slots=True)
class RateLimit:
    """Requests allowed per window per seller account, shared by all methods."""

    requests: int
    per_seconds: float


@dataclass(frozen=True, slots=True)
class Rules:
    code: str
    display_name: str
    badge: str
    text_limit: int
    reply_window: timedelta
    rate_limit: RateLimit
    files: FileRules = field(default_factory=FileRules)
    send_returns_id: bool = False
    own_message_match: OwnMessageMatch = OwnMessageMatch.CONTENT
    marks_read: bool = False
    moderates_downloads: bool = False
    #: ``{id}`` is replaced by the product id the chat carries (Ozon's SKU, WB's nmID).
    product_url: str | None = None
    #: The seller types an account id that is a positive integer (Ozon's Client-Id);
    #: False when the account is identified by its token alone.
    numeric_account_id: bool = False

    def product_link(self, product_id: str | None) -> str | None:
        if not self.product_url or not product_id or not product_id.isdigit():
            return None
        return self.product_url.format(id=product_id)


class FileProblem(StrEnum):
    """Why a file cannot be sent; texts ``marketplace.file.<value>`` say it to people."""

    TYPE = "type"
    SIZE = "size"
    TOTAL = "total"


def check_file(
    rules: FileRules, *, content_type: str, size: int, already_sent_bytes: int = 0
) -> FileProblem | None:
    """None when the marketplace takes the file; otherwise the rule it breaks."""
    kind = content_type.split(";", maxsplit=1)[0].strip().lower()
    if rules.allowed_types and kind not in rules.allowed_types:
        return FileProblem.TYPE
    if rules.max_file_bytes is not None and size > rules.max_file_bytes:
        return FileProblem.SIZE
    if rules.max_total_bytes is not None and size + already_sent_bytes > rules.max_total_bytes:
        return FileProblem.TOTAL
    return None


_MAGIC = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"%PDF-", "application/pdf"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


def content_type_of(name: str, content: bytes) -> str:
    """The file's type from its bytes (a renamed file is what it is), else from its name."""
    for magic, kind in _MAGIC:
        if content.startswith(magic):
            return kind
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    guessed, _ = mimetypes.guess_type(name)
    return guessed or "application/octet-stream"
