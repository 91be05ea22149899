"""How /rules, /targets and /hours show a seller's SLA settings, and why input was refused."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from bot.sla.config import ConfigError
from bot.sla.format import duration, priority_label
from bot.texts import TEXTS, Html, Locale, plain_text, text
from storage.records import PRIORITIES, Seller, SlaRule, SlaTarget

REASON_LIMIT = 200
_QUOTED_LIMIT = 60


def _short(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


def refusal_reason(exc: Exception, locale: Locale) -> str:
    """Why the input was refused, in the admin's language and short: the reason may quote
    the admin's own words, and an answer past Telegram's 4096 characters would not be sent
    at all."""
    key = f"sla.error.{getattr(exc, 'key', '')}"
    if key not in TEXTS:
        return _short(str(exc), REASON_LIMIT)
    values = {
        name: _short(str(value), _QUOTED_LIMIT)
        for name, value in getattr(exc, "values", {}).items()
    }
    return text(key, locale, **values)


def rule_numbers(args: str, count: int, wanted: int) -> list[int]:
    """``wanted`` rule numbers (1-based, as listed) → list indexes; refused otherwise."""
    words = args.split()
    if len(words) != wanted or not all(w.isdigit() for w in words):
        raise ConfigError(
            f"give {wanted} rule number(s) from the list", key="numbers", count=wanted
        )
    values = [int(w) - 1 for w in words]
    if count == 0 or any(not 0 <= v < count for v in values):
        raise ConfigError(f"rule numbers go from 1 to {count}", key="number_range", count=count)
    return values


def _rule_line(index: int, rule: SlaRule, locale: Locale) -> str:
    what = text(
        f"rules.kind.{rule.kind}",
        locale,
        pattern=rule.pattern or "",
        threshold=rule.threshold or 1,
    )
    off = text("rules.disabled", locale) if not rule.enabled else Html("")
    return text(
        "rules.line",
        locale,
        n=index,
        priority=priority_label(rule.priority, locale),
        what=what,
        off=off,
    )


def render_rules(seller: Seller, rules: list[SlaRule], locale: Locale) -> str:
    lines = [text("rules.title", locale, shop=seller.name)]
    lines += [_rule_line(i, r, locale) for i, r in enumerate(rules, start=1)] or [
        text("rules.empty", locale)
    ]
    return "\n".join([*lines, "", text("rules.help", locale)])


def render_targets(seller: Seller, targets: Mapping[str, SlaTarget], locale: Locale) -> str:
    lines = [text("targets.title", locale, shop=seller.name)]
    for priority in PRIORITIES:
        row = targets.get(priority)
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
    return "\n".join([*lines, "", text("targets.help", locale)])


def day_names(days: list[int], locale: Locale) -> str:
    """ISO weekdays (1 = Monday) → "пн, вт, ср" / "Mon, Tue, Wed"."""
    return ", ".join(plain_text(f"hours.day.{day}", locale) for day in sorted(days))


def render_hours(seller: Seller, locale: Locale) -> str:
    shop = seller.name
    if not seller.business_hours_enabled:
        body = text("hours.off", locale, shop=shop)
    else:
        body = text(
            "hours.on",
            locale,
            shop=shop,
            days=day_names(seller.work_days, locale),
            start=seller.work_start.strftime("%H:%M"),
            end=seller.work_end.strftime("%H:%M"),
            tz=seller.timezone,
        )
    return body + "\n" + text("hours.help", locale)


def seller_listing(sellers: list[Seller], locale: Locale) -> str:
    """The "which shop?" answer: each seller's number and name."""
    listing = "\n".join(text("pick_seller.line", locale, id=s.id, name=s.name) for s in sellers)
    return text("pick_seller", locale, sellers=Html(listing))
