"""Drafts end to end: the real bot between the Telegram, Ozon and LLM emulators."""

from __future__ import annotations

from sandbox.llm import LlmEmulator
from tests.drafts.conftest import (
    buttons,
    callback_answer,
    data_for,
    open_chat,
    wait_for_draft,
)
from tests.support.texts import has, says
from tests.support.world import World, wait_until


async def test_a_burst_gets_one_draft_with_four_buttons(dworld: World, llm: LlmEmulator) -> None:
    llm.script("Здравствуйте! Заказ уже в пути, привезём в четверг.")
    _, thread = await open_chat(dworld, "Здравствуйте", "Когда доставка?", "Заказ 47873153-0052")
    post = await wait_for_draft(dworld, thread)
    assert "Заказ уже в пути" in post["text"]
    assert sorted(buttons(post)) == sorted(
        says(f"draft.button.{b}").template for b in ("send", "regenerate", "edit", "dismiss")
    )
    assert len(llm.requests) == 1  # one draft for the whole burst
    prompt = llm.requests[0]["messages"]
    assert "Когда доставка?" in prompt[-1]["content"]
    assert "47873153-0052" in prompt[0]["content"]  # order context
    row = await dworld.db.pool.fetchrow("SELECT * FROM ai_suggestions")
    assert row["source"] == "llm" and row["outcome"] == "pending"
    assert row["buyer_message_count"] == 3 and row["latency_ms"] >= 0
    assert row["tg_message_id"] == post["message_id"]


async def sent_texts(world: World) -> list[str]:
    return [s.text for s in world.sent_to_ozon()]


async def test_send_double_tap_reaches_ozon_once(dworld: World, llm: LlmEmulator) -> None:
    llm.script("Здравствуйте! Отправим сегодня.")
    _, thread = await open_chat(dworld, "Когда отправите?")
    post = await wait_for_draft(dworld, thread)
    send = data_for(post, "s")
    first = dworld.tg.press_button(dworld.agent_id, dworld.group_id, post["message_id"], send)
    second = dworld.tg.press_button(dworld.agent_id, dworld.group_id, post["message_id"], send)
    answers = {(await callback_answer(dworld, q))["text"] for q in (first, second)}
    assert answers == {
        says("draft.answer.sending").template,
        says("draft.answer.already_sent").template,
    }  # either order

    async def receipt() -> bool:
        return dworld.tg.reactions(dworld.group_id, post["message_id"]) == ["👍"]

    await wait_until(receipt)
    assert await sent_texts(dworld) == ["Здравствуйте! Отправим сегодня."]

    async def buttons_gone() -> bool:
        [current] = [p for p in dworld.posts(thread) if p["message_id"] == post["message_id"]]
        return not buttons(current) and has(current["text"], says("draft.state.sent", who="Анна"))

    await wait_until(buttons_gone)
    row = await dworld.db.pool.fetchrow("SELECT outcome, decided_by_agent_id FROM ai_suggestions")
    assert row["outcome"] == "sent" and row["decided_by_agent_id"] is not None
    reply = await dworld.db.pool.fetchrow("SELECT origin, suggestion_id, status FROM reply_outbox")
    assert (reply["origin"], reply["status"]) == ("draft", "sent")
    turn = await dworld.db.pool.fetchrow("SELECT answered_via FROM buyer_turns")
    assert turn["answered_via"] == "bot"
    await dworld.poll()  # Ozon's history shows our reply: no "cabinet reply" echo
    assert (
        await dworld.db.pool.fetchval("SELECT source FROM messages WHERE direction = 'out'")
        == "bot"
    )


