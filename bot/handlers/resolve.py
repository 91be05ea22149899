"""/done and the "No reply needed" button (resolve a buyer's chat without a reply), and
/idle_close (after how many idle days a shop's chats are resolved): parse the update, call
the service (bot.sla.resolve), answer."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.enums import ChatType
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message

from bot.admin.binding import GroupBinding
from bot.drafts.ai_settings import AiSettings
from bot.handlers.command_answers import say_where
from bot.handlers.sla_common import answer, person_of, presser
from bot.outbox.queue import Outbox
from bot.sla.callbacks import ResolveCallback
from bot.sla.commands import TopicMessage
from bot.sla.resolve import IdleSettings, ResolveCommands
from bot.sla.scope import GroupAnswers
from bot.texts import Locale, text
from bot.texts.markup import visible


async def done_in_group(
    message: Message, resolve: ResolveCommands, sla_answers: GroupAnswers, locale: Locale
) -> None:
    person = person_of(message)
    if person is None or not await resolve.is_ours(message.chat.id):
        return  # a bot, a channel, or a group that is not ours: silence
    where = TopicMessage(
        tg_chat_id=message.chat.id,
        thread_id=message.message_thread_id if message.is_topic_message else None,
        message_id=message.message_id,
    )
    await answer(message, sla_answers, await resolve.done(where, person, locale))


async def done_in_private(message: Message, locale: Locale) -> None:
    await message.answer(text("resolve.not_a_topic", locale))


async def on_resolve_button(
    query: CallbackQuery, callback_data: ResolveCallback, resolve: ResolveCommands, locale: Locale
) -> None:
    if query.message is None:
        await query.answer(text("resolve.not_a_topic", locale), show_alert=True)
        return
    reply = await resolve.press(
        tg_chat_id=query.message.chat.id,
        chat_id=callback_data.chat,
        presser=presser(query.from_user),
        locale=locale,
    )
    await query.answer(visible(reply.text or ""), show_alert=reply.alert)


async def idle_close(
    message: Message,
    *,
    command: CommandObject,
    idle_settings: IdleSettings,
    ai: AiSettings,
    binding: GroupBinding,
    outbox: Outbox,
    locale: Locale,
) -> None:
    """/idle_close [shop name] days|off, in private or in the shop's group (admins)."""
    if message.from_user is None:
        return
    workspace = None
    if message.chat.type != ChatType.PRIVATE:
        workspace = await binding.workspace_of(tg_chat_id=message.chat.id)
        if workspace is None:
            return
        locale = workspace.locale
    sellers = await ai.manageable(message.from_user.id, workspace=workspace)
    reply = await idle_settings.command(
        command.args or "", sellers, message.from_user.id, workspace=workspace, locale=locale
    )
    await say_where(message, reply, workspace=workspace, outbox=outbox)


def build_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.register(on_resolve_button, ResolveCallback.filter())
    router.message.register(done_in_private, Command("done"), F.chat.type == ChatType.PRIVATE)
    router.message.register(done_in_group, Command("done"), F.chat.type == ChatType.SUPERGROUP)
    router.message.register(idle_close, Command("idle_close"))
    return router
