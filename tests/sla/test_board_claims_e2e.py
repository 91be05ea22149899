"""The queue board (edited only on change, within budget) and /stats after a real reply,
through the whole bot (claiming and /queue answers: tests/sla/test_claim_handlers.py)."""

from __future__ import annotations

import io
from typing import Any

from PIL import Image

from tests.sla.conftest import SlaWorld
from tests.support.texts import TextMatch, has, says
from tests.support.world import wait_until


def boards(sworld: SlaWorld) -> list[dict[str, Any]]:
    return [
        m
        for m in sworld.general()
        if has(m.get("text"), says("board.title")) or has(m.get("text"), says("board.empty"))
    ]


async def test_the_board_is_pinned_and_edited_only_on_change(sworld: SlaWorld) -> None:
    world = sworld.world
    _, thread = await sworld.buyer_topic("Пришёл брак")
    await sworld.tick()
    [board] = boards(sworld)
    assert has(board["text"], says("board.title", count=1))
    assert f"https://t.me/c/{str(world.group_id)[4:]}/{thread}" in board["text"]
    assert world.tg.state.chat(world.group_id).pinned == [board["message_id"]]
    workspace = await world.db.workspaces.get(workspace_id=world.workspace.id)
    assert workspace.queue_board_message_id == board["message_id"]

    sworld.clock.advance(seconds=70)  # time moves, nothing else: same rounded text
    await sworld.tick()
    assert sworld.calls("editMessageText") == []

    await sworld.buyer_topic("Где заказ?", order_number="555-1")
    sworld.clock.advance(seconds=20)  # changed, but the last edit is less than a minute old?
    await sworld.tick()
    edits = sworld.calls("editMessageText")
    assert len(edits) == 1  # first change after a quiet minute: edited at once
    sworld.clock.advance(seconds=10)
    await sworld.buyer_topic("Ещё вопрос", order_number="555-2")
    await sworld.tick()
    assert len(sworld.calls("editMessageText")) == 1  # within a minute of the last edit
    sworld.clock.advance(seconds=61)
    await sworld.tick()
    assert len(sworld.calls("editMessageText")) == 2
    [board] = boards(sworld)
    assert has(board["text"], says("board.title", count=3))
    assert len(boards(sworld)) == 1  # one board, edited in place

    # Everybody answered: the board says so (one more edit), then stays quiet.
    await world.db.pool.execute("UPDATE chats SET waiting_since = NULL")
    sworld.clock.advance(seconds=61)
    await sworld.tick()
    sworld.clock.advance(seconds=61)
    await sworld.tick()
    assert len(sworld.calls("editMessageText")) == 3
    assert boards(sworld)[0]["text"] == says("board.empty").template


async def test_board_edits_share_the_group_budget(sworld: SlaWorld) -> None:
    """Edits are a cosmetic, lowest-priority kind and spend units like sends: with buyer
    posts waiting, they go after them, and the group never exceeds its limit."""
    world = sworld.world
    for n in range(5):
        await sworld.buyer_topic(f"Вопрос {n}", order_number=f"77-{n}")
        sworld.clock.advance(seconds=61)
        await sworld.tick()
    assert len(boards(sworld)) == 1
    assert len(sworld.calls("editMessageText")) == 4
    log = [t for t, chat, _ in world.tg.unit_log if chat == world.group_id]
    for index, start in enumerate(log):
        assert len([t for t in log[index:] if t - start < 60]) <= 20


async def test_stats_in_the_group_and_in_private(sworld: SlaWorld) -> None:
    world = sworld.world
    _, thread = await sworld.buyer_topic("Пришёл брак")
    sent = world.tg.user_sends(world.agent_id, world.group_id, "Заменим!", thread_id=thread)
    await wait_until(lambda: _reacted(world, sent["message_id"]))

    world.tg.user_sends(world.agent_id, world.group_id, "/stats 7d")
    text = await _posted(sworld, None, says("stats.head", period="7 дней"))
    assert has(text, says("stats.turns", turns=1, answered=1))
    assert has(text, says("stats.row", name="Анна", answered=1, share="100%"))

    async def photo_posted() -> bool:
        return any("photo" in m for m in sworld.general())

    await wait_until(photo_posted)
    today = await _asker(sworld, world.agent_id)("/stats today")
    assert has(today, says("stats.head", period="сегодня"))

    async def private_photo() -> bool:
        return any("photo" in m for m in world.tg.bot_messages(world.agent_id))

    await wait_until(private_photo)
    photo = next(m for m in world.tg.bot_messages(world.agent_id) if "photo" in m)
    content = world.tg.file_bytes(photo["photo"][-1]["file_id"])
    assert Image.open(io.BytesIO(content)).format == "PNG"


# ------------------------------------------------------------------ helpers


async def _reacted(world: object, message_id: int) -> bool:
    return bool(world.tg.reactions(world.group_id, message_id))  # type: ignore[attr-defined]


async def _posted(sworld: SlaWorld, thread: int | None, needle: TextMatch, skip: int = 0) -> str:
    """Wait for the bot's post saying ``needle`` (in a topic, or in General)."""
    found: list[str] = []

    async def present() -> bool:
        posts = sworld.general() if thread is None else sworld.world.posts(thread)
        found[:] = [m.get("text", "") for m in posts if has(m.get("text"), needle)]
        return len(found) > skip

    await wait_until(present)
    return found[skip]


def _asker(sworld: SlaWorld, user_id: int) -> Any:
    """Send a private command and return the bot's next text reply."""
    world = sworld.world

    def texts() -> list[str]:
        try:
            return [m["text"] for m in world.tg.bot_messages(user_id) if "text" in m]
        except ValueError:  # no private chat with the bot yet
            return []

    async def ask(command: str) -> str:
        before = len(texts())
        world.tg.user_sends(user_id, user_id, command)

        async def replied() -> bool:
            return len(texts()) > before

        await wait_until(replied)
        return texts()[before]

    return ask


async def test_board_survives_429_and_a_deleted_board_message(sworld: SlaWorld) -> None:
    """A 429 on the pin retries the pin only (one board message); a board an admin deleted
    is posted again instead of failing forever."""
    world = sworld.world
    await sworld.buyer_topic("Пришёл брак")
    world.tg.inject_error(
        "pinChatMessage", "Too Many Requests: retry after 1", error_code=429, retry_after=1
    )
    await sworld.sla.ticker.tick()
    sworld.sla.kick()

    async def pinned() -> bool:
        return bool(world.tg.state.chat(world.group_id).pinned)

    await wait_until(pinned)
    assert len(boards(sworld)) == 1
    assert len(sworld.calls("sendMessage")) == 2  # the buyer post and one board

    [board] = boards(sworld)
    world.tg.state.chat(world.group_id).messages[board["message_id"]].deleted = True
    await sworld.buyer_topic("Ещё брак", order_number="9-9")
    sworld.clock.advance(seconds=61)
    await sworld.tick()
    [fresh] = boards(sworld)
    assert fresh["message_id"] != board["message_id"]
    assert has(fresh["text"], says("board.title", count=2))
    workspace = await world.db.workspaces.get(workspace_id=world.workspace.id)
    assert workspace.queue_board_message_id == fresh["message_id"]
