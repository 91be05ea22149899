"""Identifier formats: file ids, callback query ids, chat ids."""

from __future__ import annotations

import secrets

FIRST_USER_ID = 5_000_000_001
FIRST_SUPERGROUP_ID = -1_002_000_000_001
FIRST_GROUP_ID = -4_000_000_001

#: file_id prefixes Telegram uses for photos and documents (cosmetic but recognisable).
FILE_ID_PREFIX = {"photo": "AgACAgIAAxkBAAI", "document": "BQACAgIAAxkBAAI"}


def new_file_id(kind: str) -> tuple[str, str]:
    """A fresh ``(file_id, file_unique_id)`` pair."""
    prefix = FILE_ID_PREFIX.get(kind, "CAACAgIAAxkBAAI")
    return prefix + secrets.token_urlsafe(24), "AQAD" + secrets.token_urlsafe(9)


def new_query_id() -> str:
    return str(secrets.randbits(63))


def image_size(data: bytes) -> tuple[int, int]:
    """Width and height of a PNG, GIF or JPEG; 800x600 when the bytes are something else."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        return int.from_bytes(data[6:8], "little"), int.from_bytes(data[8:10], "little")
    if data[:2] == b"\xff\xd8":
        index = 2
        while index + 9 < len(data):
            if data[index] != 0xFF:
                break
            marker = data[index + 1]
            size = int.from_bytes(data[index + 2 : index + 4], "big")
            if marker in (0xC0, 0xC1, 0xC2):
                height = int.from_bytes(data[index + 5 : index + 7], "big")
                width = int.from_bytes(data[index + 7 : index + 9], "big")
                return width, height
            index += 2 + size
    return 800, 600
