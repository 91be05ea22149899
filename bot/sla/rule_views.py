"""How /rules, /targets and /hours show a seller's SLA settings, and why input was refused."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import timedelta

from bot.sla.config import ConfigError
from bot.sla.format import duration, priority_label
from bot.texts import TEXTS, Html, Locale, plain_text, text
from bot.texts import input_words as vocab
from bot.texts.input_words import named, spelled, spelled_one
from storage.records import PRIORITIES, Seller, SlaRule, SlaTarget
from storage.sla_defaults import THANKS_PATTERN

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
    return text(key, locale, **values, **_choices(key, locale))


def _choices(key: str, locale: Locale) -> dict[str, str]:
    """The words a refusal lists (what could have been typed instead), whole: they are
    ours, not the admin's, so they are not shortened."""
    if key == "sla.error.priority":
        return {"priorities": spelled(vocab.PRIORITIES, locale)}
    if key == "sla.error.kind":
        return {"kinds": named(vocab.RULE_KINDS, locale)}  # all of them would be too long
    if key == "sla.error.verb":
        return {"verbs": spelled(vocab.RULE_VERBS, locale)}
    return {}


def rules_help(locale: Locale) -> str:
    """The /rules commands, priorities and rule kinds, listing every word /rules accepts."""
    hints = {
        kind: plain_text(f"rules.hint.{kind}", locale)
        for kind in ("keyword", "unanswered_at_least")
    }
    verbs = {
        placeholder: spelled_one(vocab.RULE_VERBS, locale, verb)
        for placeholder, verb in (("add", "add"), ("move", "move"), ("delete", "del"),
                                  ("reset", "reset"))
    }  # fmt: skip
    return text(
        "rules.help",
        locale,
        priorities=spelled(vocab.PRIORITIES, locale),
        kinds=spelled(vocab.RULE_KINDS, locale, hints),
        **verbs,
    )


def targets_help(locale: Locale) -> str:
    """How to change a target, listing the priority words and duration units accepted."""
    hints = {unit: plain_text(f"targets.hint.{unit}", locale) for unit in ("h", "m")}
    return text(
        "targets.help",
        locale,
        priorities=spelled(vocab.PRIORITIES, locale),
        units=spelled(vocab.DURATION_UNITS, locale, hints),
    )


def hours_help(locale: Locale) -> str:
    """How to change business hours, listing the day words and the on/off words."""
    return text(
        "hours.help",
        locale,
        days=spelled(vocab.WEEKDAYS, locale),
        every_day=spelled(vocab.EVERY_DAY, locale),
        off=spelled_one(vocab.HOURS_SWITCH, locale, False),
        on=spelled_one(vocab.HOURS_SWITCH, locale, True),
    )


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


def _regex_words(pattern: str) -> list[str]:
    """The words a regular expression looks for (escapes like ``\\s`` dropped), so an
    admin reads what it matches rather than its syntax."""
    return re.findall(r"[^\W\d_]{3,}", re.sub(r"\\.", " ", pattern))


def rule_what(rule: SlaRule, locale: Locale) -> str:
    """What a rule matches, in words: no raw regular expression is shown (the default
    thanks rule by its name, another pattern by the words in it)."""
    if rule.kind == "regex":
        pattern = rule.pattern or ""
        if pattern == THANKS_PATTERN:
            return text("rules.kind.thanks", locale)
        words = _regex_words(pattern)
        if not words:
            return text("rules.kind.regex_bare", locale)
        return text("rules.kind.regex", locale, words=", ".join(words))
    return text(
        f"rules.kind.{rule.kind}",
        locale,
        pattern=rule.pattern or "",
        threshold=rule.threshold or 1,
    )


def rule_summary(rule: SlaRule, locale: Locale) -> str:
    """ "🔴 срочно ← ключевые слова: брак, …" (one line of a confirmation)."""
    return text(
        "rules.rule",
        locale,
        priority=priority_label(rule.priority, locale),
        what=Html(rule_what(rule, locale)),
    )


def _rule_line(index: int, rule: SlaRule, locale: Locale) -> str:
    off = text("rules.disabled", locale) if not rule.enabled else Html("")
    return text(
        "rules.line",
        locale,
        n=index,
        priority=priority_label(rule.priority, locale),
        what=Html(rule_what(rule, locale)),
        off=off,
    )


def render_rules(seller: Seller, rules: list[SlaRule], locale: Locale) -> str:
    lines = [text("rules.title", locale, shop=seller.name)]
    lines += [_rule_line(i, r, locale) for i, r in enumerate(rules, start=1)] or [
        text("rules.empty", locale)
    ]
    return "\n".join([*lines, "", rules_help(locale)])


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
    return "\n".join([*lines, "", targets_help(locale)])


def day_names(days: list[int], locale: Locale) -> str:
    """ISO weekdays (1 = Monday) → "пн, вт, ср" / "Mon, Tue, Wed"."""
    return ", ".join(plain_text(f"hours.day.{day}", locale) for day in sorted(days))


def hours_line(seller: Seller, locale: Locale) -> str:
    """The business hours in one line ("пн, вт, …, 10:00–19:00 (Europe/Moscow)" or off)."""
    shop = seller.name
    if not seller.business_hours_enabled:
        return text("hours.off", locale, shop=shop)
    return text(
        "hours.on",
        locale,
        shop=shop,
        days=day_names(seller.work_days, locale),
        start=seller.work_start.strftime("%H:%M"),
        end=seller.work_end.strftime("%H:%M"),
        tz=seller.timezone,
    )


def render_hours(seller: Seller, locale: Locale) -> str:
    return hours_line(seller, locale) + "\n" + hours_help(locale)
