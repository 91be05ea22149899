"""/agents: admins decide who may answer buyers (in the admin's private chat)."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.enums import ChatType
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.access import AccessControl, Role
from bot.admin.agents import AgentAdmin, Roster
from bot.admin.binding import GroupBinding
from bot.admin.callbacks import AgentToggle
from bot.outbox.queue import Outbox
from bot.texts import Locale, text


def roster_text(roster: Roster, locale: Locale) -> str:
    group = roster.workspace.title
    if not roster.members:
        return text("agents.empty", locale, group=group)
    lines = [text("agents.title", locale, group=group)]
    for line in roster.members:
        name = line.agent.display_name or str(line.agent.tg_user_id)
        if line.agent.username:
            name += f" (@{line.agent.username})"
        is_admin = line.member.role == "admin"
        lines.append(
            text(
                "agents.line",
                locale,
                mark="✅" if line.member.can_reply or is_admin else "🚫",
                name=name,
                role=text("agents.admin", locale) if is_admin else "",
            )
        )
    lines += ["", text("agents.hint", locale)]
    return "\n".join(lines)


def roster_keyboard(roster: Roster) -> InlineKeyboardMarkup | None:
    rows = [
        [
            InlineKeyboardButton(
                text=f"{'✅' if line.member.can_reply else '🚫'} "
                f"{(line.agent.display_name or str(line.agent.tg_user_id))[:40]}",
                callback_data=AgentToggle(
                    workspace_id=roster.workspace.id,
                    agent_id=line.agent.id,
                    allow=0 if line.member.can_reply else 1,
                ).pack(),
            )
        ]
        for line in roster.members
        if line.member.role != "admin"
    ]
    return InlineKeyboardMarkup(inline_keyboard=rows) if rows else None


async def agents_private(message: Message, agent_admin: AgentAdmin, locale: Locale) -> None:
    if message.from_user is None:
        return
    rosters = await agent_admin.rosters(message.from_user.id)
    if not rosters:
        await message.answer(text("agents.no_groups", locale))
        return
    for roster in rosters:
        await message.answer(roster_text(roster, locale), reply_markup=roster_keyboard(roster))


async def agents_in_group(
    message: Message, binding: GroupBinding, access: AccessControl, outbox: Outbox
) -> None:
    """In a group the list would cost budget and show names to all: point to the private chat."""
    if message.from_user is None:
        return
    workspace = await binding.workspace_of(tg_chat_id=message.chat.id)
    if workspace is None:
        return
    if await access.role(tg_user_id=message.from_user.id, workspace=workspace) < Role.ADMIN:
        return  # strangers and agents: ignored in groups
    await outbox.notice(
        workspace_id=workspace.id,
        text=text("agents.in_private", workspace.locale),
        key=f"agents:{message.chat.id}:{message.message_id}",
        thread_id=message.message_thread_id if message.is_topic_message else None,
        reply_to=message.message_id,
    )


async def toggle(
    query: CallbackQuery, callback_data: AgentToggle, agent_admin: AgentAdmin, locale: Locale
) -> None:
    roster = await agent_admin.toggle(
        actor_tg_user_id=query.from_user.id,
        workspace_id=callback_data.workspace_id,
        agent_id=callback_data.agent_id,
        allow=bool(callback_data.allow),
    )
    if roster is None:
        await query.answer(text("agents.refused", locale), show_alert=True)
        return
    await query.answer(text("agents.changed", locale))
    if isinstance(query.message, Message):
        await query.message.edit_text(
            roster_text(roster, locale), reply_markup=roster_keyboard(roster)
        )


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.register(agents_private, Command("agents"), F.chat.type == ChatType.PRIVATE)
    router.message.register(agents_in_group, Command("agents"), F.chat.type == ChatType.SUPERGROUP)
    router.callback_query.register(toggle, AgentToggle.filter())
    return router
