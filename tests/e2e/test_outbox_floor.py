"""Marketplace → Telegram where it breaks: order behind a failing attachment, photos
Telegram refuses, a file Ozon will not hand over, and a database failure right after a
topic was created.

Intake steps on Ozon (the handler world of tests.support.relaying): the buyer writes on
the emulator, one real sync pass, then the Telegram queue until nothing is due
(tests.support.intake_steps.Telegram answers the files and refuses what Telegram refuses,
with the Bot API's own descriptions). A post waiting for its retry stays waiting until
the test skips its backoff (``hurry``), so each state is read in turn.
"""

from __future__ import annotations

import base64
from typing import Any

import pytest
from aiogram.methods import SendDocument, SendMessage, SendPhoto

from bot.bridge.delivery import ATTACHMENT_GIVE_UP_AFTER
from sandbox.ozon.api import FILE_DOWNLOAD_PATH
from sandbox.telegram.faults import IMAGE_PROCESS_FAILED
from storage.database import Database
from tests.support.handlers import GROUP_ID
from tests.support.intake_steps import Telegram, body, file_bytes, hurry, pending
from tests.support.relaying import RelayWorld, open_relay_world
from tests.support.texts import says
from tests.support.world import CLIENT_ID

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNk+A8AAQUBAScY42YAAAAASUVORK5CYII="
)
PDF = b"%PDF-1.4\n% a buyer's receipt\n" + b"0" * 2048
# Telegram's words for a file it will take neither as a photo nor as a document.
WRONG_TYPE = "Bad Request: wrong type of the web page content"


def buyer_writes(rw: RelayWorld, **kwargs: Any) -> tuple[str, str]:
    """The buyer writes on Ozon; (the chat id, the last message's id)."""
    kwargs.setdefault("order_number", "47873153-0052")
    return rw.hw.ozon.state.buyer_writes(CLIENT_ID, **kwargs)


async def intake(rw: RelayWorld, chat_id: str) -> int:
    """One sync pass, the Telegram queue until nothing is due; the chat's topic."""
    await rw.poll()
    await rw.hw.deliver()
    thread = (await rw.chat(chat_id)).topic_thread_id
    assert thread is not None
    return thread


async def _item_error(db: Database, message_external_id: str) -> str | None:
    return await db.pool.fetchval(
        """
        SELECT o.last_error FROM tg_outbox o JOIN messages m ON m.id = o.message_id
         WHERE m.external_id = $1
        """,
        message_external_id,
    )


async def test_a_message_behind_a_failing_attachment_waits_then_both_appear_in_order(
    db: Database,
) -> None:
    async with open_relay_world(db, "ozon") as rw:
        telegram = Telegram.on(rw.hw)
        # One Ozon call of the bot tries 4 times; 4 faults fail the first delivery attempt.
        rw.hw.ozon.state.add_fault("500", count=4, path=FILE_DOWNLOAD_PATH, client_id=CLIENT_ID)
        chat_id, image_message = buyer_writes(rw, text="Вот фото", image=PNG)
        buyer_writes(rw, chat_id=chat_id, text="Второе сообщение")
        thread = await intake(rw, chat_id)

        # The photo is waiting for its retry; the next message must wait too.
        assert await _item_error(db, image_message) is not None
        posted = telegram.posts(thread)
        assert len(posted) == 1, [(body(p), isinstance(p, SendPhoto)) for p in posted]

        await hurry(db)
        await rw.hw.deliver()
        posts = telegram.posts(thread)
        assert len(posts) == 3
        assert "Вот фото" in body(posts[0])
        assert isinstance(posts[1], SendPhoto)
        assert file_bytes(posts[1]) == PNG
        assert "Второе сообщение" in body(posts[2])
        assert await pending(db) == 0


async def test_a_photo_refused_as_a_photo_arrives_as_a_document(db: Database) -> None:
    async with open_relay_world(db, "ozon") as rw:
        telegram = Telegram.on(rw.hw)
        telegram.refuse(SendPhoto, "Bad Request: PHOTO_INVALID_DIMENSIONS")
        chat_id, _ = buyer_writes(rw, image=PNG)
        thread = await intake(rw, chat_id)

        assert await pending(db) == 0
        [post] = telegram.posts(thread)
        assert isinstance(post, SendDocument)
        assert file_bytes(post) == PNG
        assert len(telegram.refused(SendPhoto)) == 1  # tried as a photo first
        failed = await db.pool.fetchval("SELECT count(*) FROM tg_outbox WHERE status = 'failed'")
        assert failed == 0


