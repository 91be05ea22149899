"""Texts of AI reply drafts, guardrail notices and the /ai settings."""

from __future__ import annotations

from bot.texts.locale import Locale

TEXTS: dict[str, dict[Locale, str]] = {
    "ai.not_admin": {
        "ru": "Настройки ИИ может менять только администратор группы этого магазина.",
        "en": "Only an admin of this shop's group can change its AI settings.",
    },
    "ai.unsafe_intent": {
        "ru": "Автоответ возможен только для благодарностей и вопросов о доставке.",
        "en": "Auto-reply is only possible for thanks and delivery questions.",
    },
    "command.ai": {"ru": "ИИ-черновики и автоответ", "en": "AI drafts and auto-reply"},
    # The draft post in a topic (bot/drafts/render.py). Values are inserted already escaped.
    "draft.header.llm": {"ru": "✨ <b>Черновик ответа</b>", "en": "✨ <b>Reply draft</b>"},
    "draft.header.template": {
        "ru": (
            "📝 <b>Черновик по шаблону</b> <i>(модель недоступна — поправьте под покупателя)</i>"
        ),
        "en": (
            "📝 <b>Template draft</b> <i>(the model is unavailable — adapt it to the buyer)</i>"
        ),
    },
    "draft.warnings": {
        "ru": "⚠️ Проверьте перед отправкой: {problems}",
        "en": "⚠️ Check before sending: {problems}",
    },
    "draft.blocked": {
        "ru": (
            "⛔ Так отправить нельзя: {problems}. Выделено в тексте; исправьте через «Изменить»."
        ),
        "en": "⛔ This cannot be sent: {problems}. Marked in the text; fix it with “Edit”.",
    },
    "draft.state.sent": {
        "ru": "✅ Отправлено покупателю · {who}",
        "en": "✅ Sent to the buyer · {who}",
    },
    "draft.state.edited": {
        "ru": "✏️ Отправлен исправленный вариант · {who}",
        "en": "✏️ An edited version was sent · {who}",
    },
    "draft.state.dismissed": {"ru": "✖️ Черновик скрыт · {who}", "en": "✖️ Draft dismissed · {who}"},
    "draft.state.ignored": {
        "ru": "⏳ Черновик устарел: покупатель написал ещё или ему уже ответили.",
        "en": "⏳ Draft is out of date: the buyer wrote again or was already answered.",
    },
    "draft.state.auto_sent": {
        "ru": "🤖 <b>Автоответ отправлен покупателю</b>",
        "en": "🤖 <b>Auto-reply sent to the buyer</b>",
    },
    "draft.state.regenerating": {
        "ru": "🔄 Готовлю новый вариант…",
        "en": "🔄 Preparing a new version…",
    },
    "draft.button.send": {"ru": "✅ Отправить", "en": "✅ Send"},
    "draft.button.regenerate": {"ru": "🔄 Другой вариант", "en": "🔄 Regenerate"},
    "draft.button.edit": {"ru": "✏️ Изменить", "en": "✏️ Edit"},
    "draft.button.dismiss": {"ru": "✖️ Скрыть", "en": "✖️ Dismiss"},
    "draft.edit_prompt": {
        "ru": (
            "✏️ {who}, скопируйте текст (нажмите на него), поправьте и отправьте "
            "<b>ответом на это сообщение</b> — покупатель получит ваш вариант:\n\n"
            "<code>{draft}</code>"
        ),
        "en": (
            "✏️ {who}, copy the text (tap it), change it and send it <b>as a reply to this "
            "message</b>: the buyer gets your version.\n\n<code>{draft}</code>"
        ),
    },
    "draft.edit_placeholder": {"ru": "Исправленный ответ", "en": "Edited reply"},
    # Callback answers (short toasts; alerts where the agent must read them).
    "draft.answer.sending": {"ru": "Отправляю покупателю", "en": "Sending to the buyer"},
    "draft.answer.regenerating": {
        "ru": "Готовлю другой вариант…",
        "en": "Preparing another version…",
    },
    "draft.answer.edit": {
        "ru": "Текст для правки — в сообщении ниже",
        "en": "The text to edit is in the message below",
    },
    "draft.answer.dismissed": {"ru": "Черновик скрыт", "en": "Draft dismissed"},
    "draft.answer.already_sent": {
        "ru": "Этот черновик уже отправлен",
        "en": "This draft was already sent",
    },
    "draft.answer.decided": {
        "ru": "С этим черновиком уже разобрались",
        "en": "This draft has already been handled",
    },
    "draft.answer.stale_wrote": {
        "ru": (
            "Не отправлено: покупатель написал ещё. Дождитесь нового черновика или ответьте сами."
        ),
        "en": "Not sent: the buyer wrote again. Wait for a new draft or answer yourself.",
    },
    "draft.answer.stale_answered": {
        "ru": "Не отправлено: покупателю уже ответили.",
        "en": "Not sent: the buyer has already been answered.",
    },
    "draft.answer.blocked": {
        "ru": "Этот черновик нельзя отправить: {problems}. Нажмите «Изменить».",
        "en": "This draft cannot be sent: {problems}. Use “Edit”.",
    },
    "draft.answer.not_found": {"ru": "Черновик не найден", "en": "Draft not found"},
    "draft.answer.not_allowed": {
        "ru": "Вам не разрешено отвечать покупателям в этой группе.",
        "en": "You are not allowed to answer buyers in this group.",
    },
    # Guardrail problems, as listed to agents.
    "guard.phone": {"ru": "номер телефона", "en": "a phone number"},
    "guard.email": {"ru": "адрес почты", "en": "an e-mail address"},
    "guard.link": {"ru": "ссылка на сторонний сайт", "en": "a link to an outside site"},
    "guard.handle": {"ru": "мессенджер или соцсеть", "en": "a messenger or social handle"},
    "guard.too_long": {"ru": "больше 1000 символов", "en": "over 1000 characters"},
    "guard.promise": {
        "ru": "обещание, которое продавец не может гарантировать",
        "en": "a promise the seller cannot guarantee",
    },
    "guard.blame": {"ru": "упрёк покупателю", "en": "blaming the buyer"},
    "guard.brush_off": {"ru": "отсылка «в поддержку»", "en": "a brush-off to support"},
    "guard.automation": {"ru": "упоминание бота или ИИ", "en": "a mention of a bot or AI"},
    "guard.unasked_return": {
        "ru": "предложение возврата, о котором покупатель не просил",
        "en": "a return the buyer did not ask about",
    },
    # Agents' own replies stopped or held by guardrails (bot/bridge/agent_messages.py).
    "guard.blocked_reply": {
        "ru": (
            "⛔ Не отправлено: в ответе {problems} ({fragments}). Ozon не пропускает "
            "контакты и ссылки. Уберите их и отправьте снова."
        ),
        "en": (
            "⛔ Not sent: the reply contains {problems} ({fragments}). Ozon rejects contacts "
            "and links. Remove them and send again."
        ),
    },
    "guard.held_reply": {
        "ru": "⚠️ Ответ пока не отправлен: {problems} ({fragments}). Отправить как есть?",
        "en": "⚠️ The reply is on hold: {problems} ({fragments}). Send it as it is?",
    },
    "guard.button.confirm": {"ru": "Отправить как есть", "en": "Send as it is"},
    "guard.button.cancel": {"ru": "Не отправлять", "en": "Don't send"},
    "guard.held.confirmed": {
        "ru": "✅ Отправлено по подтверждению · {who}",
        "en": "✅ Sent after confirmation · {who}",
    },
    "guard.held.cancelled": {"ru": "✖️ Не отправлено · {who}", "en": "✖️ Not sent · {who}"},
    "guard.answer.confirmed": {"ru": "Отправляю", "en": "Sending"},
    "guard.answer.cancelled": {"ru": "Не отправляю", "en": "Not sending"},
    "guard.answer.decided": {"ru": "Уже решено", "en": "Already decided"},
    "guard.answer.not_yours": {
        "ru": "Подтвердить может автор ответа или администратор.",
        "en": "Only the reply's author or an admin can confirm it.",
    },
    # /ai settings (bot/handlers/ai_settings.py).
    "ai.none": {
        "ru": (
            "Нет магазинов, которыми вы управляете. Настройки ИИ доступны администраторам группы."
        ),
        "en": "No shops you manage. AI settings are for the group's admins.",
    },
    "ai.panel": {
        "ru": (
            "🤖 <b>Черновики ИИ · {shop}</b>\n"
            "Тон: {tone}\n"
            "Инструкции: {instructions}\n"
            "Автоответ: {auto}\n"
            "Темы автоответа: {intents}\n\n"
            "Изменить текстом:\n"
            "<code>/ai_tone {shop} дружелюбно, на «вы»</code>\n"
            "<code>/ai_instructions {shop} Доставка 1–3 дня, возврат через Ozon</code>\n"
            "(«-» вместо текста очищает)"
        ),
        "en": (
            "🤖 <b>AI drafts · {shop}</b>\n"
            "Tone: {tone}\n"
            "Instructions: {instructions}\n"
            "Auto-reply: {auto}\n"
            "Auto-reply topics: {intents}\n\n"
            "Change by text:\n"
            "<code>/ai_tone {shop} friendly, polite</code>\n"
            "<code>/ai_instructions {shop} Delivery takes 1–3 days, returns via Ozon</code>\n"
            "(“-” instead of the text clears it)"
        ),
    },
    "ai.unset": {"ru": "не задано", "en": "not set"},
    "ai.on": {"ru": "включён", "en": "on"},
    "ai.off": {"ru": "выключен", "en": "off"},
    "ai.no_intents": {"ru": "нет", "en": "none"},
    "ai.intent.thanks": {"ru": "благодарность", "en": "thanks"},
    "ai.intent.delivery": {"ru": "доставка", "en": "delivery"},
    "ai.button.auto_on": {"ru": "Включить автоответ", "en": "Turn auto-reply on"},
    "ai.button.auto_off": {"ru": "Выключить автоответ", "en": "Turn auto-reply off"},
    "ai.button.intent": {"ru": "{mark} {name}", "en": "{mark} {name}"},
    "ai.saved": {"ru": "Сохранено.", "en": "Saved."},
    "ai.usage": {
        "ru": (
            "Напишите так: <code>{command} Магазин текст</code> (название магазина можно "
            "не писать, если он один); <code>{command} Магазин {clear}</code> очищает."
        ),
        "en": (
            "Write it as <code>{command} Shop text</code> (the shop's name may be left out "
            "when there is one); <code>{command} Shop {clear}</code> clears it."
        ),
    },
    "ai.too_long": {
        "ru": "Слишком длинно: не больше {limit} {limit:plural:символа|символов|символов}.",
        "en": "Too long: at most {limit} {limit:plural:character|characters}.",
    },
}
