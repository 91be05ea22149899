"""Texts of choosing a shop and of the one-line answers to /rules, /targets and /hours
changes (the full lists are in bot/texts/sla.py). Values are inserted already escaped."""

from __future__ import annotations

from bot.texts.locale import Locale

TEXTS: dict[str, dict[Locale, str]] = {
    # "Which shop?" buttons (bot/admin/shop_choice.py).
    "pick_seller.not_yours": {
        "ru": "Эту кнопку может нажать только тот, кто отправил команду.",
        "en": "Only the person who sent the command can use this button.",
    },
    "pick_seller.gone": {
        "ru": "Эта кнопка уже не работает. Отправьте команду ещё раз.",
        "en": "This button no longer works. Send the command again.",
    },
    "pick_seller.picked": {"ru": "Магазин «{shop}»", "en": "Shop “{shop}”"},
    # A rule as /rules shows it, when it is not a plain list of words.
    "rules.kind.regex": {
        "ru": "шаблон со словами: {words}",
        "en": "pattern with the words: {words}",
    },
    "rules.kind.regex_bare": {"ru": "шаблон (регулярное выражение)", "en": "pattern (regex)"},
    "rules.kind.thanks": {
        "ru": "благодарность без вопроса",
        "en": "thanks without a question",
    },
    # One line per change.
    "rules.added": {
        "ru": "✅ «{shop}»: правило {n} добавлено — {rule}",
        "en": "✅ “{shop}”: rule {n} added — {rule}",
    },
    "rules.added_above": {
        "ru": "✅ «{shop}»: правило {n} добавлено выше общих правил — {rule}",
        "en": "✅ “{shop}”: rule {n} added above the general rules — {rule}",
    },
    "rules.moved": {
        "ru": "✅ «{shop}»: правило теперь на месте {n} — {rule}",
        "en": "✅ “{shop}”: the rule is now number {n} — {rule}",
    },
    "rules.deleted": {
        "ru": "✅ «{shop}»: правило удалено — {rule}",
        "en": "✅ “{shop}”: rule deleted — {rule}",
    },
    "rules.reset": {
        "ru": ("✅ «{shop}»: правила снова стандартные, их {count}. Список: /rules"),
        "en": "✅ “{shop}”: the default rules are back ({count}). The list: /rules",
    },
    "rules.rule": {"ru": "{priority} ← {what}", "en": "{priority} ← {what}"},
    "targets.saved": {
        "ru": "✅ «{shop}»: {priority} — цель {target}, жёсткий лимит {hard}",
        "en": "✅ “{shop}”: {priority} — target {target}, hard limit {hard}",
    },
    "hours.saved": {"ru": "✅ {hours}", "en": "✅ {hours}"},
}
