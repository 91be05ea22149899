"""Drafts in a handler world (tests.support.handlers): the bot assembled with drafts on
against the LLM emulator, and one step of the real draft worker at a time.

``draft_world`` opens it; ``buyer_writes`` puts a buyer's message on the Ozon emulator and
runs one sync pass (the real poller, no timer); ``draft_round`` runs ``DraftWorker.run_once``
(what the app's drafts loop runs) and then the outbox once, returning the requests."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from aiogram.methods import TelegramMethod
from pydantic import AnyHttpUrl, SecretStr

from sandbox.llm import LlmEmulator
from storage.database import Database
from tests.support.handlers import HandlerWorld, open_handler_world
from tests.support.world import CLIENT_ID

LLM_KEY = "sk-emulator-test"


@contextlib.asynccontextmanager
async def draft_world(
    db: Database, llm: LlmEmulator | None, **extra: Any
) -> AsyncIterator[HandlerWorld]:
    """Drafts on, no debounce (a round drafts every settled turn at once); ``llm`` None: no
    key, so drafts come from templates."""
    update: dict[str, Any] = {
        "drafts_enabled": True,
        "draft_debounce_seconds": 0.0,
        "auto_reply_delay_seconds": 0.0,
        "llm_timeout_seconds": 2.0,
        "llm_max_retries": 1,
    }
    if llm is not None:
        update |= {"llm_api_key": SecretStr(LLM_KEY), "llm_base_url": AnyHttpUrl(llm.base_url)}
    update |= extra
    async with open_handler_world(db, lambda s: s.model_copy(update=update)) as opened:
        assert opened.app.drafts is not None
        yield opened


async def sync_once(hw: HandlerWorld, seller_id: int) -> list[TelegramMethod[Any]]:
    """One sync pass for the shop, then the outbox (topics, mirrored messages)."""
    await hw.app.sync.run_now(seller_id)
    return await hw.deliver()


async def draft_round(hw: HandlerWorld) -> list[TelegramMethod[Any]]:
    """One round of the real draft worker, then the outbox; returns the requests."""
    assert hw.app.drafts is not None
    await hw.app.drafts.run_once()
    return await hw.deliver()


def buyer_message(hw: HandlerWorld, text: str, chat_id: str | None = None) -> str:
    """The buyer writes on Ozon (the emulator); returns the Ozon chat id."""
    kwargs: dict[str, Any] = {"text": text, "order_number": "47873153-0052"}
    if chat_id is not None:
        kwargs["chat_id"] = chat_id
    external_id, _ = hw.ozon.state.buyer_writes(CLIENT_ID, **kwargs)
    return external_id