async def test_edit_sends_the_agents_version(dworld: World, llm: LlmEmulator) -> None:
    llm.script("Здравствуйте! Размер маломерит.")
    _, thread = await open_chat(dworld, "Какой размер взять?")
    post = await wait_for_draft(dworld, thread)
    query = dworld.tg.press_button(
        dworld.agent_id, dworld.group_id, post["message_id"], data_for(post, "e")
    )
    assert (await callback_answer(dworld, query))["text"] == says("draft.answer.edit").template

    async def prompt_posted() -> bool:
        return any(p.get("text", "").startswith("✏️") for p in dworld.posts(thread))

    await wait_until(prompt_posted)
    prompt = next(p for p in dworld.posts(thread) if p.get("text", "").startswith("✏️"))
    assert has(prompt["text"], says("draft.edit_prompt", draft="Здравствуйте! Размер маломерит."))
    assert prompt["reply_to_message"]["message_id"] == post["message_id"]
    method, params = next(c for c in dworld.tg.calls if "force_reply" in str(c[1]))
    assert method == "sendMessage" and params["message_thread_id"] == thread

    edited = "Здравствуйте! Модель маломерит, берите на размер больше."
    mine = dworld.tg.user_sends(
        dworld.agent_id, dworld.group_id, edited, thread_id=thread, reply_to=prompt["message_id"]
    )

    async def delivered() -> bool:
        return dworld.tg.reactions(dworld.group_id, mine["message_id"]) == ["👍"]

    await wait_until(delivered)
    assert await sent_texts(dworld) == [edited]
    row = await dworld.db.pool.fetchrow("SELECT outcome FROM ai_suggestions")
    assert row["outcome"] == "edited"
    reply = await dworld.db.pool.fetchrow("SELECT origin, suggestion_id FROM reply_outbox")
    assert reply["origin"] == "draft" and reply["suggestion_id"] is not None


async def test_regenerate_replaces_the_draft_in_the_same_post(
    dworld: World, llm: LlmEmulator
) -> None:
    llm.script("Первый вариант ответа.")
    _, thread = await open_chat(dworld, "Есть ли другой цвет?")
    post = await wait_for_draft(dworld, thread)
    llm.script("Второй вариант ответа.")
    query = dworld.tg.press_button(
        dworld.agent_id, dworld.group_id, post["message_id"], data_for(post, "r")
    )
    assert (await callback_answer(dworld, query))["text"] == says(
        "draft.answer.regenerating"
    ).template

    async def replaced() -> bool:
        [current] = [p for p in dworld.posts(thread) if p["message_id"] == post["message_id"]]
        return "Второй вариант" in current["text"] and bool(buttons(current))

    await wait_until(replaced)
    [current] = [p for p in dworld.posts(thread) if p["message_id"] == post["message_id"]]
    assert len(llm.requests) == 2
    assert llm.requests[1]["messages"][-2]["content"] == "Первый вариант ответа."  # avoid it
    rows = await dworld.db.pool.fetch(
        "SELECT id, outcome, regenerated_from FROM ai_suggestions ORDER BY id"
    )
    assert [r["outcome"] for r in rows] == ["regenerated", "pending"]
    assert rows[1]["regenerated_from"] == rows[0]["id"]
    query = dworld.tg.press_button(
        dworld.agent_id, dworld.group_id, post["message_id"], data_for(current, "s")
    )
    await callback_answer(dworld, query)

    async def sent() -> bool:
        return await sent_texts(dworld) == ["Второй вариант ответа."]

    await wait_until(sent)


async def test_dismiss_removes_the_buttons_and_sends_nothing(
    dworld: World, llm: LlmEmulator
) -> None:
    _, thread = await open_chat(dworld, "Здравствуйте, вопрос")
    post = await wait_for_draft(dworld, thread)
    query = dworld.tg.press_button(
        dworld.agent_id, dworld.group_id, post["message_id"], data_for(post, "x")
    )
    assert (await callback_answer(dworld, query))["text"] == says(
        "draft.answer.dismissed"
    ).template

    async def collapsed() -> bool:
        [current] = [p for p in dworld.posts(thread) if p["message_id"] == post["message_id"]]
        return not buttons(current) and has(current["text"], says("draft.state.dismissed"))

    await wait_until(collapsed)
    assert await dworld.db.pool.fetchval("SELECT outcome FROM ai_suggestions") == "dismissed"
    assert dworld.sent_to_ozon() == []


async def test_a_stale_draft_says_so_instead_of_sending(dworld: World, llm: LlmEmulator) -> None:
    llm.script("Ответ на первый вопрос.")
    chat_id, thread = await open_chat(dworld, "Первый вопрос")
    post = await wait_for_draft(dworld, thread)
    llm.script("Ответ на оба вопроса.")
    dworld.buyer_writes(chat_id=chat_id, text="И ещё второй вопрос")
    await dworld.poll()
    query = dworld.tg.press_button(
        dworld.agent_id, dworld.group_id, post["message_id"], data_for(post, "s")
    )
    answer = await callback_answer(dworld, query)
    assert answer["text"] == says("draft.answer.stale_wrote").template
    assert answer["show_alert"] is True
    second = await wait_for_draft(dworld, thread, count=1)

    async def new_draft() -> bool:
        return any("оба вопроса" in p.get("text", "") for p in dworld.posts(thread))

    await wait_until(new_draft)
    assert dworld.sent_to_ozon() == []
    outcomes = await dworld.db.pool.fetch("SELECT outcome FROM ai_suggestions ORDER BY id")
    assert [r["outcome"] for r in outcomes] == ["ignored", "pending"]
    assert second is not None


