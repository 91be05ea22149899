"""A WB buyer's photo that Telegram takes neither as a photo nor as a document is named in
the topic, and the report says where to see it: the WB portal, not the Ozon cabinet. One
sync pass and one delivery (tests.support.relaying), Telegram's refusals prepared on
the recorded session."""

from __future__ import annotations

from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import SendDocument, SendMessage, SendPhoto

from sandbox.wildberries import Upload
from storage.database import Database
from tests.support.handlers import GROUP_ID
from tests.support.markets import WB_SELLER, WbMarket
from tests.support.relaying import open_relay_world
from tests.support.texts import says

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 2048
REFUSED = "Bad Request: wrong type of the web page content"


async def test_a_wb_file_telegram_refuses_is_reported_with_wb_wording(db: Database) -> None:
    async with open_relay_world(db, "wildberries") as rw:
        assert isinstance(rw.market, WbMarket)
        session = rw.hw.session
        photo = SendPhoto(chat_id=GROUP_ID, photo="x")
        session.add_result_for(
            SendPhoto,
            TelegramBadRequest(method=photo, message="Bad Request: IMAGE_PROCESS_FAILED"),
        )
        document = SendDocument(chat_id=GROUP_ID, document="x")
        for _ in range(5):  # every try as a document is refused too
            session.add_result_for(
                SendDocument, TelegramBadRequest(method=document, message=REFUSED)
            )
        opened = rw.market.wb.state.buyer_writes(
            WB_SELLER, text="Смотрите", uploads=[Upload("photo.jpg", JPEG)]
        )
        await rw.poll()
        requests = await rw.hw.deliver()

        thread = (await rw.chat(str(opened.chat_id))).topic_thread_id
        assert thread is not None
        posts = [
            r
            for r in requests
            if isinstance(r, SendMessage)
            and r.chat_id == GROUP_ID
            and r.message_thread_id == thread
        ]
        *_, named, report = posts
        assert named.text in says("outbox.file_as_text", name="photo.jpg")
        assert report.text in says("outbox.refused.file.wildberries", name="photo.jpg",
                                   reason=REFUSED)  # the WB portal  # fmt: skip
        assert report.text not in says("outbox.refused.file")  # not the Ozon wording
        assert "Ozon" not in report.text
        assert "wrong type of the web page content" in report.text
