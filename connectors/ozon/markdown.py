"""Parse the Markdown strings Ozon puts in a message's ``data``.

Ozon encodes attachments inside the text: ``![](url)`` is an image, ``[Screenshot_x (123KB)](url)``
a file, ``[ text ](url)`` a product or other link. Telegram needs them apart: images and files
become attachments (downloaded with the seller's credentials), links stay readable in the text.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict

_IMAGE = re.compile(r"[ \t]*!\[[^\]\n]*\]\(\s*([^)\s]+)\s*\)")
_LINK = re.compile(r"\[([^\]\n]*)\]\(\s*([^)\s]+)\s*\)")
_SIZE_SUFFIX = re.compile(r"\s*\(\s*\d+(?:[.,]\d+)?\s*(?:[KMGT]i?)?B\s*\)\s*$", re.IGNORECASE)
_FILE_PATH = "/chat/file/"


class FileLink(BaseModel):
    """An attachment that is not shown inline: ``name`` without Ozon's size suffix."""

    model_config = ConfigDict(frozen=True)
    name: str
    url: str


class Link(BaseModel):
    """A hyperlink that stays in the text (usually an ozon.ru product page)."""

    model_config = ConfigDict(frozen=True)
    text: str
    url: str


class MessageContent(BaseModel):
    """Human-readable text plus the attachments and links extracted from it."""

    model_config = ConfigDict(frozen=True)
    text: str = ""
    images: list[str] = []
    files: list[FileLink] = []
    links: list[Link] = []


def _is_file(label: str, url: str) -> bool:
    return _FILE_PATH in url or _SIZE_SUFFIX.search(label) is not None


def parse_markdown(data: list[str]) -> MessageContent:
    """Split Ozon's Markdown into text, images, files and links.

    Plain text passes through unchanged; text is only trimmed where an attachment was cut out.
    """
    raw = "\n".join(data)
    images: list[str] = []
    files: list[FileLink] = []
    links: list[Link] = []
    removed = False

    def take_image(match: re.Match[str]) -> str:
        nonlocal removed
        removed = True
        images.append(match.group(1))
        return ""

    def take_link(match: re.Match[str]) -> str:
        nonlocal removed
        label, url = match.group(1).strip(), match.group(2)
        if _is_file(label, url):
            removed = True
            name = _SIZE_SUFFIX.sub("", label).strip() or url.rsplit("/", 1)[-1]
            files.append(FileLink(name=name, url=url))
            return ""
        links.append(Link(text=label or url, url=url))
        return label or url

    text = _LINK.sub(take_link, _IMAGE.sub(take_image, raw))
    if removed:
        text = "\n".join(line.strip() for line in text.splitlines() if line.strip())
    return MessageContent(text=text, images=images, files=files, links=links)
