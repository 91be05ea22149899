"""Markdown bodies of attachment messages, as Ozon renders them in ``data``.

Links are built at response time from the emulator's public base URL, so a message created
before the server started still points at the running emulator.
"""

from __future__ import annotations

import mimetypes
from pathlib import PurePosixPath
from urllib.parse import quote

#: The download route prefix shared by links and the download handler.
FILE_ROUTE = "/v2/chat/file/"
IMAGE_EXTENSIONS = frozenset({".jpg", ".jpeg", ".png", ".gif", ".webp", ".bmp"})


def is_image_name(name: str) -> bool:
    """Whether a file name looks like a picture (sent as an image message, not a file)."""
    return PurePosixPath(name).suffix.lower() in IMAGE_EXTENSIONS


def image_path(token: str, name: str) -> str:
    """Storage path of an image, ``messenger/<hex>.<ext>`` (``.jpg`` unless known)."""
    suffix = PurePosixPath(name).suffix.lower()
    if suffix not in IMAGE_EXTENSIONS:
        suffix = ".jpg"
    return f"messenger/{token}{suffix}"


def document_path(token: str, name: str) -> str:
    """Storage path of a document, ``docs/<hex>/<name>``."""
    return f"docs/{token}/{name}"


def content_type_for(name: str) -> str:
    """A sensible Content-Type for the download response."""
    guessed, _ = mimetypes.guess_type(name)
    return guessed or "application/octet-stream"


def file_url(base_url: str, path: str) -> str:
    """Absolute download URL of a stored file (the name part is percent-encoded)."""
    return f"{base_url.rstrip('/')}{FILE_ROUTE}{quote(path)}"


def human_size(size: int) -> str:
    """Size as Ozon prints it in file links, e.g. ``12KB``."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))}KB"
    return f"{round(size / (1024 * 1024), 1):g}MB"


def escape_label(text: str) -> str:
    """Escape characters that would end a Markdown link label early."""
    return text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")


def image_markdown(base_url: str, path: str) -> str:
    """``![](<url>)``, the body of an image message."""
    return f"![]({file_url(base_url, path)})"


def file_markdown(base_url: str, path: str, name: str, size: int) -> str:
    """``[name (12KB)](<url>)``, the body of a file message."""
    return f"[{escape_label(name)} ({human_size(size)})]({file_url(base_url, path)})"
