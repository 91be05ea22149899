"""AiSettings: only admins change the policy, only safe intents, taps never undo each other."""

from __future__ import annotations

import asyncio

from bot.access import Role
from bot.drafts.ai_settings import AiSettings, panel
from storage.database import Database
from storage.records import Workspace
from tests.storage.factories import make_seller_with_chat

ADMIN, AGENT = 1, 2


class FakeAccess:
    """Telegram's answer, fixed: user 1 administers every group, user 2 does not."""

    async def at_least(self, minimum: Role, *, tg_user_id: int, workspace: Workspace) -> bool:
        return (Role.ADMIN if tg_user_id == ADMIN else Role.AGENT) >= minimum

    async def administered_workspaces(self, tg_user_id: int) -> list[Workspace]:
        return []


def settings(db: Database) -> AiSettings:
    return AiSettings(db=db, access=FakeAccess())  # type: ignore[arg-type]


async def test_only_admins_change_anything(db: Database) -> None:
    _, seller, _ = await make_seller_with_chat(db)
    ai = settings(db)
    refused = await ai.toggle_auto(seller.id, AGENT)
    assert refused.seller is None and refused.error == "ai.not_admin"
    assert (await ai.set_text(seller.id, "tone", "грубо", AGENT)).seller is None
    assert (await db.sellers.get(seller_id=seller.id)).auto_reply_enabled is False
    assert await db.pool.fetchval("SELECT count(*) FROM audit_log") == 0


async def test_unsafe_intents_can_never_be_enabled(db: Database) -> None:
    _, seller, _ = await make_seller_with_chat(db)
    ai = settings(db)
    for intent in ("defect", "return", "other", "anything"):
        change = await ai.toggle_intent(seller.id, intent, ADMIN)
        assert change.seller is None
    assert (await db.sellers.get(seller_id=seller.id)).auto_reply_intents == []


async def test_concurrent_taps_both_count(db: Database) -> None:
    _, seller, _ = await make_seller_with_chat(db)
    ai = settings(db)
    await asyncio.gather(
        ai.toggle_intent(seller.id, "thanks", ADMIN),
        ai.toggle_intent(seller.id, "delivery", ADMIN),
        ai.set_text(seller.id, "tone", "на «вы»", ADMIN),
        ai.set_text(seller.id, "instructions", "Доставка 1–3 дня", ADMIN),
    )
    current = await db.sellers.get(seller_id=seller.id)
    assert sorted(current.auto_reply_intents) == ["delivery", "thanks"]
    assert (current.ai_tone, current.ai_instructions) == ("на «вы»", "Доставка 1–3 дня")
    cleared = await ai.set_text(seller.id, "tone", "-", ADMIN)
    assert cleared.seller is not None and cleared.seller.ai_tone == ""
    too_long = await ai.set_text(seller.id, "tone", "я" * 201, ADMIN)
    assert too_long.error == "ai.too_long"


async def test_turning_auto_reply_on_allows_thanks_first(db: Database) -> None:
    _, seller, _ = await make_seller_with_chat(db)
    change = await settings(db).toggle_auto(seller.id, ADMIN)
    assert change.seller is not None
    assert change.seller.auto_reply_enabled and change.seller.auto_reply_intents == ["thanks"]
    body, keyboard = panel(change.seller, "en")
    assert "Auto-reply: on" in body and "Auto-reply topics: thanks" in body
    datas = [b.callback_data for row in keyboard.inline_keyboard for b in row]
    assert all(d is not None and len(d.encode()) <= 64 for d in datas)


async def test_a_button_handled_twice_sets_the_same_state_not_the_previous_one(
    db: Database,
) -> None:
    """A press whose update is processed again after a restart (the handler ran, the
    "done" mark did not) must not undo itself: buttons carry the state they set."""
    _, seller, _ = await make_seller_with_chat(db)
    ai = settings(db)
    for _ in range(2):
        await ai.toggle_auto(seller.id, ADMIN, enable=True)
        await ai.toggle_intent(seller.id, "delivery", ADMIN, include=True)
    after = await db.sellers.get(seller_id=seller.id)
    assert after.auto_reply_enabled is True
    assert "delivery" in after.auto_reply_intents
    for _ in range(2):
        await ai.toggle_intent(seller.id, "delivery", ADMIN, include=False)
    assert "delivery" not in (await db.sellers.get(seller_id=seller.id)).auto_reply_intents