async def test_a_file_refused_as_photo_and_document_is_named_in_text_and_reported(
    db: Database,
) -> None:
    async with open_relay_world(db, "ozon") as rw:
        telegram = Telegram.on(rw.hw)
        telegram.refuse(SendPhoto, IMAGE_PROCESS_FAILED)
        telegram.refuse(SendDocument, WRONG_TYPE, count=10)  # every try as a document
        chat_id, _ = buyer_writes(rw, text="Смотрите", image=PNG)
        thread = await intake(rw, chat_id)

        assert await pending(db) == 0
        first, named, report = telegram.posts(thread)
        assert body(first).endswith("Смотрите")
        assert isinstance(named, SendMessage) and isinstance(report, SendMessage)
        assert named.text in says("outbox.file_as_text")
        assert ".jpg" in named.text  # the file is named
        # Telegram's words, quoted; see it at Ozon's
        assert report.text in says("outbox.refused.file", reason=WRONG_TYPE)

        await hurry(db)
        await rw.hw.deliver()
        assert len(telegram.posts(thread)) == 3  # reported once


@pytest.mark.parametrize("failures", [1, 3])
async def test_a_database_failure_right_after_creating_a_topic_makes_no_second_topic(
    db: Database, monkeypatch: pytest.MonkeyPatch, failures: int
) -> None:
    """One failure is absorbed by the quick re-tries; three outlast them, the item is
    retried later and the topic kept in memory is recorded instead of created again."""
    async with open_relay_world(db, "ozon") as rw:
        telegram = Telegram.on(rw.hw)
        real_set_topic = db.chats.set_topic
        left = {"failures": failures}

        async def flaky_set_topic(**kwargs: Any) -> None:
            if left["failures"] > 0:
                left["failures"] -= 1
                raise ConnectionResetError("database connection lost")
            await real_set_topic(**kwargs)

        monkeypatch.setattr(db.chats, "set_topic", flaky_set_topic)
        chat_id, _ = buyer_writes(rw, text="Первое сообщение")
        await rw.poll()
        await rw.hw.deliver()
        await hurry(db)  # the item's retry, if the quick re-tries did not absorb it
        thread = await intake(rw, chat_id)

        assert left["failures"] == 0
        assert await pending(db) == 0
        [created] = telegram.topics_created()  # exactly one call
        assert len(rw.hw.session.sent(type(created))) == 1
        assert created.chat_id == GROUP_ID
        [post] = telegram.posts(thread)
        assert body(post).endswith("Первое сообщение")


async def test_a_file_ozon_will_not_hand_over_is_named_in_the_post(db: Database) -> None:
    async with open_relay_world(db, "ozon") as rw:
        telegram = Telegram.on(rw.hw)
        rw.hw.ozon.state.add_fault("500", count=None, path="/v2/chat/file")  # every download
        chat_id, _ = buyer_writes(rw, file=("акт.pdf", PDF))
        await rw.poll()
        await rw.hw.deliver()

        row = await db.pool.fetchrow(
            "SELECT attempts, last_error FROM tg_outbox WHERE kind = 'buyer_message'"
        )
        assert row["attempts"] >= 1 and row["last_error"] is not None  # failed once
        # Skip the earlier tries' backoff (about 30 s) to the last one, which gives up.
        await db.pool.execute(
            "UPDATE tg_outbox SET attempts = $1 - 1, not_before = now()"
            " WHERE kind = 'buyer_message' AND status = 'pending'",
            ATTACHMENT_GIVE_UP_AFTER,
        )
        thread = await intake(rw, chat_id)
        assert await pending(db) == 0
        [post] = telegram.posts(thread)
        assert isinstance(post, SendMessage)  # no document
        assert not rw.hw.session.sent(SendDocument)
        assert post.text in says("post.attachment_file", file="акт.pdf")  # the emulator: http
        assert post.text in says("post.attachment_missing")
