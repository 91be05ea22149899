"""SLA configuration for admins (/rules, /targets, /hours) and reports (/stats): parse the
command, call the service (bot.sla.rule_commands, bot.sla.stats_command), answer."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message

from bot.handlers.sla_common import answer, person_of, place_of
from bot.sla.rule_commands import RuleCommands
from bot.sla.scope import GroupAnswers
from bot.sla.stats_command import StatsCommand
from bot.texts import Locale


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
    router.message.register(stats, Command("stats"))
    return router
