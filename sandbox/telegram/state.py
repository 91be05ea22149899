"""The emulated world: users, the bot, chats, topics, messages, files and the update queue.

No HTTP here. Human actions (a user writes, edits, presses a button, an admin deletes a
topic, the bot is removed) are methods of :class:`TelegramState`; they store the result and
queue the update the bot would receive. The Bot API methods in :mod:`.methods` use the same
helpers, so in-process tests and HTTP clients see one set of rules.
"""

from __future__ import annotations

import copy
import mimetypes
import time
from collections.abc import Callable, Iterable
from typing import Any

from . import errors
from .errors import BotApiError
from .ids import (
    FIRST_GROUP_ID,
    FIRST_SUPERGROUP_ID,
    FIRST_USER_ID,
    image_size,
    new_file_id,
    new_query_id,
)
from .models import (
    GROUP_ANONYMOUS_BOT,
    CallbackQuery,
    Chat,
    Member,
    MemberStatus,
    StoredFile,
    StoredMessage,
    Topic,
    Upload,
    User,
)
from .spec import ApiSpec
from .updates import UpdateQueue
from .webhook import WebhookPusher

#: Default rights of a group administrator (the owner has all of them).
ADMIN_RIGHTS = (
    "can_manage_chat",
    "can_delete_messages",
    "can_manage_video_chats",
    "can_restrict_members",
    "can_promote_members",
    "can_change_info",
    "can_invite_users",
    "can_post_stories",
    "can_edit_stories",
    "can_delete_stories",
    "can_pin_messages",
    "can_manage_topics",
)
#: Administrator rights newer than the vendored spec (Bot API 10.1) that clients on a newer
#: API (aiogram 3.31 speaks 10.3) require in ``ChatMemberAdministrator``.
NEWER_ADMIN_RIGHTS = ("can_send_welcome_messages",)
#: Custom emoji offered by getForumTopicIconStickers (ids seen in real bots).
TOPIC_ICON_EMOJI: tuple[tuple[str, str], ...] = (
    ("5370870893004203704", "💬"),
    ("5417915203100613993", "🔥"),
    ("5237699328843200968", "✅"),
    ("5377498341074542641", "❗"),
    ("5312016608254762256", "⚡"),
    ("5420216386448270341", "📝"),
)
PhotoArg = bytes | Upload
DocumentArg = tuple[str, bytes] | Upload


