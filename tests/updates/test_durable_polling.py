"""Updates are stored before Telegram is told they arrived, processed one at a time per
topic in Telegram order, and a crash inside the window loses none and runs none twice in
effect. The two crash-and-restart cases run the real bot (assemble + TelegramUpdates)
against the emulators; one batch, the offset and a failing update are step cases: the
intake's loop against a recorded getUpdates, the processor and the reply worker of the
assembled bot on a handler world (tests.support.ops_steps, tests.support.relaying)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import pytest
from aiogram.methods import SendMessage

from bot.texts import text
from storage.database import Database
from storage.update_repo import IncomingUpdate
from tests.support.handlers import GROUP_ID
from tests.support.ops_steps import poll_batches, receiving
from tests.support.relaying import RelayWorld, open_relay_world
from tests.support.world import World, open_world, wait_until


async def open_topic(world: World, text: str = "Когда доставка?") -> tuple[str, int]:
    chat_id, _ = world.buyer_writes(text=text)
    await world.poll()
    thread = await world.topic_of(chat_id)
    await world.wait_for_posts(thread, 1)
    return chat_id, thread


async def crash(world: World) -> None:
    """Stop the way kill -9 does: no drain, no claims handed back, the instance's database
    connection dropped; the other workers die with the process too."""
    assert world.app is not None and world.bot is not None and world.ozon_client is not None
    dead = world.app.updates.instance_id
    assert dead is not None
    await world.app.updates.abort()
    await world.app.dispatcher.emit_shutdown(bot=world.bot)
    await world.bot.session.close()
    await world.ozon_client.aclose()
    world.app = world.bot = world.ozon_client = None

    async def lock_gone() -> bool:
        return not await world.db.instances.is_alive(dead)

    await wait_until(lock_gone)


async def replies(db: Database) -> list[Any]:
    return list(await db.pool.fetch("SELECT tg_message_id, text FROM reply_outbox ORDER BY id"))


async def wait_replies(world: World, count: int) -> list[Any]:
    async def enough() -> bool:
        return len(await replies(world.db)) >= count

    await wait_until(enough, 20)
    return await replies(world.db)


async def wait_sent(world: World, count: int) -> None:
    async def enough() -> bool:
        return len(world.sent_to_ozon()) >= count

    await wait_until(enough, 20)


def agent_writes(world: World, thread: int, texts: Sequence[str]) -> list[int]:
    """Written back to back with no await in between: one getUpdates batch."""
    return [
        world.tg.user_sends(world.agent_id, world.group_id, text, thread_id=thread)["message_id"]
        for text in texts
    ]


async def stored_for(db: Database, message_ids: Sequence[int]) -> list[Any]:
    return list(
        await db.pool.fetch(
            """
            SELECT update_id, status, received_at FROM tg_updates
             WHERE coalesce(payload -> 'message' ->> 'message_id', payload ->> 'message_id')
                   ::bigint = ANY ($1::bigint[])
             ORDER BY update_id
            """,
            list(message_ids),
        )
    )


TEXTS = ["Здравствуйте!", "Ваш заказ задержан", "на складе.", "Доставим завтра", "до 18:00.",
         "Спасибо за терпение!"]  # fmt: skip


async def test_updates_stored_but_not_processed_when_the_process_dies_run_after_restart(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with open_world(db) as world:
        chat_id, thread = await open_topic(world)
        blocked = asyncio.Event()

        async def no_claims(**_: Any) -> list[Any]:
            blocked.set()
            await asyncio.Event().wait()  # the process dies before it processes anything
            raise AssertionError("unreachable")

        monkeypatch.setattr(db.updates, "claim", no_claims)
        await wait_until(lambda: _true(blocked.is_set()))
        sent = agent_writes(world, thread, TEXTS[:3])

        async def stored() -> bool:
            return len(await stored_for(db, sent)) == 3

        await wait_until(stored)
        await crash(world)
        assert await replies(db) == []  # fetched and stored, never processed
        monkeypatch.undo()

        await world.start()
        rows = await wait_replies(world, 3)
        assert [r["tg_message_id"] for r in rows] == sent
        await wait_sent(world, 3)
        await wait_until(world.outbox_settled)
        assert [(m.chat_id, m.text) for m in world.sent_to_ozon()] == [
            (chat_id, text) for text in TEXTS[:3]
        ]
        assert len(await replies(db)) == 3  # Telegram's redelivery was stored once

        async def receipts() -> bool:
            return all(world.tg.reactions(world.group_id, m) == ["👍"] for m in sent)

        await wait_until(receipts)


async def test_a_handler_that_ran_before_the_crash_is_run_again_without_effect_twice(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with open_world(db) as world:
        chat_id, thread = await open_topic(world)

        async def topic_created_done() -> bool:  # its update shares the topic's key: a
            # "forum topic created" update still in flight when "done" stops returning
            # would hold the agent's messages behind it for ever
            return [s["status"] for s in await stored_for(db, [thread])] == ["done"]

        await wait_until(topic_created_done)

        async def never_done(**_: Any) -> None:
            await asyncio.Event().wait()  # killed after the handler, before "done"

        monkeypatch.setattr(db.updates, "mark_done", never_done)
        sent = agent_writes(world, thread, TEXTS[:2])
        await wait_replies(world, 1)
        await asyncio.sleep(0.3)
        assert len(await replies(db)) == 1  # the second waits: the first is not done
        await crash(world)
        monkeypatch.undo()

        await world.start()
        rows = await wait_replies(world, 2)
        assert [r["tg_message_id"] for r in rows] == sent
        await wait_sent(world, 2)
        await wait_until(world.outbox_settled)
        await asyncio.sleep(0.3)
        assert len(await replies(db)) == 2
        assert [(m.chat_id, m.text) for m in world.sent_to_ozon()] == [
            (chat_id, text) for text in TEXTS[:2]
        ]

        async def both_done() -> bool:
            return [s["status"] for s in await stored_for(db, sent)] == ["done", "done"]

        await wait_until(both_done)


async def _true(value: bool) -> bool:
    return value


# ------------------------------------------------------------------ the pieces, one step at
# a time: the intake's loop against a recorded getUpdates, the processor, the reply worker


def agent_batch(rw: RelayWorld, thread: int, texts: Sequence[str], first_id: int) -> list[Any]:
    """The agent's messages in the topic as one getUpdates batch (raw updates)."""
    return [
        {"update_id": first_id + n, "message": rw.agent_message(thread, "text", text)}
        for n, text in enumerate(texts)
    ]


