"""Template drafts without a key, auto-reply refusals, /ai in a private chat and a draft
post retried after Telegram took it, one step at a time (tests.support.drafting: a sync
pass, one real DraftWorker round, the outbox once; each press one callback update).

They replace the full-process tests of test_auto_and_settings_e2e.py of the same names.
The auto-reply flow and the restart before a burst settles stay there, end to end."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiogram.methods import SendMessage

from sandbox.llm import LlmEmulator
from storage.database import Database
from tests.drafts.conftest import AUTO_ON, PANEL
from tests.drafts.test_draft_handlers import (
    data_for,
    draft_posts,
    one_draft,
    open_chat,
    sent_texts,
)
from tests.support.drafting import buyer_message, draft_round, draft_world, sync_once
from tests.support.handlers import BORIS, HandlerWorld, buttons, shown
from tests.support.texts import has, says


@pytest.fixture
async def hw(db: Database, llm: LlmEmulator) -> AsyncIterator[HandlerWorld]:
    async with draft_world(db, llm) as opened:
        yield opened


async def test_without_a_key_drafts_come_from_marked_templates(db: Database) -> None:
    async with draft_world(db, None) as hw:
        _, thread, _ = await open_chat(hw, "Здравствуйте! Какой размер взять на рост 180?")
        post = await one_draft(hw, thread)
        assert has(post.text, says("draft.header.template")) and "размер" in post.text
        assert says("draft.button.send").template in buttons(post)
        row = await db.pool.fetchrow(
            "SELECT source, intent, fallback_reason, model FROM ai_suggestions"
        )
        assert dict(row) == {
            "source": "template",
            "intent": "sizing",
            "fallback_reason": "no_key",
            "model": "",
        }
        await hw.press(BORIS, data_for(post, "s"), on=post)
        await hw.app.bridge.replies.run_once()
        [sent] = sent_texts(hw)
        assert "размерная сетка" in sent.lower()


async def _enable_auto(hw: HandlerWorld, seller_id: int, intents: list[str]) -> None:
    await hw.db.sellers.update_ai(
        seller_id=seller_id,
        instructions="",
        tone="",
        auto_reply_enabled=True,
        auto_reply_intents=intents,
    )


async def nothing_auto_sent(hw: HandlerWorld) -> None:
    """Another worker round and reply pass later, still nothing reached Ozon."""
    await draft_round(hw)
    await hw.app.bridge.replies.run_once()
    assert sent_texts(hw) == []


async def test_auto_reply_never_answers_a_defect(hw: HandlerWorld) -> None:
    _, thread, seller_id = await open_chat(hw, "Спасибо, но рукав порван. Брак!")
    await _enable_auto(hw, seller_id, ["thanks", "delivery"])
    post = await one_draft(hw, thread)
    assert says("draft.button.send").template in buttons(post)
    await nothing_auto_sent(hw)
    assert await hw.db.pool.fetchval("SELECT auto_send_at FROM ai_suggestions") is None


async def test_auto_reply_never_sends_when_a_guardrail_fires(
    hw: HandlerWorld, llm: LlmEmulator
) -> None:
    llm.script("Спасибо! Ответ подготовил наш бот.")
    _, thread, seller_id = await open_chat(hw, "Спасибо большое!")
    await _enable_auto(hw, seller_id, ["thanks"])
    [post] = draft_posts(await draft_round(hw))
    assert post.message_thread_id == thread
    assert has(post.text, says("guard.automation"))
    await nothing_auto_sent(hw)


async def test_auto_reply_only_for_intents_the_admin_allowed(hw: HandlerWorld) -> None:
    _, thread, seller_id = await open_chat(hw, "Когда доставка?")
    await _enable_auto(hw, seller_id, ["thanks"])
    await one_draft(hw, thread)
    await nothing_auto_sent(hw)


async def test_ai_settings_from_a_private_chat(hw: HandlerWorld, llm: LlmEmulator) -> None:
    workspace = await hw.bound_group()
    seller = await hw.add_seller(workspace)
    sent = shown(await hw.say(BORIS, "/ai")) + shown(await hw.deliver())
    [panel] = [m for m in sent if has(m.text, PANEL)]
    assert panel.chat_id == BORIS.id
    assert has(panel.text, says("ai.panel", auto=says("ai.off").template))
    answer = await hw.press(BORIS, buttons(panel)[AUTO_ON], on=panel)
    assert answer.text == says("ai.saved").template
    seller = await hw.db.sellers.get(seller_id=seller.id)
    assert seller.auto_reply_enabled and seller.auto_reply_intents == ["thanks"]
    delivery = says("ai.button.intent", mark="▫️", name=says("ai.intent.delivery").template)
    [delivery_toggle] = [d for t, d in buttons(panel).items() if has(t, delivery)]
    await hw.press(BORIS, delivery_toggle, on=panel)
    seller = await hw.db.sellers.get(seller_id=seller.id)
    assert seller.auto_reply_intents == ["thanks", "delivery"]

    await hw.say(BORIS, "/ai_tone Обувь дружелюбно, на «вы»")
    await hw.say(BORIS, "/ai_instructions Доставка 1–3 дня")  # the only shop
    current = await hw.db.sellers.get(seller_id=seller.id)
    assert current.ai_tone == "дружелюбно, на «вы»" and current.ai_instructions != ""
    buyer_message(hw, "Есть ли такая же в синем цвете?")
    await sync_once(hw, seller.id)
    assert draft_posts(await draft_round(hw))
    system = llm.requests[-1]["messages"][0]["content"]
    assert "дружелюбно, на «вы»" in system and "Доставка 1–3 дня" in system
    audit = await hw.db.pool.fetch("SELECT action FROM audit_log ORDER BY id")
    actions = [r["action"] for r in audit]
    assert actions[:2] == ["ai.auto_reply", "ai.auto_reply_intents"]
    assert sorted(actions[2:]) == ["ai.instructions", "ai.tone"]


async def test_a_draft_post_interrupted_after_sending_is_not_posted_again(
    hw: HandlerWorld,
) -> None:
    """The process died after Telegram accepted the post but before the outbox row was
    completed: the retry finds the recorded message and posts nothing."""
    _, thread, _ = await open_chat(hw, "Здравствуйте, есть вопрос")
    await one_draft(hw, thread)
    await hw.db.pool.execute(
        "UPDATE tg_outbox SET status = 'pending', done_at = NULL, result = NULL "
        "WHERE kind = 'draft_post'"
    )
    assert [r for r in await hw.deliver() if isinstance(r, SendMessage)] == []
    assert (
        await hw.db.pool.fetchval(
            "SELECT count(*) FROM tg_outbox WHERE kind = 'draft_post' AND status = 'pending'"
        )
        == 0
    )