async def test_a_draft_after_an_agent_answered_is_stale(dworld: World, llm: LlmEmulator) -> None:
    _, thread = await open_chat(dworld, "Вопрос про упаковку")
    post = await wait_for_draft(dworld, thread)
    mine = dworld.tg.user_sends(
        dworld.agent_id, dworld.group_id, "Упакуем в коробку.", thread_id=thread
    )

    async def answered() -> bool:
        return dworld.tg.reactions(dworld.group_id, mine["message_id"]) == ["👍"]

    await wait_until(answered)
    query = dworld.tg.press_button(
        dworld.agent_id, dworld.group_id, post["message_id"], data_for(post, "s")
    )
    assert (await callback_answer(dworld, query))["text"] == says(
        "draft.answer.stale_answered"
    ).template
    assert await sent_texts(dworld) == ["Упакуем в коробку."]


async def test_a_draft_with_a_phone_is_regenerated_once_then_shown_without_send(
    dworld: World, llm: LlmEmulator
) -> None:
    llm.script("Позвоните нам: +7 916 123-45-67")
    llm.script("Звоните 8 916 123 45 67, решим")
    _, thread = await open_chat(dworld, "Брак, что делать?")
    post = await wait_for_draft(dworld, thread)
    assert len(llm.requests) == 2
    assert "cannot be sent" in llm.requests[1]["messages"][-1]["content"]
    assert "<u><b>8 916 123 45 67</b></u>" in post["text"]
    assert "⛔" in post["text"]
    assert says("draft.button.send").template not in buttons(post)
    assert says("draft.button.edit").template in buttons(post)


async def test_a_draft_that_is_clean_after_one_regeneration_is_sendable(
    dworld: World, llm: LlmEmulator
) -> None:
    llm.script("Пишите на shop@mail.ru")
    llm.script("Пришлите, пожалуйста, фото прямо в этот чат.")
    _, thread = await open_chat(dworld, "Брак, что делать?")
    post = await wait_for_draft(dworld, thread)
    assert "фото прямо в этот чат" in post["text"]
    assert says("draft.button.send").template in buttons(post)


async def test_the_model_failing_falls_back_to_a_marked_template(
    dworld: World, llm: LlmEmulator
) -> None:
    llm.fail("500", count=None)
    _, thread = await open_chat(dworld, "Когда доставка?")
    post = await wait_for_draft(dworld, thread)
    assert has(post["text"], says("draft.header.template")) and "Мои заказы" in post["text"]
    row = await dworld.db.pool.fetchrow("SELECT source, fallback_reason FROM ai_suggestions")
    assert (row["source"], row["fallback_reason"]) == ("template", "http_500")


async def test_the_model_timing_out_falls_back_to_a_template(
    dworld: World, llm: LlmEmulator
) -> None:
    llm.fail("slow", count=None, seconds=10)
    _, thread = await open_chat(dworld, "Спасибо большое!")
    post = await wait_for_draft(dworld, thread)
    assert has(post["text"], says("draft.header.template"))
    assert await dworld.db.pool.fetchval("SELECT fallback_reason FROM ai_suggestions") == "timeout"


async def test_a_refused_draft_is_explained_like_an_agents_reply(
    dworld: World, llm: LlmEmulator
) -> None:
    _, thread = await open_chat(dworld, "Вопрос про заказ")
    post = await wait_for_draft(dworld, thread)
    dworld.ozon.state.advance_clock(49 * 3600)  # Ozon's 48-hour reply window is over
    query = dworld.tg.press_button(
        dworld.agent_id, dworld.group_id, post["message_id"], data_for(post, "s")
    )
    await callback_answer(dworld, query)

    async def explained() -> bool:
        return any(
            has(p.get("text"), says("reply_failed.window_closed")) for p in dworld.posts(thread)
        )

    await wait_until(explained)
    notice = next(
        p for p in dworld.posts(thread) if has(p.get("text"), says("reply_failed.window_closed"))
    )
    assert notice["reply_to_message"]["message_id"] == post["message_id"]
    assert dworld.sent_to_ozon() == []
    assert await dworld.db.pool.fetchval("SELECT error_code FROM reply_outbox") == "window_closed"
