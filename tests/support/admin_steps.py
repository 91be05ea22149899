"""Group events as handler steps (tests.support.handlers): the bot's own standing changing
(``my_chat_member``), a basic group's migration, and what getChatMember answers for a bot
with only some admin rights. Payloads are built as the Bot API describes them, so the
dispatcher parses them as it parses Telegram's."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aiogram.methods import GetChatMember, SendMessage, TelegramMethod
from aiogram.types import ChatMemberAdministrator, Message

from tests.support.handlers import HandlerWorld, Person
from tests.support.recorded_bot import BOT_USER, member

RIGHTS = ("can_manage_topics", "can_delete_messages", "can_pin_messages")


def group_chat(chat_id: int, title: str = "Поддержка", *, forum: bool = True,
               supergroup: bool = True) -> dict[str, Any]:  # fmt: skip
    """A Chat object: a forum supergroup unless told otherwise (a basic group is never one)."""
    if not supergroup:
        return {"id": chat_id, "type": "group", "title": title}
    return {"id": chat_id, "type": "supergroup", "title": title, "is_forum": forum}


def bot_standing(status: str, rights: tuple[str, ...] = RIGHTS) -> dict[str, Any]:
    """The bot's ChatMember: ``left``, ``member`` or ``administrator`` with ``rights``."""
    bot = BOT_USER.model_dump(exclude_none=True)
    if status != "administrator":
        return {"status": status, "user": bot}
    return {"status": "administrator", "user": bot, "can_be_edited": False,
            "is_anonymous": False, "can_manage_chat": True, "can_manage_video_chats": False,
            "can_restrict_members": False, "can_promote_members": False,
            "can_change_info": False, "can_invite_users": True, "can_post_stories": False,
            "can_edit_stories": False, "can_delete_stories": False,
            "can_send_welcome_messages": False,
            **{right: right in rights for right in RIGHTS}}  # fmt: skip


async def standing_changes(hw: HandlerWorld, chat: dict[str, Any], by: Person, old: dict[str, Any],
                           new: dict[str, Any]) -> list[TelegramMethod[Any]]:  # fmt: skip
    """``by`` changes the bot's standing in ``chat`` from ``old`` to ``new``
    (a ``my_chat_member`` update); returns what the bot asked Telegram meanwhile."""
    return await hw.feed("my_chat_member", {
        "chat": chat, "from": by.to_dict(), "date": int(datetime.now(UTC).timestamp()),
        "old_chat_member": old, "new_chat_member": new,
    })  # fmt: skip


def in_chat(hw: HandlerWorld, person: Person, text: str, chat: dict[str, Any],
            **extra: Any) -> dict[str, Any]:  # fmt: skip
    """A message ``person`` writes in ``chat`` (any Chat object, not only a forum)."""
    return {**hw.message(person, text, chat["id"], **extra), "chat": chat}


def bot_with_rights(hw: HandlerWorld, *, asker: Person, asker_status: str,
                    rights: tuple[str, ...]) -> None:  # fmt: skip
    """Queue getChatMember's next two answers as /setup asks them: first ``asker``'s
    status (their role), then the bot's own, an admin with only ``rights`` (the answers
    are queued per method, whatever the chat)."""
    hw.session.add_result_for(GetChatMember, member(asker_status, asker.id))
    own = bot_standing("administrator", rights)
    hw.session.add_result_for(GetChatMember, ChatMemberAdministrator.model_validate(own))


async def group_posts(hw: HandlerWorld, chat_id: int) -> list[SendMessage]:
    """Run the outbox; the messages it sent to ``chat_id``."""
    return [r for r in await hw.deliver() if isinstance(r, SendMessage) and r.chat_id == chat_id]


def next_message_id(hw: HandlerWorld, chat_id: int, message_id: int) -> None:
    """The next sendMessage answers with ``message_id`` (the id Telegram gives it), so a
    test can name the message a handler later edits."""
    sent = Message.model_validate(
        {"message_id": message_id, "date": int(datetime.now(UTC).timestamp()),
         "chat": {"id": chat_id, "type": "private", "first_name": "…"},
         "from": BOT_USER.model_dump(exclude_none=True), "text": "…"},
    )  # fmt: skip
    hw.session.add_result_for(SendMessage, sent)
