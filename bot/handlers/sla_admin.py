"""SLA configuration for admins (/rules, /targets, /hours) and reports (/stats): parse the
command, call the service (bot.sla.rule_commands, bot.sla.stats_command), answer."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message

from bot.handlers.sla_common import answer, person_of, place_of, presser
from bot.outbox.worker import NO_PREVIEW
from bot.shop_choice import ShopCallback
from bot.sla.reply import markup
from bot.sla.rule_commands import RuleCommands
from bot.sla.scope import GroupAnswers
from bot.sla.stats_command import StatsCommand
from bot.texts import Locale, text

CONFIGURE = ("rules", "targets", "hours")


async def configure(
    message: Message,
    command: CommandObject,
    sla_rules: RuleCommands,
    sla_answers: GroupAnswers,
    locale: Locale,
) -> None:
    """/rules, /targets or /hours: one seller's SLA settings, shown or changed."""
    run = {"rules": sla_rules.rules, "targets": sla_rules.targets, "hours": sla_rules.hours}
    reply = await run[command.command](
        place_of(message), person_of(message), command.args or "", locale
    )
    await answer(message, sla_answers, reply)


async def shop_picked(
    query: CallbackQuery,
    callback_data: ShopCallback,
    sla_rules: RuleCommands,
    sla_answers: GroupAnswers,
    locale: Locale,
) -> None:
    """A "which shop?" button under /rules, /targets or /hours: the command goes on for
    that shop. In private the question becomes the answer; in the group the answer is
    posted (queued) under it."""
    message = query.message
    if not isinstance(message, Message):
        await query.answer(text("pick_seller.gone", locale), show_alert=True)
        return
    place = place_of(message)
    reply = await sla_rules.resume(
        place,
        presser(query.from_user),
        pending_id=callback_data.p,
        seller_id=callback_data.s,
        locale=locale,
    )
    if reply.alert or reply.text is None:
        await query.answer(reply.text, show_alert=reply.alert)
        return
    await query.answer()
    if place.private:
        await message.edit_text(
            reply.text, reply_markup=markup(reply.buttons), link_preview_options=NO_PREVIEW
        )
        return
    await sla_answers.post(place, reply)


async def stats(
    message: Message,
    command: CommandObject,
    sla_stats: StatsCommand,
    sla_answers: GroupAnswers,
    locale: Locale,
) -> None:
    """Agents see their group's figures; in private, admins see their workspaces'."""
    reply = await sla_stats.stats(
        place_of(message), person_of(message), command.args or "", locale
    )
    await answer(message, sla_answers, reply)


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.register(configure, Command("rules", "targets", "hours"))
    router.callback_query.register(shop_picked, ShopCallback.filter(F.c.in_(CONFIGURE)))
    router.message.register(stats, Command("stats"))
    return router