async def stored_updates(db: Database, update_ids: Sequence[int]) -> list[Any]:
    return list(
        await db.pool.fetch(
            "SELECT update_id, status, received_at FROM tg_updates"
            " WHERE update_id = ANY ($1::bigint[]) ORDER BY update_id",
            list(update_ids),
        )
    )


async def test_six_replies_in_one_batch_are_queued_and_sent_in_message_order(
    db: Database,
) -> None:
    async with open_relay_world(db) as rw:
        chat_id, thread = await rw.topic()
        steps = receiving(rw.hw)
        batch = agent_batch(rw, thread, TEXTS, 7001)
        await poll_batches(steps, batch)
        stored = await stored_updates(db, [u["update_id"] for u in batch])
        assert len(stored) == 6
        assert len({s["received_at"] for s in stored}) == 1  # one batch, one transaction
        await steps.process()
        rows = await replies(db)
        assert [r["tg_message_id"] for r in rows] == [u["message"]["message_id"] for u in batch]
        assert [r["text"] for r in rows] == TEXTS
        assert {
            s["status"] for s in await stored_updates(db, [u["update_id"] for u in batch])
        } == {"done"}
        await rw.relay()
        assert rw.market.sent_texts(chat_id) == TEXTS


async def test_the_offset_moves_only_after_the_store_committed(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with open_relay_world(db) as rw:
        chat_id, thread = await rw.topic()
        steps = receiving(rw.hw)
        original = db.updates.store
        batches: list[list[int]] = []
        committed_at: dict[int, int] = {}  # update id → Telegram calls seen at commit

        async def flaky(updates: Sequence[IncomingUpdate]) -> int:
            batches.append([u.update_id for u in updates])
            if len(batches) == 1:
                raise ConnectionError("the database went away")
            count = await original(updates)
            for u in updates:
                committed_at.setdefault(u.update_id, len(rw.hw.session.requests))
            return count

        monkeypatch.setattr(db.updates, "store", flaky)
        batch = agent_batch(rw, thread, ["Здравствуйте!"], 7101)
        update_id = batch[0]["update_id"]
        calls = await poll_batches(steps, batch, batch)  # not confirmed: Telegram sends again
        assert batches[0] == batches[1] == [update_id]
        assert [c.offset for c in calls] == [None, None, update_id + 1]
        confirming = rw.hw.session.requests.index(calls[2])
        assert confirming >= committed_at[update_id]
        monkeypatch.undo()
        await steps.process()
        assert len(await replies(db)) == 1
        await rw.relay()
        assert rw.market.sent_texts(chat_id) == ["Здравствуйте!"]


FAILED = text("updates.unexpected", "ru")  # the errors router's words, on the last attempt


async def test_an_update_that_keeps_failing_is_given_up_and_the_agent_told(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with open_relay_world(db) as rw:
        _, thread = await rw.topic()
        steps = receiving(rw.hw)

        async def broken(**_: Any) -> Any:
            raise RuntimeError("database trouble")

        monkeypatch.setattr(db.chats, "get_by_topic", broken)
        [update] = agent_batch(rw, thread, ["Здравствуйте!"], 7201)
        await steps.intake.accept([update])
        await steps.process()  # its retries are due at once
        [row] = await stored_updates(db, [update["update_id"]])
        assert row["status"] == "failed"
        told = [
            r for r in await rw.hw.deliver() if isinstance(r, SendMessage) and r.text == FAILED
        ]
        [notice] = told  # told once
        assert (notice.chat_id, notice.message_thread_id) == (GROUP_ID, thread)
        assert notice.reply_parameters is not None
        assert notice.reply_parameters.message_id == update["message"]["message_id"]
        monkeypatch.undo()

        [later] = agent_batch(rw, thread, ["Доставим завтра"], 7202)  # the topic is not blocked
        await steps.intake.accept([later])
        await steps.process()
        rows = await replies(db)
        assert [r["tg_message_id"] for r in rows] == [later["message"]["message_id"]]
