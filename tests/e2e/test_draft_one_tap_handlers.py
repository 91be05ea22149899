"""A reply draft sent with one tap (a double tap, in fact), on every marketplace, one step
at a time (tests.support.relaying: the bot with drafts on, one sync pass, one round of
the draft worker, the press fed to the dispatcher, then the real reply worker): the buyer
gets the draft once, the draft's post gets the 👍, and the reply is the draft's. Replaces
the full-process case of tests/e2e/test_agent_to_ozon.py."""

from __future__ import annotations

import pytest
from aiogram.methods import EditMessageText, SendMessage
from pydantic import AnyHttpUrl, SecretStr

from sandbox.llm import LlmEmulator
from storage.database import Database
from tests.support.drafting import LLM_KEY, draft_round
from tests.support.handlers import GROUP_ID, VERA, buttons
from tests.support.markets import MARKETPLACES
from tests.support.relaying import open_relay_world, receipts, settings_with
from tests.support.texts import has, says


@pytest.mark.parametrize("marketplace", MARKETPLACES)
async def test_a_draft_is_sent_with_one_tap_once(
    db: Database, llm: LlmEmulator, marketplace: str
) -> None:
    drafts_on = settings_with(
        drafts_enabled=True, draft_debounce_seconds=0.0, llm_timeout_seconds=2.0,
        llm_max_retries=1, llm_api_key=SecretStr(LLM_KEY), llm_base_url=AnyHttpUrl(llm.base_url),
    )  # fmt: skip
    async with open_relay_world(db, marketplace, drafts_on) as rw:
        llm.script("Здравствуйте! Отправим сегодня.")
        chat_id, thread = await rw.topic("Когда отправите?")
        [post] = [
            r
            for r in await draft_round(rw.hw)
            if isinstance(r, SendMessage) and has(r.text, says("draft.header.llm"))
        ]
        assert post.chat_id == GROUP_ID and post.message_thread_id == thread
        message_id = await rw.db.pool.fetchval(
            "SELECT tg_message_id FROM ai_suggestions WHERE outcome = 'pending'"
        )
        shown = EditMessageText(
            chat_id=GROUP_ID, message_id=message_id, text=post.text, reply_markup=post.reply_markup
        )
        send = next(d for d in buttons(shown).values() if d.startswith("d1:s:"))
        for _ in range(2):  # a double tap
            await rw.hw.press(VERA, send, on=shown)

        assert receipts(await rw.relay()) == [message_id]  # the 👍 on the draft's post
        await rw.poll()
        await rw.hw.deliver()
        assert rw.market.sent_texts(chat_id) == ["Здравствуйте! Отправим сегодня."]
        reply = await rw.db.pool.fetchrow("SELECT origin, status FROM reply_outbox")
        assert tuple(reply) == ("draft", "sent")
