"""Wildberries' rules for a seller's message, checked before anything is sent.

WB refuses a whole message when one file breaks a rule (and 4xx answers can cost extra rate
tokens), so the client checks text length, file types and sizes first and names the broken
rule. The type comes from the file's bytes, not its name: a ``.jpg`` that is really a video is
refused here, not by WB. Sizes are binary megabytes, as WB's own error says ("Max size: 5MiB").
"""

from __future__ import annotations

from dataclasses import dataclass

from connectors.errors import ContentRejected

MAX_TEXT = 1000
MAX_REPLY_SIGN = 255
MIB = 1024 * 1024
MAX_FILE_BYTES = 5 * MIB
MAX_TOTAL_BYTES = 30 * MIB
ALLOWED_TYPES = ("image/jpeg", "image/png", "application/pdf")

_MAGIC = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"%PDF-", "application/pdf"),
)


@dataclass(frozen=True, slots=True)
class OutgoingFile:
    """A file the seller sends: its name as the buyer will see it and its bytes."""

    name: str
    content: bytes


@dataclass(frozen=True, slots=True)
class CheckedFile:
    name: str
    content: bytes
    content_type: str


def sniff_type(content: bytes) -> str | None:
    """JPEG, PNG or PDF by magic bytes; None for anything else."""
    return next((kind for magic, kind in _MAGIC if content.startswith(magic)), None)


def check_text(text: str | None) -> str | None:
    """The text to send (None when there is none); refuses one over WB's 1000 characters."""
    if text is None or not text.strip():
        return None
    if len(text) > MAX_TEXT:
        raise ContentRejected(
            "text_too_long",
            f"text is {len(text)} characters, Wildberries allows {MAX_TEXT}",
            limit=MAX_TEXT,
        )
    return text


def check_files(files: list[OutgoingFile]) -> list[CheckedFile]:
    """Each file JPEG/PNG/PDF and ≤ 5 MiB, all together ≤ 30 MiB; the first broken rule wins."""
    checked: list[CheckedFile] = []
    total = 0
    for item in files:
        name = item.name.strip() or "file"
        kind = sniff_type(item.content)
        if kind is None:
            raise ContentRejected(
                "file_type",
                "Wildberries accepts only JPEG, PNG and PDF files",
                file_name=name,
            )
        size = len(item.content)
        if size > MAX_FILE_BYTES:
            raise ContentRejected(
                "file_too_big",
                f"a file is {size} bytes, Wildberries allows {MAX_FILE_BYTES} (5 MiB) per file",
                limit=MAX_FILE_BYTES,
                file_name=name,
            )
        total += size
        if total > MAX_TOTAL_BYTES:
            raise ContentRejected(
                "files_too_big",
                f"files add up to more than {MAX_TOTAL_BYTES} bytes (30 MiB)",
                limit=MAX_TOTAL_BYTES,
                file_name=name,
            )
        checked.append(CheckedFile(name=name, content=item.content, content_type=kind))
    return checked


def check_message(
    text: str | None, files: list[OutgoingFile]
) -> tuple[str | None, list[CheckedFile]]:
    """Both checks; a message with neither text nor files is refused as empty."""
    body = check_text(text)
    checked = check_files(files)
    if body is None and not checked:
        raise ContentRejected("empty", "a message needs text or at least one file")
    return body, checked
