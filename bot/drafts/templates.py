"""Template drafts: what the product offers when no model is configured or it fails.

One short, guardrail-clean answer per intent and language, written as the seller talking
to the buyer. The topic marks them as templates, so agents know to adapt them.
"""

from __future__ import annotations

from bot.guardrails.intents import Intent

TEMPLATES: dict[Intent, dict[str, str]] = {
    Intent.DELIVERY: {
        "ru": (
            "Здравствуйте! Спасибо, что написали. Актуальный статус и срок доставки видны в "
            "разделе «Мои заказы»; мы тоже следим за отправлением и сообщим здесь, если "
            "что-то изменится."
        ),
        "en": (
            "Hello! Thank you for writing. The current status and delivery date are shown "
            "in “My orders”; we are watching the shipment too and will write here if "
            "anything changes."
        ),
    },
    Intent.RETURN: {
        "ru": (
            "Здравствуйте! Понимаем вас. Возврат оформляется в разделе «Мои заказы» на Ozon: "
            "выберите заказ и причину, дальше площадка подскажет шаги. Если будут вопросы, "
            "напишите нам здесь."
        ),
        "en": (
            "Hello! We understand. A return is arranged in “My orders” on Ozon: choose the "
            "order and the reason, and the marketplace will guide you. If you have "
            "questions, write to us here."
        ),
    },
    Intent.DEFECT: {
        "ru": (
            "Здравствуйте! Очень жаль, что так получилось. Похоже, это особенность именно "
            "этого экземпляра: пришлите, пожалуйста, фото, мы передадим их в отдел качества "
            "и подскажем, как лучше поступить."
        ),
        "en": (
            "Hello! We are sorry this happened. It may be an issue with this particular "
            "item: please send a photo, we will pass it to our quality team and suggest the "
            "best way forward."
        ),
    },
    Intent.SIZING: {
        "ru": (
            "Здравствуйте! Размерная сетка есть в карточке товара. Напишите, пожалуйста, "
            "ваши параметры, и мы поможем подобрать размер."
        ),
        "en": (
            "Hello! The size chart is on the product page. Tell us your measurements and we "
            "will help you choose the size."
        ),
    },
    Intent.THANKS: {
        "ru": "Спасибо за тёплые слова! Рады, что всё понравилось, будем ждать вас снова.",
        "en": "Thank you for the kind words! We are glad you liked it and hope to see you again.",
    },
    Intent.OTHER: {
        "ru": (
            "Здравствуйте! Спасибо за вопрос. Уточните, пожалуйста, детали, и мы сразу поможем."
        ),
        "en": "Hello! Thank you for your question. Please tell us a bit more and we will help.",
    },
}


def template_draft(intent: Intent, language: str) -> str:
    return TEMPLATES[intent]["en" if language == "en" else "ru"]
