"""Texts of the weekly digest (the post in General) and of /digest (its schedule). Values
are inserted already escaped; trends and rows built by bot.digest.render are Html."""

from __future__ import annotations

from bot.texts.locale import Locale

TEXTS: dict[str, dict[Locale, str]] = {
    "command.digest": {
        "ru": "Недельная сводка: когда присылать",
        "en": "Weekly digest: when to post it",
    },
    # The post (a photo with this caption).
    "digest.head": {
        "ru": "📅 <b>Итоги недели {since}–{until}</b>",
        "en": "📅 <b>Week {since}–{until}</b>",
    },
    "digest.quiet": {
        "ru": "За неделю обращений не было.",
        "en": "No buyer turns this week.",
    },
    "digest.turns": {
        "ru": "Обращений: {turns}{trend}, отвечено: {answered}",
        "en": "Buyer turns: {turns}{trend}, answered: {answered}",
    },
    "digest.in_time": {
        "ru": "В срок: {share}{trend}",
        "en": "In time: {share}{trend}",
    },
    "digest.frt": {
        "ru": (
            "Первый ответ: половина — быстрее {median}{median_trend}, "
            "90 % — быстрее {p90}{p90_trend}"
        ),
        "en": "First response: half within {median}{median_trend}, 90 % within {p90}{p90_trend}",
    },
    "digest.agents": {"ru": "<b>Сотрудники:</b> {rows}", "en": "<b>Agents:</b> {rows}"},
    "digest.shops": {"ru": "<b>Магазины:</b> {rows}", "en": "<b>Shops:</b> {rows}"},
    "digest.agent_row": {
        "ru": "{name} — {answered} {answered:plural:ответ|ответа|ответов}, в срок {share}",
        "en": "{name} — {answered} {answered:plural:reply|replies}, in time {share}",
    },
    "digest.shop_row": {
        "ru": "{name} — {turns} {turns:plural:обращение|обращения|обращений}, в срок {share}",
        "en": "{name} — {turns} {turns:plural:turn|turns}, in time {share}",
    },
    "digest.more_rows": {"ru": "и ещё {count}", "en": "{count} more"},
    "digest.ai": {
        "ru": "Черновики ИИ: принято {accepted} из {decided}, {share}{trend}",
        "en": "AI drafts: accepted {accepted} of {decided}, {share}{trend}",
    },
    "digest.ai_none": {"ru": "Черновиков ИИ не было", "en": "No AI drafts"},
    "digest.resolved": {
        "ru": "Закрыто без ответа: {count}{trend}",
        "en": "Resolved without a reply: {count}{trend}",
    },
    "digest.trend.up": {"ru": "(↑ {delta})", "en": "(↑ {delta})"},
    "digest.trend.down": {"ru": "(↓ {delta})", "en": "(↓ {delta})"},
    "digest.trend.same": {"ru": "(→)", "en": "(→)"},
    "digest.points": {"ru": "{n} п. п.", "en": "{n} pp"},
    # /digest
    "digest.day.1": {"ru": "по понедельникам", "en": "on Mondays"},
    "digest.day.2": {"ru": "по вторникам", "en": "on Tuesdays"},
    "digest.day.3": {"ru": "по средам", "en": "on Wednesdays"},
    "digest.day.4": {"ru": "по четвергам", "en": "on Thursdays"},
    "digest.day.5": {"ru": "по пятницам", "en": "on Fridays"},
    "digest.day.6": {"ru": "по субботам", "en": "on Saturdays"},
    "digest.day.7": {"ru": "по воскресеньям", "en": "on Sundays"},
    "digest.settings.on": {
        "ru": "📅 Недельную сводку присылаю в общую тему группы {day} в {time} ({tz}).",
        "en": "📅 I post the weekly digest in General {day} at {time} ({tz}).",
    },
    "digest.settings.off": {
        "ru": "📅 Недельная сводка выключена.",
        "en": "📅 The weekly digest is off.",
    },
    "digest.settings.group": {
        "ru": "<b>{title}</b>: {settings}",
        "en": "<b>{title}</b>: {settings}",
    },
    "digest.saved": {"ru": "Сохранил. {settings}", "en": "Saved. {settings}"},
    "digest.help": {
        "ru": (
            "Изменить: /digest пн 09:00 Europe/Moscow — укажите день недели ({days}), время и "
            "часовой пояс, в любом порядке и по отдельности.\n"
            "Выключить: /digest {off}; включить снова: /digest {on}"
        ),
        "en": (
            "Change: /digest mon 09:00 Europe/Moscow — the day ({days}), time and zone, "
            "in any order, each on its own.\n"
            "Switch off: /digest {off}; on again: /digest {on}"
        ),
    },
    "digest.bad": {
        "ru": "Не понял «{word}»: нужен день недели, время вроде 09:00 или пояс вроде "
        "Europe/Moscow.",
        "en": "Could not read “{word}”: give a weekday, a time like 09:00 or a zone like "
        "Europe/Moscow.",
    },
    "digest.bad_zone": {
        "ru": "Пояс «{word}» мне неизвестен; пример: Europe/Moscow.",
        "en": "The time zone “{word}” is unknown; e.g. Europe/Moscow.",
    },
    "digest.in_group": {
        "ru": "У вас несколько групп: отправьте /digest с изменением в нужной группе.",
        "en": "You have several groups: send /digest with the change in the group itself.",
    },
    "digest.forbidden": {
        "ru": "Сводку настраивают администраторы группы.",
        "en": "The group's admins set up the digest.",
    },
}
