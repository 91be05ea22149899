"""Yandex Market's rules for a seller's message, checked before anything is sent.

Text 1..4096 characters; one file per call, at most 5 MB (the spec says "5 Мбайт"; the
binary reading, 5 MiB, is the one that refuses nothing Yandex takes if it means 5,000,000,
so the stricter decimal bound is used). File types are not documented, so none is refused
here. A refused 4xx costs quota, hence the checks.
"""

from __future__ import annotations

from connectors.errors import ContentRejected

MAX_TEXT = 4096
MAX_FILE_BYTES = 5 * 1000 * 1000
MAX_FILE_NAME = 255


def check_text(text: str) -> str:
    """The text to send; refuses an empty one or one over 4096 characters."""
    if not text or not text.strip():
        raise ContentRejected("empty", "a message needs text")
    if len(text) > MAX_TEXT:
        raise ContentRejected(
            "text_too_long",
            f"text is {len(text)} characters, Yandex Market allows {MAX_TEXT}",
            limit=MAX_TEXT,
        )
    return text


def check_file(name: str, content: bytes) -> str:
    """The file name to send; refuses an empty file or one over 5 MB."""
    clean = (name or "").strip()[:MAX_FILE_NAME] or "file"
    if not content:
        raise ContentRejected("empty", "the file is empty", file_name=clean)
    if len(content) > MAX_FILE_BYTES:
        raise ContentRejected(
            "file_too_big",
            f"a file is {len(content)} bytes, Yandex Market allows {MAX_FILE_BYTES} (5 MB)",
            limit=MAX_FILE_BYTES,
            file_name=clean,
        )
    return clean