class TelegramState:
    """Everything the emulator knows. ``clock`` drives callback expiry and rate limits."""

    def __init__(
        self,
        spec: ApiSpec,
        *,
        clock: Callable[[], float] = time.monotonic,
        callback_timeout: float = 15.0,
    ) -> None:
        self.spec = spec
        self.clock = clock
        self.callback_timeout = callback_timeout
        self.users: dict[int, User] = {}
        self.chats: dict[int, Chat] = {}
        self.files: dict[str, StoredFile] = {}
        self.queries: dict[str, CallbackQuery] = {}
        self.bot: User | None = None
        self.updates = UpdateQueue(clock)
        self.webhooks = WebhookPusher(self.updates)
        self.commands: dict[str, list[dict[str, Any]]] = {}
        self.profile: dict[str, str] = {}
        self._next_user_id = FIRST_USER_ID
        self._next_supergroup_id = FIRST_SUPERGROUP_ID
        self._next_group_id = FIRST_GROUP_ID
        self._next_file_number = 1
        self._next_media_group = 13_000_000_000_000_001

    # ------------------------------------------------------------------ world setup

    def create_bot(
        self, token: str, username: str = "test_bot", first_name: str | None = None
    ) -> User:
        """The bot; its id is the number before ``:`` in the token, as on Telegram."""
        bot_id, _, secret = token.partition(":")
        if not bot_id.isdigit() or not secret:
            raise ValueError("token must look like '<digits>:<secret>'")
        if self.bot is not None:
            raise ValueError("this emulator already has a bot; start another emulator")
        bot = User(
            id=int(bot_id),
            first_name=first_name or username,
            is_bot=True,
            username=username,
            token=token,
        )
        self.users[bot.id] = bot
        self.bot = bot
        return bot

    def require_bot(self) -> User:
        if self.bot is None:
            raise ValueError("create_bot() first")
        return self.bot

    def create_user(
        self,
        first_name: str,
        username: str | None = None,
        *,
        last_name: str | None = None,
        language_code: str | None = "ru",
        user_id: int | None = None,
    ) -> User:
        if user_id is None:
            user_id = self._next_user_id
            self._next_user_id += 1
        if user_id in self.users:
            raise ValueError(f"user {user_id} exists")
        user = User(
            id=user_id,
            first_name=first_name,
            last_name=last_name,
            username=username,
            language_code=language_code,
        )
        self.users[user.id] = user
        return user

    def create_group(
        self,
        title: str,
        *,
        is_forum: bool = False,
        members: Iterable[int] = (),
        admins: Iterable[int] = (),
        bot_rights: dict[str, bool] | None = None,
        bot_member: bool = True,
        supergroup: bool = True,
        owner: int | None = None,
    ) -> Chat:
        """A supergroup (or basic group with ``supergroup=False``) already holding the bot.

        ``owner`` defaults to the first admin. No update is queued: this is the world as it
        was before the bot started.
        """
        if is_forum and not supergroup:
            raise ValueError("only supergroups can be forums")
        if supergroup:
            chat_id = self._next_supergroup_id
            self._next_supergroup_id -= 1
        else:
            chat_id = self._next_group_id
            self._next_group_id -= 1
        chat = Chat(
            id=chat_id,
            type="supergroup" if supergroup else "group",
            title=title,
            is_forum=is_forum,
        )
        admins = list(admins)
        for user_id in [*members, *admins]:
            self._user(user_id)
            chat.members[user_id] = Member(user_id, MemberStatus.MEMBER)
        owner = owner if owner is not None else (admins[0] if admins else None)
        for user_id in admins:
            chat.members[user_id] = Member(
                user_id, MemberStatus.ADMINISTRATOR, dict.fromkeys(ADMIN_RIGHTS, True)
            )
        if owner is not None:
            self._user(owner)
            chat.members[owner] = Member(owner, MemberStatus.CREATOR)
        if self.bot is not None and bot_member:
            chat.members[self.bot.id] = self._bot_member(bot_rights)
        self.chats[chat.id] = chat
        return chat

    def _bot_member(self, rights: dict[str, bool] | None) -> Member:
        bot = self.require_bot()
        if rights is None:
            return Member(bot.id, MemberStatus.MEMBER)
        known = {*self.spec.types["ChatMemberAdministrator"].fields, *NEWER_ADMIN_RIGHTS}
        unknown = set(rights) - known
        if unknown:
            raise ValueError(f"unknown administrator rights: {sorted(unknown)}")
        return Member(bot.id, MemberStatus.ADMINISTRATOR, dict(rights))

    def _user(self, user_id: int) -> User:
        user = self.users.get(user_id)
        if user is None:
            raise ValueError(f"unknown user {user_id}")
        return user

    def chat(self, chat_id: int) -> Chat:
        chat = self.chats.get(chat_id)
        if chat is None:
            raise ValueError(f"unknown chat {chat_id}")
        return chat

    def _private_chat(self, user_id: int) -> Chat:
        chat = self.chats.get(user_id)
        if chat is None:
            self._user(user_id)
            chat = Chat(id=user_id, type="private", user_id=user_id)
            self.chats[user_id] = chat
        return chat

    def bot_member(self, chat: Chat) -> Member:
        bot = self.require_bot()
        return chat.members.get(bot.id) or Member(bot.id, MemberStatus.LEFT)

    # ------------------------------------------------------------------ rendering

    def render(self, message: StoredMessage, *, with_reply: bool = True) -> dict[str, Any]:
        """The Bot API ``Message`` for a stored message (current content)."""
        chat = self.chats[message.chat_id]
        data: dict[str, Any] = {"message_id": message.message_id}
        if message.thread_id is not None:
            data["message_thread_id"] = message.thread_id
        if message.sender_id is None:
            data["from"] = dict(GROUP_ANONYMOUS_BOT)
            data["sender_chat"] = chat.to_dict(self.users)
        else:
            data["from"] = self.users[message.sender_id].to_dict()
        data["date"] = message.date
        data["chat"] = chat.to_dict(self.users)
        if message.forward_origin is not None:
            data["forward_origin"] = copy.deepcopy(message.forward_origin)
        if message.thread_id is not None:
            data["is_topic_message"] = True
        target = message.reply_to
        if target is None and message.thread_id not in (None, message.message_id):
            target = message.thread_id  # Telegram: topic messages reply to the topic's root
        replied = chat.messages.get(target) if target is not None else None
        if with_reply and replied is not None and not replied.deleted:
            data["reply_to_message"] = self.render(replied, with_reply=False)
        if message.edit_date is not None:
            data["edit_date"] = message.edit_date
        if message.media_group_id is not None:
            data["media_group_id"] = message.media_group_id
        data.update(copy.deepcopy(message.content))
        return data

    def to_chat_member(self, chat: Chat, user_id: int) -> dict[str, Any]:
        """The ``ChatMember`` object, with every right the spec requires spelled out."""
        member = chat.members.get(user_id) or Member(user_id, MemberStatus.LEFT)
        data: dict[str, Any] = {
            "status": member.status.value,
            "user": self._user(user_id).to_dict(),
        }
        if member.status is MemberStatus.CREATOR:
            data["is_anonymous"] = False
        elif member.status is MemberStatus.ADMINISTRATOR:
            fields = self.spec.types["ChatMemberAdministrator"].fields.values()
            for field in fields:
                if field.types == ("Boolean",) and (field.required or field.name in member.rights):
                    data[field.name] = bool(member.rights.get(field.name, False))
            for right in NEWER_ADMIN_RIGHTS:
                data[right] = bool(member.rights.get(right, False))
            data["can_be_edited"] = False
            data["is_anonymous"] = bool(member.rights.get("is_anonymous", False))
        elif member.status is MemberStatus.RESTRICTED:
            for field in self.spec.types["ChatMemberRestricted"].fields.values():
                if field.types == ("Boolean",) and field.required:
                    data[field.name] = bool(member.rights.get(field.name, False))
            data["is_member"] = bool(member.rights.get("is_member", True))
            data["until_date"] = 0
        elif member.status is MemberStatus.KICKED:
            data["until_date"] = 0
        return data

    # ------------------------------------------------------------------ posting

    def now(self) -> int:
        return int(time.time())

    def post(
        self,
        chat: Chat,
        sender_id: int | None,
        content: dict[str, Any],
        *,
        thread_id: int | None = None,
        reply_to: int | None = None,
        media_group_id: str | None = None,
        forward_origin: dict[str, Any] | None = None,
        deliver: bool = False,
        message_id: int | None = None,
    ) -> StoredMessage:
        """Store a new message; with ``deliver`` queue it as a ``message`` update."""
        message = StoredMessage(
            chat_id=chat.id,
            message_id=message_id if message_id is not None else chat.take_message_id(),
            date=self.now(),
            sender_id=sender_id,
            thread_id=thread_id,
            content=content,
            reply_to=reply_to,
            media_group_id=media_group_id,
            forward_origin=forward_origin,
        )
        chat.messages[message.message_id] = message
        if deliver:
            self.deliver(chat, "message", self.render(message))
        return message

    def deliver(self, chat: Chat, kind: str, payload: dict[str, Any]) -> None:
        """Queue an update for the bot if it can see ``chat``."""
        if self.bot is None:
            return
        if chat.type != "private" and not self.bot_member(chat).present:
            return
        self.updates.push(kind, payload)

    def store_file(self, data: bytes, kind: str, file_name: str | None = None) -> StoredFile:
        file_id, unique_id = new_file_id(kind)
        extension = ""
        if file_name and "." in file_name:
            extension = "." + file_name.rsplit(".", 1)[1]
        elif kind == "photo":
            extension = ".jpg"
        folder = "photos" if kind == "photo" else "documents"
        stored = StoredFile(
            file_id=file_id,
            file_unique_id=unique_id,
            data=bytes(data),
            file_path=f"{folder}/file_{self._next_file_number}{extension}",
            file_name=file_name,
            mime_type=mimetypes.guess_type(file_name or f"x{extension}")[0],
        )
        self._next_file_number += 1
        self.files[file_id] = stored
        return stored

    def photo_sizes(self, stored: StoredFile) -> list[dict[str, Any]]:
        width, height = image_size(stored.data)
        return [
            {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "file_size": len(stored.data),
                "width": width,
                "height": height,
            }
        ]

    def document(self, stored: StoredFile) -> dict[str, Any]:
        data: dict[str, Any] = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.data),
        }
        if stored.file_name:
            data["file_name"] = stored.file_name
        if stored.mime_type:
            data["mime_type"] = stored.mime_type
        return data

    def new_media_group_id(self) -> str:
        value = str(self._next_media_group)
        self._next_media_group += 1
        return value

    def topic_for_post(self, chat: Chat, thread_id: int | None) -> Topic | None:
        """The open topic a message goes to; the rules of ``message_thread_id``."""
        if thread_id is None:
            return None
        topic = chat.topics.get(thread_id) if chat.is_forum else None
        if topic is None or topic.deleted:
            raise BotApiError(errors.THREAD_NOT_FOUND)
        if topic.closed:
            raise BotApiError(errors.TOPIC_CLOSED)
        return topic

    # ------------------------------------------------------------------ human actions

    def user_sends(
        self,
        user_id: int,
        chat_id: int,
        text: str | None = None,
        *,
        photo: PhotoArg | None = None,
        document: DocumentArg | None = None,
        caption: str | None = None,
        thread_id: int | None = None,
        reply_to: int | None = None,
    ) -> dict[str, Any]:
        """A user writes into a group (or, with ``chat_id == user_id``, to the bot)."""
        self._user(user_id)
        if chat_id == user_id:
            chat = self._private_chat(user_id)
        else:
            chat = self.chat(chat_id)
            member = chat.members.get(user_id)
            present = member is not None and member.may_post
            if not present and not chat.open_to_non_members:
                raise ValueError(f"user {user_id} is not a member of chat {chat_id}")
        return self._human_post(
            chat,
            user_id,
            text=text,
            photo=photo,
            document=document,
            caption=caption,
            thread_id=thread_id,
            reply_to=reply_to,
        )

    def anonymous_admin_sends(
        self,
        chat_id: int,
        text: str | None = None,
        *,
        photo: PhotoArg | None = None,
        document: DocumentArg | None = None,
        caption: str | None = None,
        thread_id: int | None = None,
        reply_to: int | None = None,
    ) -> dict[str, Any]:
        """An anonymous admin posts: ``from`` is GroupAnonymousBot, ``sender_chat`` the group."""
        chat = self.chat(chat_id)
        if chat.type == "private":
            raise ValueError("anonymous admins exist only in groups")
        return self._human_post(
            chat,
            None,
            text=text,
            photo=photo,
            document=document,
            caption=caption,
            thread_id=thread_id,
            reply_to=reply_to,
        )

    def _human_post(
        self,
        chat: Chat,
        sender_id: int | None,
        *,
        text: str | None,
        photo: PhotoArg | None,
        document: DocumentArg | None,
        caption: str | None,
        thread_id: int | None,
        reply_to: int | None,
    ) -> dict[str, Any]:
        if chat.migrated_to is not None:
            raise ValueError(f"chat {chat.id} was migrated to {chat.migrated_to}")
        content: dict[str, Any] = {}
        if photo is not None:
            data = photo.data if isinstance(photo, Upload) else photo
            content["photo"] = self.photo_sizes(self.store_file(data, "photo"))
        elif document is not None:
            name, data = (
                (document.filename, document.data) if isinstance(document, Upload) else document
            )
            content["document"] = self.document(self.store_file(data, "document", name))
        elif text:
            content["text"] = text
        else:
            raise ValueError("a message needs text, photo or document")
        if caption and ("photo" in content or "document" in content):
            content["caption"] = caption
        if thread_id is not None:
            topic = chat.topics.get(thread_id)
            if not chat.is_forum or topic is None or topic.deleted:
                raise ValueError(f"no topic {thread_id} in chat {chat.id}")
            if topic.closed:
                raise ValueError(f"topic {thread_id} is closed")
        if reply_to is not None and reply_to not in chat.messages:
            raise ValueError(f"no message {reply_to} in chat {chat.id}")
        message = self.post(
            chat, sender_id, content, thread_id=thread_id, reply_to=reply_to, deliver=True
        )
        return self.render(message)

    def user_edits(
        self,
        user_id: int,
        chat_id: int,
        message_id: int,
        text: str | None = None,
        *,
        caption: str | None = None,
    ) -> dict[str, Any]:
        """A user edits their message: the bot gets an ``edited_message`` update."""
        chat = self.chat(chat_id)
        message = chat.messages.get(message_id)
        if message is None or message.deleted or message.sender_id != user_id:
            raise ValueError(f"user {user_id} has no message {message_id} in chat {chat_id}")
        message.history.append(message.snapshot())
        if text is not None:
            if "text" not in message.content:
                raise ValueError("only text messages can get new text")
            message.content["text"] = text
        if caption is not None:
            message.content["caption"] = caption
        message.edit_date = self.now()
        rendered = self.render(message)
        self.deliver(chat, "edited_message", rendered)
        return rendered

    def press_button(self, user_id: int, chat_id: int, message_id: int, callback_data: str) -> str:
        """A user presses an inline button; returns the ``callback_query`` id.

        The button must exist on the message, as a client can only press what it shows.
        """
        user = self._user(user_id)
        chat = self.chat(chat_id)
        message = chat.messages.get(message_id)
        if message is None or message.deleted:
            raise ValueError(f"no message {message_id} in chat {chat_id}")
        markup = message.content.get("reply_markup") or {}
        datas = [
            button.get("callback_data")
            for row in markup.get("inline_keyboard", [])
            for button in row
        ]
        if callback_data not in datas:
            raise ValueError(f"message {message_id} has no button with data {callback_data!r}")
        query = CallbackQuery(
            id=new_query_id(),
            user_id=user.id,
            chat_id=chat.id,
            message_id=message_id,
            data=callback_data,
            created_at=self.clock(),
        )
        self.queries[query.id] = query
        payload = {
            "id": query.id,
            "from": user.to_dict(),
            "message": self.render(message),
            "chat_instance": str(abs(chat.id) * 7 + 3),
            "data": callback_data,
        }
        self.deliver(chat, "callback_query", payload)
        return query.id

    def callback_answer(self, query_id: str) -> dict[str, Any] | None:
        """What the bot answered to a query (``text``, ``show_alert``...), or None."""
        query = self.queries.get(query_id)
        if query is None:
            raise ValueError(f"unknown callback query {query_id}")
        return copy.deepcopy(query.answer)

    def human_topic_action(self, chat_id: int, thread_id: int, action: str) -> None:
        """An admin closes, reopens or deletes a topic in the app (no bot budget involved)."""
        chat = self.chat(chat_id)
        topic = chat.topics.get(thread_id)
        if topic is None or topic.deleted:
            raise ValueError(f"no topic {thread_id} in chat {chat_id}")
        actor = self._owner_id(chat)
        if action == "delete":
            self.delete_topic_messages(chat, topic)
            return
        if action == "close":
            if topic.closed:
                raise ValueError("topic is already closed")
            self.post(chat, actor, {"forum_topic_closed": {}}, thread_id=thread_id, deliver=True)
            topic.closed = True
        elif action == "reopen":
            if not topic.closed:
                raise ValueError("topic is not closed")
            topic.closed = False
            self.post(chat, actor, {"forum_topic_reopened": {}}, thread_id=thread_id, deliver=True)
        else:
            raise ValueError(f"unknown topic action {action!r}")

    def delete_topic_messages(self, chat: Chat, topic: Topic) -> None:
        topic.deleted = True
        for message in chat.messages.values():
            if message.thread_id == topic.thread_id:
                message.deleted = True

    def _owner_id(self, chat: Chat) -> int | None:
        for member in chat.members.values():
            if member.status is MemberStatus.CREATOR:
                return member.user_id
        for member in chat.members.values():
            if (
                member.status is MemberStatus.ADMINISTRATOR
                and not self.users[member.user_id].is_bot
            ):
                return member.user_id
        return None

    def change_bot_member(
        self, chat_id: int, status: MemberStatus, rights: dict[str, bool] | None = None
    ) -> dict[str, Any]:
        """Set the bot's standing in a group and queue the ``my_chat_member`` update."""
        chat = self.chat(chat_id)
        bot = self.require_bot()
        old = self.to_chat_member(chat, bot.id)
        if status is MemberStatus.ADMINISTRATOR:
            member = self._bot_member(rights or {})
        else:
            member = Member(bot.id, status)
        chat.members[bot.id] = member
        new = self.to_chat_member(chat, bot.id)
        actor = self._owner_id(chat)
        payload = {
            "chat": chat.to_dict(self.users),
            "from": self.users[actor].to_dict() if actor is not None else bot.to_dict(),
            "date": self.now(),
            "old_chat_member": old,
            "new_chat_member": new,
        }
        # Sent even when the bot just lost access: Telegram tells it that it was removed.
        self.updates.push("my_chat_member", payload)
        return payload

    def migrate_group(self, chat_id: int) -> int:
        """Upgrade a group to a new supergroup; returns the new chat id.

        The old chat gets ``migrate_to_chat_id``, the new one ``migrate_from_chat_id``; calls
        to the old id then fail with ``migrate_to_chat_id`` (aiogram's TelegramMigrateToChat).
        """
        old = self.chat(chat_id)
        if old.type == "private" or old.migrated_to is not None:
            raise ValueError(f"chat {chat_id} cannot be migrated")
        new = Chat(
            id=self._next_supergroup_id,
            type="supergroup",
            title=old.title,
            is_forum=old.is_forum and old.type == "supergroup",
        )
        self._next_supergroup_id -= 1
        new.members = copy.deepcopy(old.members)
        self.chats[new.id] = new
        actor = self._owner_id(old)
        self.post(old, actor, {"migrate_to_chat_id": new.id}, deliver=True)
        old.migrated_to = new.id
        self.post(new, actor, {"migrate_from_chat_id": old.id}, deliver=True)
        return new.id

    # ------------------------------------------------------------------ inspection

    def topics(self, chat_id: int) -> list[Topic]:
        return list(self.chat(chat_id).topics.values())

    def messages(self, chat_id: int, thread_id: int | None = None) -> list[dict[str, Any]]:
        """Every live message of the chat (or of one topic), oldest first."""
        chat = self.chat(chat_id)
        return [
            self.render(message)
            for message in chat.messages.values()
            if not message.deleted and (thread_id is None or message.thread_id == thread_id)
        ]

    def bot_messages(self, chat_id: int, thread_id: int | None = None) -> list[dict[str, Any]]:
        """Live non-service messages the bot sent: current content, markup, its reactions.

        Each dict also carries ``reactions`` (the bot's emoji) and ``edit_history`` (earlier
        contents), which are not Bot API fields.
        """
        bot = self.require_bot()
        chat = self.chat(chat_id)
        result = []
        for message in chat.messages.values():
            if message.deleted or message.sender_id != bot.id or message.is_service:
                continue
            if thread_id is not None and message.thread_id != thread_id:
                continue
            rendered = self.render(message)
            rendered["reactions"] = list(message.reactions)
            rendered["edit_history"] = copy.deepcopy(message.history)
            result.append(rendered)
        return result

    def reactions(self, chat_id: int, message_id: int) -> list[str]:
        message = self.chat(chat_id).messages.get(message_id)
        if message is None:
            raise ValueError(f"no message {message_id} in chat {chat_id}")
        return list(message.reactions)

    def file_bytes(self, file_id: str) -> bytes:
        stored = self.files.get(file_id)
        if stored is None:
            raise ValueError(f"unknown file {file_id}")
        return stored.data

    def file_by_path(self, file_path: str) -> StoredFile | None:
        for stored in self.files.values():
            if stored.file_path == file_path:
                return stored
        return None
