"""Texts of the SLA feature: priorities, deadlines, notices, the queue board, claiming,
rules/targets/hours configuration and reports. Values are inserted already escaped."""

from __future__ import annotations

from bot.texts.locale import Locale

TEXTS: dict[str, dict[Locale, str]] = {
    # Command menu entries (bot/admin/commands.py).
    "command.queue": {"ru": "Ждущие ответа чаты", "en": "Chats waiting for an answer"},
    "command.take": {"ru": "Взять чат себе (в теме)", "en": "Take this chat (in its topic)"},
    "command.release": {"ru": "Отпустить чат (в теме)", "en": "Let this chat go (in its topic)"},
    "command.stats": {
        "ru": "Отчёт: сроки ответов и график",
        "en": "Report: response times, chart",
    },
    "command.assign": {
        "ru": "Передать чат сотруднику (в теме)",
        "en": "Hand this chat to a person (in its topic)",
    },
    "command.rules": {"ru": "Правила приоритета", "en": "Priority rules"},
    "command.targets": {"ru": "Сроки ответа по приоритетам", "en": "Response targets"},
    "command.hours": {"ru": "Рабочие часы", "en": "Business hours"},
    "prio.urgent": {"ru": "🔴 срочный", "en": "🔴 urgent"},
    "prio.high": {"ru": "🟠 высокий", "en": "🟠 high"},
    "prio.normal": {"ru": "🟢 обычный", "en": "🟢 normal"},
    "prio.low": {"ru": "⚪ низкий", "en": "⚪ low"},
    "sla.line": {
        "ru": "{priority} · ответить до {deadline}",
        "en": "{priority} · reply by {deadline}",
    },
    "sla.line_owner": {"ru": " · ведёт {owner}", "en": " · owner {owner}"},
    "sla.left": {"ru": "осталось {left}", "en": "{left} left"},
    "sla.overdue": {"ru": "просрочен на {late}", "en": "{late} overdue"},
    "dur.sec": {"ru": "{s} с", "en": "{s} s"},
    "dur.min": {"ru": "{m} мин", "en": "{m} min"},
    "dur.hour": {"ru": "{h} ч", "en": "{h} h"},
    "dur.hour_min": {"ru": "{h} ч {m} мин", "en": "{h} h {m} min"},
    "dur.day": {"ru": "{d} {d:plural:день|дня|дней} {h} ч", "en": "{d} {d:plural:day|days} {h} h"},
    # Notices (the ticker).
    "notice.warned": {
        "ru": "⏳ Прошла половина срока ответа ({priority}), {left}.",
        "en": "⏳ Half of the reply time is used ({priority}), {left}.",
    },
    "notice.escalated": {
        "ru": "🔥 Срок ответа истёк ({priority}). {who}, ответьте покупателю.",
        "en": "🔥 Reply time is over ({priority}). {who}, please answer the buyer.",
    },
    "notice.hard_breached": {
        "ru": "🟥 Превышен жёсткий лимит ответа. {who}, ответьте как можно скорее.",
        "en": "🟥 The hard reply limit is breached. {who}, answer as soon as possible.",
    },
    "notice.nobody": {"ru": "Кто-нибудь", "en": "Anyone"},
    "notice.batch_head": {
        "ru": "⏰ SLA: {count} {count:plural:чат требует|чата требуют|чатов требуют} внимания",
        "en": "⏰ SLA: {count} {count:plural:chat needs|chats need} attention",
    },
    "notice.batch_more": {"ru": "…и ещё {count}", "en": "…and {count} more"},
    "notice.kind.warned": {"ru": "⏳ половина срока", "en": "⏳ half time"},
    "notice.kind.escalated": {"ru": "🔥 просрочен", "en": "🔥 overdue"},
    "notice.kind.hard_breached": {"ru": "🟥 жёсткий лимит", "en": "🟥 hard limit"},
    # Queue board and /queue.
    "board.title": {
        "ru": "📋 <b>Очередь</b> · ждут ответа: {count}",
        "en": "📋 <b>Queue</b> · waiting: {count}",
    },
    "board.empty": {
        "ru": "📋 <b>Очередь</b>\nВсе ответили ✅",
        "en": "📋 <b>Queue</b>\nAll answered ✅",
    },
    "board.more": {"ru": "…и ещё {count}", "en": "…and {count} more"},
    "queue.empty": {"ru": "Ничего не ждёт ответа ✅", "en": "Nothing is waiting ✅"},
    "queue.title": {"ru": "📋 Ждут ответа ({count}):", "en": "📋 Waiting ({count}):"},
    "queue.usage": {
        "ru": "Фильтры: /queue {views} или название магазина (или кнопки ниже).",
        "en": "Filters: /queue {views} or a shop's name (or the buttons below).",
    },
    "queue.hint.unclaimed": {"ru": "(никто не взял)", "en": "(nobody took it)"},
    # Claiming.
    "claim.button": {"ru": "✋ Взять", "en": "✋ Take"},
    "claim.taken": {"ru": "✋ Чат ведёт {agent}.", "en": "✋ {agent} owns this chat now."},
    "claim.released": {
        "ru": "👐 {agent} больше не ведёт этот чат.",
        "en": "👐 {agent} released this chat.",
    },
    "claim.ok": {"ru": "Чат ваш", "en": "The chat is yours"},
    "claim.already_yours": {"ru": "Чат уже ваш", "en": "Already yours"},
    "claim.owned_by": {"ru": "Чат уже ведёт {agent}", "en": "{agent} already owns it"},
    "claim.not_owner": {
        "ru": "Отпустить чат может тот, кто его ведёт, или админ.",
        "en": "Only the owner or an admin can release this chat.",
    },
    "claim.nobody_owns": {"ru": "Этот чат никто не ведёт.", "en": "Nobody owns this chat."},
    "claim.not_a_topic": {
        "ru": "Эта команда работает в теме чата с покупателем.",
        "en": "Use this command in a buyer chat topic.",
    },
    "claim.forbidden": {"ru": "Нет доступа", "en": "Not allowed"},
    "admin_only": {"ru": "Это может только админ.", "en": "Only an admin can do this."},
    "no_workspace": {
        "ru": "Сначала подключите группу (/setup) и магазин.",
        "en": "Bind a group (/setup) and add a shop first.",
    },
    "pick_seller": {
        "ru": (
            "Для какого магазина? Нажмите кнопку или напишите название магазина после "
            "команды, например: {command} {example}"
        ),
        "en": (
            "Which shop? Tap a button or put the shop's name after the command, "
            "e.g. {command} {example}"
        ),
    },
    # /rules
    "rules.title": {
        "ru": "Правила приоритета «{shop}» (сверху вниз, первое совпадение решает):",
        "en": "Priority rules of “{shop}” (top to bottom, the first match decides):",
    },
    "rules.empty": {
        "ru": "Правил нет: все чаты обычного приоритета.",
        "en": "No rules: every chat is normal priority.",
    },
    "rules.help": {
        "ru": (
            "Команды:\n"
            "/rules {add} &lt;приоритет&gt; &lt;тип&gt; [слова | шаблон | число]\n"
            "/rules {move} &lt;№&gt; &lt;новый №&gt;\n/rules {delete} &lt;№&gt;\n"
            "/rules {reset} — по умолчанию\n"
            "Приоритеты: {priorities}.\n"
            "Типы: {kinds}."
        ),
        "en": (
            "Commands:\n"
            "/rules {add} &lt;priority&gt; &lt;kind&gt; [words|regex|N]\n"
            "/rules {move} &lt;no.&gt; &lt;new no.&gt;\n/rules {delete} &lt;no.&gt;\n"
            "/rules {reset} — defaults\n"
            "Priorities: {priorities}.\n"
            "Kinds: {kinds}."
        ),
    },
    "rules.hint.keyword": {"ru": "(слова через запятую)", "en": "(comma-separated words)"},
    "rules.hint.unanswered_at_least": {"ru": "число", "en": "N"},
    "rules.kind.keyword": {"ru": "ключевые слова: {pattern}", "en": "words: {pattern}"},
    "rules.kind.first_message": {"ru": "первое сообщение в чате", "en": "first message in a chat"},
    "rules.kind.has_order": {"ru": "с заказом", "en": "linked to an order"},
    "rules.kind.no_order": {"ru": "без заказа", "en": "no order"},
    "rules.kind.unanswered_at_least": {
        "ru": "не меньше {threshold} {threshold:plural:сообщения|сообщений|сообщений} без ответа",
        "en": "at least {threshold} unanswered {threshold:plural:message|messages}",
    },
    "rules.kind.outside_hours": {"ru": "вне рабочего времени", "en": "outside business hours"},
    "rules.line": {"ru": "{n}. {priority} ← {what}{off}", "en": "{n}. {priority} ← {what}{off}"},
    "rules.disabled": {"ru": " (выкл.)", "en": " (off)"},
    "rules.bad": {"ru": "Не понял правило: {reason}", "en": "Could not read the rule: {reason}"},
    # /targets
    "targets.title": {
        "ru": "Сроки ответа «{shop}» (цель / жёсткий лимит):",
        "en": "Reply targets of “{shop}” (target / hard limit):",
    },
    "targets.line": {"ru": "{priority}: {target} / {hard}", "en": "{priority}: {target} / {hard}"},
    "targets.help": {
        "ru": (
            "Изменить: /targets &lt;приоритет&gt; &lt;цель&gt; &lt;лимит&gt;, "
            "например /targets срочный 30м 1ч\n"
            "Приоритеты: {priorities}.\nСроки: 30м, 4ч, 1ч30м; единицы: {units}."
        ),
        "en": (
            "Change: /targets &lt;priority&gt; &lt;target&gt; &lt;limit&gt;, "
            "e.g. /targets urgent 30m 1h\n"
            "Priorities: {priorities}.\nDurations: 30m, 4h, 1h30m; units: {units}."
        ),
    },
    "targets.hint.h": {"ru": "(часы)", "en": "(hours)"},
    "targets.hint.m": {"ru": "(минуты)", "en": "(minutes)"},
    "targets.bad": {"ru": "Не понял: {reason}", "en": "Could not read it: {reason}"},
    # /hours
    "hours.off": {
        "ru": "Рабочие часы «{shop}»: выключены, сроки идут круглосуточно.",
        "en": "Business hours of “{shop}”: off, the clock runs 24/7.",
    },
    "hours.on": {
        "ru": "Рабочие часы «{shop}»: {days}, {start}–{end} ({tz}).",
        "en": "Business hours of “{shop}”: {days}, {start}–{end} ({tz}).",
    },
    "hours.help": {
        "ru": (
            "Изменить: /hours 09:00-21:00 пн-пт Europe/Moscow\n"
            "Дни: {days} (или 1-7; диапазон через «-», список через «,»); "
            "каждый день: {every_day}.\n"
            "Выключить: /hours {off}; включить снова: /hours {on}"
        ),
        "en": (
            "Change: /hours 09:00-21:00 mon-fri Europe/Moscow\n"
            "Days: {days} (or 1-7; a range with “-”, a list with “,”); "
            "every day: {every_day}.\n"
            "Switch off: /hours {off}; on again: /hours {on}"
        ),
    },
    # Weekdays in /hours (ISO numbers, 1 = Monday).
    "hours.day.1": {"ru": "пн", "en": "Mon"},
    "hours.day.2": {"ru": "вт", "en": "Tue"},
    "hours.day.3": {"ru": "ср", "en": "Wed"},
    "hours.day.4": {"ru": "чт", "en": "Thu"},
    "hours.day.5": {"ru": "пт", "en": "Fri"},
    "hours.day.6": {"ru": "сб", "en": "Sat"},
    "hours.day.7": {"ru": "вс", "en": "Sun"},
    "hours.bad": {"ru": "Не понял: {reason}", "en": "Could not read it: {reason}"},
    # /stats
    "stats.usage": {
        "ru": "Период: /stats {periods}",
        "en": "Period: /stats {periods}",
    },
    "stats.period.today": {"ru": "сегодня", "en": "today"},
    "stats.period.7d": {"ru": "7 дней", "en": "7 days"},
    "stats.period.30d": {"ru": "30 дней", "en": "30 days"},
    "stats.head": {
        "ru": "📊 <b>Сроки ответа за {period}</b>",
        "en": "📊 <b>Response times, {period}</b>",
    },
    "stats.turns": {
        "ru": "Обращений: {turns}, отвечено: {answered}, ждут сейчас: {waiting}",
        "en": "Buyer turns: {turns}, answered: {answered}, waiting now: {waiting}",
    },
    "stats.frt": {
        "ru": "Первый ответ: половина — быстрее {median}, 90 % — быстрее {p90}",
        "en": "First reply: half within {median}, 90% within {p90}",
    },
    "stats.prio": {
        "ru": "{priority}: в срок {done} из {total} — {share} (цель {goal})",
        "en": "{priority}: in time {done} of {total}, {share} (goal {goal})",
    },
    "stats.prio_nogoal": {
        "ru": "{priority}: в срок {done} из {total} — {share}",
        "en": "{priority}: in time {done} of {total}, {share}",
    },
    "stats.agents": {"ru": "<b>Сотрудники</b>", "en": "<b>Agents</b>"},
    "stats.sellers": {"ru": "<b>Магазины</b>", "en": "<b>Shops</b>"},
    "stats.row": {
        "ru": (
            "{name}: {answered} {answered:plural:ответ|ответа|ответов}, в срок {share}, "
            "половина первых ответов быстрее {median}"
        ),
        "en": (
            "{name}: {answered} {answered:plural:reply|replies}, in time {share}, half the "
            "first replies within {median}"
        ),
    },
    "stats.ai": {
        "ru": "Черновики ИИ: принято {accepted} из {decided} ({share})",
        "en": "AI drafts: accepted {accepted} of {decided} ({share})",
    },
    "stats.ai_none": {"ru": "Черновики ИИ: пока нет", "en": "AI drafts: none yet"},
    "stats.cabinet": {"ru": "Кабинет магазина", "en": "The shop's cabinet"},
    "stats.none": {"ru": "—", "en": "—"},
    "chart.title": {"ru": "Сроки ответа за {period}", "en": "Response times, {period}"},
    "chart.hist": {"ru": "За сколько ответили, обращений", "en": "Time to reply, turns"},
    "chart.compliance": {"ru": "В срок по приоритетам", "en": "In time per priority"},
    "chart.goal": {"ru": "цель", "en": "goal"},
    # why /rules, /targets or /hours refused the input (bot.sla.config.ConfigError keys)
    "sla.error.priority": {
        "ru": "приоритет «{word}» не знаю; бывают: {priorities}",
        "en": "priority “{word}” is unknown; use {priorities}",
    },
    "sla.error.need_kind": {
        "ru": "нужны приоритет и вид правила",
        "en": "a priority and a kind are needed",
    },
    "sla.error.kind": {
        "ru": "вид правила «{word}» не знаю; бывают: {kinds}",
        "en": "kind “{word}” is unknown; use {kinds}",
    },
    "sla.error.need_pattern": {
        "ru": "нужны слова или шаблон",
        "en": "words or a pattern are needed",
    },
    "sla.error.pattern_long": {
        "ru": "шаблон длиннее {limit} {limit:plural:символа|символов|символов}",
        "en": "the pattern is longer than {limit} {limit:plural:character|characters}",
    },
    "sla.error.regex": {
        "ru": "регулярное выражение с ошибкой",
        "en": "the regular expression is invalid",
    },
    "sla.error.need_count": {
        "ru": "укажите число сообщений, например: без ответа 3",
        "en": "give the number of messages, e.g. unanswered 3",
    },
    "sla.error.duration": {
        "ru": "«{word}» — не срок; пишите, например, 30м или 4ч",
        "en": "“{word}” is not a duration like 30m or 4h",
    },
    "sla.error.range": {
        "ru": "«{word}»: срок — от 1 минуты до 30 дней",
        "en": "“{word}” must be between 1 minute and 30 days",
    },
    "sla.error.need_targets": {
        "ru": "нужны приоритет, цель и жёсткий лимит",
        "en": "a priority, a target and a hard limit are needed",
    },
    "sla.error.hard_shorter": {
        "ru": "жёсткий лимит не может быть короче цели",
        "en": "the hard limit cannot be shorter than the target",
    },
    "sla.error.days": {
        "ru": "дни «{word}» не понял; пишите, например, пн-пт",
        "en": "days “{word}”: use e.g. mon-fri",
    },
    "sla.error.day": {"ru": "«{word}» — не день недели", "en": "“{word}” is not a day"},
    "sla.error.time": {"ru": "{word} — такого времени нет", "en": "{word} is not a time"},
    "sla.error.nothing": {"ru": "нечего менять", "en": "nothing to change"},
    "sla.error.hours_first": {
        "ru": "начните с часов работы, например 09:00-21:00, или напишите выкл",
        "en": "start with working hours like 09:00-21:00, or off",
    },
    "sla.error.day_order": {
        "ru": "рабочий день должен заканчиваться позже, чем начинается",
        "en": "the working day must end after it starts",
    },
    "sla.error.zone": {
        "ru": "часовой пояс «{word}» не знаю; пример: Europe/Moscow",
        "en": "time zone “{word}” is unknown; e.g. Europe/Moscow",
    },
    "sla.error.no_days": {
        "ru": "нужен хотя бы один рабочий день",
        "en": "at least one working day is needed",
    },
    "sla.error.verb": {
        "ru": "«{word}» не понял; бывает: {verbs}",
        "en": "“{word}”: use {verbs}",
    },
    "sla.error.numbers": {
        "ru": "укажите номера правил из списка (нужно: {count})",
        "en": "give {count} rule {count:plural:number|numbers} from the list",
    },
    "sla.error.number_range": {
        "ru": "номера правил — от 1 до {count}",
        "en": "rule numbers go from 1 to {count}",
    },
}
