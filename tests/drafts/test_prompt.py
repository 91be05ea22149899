"""The model request is built from data alone: rules, shop settings, context, history."""

from __future__ import annotations

from bot.drafts.prompt import MAX_HISTORY_CHARS, PromptContext, Turn, build_messages

CONTEXT = PromptContext(
    shop="Обувь",
    language="ru",
    tone="дружелюбно, на «вы»",
    instructions="Доставка 1–3 дня.",
    order_number="47873153-0052",
    sku="987654321",
)
TALK = [Turn(True, "Здравствуйте"), Turn(False, "Добрый день!"), Turn(True, "Когда доставка?")]


def test_system_carries_rules_settings_and_context() -> None:
    system, user = build_messages(CONTEXT, TALK, examples=["Доставим за 2 дня."])
    assert system["role"] == "system" and user["role"] == "user"
    content = system["content"]
    for fragment in (
        "«Обувь»",
        "Russian",
        "phone numbers",
        "AI, bots",
        "дружелюбно, на «вы»",
        "Доставка 1–3 дня.",
        "47873153-0052",
        "987654321",
        "Доставим за 2 дня.",
        "do not offer one",
    ):
        assert fragment in content, fragment
    assert user["content"].index("Здравствуйте") < user["content"].index("Когда доставка?")
    assert "Продавец: Добрый день!" in user["content"]


def test_english_buyer_and_a_return_raised() -> None:
    context = PromptContext(shop="S", language="en", buyer_raised_return=True)
    [system, _] = build_messages(context, [Turn(True, "How do I return it?")])
    assert "Reply in English" in system["content"]
    assert "do not offer one" not in system["content"]
    assert "instructions" not in system["content"].split("Rules")[0]


def test_regeneration_asks_for_another_version_or_a_fix() -> None:
    other = build_messages(CONTEXT, TALK, previous="Старый вариант")
    assert other[-2] == {"role": "assistant", "content": "Старый вариант"}
    assert "different version" in other[-1]["content"]
    fix = build_messages(CONTEXT, TALK, previous="Звоните 8916…", problems=["a phone number"])
    assert "cannot be sent: a phone number" in fix[-1]["content"]


def test_long_history_is_trimmed_from_the_oldest_end() -> None:
    talk = [Turn(True, f"сообщение {i} " + "х" * 300) for i in range(40)]
    [_, user] = build_messages(CONTEXT, talk)
    assert "сообщение 39" in user["content"] and "сообщение 0 " not in user["content"]
    assert len(user["content"]) < MAX_HISTORY_CHARS + 1000


def test_the_prompt_states_the_chats_marketplace_and_its_text_limit() -> None:
    context = PromptContext(shop="S", language="ru", marketplace="Wildberries", text_limit=700)
    [system, _] = build_messages(context, TALK)
    assert "on the Wildberries marketplace" in system["content"]
    assert "in the Wildberries chat" in system["content"] and "Ozon" not in system["content"]
    assert "At most 700 characters" in system["content"]
