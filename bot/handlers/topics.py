"""Messages in the forum group: agents' replies to buyers, and edits (not relayed)."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.enums import ChatType
from aiogram.types import Message

from bot.bridge.agent_messages import AgentMessages, IncomingMessage, Outcome
from bot.bridge.notes import note_text
from bot.bridge.service import Bridge
from bot.drafts.render import fragments, problems
from bot.outbox.queue import Outbox
from bot.template_variables import shown_name

_NOTICE_KEYS = {
    Outcome.ANONYMOUS: "agent.anonymous",
    Outcome.NOT_ALLOWED: "reply_failed.not_allowed",
    Outcome.NOT_MEMBER: "reply_failed.not_member",
    Outcome.RESTRICTED: "security.reply_failed.restricted",
    Outcome.UNSUPPORTED: "agent.unsupported",
    Outcome.TOO_LONG: "reply_failed.too_long",
    Outcome.SELLER_REMOVED: "seller.removed.agent_wrote",
}


def incoming_from(message: Message) -> IncomingMessage:
    sender = message.from_user
    document = message.document
    return IncomingMessage(
        tg_chat_id=message.chat.id,
        message_id=message.message_id,
        thread_id=message.message_thread_id,
        is_topic_message=bool(message.is_topic_message),
        sender_id=sender.id if sender else None,
        sender_is_bot=bool(sender and sender.is_bot),
        sender_name=sender.full_name if sender else "",
        sender_username=sender.username if sender else None,
        sender_chat_id=message.sender_chat.id if message.sender_chat else None,
        text=message.text,
        caption=message.caption,
        photo_file_id=message.photo[-1].file_id if message.photo else None,
        document_file_id=document.file_id if document else None,
        document_name=document.file_name if document else None,
        file_size=(
            document.file_size
            if document
            else (message.photo[-1].file_size if message.photo else None)
        ),
        is_service=_is_service(message),
        reply_to_message_id=(
            message.reply_to_message.message_id if message.reply_to_message else None
        ),
        reply_to_human=_replies_to_a_person(message),
    )


def _replies_to_a_person(message: Message) -> bool:
    """A reply to a colleague (or to an anonymous admin), not to the bot's posts: Telegram
    also sets ``reply_to_message`` to the topic's creation message for every topic post."""
    replied = message.reply_to_message
    if replied is None or replied.forum_topic_created is not None:
        return False
    if replied.sender_chat is not None and replied.sender_chat.id == message.chat.id:
        return True
    return replied.from_user is not None and not replied.from_user.is_bot


def _is_service(message: Message) -> bool:
    """Topic created/edited/closed, members joined, pins…: nothing a buyer should get."""
    content = (message.text, message.caption, message.photo, message.document, message.sticker,
               message.voice, message.video, message.audio, message.animation,
               message.video_note, message.contact, message.location, message.poll)  # fmt: skip
    return not any(content)


async def on_group_message(
    message: Message, agent_messages: AgentMessages, bridge: Bridge, outbox: Outbox
) -> None:
    decision = await agent_messages.accept(incoming_from(message))
    if decision.outcome is Outcome.QUEUED:
        bridge.replies.kick()
        outbox.kick()  # an edited draft's post loses its buttons
        return
    if decision.outcome in (Outcome.HELD, Outcome.NOTE):
        outbox.kick()  # the notice with the confirm button, or the note's mark, is queued
        return
    if decision.outcome is Outcome.BLOCKED and decision.workspace and decision.chat:
        await bridge.notice(
            workspace=decision.workspace,
            chat=decision.chat,
            key=f"agent:{message.chat.id}:{message.message_id}",
            text_key="guard.blocked_reply",
            reply_to=message.message_id,
            problems=problems(decision.findings, decision.workspace.locale),
            fragments=fragments(decision.findings),
        )
        return
    if decision.outcome is Outcome.MISSING_VALUE and decision.workspace and decision.chat:
        locale = decision.workspace.locale
        await bridge.notice(
            workspace=decision.workspace,
            chat=decision.chat,
            key=f"agent:{message.chat.id}:{message.message_id}",
            text_key="canned.missing_value",
            reply_to=message.message_id,
            names=", ".join(shown_name(code, locale) for code in decision.missing),
            n=len(decision.missing),
        )
        return
    text_key = _NOTICE_KEYS.get(decision.outcome)
    if text_key is None or decision.workspace is None or decision.chat is None:
        return
    await bridge.notice(
        workspace=decision.workspace,
        chat=decision.chat,
        key=f"agent:{message.chat.id}:{message.message_id}",
        text_key=text_key,
        reply_to=message.message_id,
        length=decision.length,
    )


async def on_group_edit(message: Message, agent_messages: AgentMessages, bridge: Bridge) -> None:
    incoming = incoming_from(message)
    found = await agent_messages.topic_of(incoming)
    body = message.text or message.caption or ""
    if found is None or body.startswith("/"):
        return
    if note_text(body=body, reply_to_human=incoming.reply_to_human) is not None:
        return  # an internal note: its edit goes nowhere either, nothing to warn about
    workspace, chat = found
    await bridge.notice(
        workspace=workspace,
        chat=chat,
        key=f"edit:{message.chat.id}:{message.message_id}",
        text_key="agent.edit_not_relayed",
        reply_to=message.message_id,
    )


def build_router() -> Router:
    router = Router(name=__name__)
    in_supergroup = F.chat.type == ChatType.SUPERGROUP
    router.message.register(on_group_message, in_supergroup)
    router.edited_message.register(on_group_edit, in_supergroup)
    return router
