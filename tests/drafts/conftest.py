"""A world with drafts on: the real bot, the Ozon and Telegram emulators, and the LLM
emulator (or no key at all, for the template fallback)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from sandbox.llm import LlmEmulator
from storage.database import Database
from tests.support.drafting import LLM_KEY
from tests.support.texts import has, says
from tests.support.world import World, open_world, wait_until

PANEL = says("ai.panel")  # the /ai panel of one shop
AUTO_ON = says("ai.button.auto_on").template  # its auto-reply toggle, while off
# A draft post: from the model, from a template, or already sent as an auto-reply.
DRAFT_HEADERS = (says("draft.header.llm"), says("draft.header.template"),
                 says("draft.state.auto_sent"))  # fmt: skip


def draft_settings(llm: LlmEmulator | None, **extra: Any) -> dict[str, Any]:
    settings: dict[str, Any] = {
        "drafts_enabled": True,
        "draft_debounce_seconds": 0.3,
        "auto_reply_delay_seconds": 0.2,
        "llm_timeout_seconds": 2.0,
        "llm_max_retries": 1,
    }
    if llm is not None:
        settings |= {"llm_api_key": LLM_KEY, "llm_base_url": llm.base_url}
    return settings | extra


@pytest.fixture
async def dworld(db: Database, llm: LlmEmulator) -> AsyncIterator[World]:
    async with open_world(db, settings_overrides=draft_settings(llm)) as opened:
        yield opened


def buttons(post: dict[str, Any]) -> dict[str, str]:
    """Button text → callback data of a post's inline keyboard."""
    markup = post.get("reply_markup") or {}
    return {
        b["text"]: b["callback_data"] for row in markup.get("inline_keyboard", []) for b in row
    }


def data_for(post: dict[str, Any], action: str) -> str:
    return next(d for d in buttons(post).values() if d.startswith(f"d1:{action}:"))


def draft_posts(world: World, thread: int) -> list[dict[str, Any]]:
    return [
        p
        for p in world.posts(thread)
        if any(has(p.get("text"), header) for header in DRAFT_HEADERS)
    ]


async def wait_for_draft(world: World, thread: int, count: int = 1) -> dict[str, Any]:
    async def shown() -> bool:
        return len([p for p in draft_posts(world, thread) if buttons(p)]) >= count

    await wait_until(shown, 20)  # the model (or its timeout) plus the debounce
    return [p for p in draft_posts(world, thread) if buttons(p)][-1]


async def callback_answer(world: World, query_id: str) -> dict[str, Any]:
    async def answered() -> bool:
        return world.tg.callback_answer(query_id) is not None

    await wait_until(answered)
    answer = world.tg.callback_answer(query_id)
    assert answer is not None
    return answer


async def open_chat(world: World, *texts: str) -> tuple[str, int]:
    chat_id, _ = world.buyer_writes(text=texts[0])
    for more in texts[1:]:
        world.buyer_writes(chat_id=chat_id, text=more)
    await world.poll()
    thread = await world.topic_of(chat_id)
    return chat_id, thread
