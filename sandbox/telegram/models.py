"""Records of the emulated world: users, chats, members, topics, messages, files, queries.

Plain dataclasses without behaviour beyond rendering themselves as Bot API JSON, so the
state module owns every rule and these stay easy to inspect from tests.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

#: Telegram's placeholder ``from`` user for messages of anonymous group admins.
GROUP_ANONYMOUS_BOT: dict[str, Any] = {
    "id": 1087968824,
    "is_bot": True,
    "first_name": "Group",
    "username": "GroupAnonymousBot",
}


@dataclass(frozen=True, slots=True)
class Upload:
    """A multipart file part of a request (or a file a user sends)."""

    filename: str
    data: bytes
    content_type: str = "application/octet-stream"


@dataclass(slots=True)
class User:
    id: int
    first_name: str
    is_bot: bool = False
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None
    token: str | None = None  # bots only

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "is_bot": self.is_bot,
            "first_name": self.first_name,
        }
        for key in ("last_name", "username", "language_code"):
            value = getattr(self, key)
            if value is not None:
                data[key] = value
        return data


class MemberStatus(StrEnum):
    CREATOR = "creator"
    ADMINISTRATOR = "administrator"
    MEMBER = "member"
    RESTRICTED = "restricted"
    LEFT = "left"
    KICKED = "kicked"


@dataclass(slots=True)
class Member:
    """A user's standing in a group; ``rights`` only matter for administrators."""

    user_id: int
    status: MemberStatus
    rights: dict[str, bool] = field(default_factory=dict)

    @property
    def present(self) -> bool:
        return self.status in {
            MemberStatus.CREATOR,
            MemberStatus.ADMINISTRATOR,
            MemberStatus.MEMBER,
        } or (self.status is MemberStatus.RESTRICTED and self.rights.get("is_member", True))

    @property
    def may_post(self) -> bool:
        """Restricted (muted) members keep their membership but may not write."""
        if self.status is MemberStatus.RESTRICTED:
            return self.present and bool(self.rights.get("can_send_messages", False))
        return self.present

    def can(self, right: str) -> bool:
        if self.status is MemberStatus.CREATOR:
            return True
        return self.status is MemberStatus.ADMINISTRATOR and bool(self.rights.get(right))


@dataclass(slots=True)
class Topic:
    """A forum topic; ``thread_id`` is the id of its ``forum_topic_created`` message."""

    chat_id: int
    thread_id: int
    name: str
    icon_color: int
    icon_custom_emoji_id: str | None = None
    creator_id: int | None = None
    closed: bool = False
    deleted: bool = False

    def to_dict(self) -> dict[str, Any]:
        """The ``ForumTopic`` object (what createForumTopic returns)."""
        data: dict[str, Any] = {
            "message_thread_id": self.thread_id,
            "name": self.name,
            "icon_color": self.icon_color,
        }
        if self.icon_custom_emoji_id:
            data["icon_custom_emoji_id"] = self.icon_custom_emoji_id
        return data


@dataclass(slots=True)
class Chat:
    """A private chat (id = the user's id), a basic group or a supergroup."""

    id: int
    type: str  # "private", "group" or "supergroup"
    title: str | None = None
    is_forum: bool = False
    user_id: int | None = None  # private chats: the human
    members: dict[int, Member] = field(default_factory=dict)
    topics: dict[int, Topic] = field(default_factory=dict)
    messages: dict[int, StoredMessage] = field(default_factory=dict)
    next_message_id: int = 2  # 1 is the chat's creation (and the General topic)
    migrated_to: int | None = None
    pinned: list[int] = field(default_factory=list)
    # A public group with "join to send messages" off: anyone may post without joining.
    open_to_non_members: bool = False

    def to_dict(self, users: dict[int, User]) -> dict[str, Any]:
        """The short ``Chat`` object embedded in messages and updates."""
        if self.type == "private":
            user = users[self.user_id or self.id].to_dict()
            data = {"id": self.id, "type": "private", "first_name": user["first_name"]}
            for key in ("last_name", "username"):
                if key in user:
                    data[key] = user[key]
            return data
        data = {"id": self.id, "type": self.type, "title": self.title}
        if self.is_forum:
            data["is_forum"] = True
        return data

    def take_message_id(self) -> int:
        message_id = self.next_message_id
        self.next_message_id += 1
        return message_id


@dataclass(slots=True)
class StoredMessage:
    """A message as stored; :meth:`render` produces the Bot API ``Message``.

    ``content`` holds the type-specific fields (text, photo, caption, service payloads,
    reply_markup...). ``history`` keeps the previous ``content`` of every edit.
    """

    chat_id: int
    message_id: int
    date: int
    sender_id: int | None  # None for an anonymous admin (sender_chat is the group)
    thread_id: int | None
    content: dict[str, Any]
    reply_to: int | None = None
    edit_date: int | None = None
    media_group_id: str | None = None
    forward_origin: dict[str, Any] | None = None
    history: list[dict[str, Any]] = field(default_factory=list)
    reactions: list[str] = field(default_factory=list)
    deleted: bool = False

    @property
    def is_service(self) -> bool:
        return not any(
            key in self.content for key in ("text", "photo", "document", "caption", "sticker")
        )

    def snapshot(self) -> dict[str, Any]:
        return copy.deepcopy(self.content)


@dataclass(slots=True)
class StoredFile:
    """An uploaded file; served at ``/file/bot<token>/<file_path>``."""

    file_id: str
    file_unique_id: str
    data: bytes
    file_path: str
    file_name: str | None = None
    mime_type: str | None = None


@dataclass(slots=True)
class CallbackQuery:
    """A button press and what the bot answered (``answer`` stays None until it does)."""

    id: str
    user_id: int
    chat_id: int
    message_id: int
    data: str
    created_at: float
    answer: dict[str, Any] | None = None
