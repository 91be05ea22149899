"""SLA configuration for admins (/rules, /targets, /hours) and reports (/stats)."""

from __future__ import annotations

import asyncio
import base64
from datetime import timedelta

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import BufferedInputFile, Message

from bot.access import AccessControl, Role
from bot.handlers.sla_common import is_private, respond, scope, sellers_of
from bot.outbox.kinds import SlaStats
from bot.outbox.queue import enqueue
from bot.outbox.worker import NO_PREVIEW
from bot.sla.config import ConfigError, parse_hours, parse_rule, parse_targets
from bot.sla.format import duration, priority_label
from bot.sla.service import SlaService
from bot.sla.stats import build_report, parse_period, render_chart, render_text
from bot.texts import TEXTS, Locale, text
from storage.errors import NotFound
from storage.records import PRIORITIES, Seller, SlaRule
from storage.sla_defaults import DEFAULT_RULES
from storage.tg_outbox_repo import PRIORITY_AGENT_FEEDBACK

_DAY_NAMES = {
    "ru": ("пн", "вт", "ср", "чт", "пт", "сб", "вс"),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
}


async def _admin_seller(
    message: Message,
    command: CommandObject,
    sla: SlaService,
    access: AccessControl,
    locale: Locale,
) -> tuple[Seller, str, Locale] | None:
    """The seller the command is about, and the rest of the arguments. A leading number
    picks one of several sellers; with one seller it may be left out."""
    workspaces, group_locale = await scope(message, access, sla, Role.ADMIN)
    locale = group_locale or locale
    if not workspaces:
        await respond(message, sla, text("admin_only", locale))
        return None
    sellers = await sellers_of(sla, workspaces)
    if not sellers:
        await respond(message, sla, text("no_workspace", locale))
        return None
    args = (command.args or "").strip()
    first, _, rest = args.partition(" ")
    chosen = next((s for s in sellers if first.isdigit() and s.id == int(first)), None)
    if chosen is not None:
        return chosen, rest.strip(), locale
    if len(sellers) == 1:
        return sellers[0], args, locale
    listing = "\n".join(f"{s.id} — {s.name}" for s in sellers)
    await respond(message, sla, text("pick_seller", locale, sellers=listing))
    return None


_REASON_LIMIT = 200


