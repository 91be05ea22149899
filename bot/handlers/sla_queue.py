"""Claiming chats (the "Take" button, /take, /release, /assign and its people buttons) and
/queue with its filter buttons: parse the update, call the service (bot.sla.commands,
bot.sla.queue_commands), answer."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.enums import ChatType
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message

from bot.handlers.sla_common import answer, person_of, place_of, presser
from bot.outbox.worker import NO_PREVIEW
from bot.sla.callbacks import ClaimCallback, QueueCallback
from bot.sla.claims import Action
from bot.sla.commands import ClaimCommands, TopicMessage
from bot.sla.handover import AssignCallback
from bot.sla.queue_commands import QueueCommands
from bot.sla.reply import markup
from bot.sla.scope import GroupAnswers, Place
from bot.texts import Locale, text
from bot.texts.markup import visible


def _where(message: Message) -> TopicMessage:
    thread = message.message_thread_id if message.is_topic_message else None
    return TopicMessage(
        tg_chat_id=message.chat.id, thread_id=thread, message_id=message.message_id
    )


async def on_claim_button(
    query: CallbackQuery,
    callback_data: ClaimCallback,
    claims: ClaimCommands,
    locale: Locale,
) -> None:
    if query.message is None:
        await query.answer(text("claim.forbidden", locale), show_alert=True)
        return
    reply = await claims.press_take(
        tg_chat_id=query.message.chat.id,
        chat_id=callback_data.chat,
        presser=presser(query.from_user),
        query_id=query.id,
        locale=locale,
    )
    await query.answer(visible(reply.text or ""), show_alert=reply.alert)


async def on_assign_button(
    query: CallbackQuery,
    callback_data: AssignCallback,
    claims: ClaimCommands,
    locale: Locale,
) -> None:
    if query.message is None:
        await query.answer(text("claim.forbidden", locale), show_alert=True)
        return
    reply = await claims.press_assign(
        tg_chat_id=query.message.chat.id,
        chat_id=callback_data.chat,
        agent_id=callback_data.agent,
        presser=presser(query.from_user),
        query_id=query.id,
        locale=locale,
    )
    await query.answer(visible(reply.text or ""), show_alert=reply.alert)


async def take_or_release(
    message: Message,
    command: CommandObject,
    claims: ClaimCommands,
    sla_answers: GroupAnswers,
    locale: Locale,
) -> None:
    person = person_of(message)
    if person is None:
        return
    where = _where(message)
    if (
        await claims.topic_chat(where) is None
        and await claims.active_workspace(message.chat.id) is None
    ):
        return  # a group that is not ours: the bot stays silent there
    action = Action.TAKE if command.command == "take" else Action.RELEASE
    reply = await claims.take_or_release(where, person, action, locale)
    await answer(message, sla_answers, reply)


async def assign(
    message: Message,
    command: CommandObject,
    claims: ClaimCommands,
    sla_answers: GroupAnswers,
    locale: Locale,
) -> None:
    """/assign [@user | name] (or in reply to the person's message), admins only, in a
    topic; without a name the answer offers buttons of the people who may answer."""
    person = person_of(message)
    if person is None:
        return
    args = (command.args or "").strip()
    replied = message.reply_to_message
    replied_to = (
        presser(replied.from_user)
        if replied is not None
        and replied.forum_topic_created is None
        and replied.from_user is not None
        and not replied.from_user.is_bot
        else None
    )
    reply = await claims.assign(
        _where(message),
        person,
        name=args or None,
        replied_to=replied_to,
        locale=locale,
    )
    await answer(message, sla_answers, reply)


async def queue(
    message: Message,
    command: CommandObject,
    sla_queue: QueueCommands,
    sla_answers: GroupAnswers,
    locale: Locale,
) -> None:
    reply = await sla_queue.queue(
        place_of(message), person_of(message), command.args or "", locale
    )
    await answer(message, sla_answers, reply)


async def on_queue_button(
    query: CallbackQuery,
    callback_data: QueueCallback,
    sla_queue: QueueCommands,
    sla_answers: GroupAnswers,
    locale: Locale,
) -> None:
    """A /queue filter pressed: the list edited in place (in private at once, in a group
    through the queue like the list itself)."""
    message = query.message
    if not isinstance(message, Message):  # too old for Telegram to say where it was
        await query.answer(text("queue.button_stale", locale), show_alert=True)
        return
    place = Place(
        tg_chat_id=message.chat.id,
        private=message.chat.type == ChatType.PRIVATE,
        message_id=message.message_id,
        thread_id=message.message_thread_id if message.is_topic_message else None,
    )
    reply = await sla_queue.press(
        place, presser(query.from_user), callback_data.view, callback_data.seller, locale
    )
    if reply.text is None:
        await query.answer(text("claim.forbidden", locale), show_alert=True)
        return
    if not place.private:
        key = f"queue:{place.tg_chat_id}:{place.message_id}:{query.id}"
        await sla_answers.edit(place, reply, key=key)
    else:
        try:
            await message.edit_text(
                reply.text, reply_markup=markup(reply.buttons), link_preview_options=NO_PREVIEW
            )
        except TelegramBadRequest as exc:
            if "not modified" not in exc.message.lower():
                raise
    await query.answer()


async def topic_only(message: Message, locale: Locale) -> None:
    """/take, /release and /assign in private: say where they work instead of silence."""
    await message.answer(text("claim.not_a_topic", locale))


def build_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.register(on_claim_button, ClaimCallback.filter())
    router.callback_query.register(on_queue_button, QueueCallback.filter())
    router.callback_query.register(on_assign_button, AssignCallback.filter())
    router.message.register(
        topic_only, Command("take", "release", "assign"), F.chat.type == "private"
    )
    router.message.register(
        take_or_release, Command("take", "release"), F.chat.type == "supergroup"
    )
    router.message.register(assign, Command("assign"), F.chat.type == "supergroup")
    router.message.register(queue, Command("queue"))
    return router