def _short(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _reason(exc: Exception, locale: Locale) -> str:
    """Why the input was refused, in the admin's language and short: the reason may quote
    the admin's own words, and an answer past Telegram's 4096 characters would not be sent
    at all."""
    key = f"sla.error.{getattr(exc, 'key', '')}"
    if key not in TEXTS:
        return _short(str(exc), _REASON_LIMIT)
    values = {name: _short(str(value), 60) for name, value in getattr(exc, "values", {}).items()}
    return text(key, locale, **values)


def _rule_line(index: int, rule: SlaRule, locale: Locale) -> str:
    what = text(
        f"rules.kind.{rule.kind}",
        locale,
        pattern=rule.pattern or "",
        threshold=rule.threshold or 1,
    )
    off = "" if rule.enabled else text("rules.disabled", locale)
    return f"{index}. {priority_label(rule.priority, locale)} ← {what}{off}"


def render_rules(seller: Seller, rules: list[SlaRule], locale: Locale) -> str:
    lines = [text("rules.title", locale, shop=seller.name)]
    lines += [_rule_line(i, r, locale) for i, r in enumerate(rules, start=1)] or [
        text("rules.empty", locale)
    ]
    return "\n".join([*lines, "", text("rules.help", locale)])


async def rules(
    message: Message,
    command: CommandObject,
    sla: SlaService,
    access: AccessControl,
    locale: Locale,
) -> None:
    picked = await _admin_seller(message, command, sla, access, locale)
    if picked is None:
        return
    seller, args, locale = picked
    verb, _, rest = args.partition(" ")
    verb = verb.lower()
    current = await sla.db.sla.list_rules(seller_id=seller.id)
    try:
        if verb in ("add", "добавить"):
            await sla.db.sla.add_rule(seller_id=seller.id, rule=parse_rule(rest))
        elif verb in ("move", "переместить"):
            source, target = _two_numbers(rest, len(current))
            await sla.db.sla.move_rule(
                seller_id=seller.id, rule_id=current[source].id, to_position=target
            )
        elif verb in ("del", "delete", "remove", "удалить"):
            (index,) = _numbers(rest, len(current), 1)
            await sla.db.sla.remove_rule(seller_id=seller.id, rule_id=current[index].id)
        elif verb in ("reset", "сброс"):
            await sla.db.sla.replace_rules(seller_id=seller.id, rules=DEFAULT_RULES)
        elif verb:
            raise ConfigError(f"{verb!r}: use add, move, del or reset", key="verb", word=verb)
    except (ConfigError, NotFound) as exc:
        await respond(message, sla, text("rules.bad", locale, reason=_reason(exc, locale)))
        return
    if verb:
        await _audit(sla, message, seller, f"sla.rules.{verb}", {"args": rest[:200]})
    fresh = await sla.db.sla.list_rules(seller_id=seller.id)
    await respond(message, sla, render_rules(seller, fresh, locale))


def _numbers(args: str, count: int, wanted: int) -> list[int]:
    words = args.split()
    if len(words) != wanted or not all(w.isdigit() for w in words):
        raise ConfigError(
            f"give {wanted} rule number(s) from the list", key="numbers", count=wanted
        )
    values = [int(w) - 1 for w in words]
    if any(not 0 <= v < max(count, 1) for v in values) or count == 0:
        raise ConfigError(f"rule numbers go from 1 to {count}", key="number_range", count=count)
    return values


def _two_numbers(args: str, count: int) -> tuple[int, int]:
    source, target = _numbers(args, count, 2)
    return source, target


async def _audit(
    sla: SlaService, message: Message, seller: Seller, action: str, details: dict[str, object]
) -> None:
    user = message.from_user
    if user is not None:
        await sla.db.audit.record(
            actor_tg_user_id=user.id,
            action=action,
            workspace_id=seller.workspace_id,
            seller_id=seller.id,
            details=details,
        )


async def targets(
    message: Message,
    command: CommandObject,
    sla: SlaService,
    access: AccessControl,
    locale: Locale,
) -> None:
    picked = await _admin_seller(message, command, sla, access, locale)
    if picked is None:
        return
    seller, args, locale = picked
    if args:
        try:
            priority, target, hard = parse_targets(args)
        except ConfigError as exc:
            await respond(message, sla, text("targets.bad", locale, reason=_reason(exc, locale)))
            return
        await sla.db.sla.set_target(
            seller_id=seller.id, priority=priority, target_minutes=target, hard_limit_minutes=hard
        )
        await _audit(
            sla,
            message,
            seller,
            "sla.targets",
            {"priority": priority, "target": target, "hard": hard},
        )
    current = await sla.db.sla.get_targets(seller_id=seller.id)
    lines = [text("targets.title", locale, shop=seller.name)]
    for priority in PRIORITIES:
        row = current.get(priority)
        if row is None:
            continue
        lines.append(
            text(
                "targets.line",
                locale,
                priority=priority_label(priority, locale),
                target=duration(timedelta(minutes=row.target_minutes), locale),
                hard=duration(timedelta(minutes=row.hard_limit_minutes), locale),
            )
        )
    lines += ["", text("targets.help", locale)]
    await respond(message, sla, "\n".join(lines))


def render_hours(seller: Seller, locale: Locale) -> str:
    shop = seller.name
    if not seller.business_hours_enabled:
        return text("hours.off", locale, shop=shop)
    names = _DAY_NAMES[locale]
    days = ", ".join(names[d - 1] for d in sorted(seller.work_days))
    return text(
        "hours.on",
        locale,
        shop=shop,
        days=days,
        start=seller.work_start.strftime("%H:%M"),
        end=seller.work_end.strftime("%H:%M"),
        tz=seller.timezone,
    )


async def hours(
    message: Message,
    command: CommandObject,
    sla: SlaService,
    access: AccessControl,
    locale: Locale,
) -> None:
    picked = await _admin_seller(message, command, sla, access, locale)
    if picked is None:
        return
    seller, args, locale = picked
    if args:
        try:
            spec = parse_hours(args)
        except ConfigError as exc:
            await respond(message, sla, text("hours.bad", locale, reason=_reason(exc, locale)))
            return
        seller = await sla.db.sellers.update_business_hours(
            seller_id=seller.id,
            enabled=spec.enabled,
            timezone=spec.timezone or seller.timezone,
            work_days=spec.work_days or seller.work_days,
            work_start=spec.start or seller.work_start,
            work_end=spec.end or seller.work_end,
        )
        await _audit(sla, message, seller, "sla.hours", {"args": args[:100]})
    await respond(message, sla, render_hours(seller, locale) + "\n" + text("hours.help", locale))


async def stats(
    message: Message,
    command: CommandObject,
    sla: SlaService,
    access: AccessControl,
    locale: Locale,
) -> None:
    """Agents see their group's figures; in private, admins see their workspaces'."""
    minimum = Role.ADMIN if is_private(message) else Role.AGENT
    workspaces, group_locale = await scope(message, access, sla, minimum)
    locale = group_locale or locale
    if not workspaces:
        await respond(message, sla, text("admin_only", locale))
        return
    period = parse_period(command.args or "")
    if period is None:
        await respond(message, sla, text("stats.usage", locale))
        return
    sellers = await sellers_of(sla, workspaces)
    report = await build_report(sla.db, sellers=sellers, period=period, now=sla.clock())
    body = render_text(report, locale)
    png = await asyncio.to_thread(render_chart, report, locale)
    if is_private(message):
        await message.answer(body, link_preview_options=NO_PREVIEW)
        await message.answer_photo(BufferedInputFile(png, filename="sla.png"))
        return
    workspace = workspaces[0]
    await enqueue(
        sla.db,
        SlaStats(
            text=body,
            png=base64.b64encode(png).decode(),
            thread_id=message.message_thread_id if message.is_topic_message else None,
        ),
        workspace_id=workspace.id,
        priority=PRIORITY_AGENT_FEEDBACK,
        dedup_key=f"cmd:{message.chat.id}:{message.message_id}",
    )
    sla.kick()


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.register(rules, Command("rules"))
    router.message.register(targets, Command("targets"))
    router.message.register(hours, Command("hours"))
    router.message.register(stats, Command("stats"))
    return router
