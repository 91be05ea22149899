"""The buttons under a "could not verify this file" notice, one press at a time
(tests.support.handlers): who may decide, what each press answers, and that a decision is
taken once. The worker that posts the notice and resends is proven in
test_failure_handlers.py; here the row waits as ``unverified`` from the start."""

from __future__ import annotations

from aiogram.methods import EditMessageText

from bot.bridge.callbacks import ReplyCheckAction, ReplyCheckCallback
from storage.records import ReplyItem
from tests.support.handlers import BORIS, GLEB, GROUP_ID, VERA, HandlerWorld
from tests.support.texts import has, says

THREAD = 42
SEND = ReplyCheckAction.SEND_ANYWAY
DROP = ReplyCheckAction.DROP


async def unverified_photo(hw: HandlerWorld) -> ReplyItem:
    """An agent's photo whose upload broke off and that history cannot confirm."""
    chat = await hw.buyer_in_topic(THREAD)
    item, _ = await hw.db.replies.enqueue(
        chat_id=chat.id, idempotency_key=f"tg:{GROUP_ID}:7:file", origin="agent", kind="file",
        file={"tg_file_id": "photo-7", "name": "photo_7.jpg"}, tg_chat_id=GROUP_ID,
        tg_message_id=7,
    )  # fmt: skip
    await hw.db.replies.mark_sending(item_id=item.id)
    assert await hw.db.replies.mark_unverified(item_id=item.id, error_code="unverifiable")
    return item


async def status_of(hw: HandlerWorld, item: ReplyItem) -> str:
    return (await hw.db.replies.get(item_id=item.id)).status


async def test_someone_who_may_not_answer_buyers_cannot_decide(hw: HandlerWorld) -> None:
    item = await unverified_photo(hw)
    hw.in_group(GLEB, "left")  # not in the group, as Telegram tells it
    for action in (SEND, DROP):
        answer = await hw.press(GLEB, ReplyCheckCallback(a=action, id=item.id), chat_id=GROUP_ID)
        assert answer.show_alert is True
        assert has(answer.text, says("reply_check.answer.not_allowed"))
    assert await status_of(hw, item) == "unverified"
    assert await hw.deliver() == []  # the notice keeps its buttons


async def test_an_agent_decides_once_and_the_notice_says_who(hw: HandlerWorld) -> None:
    item = await unverified_photo(hw)
    answer = await hw.press(VERA, ReplyCheckCallback(a=SEND, id=item.id), chat_id=GROUP_ID)
    assert not answer.show_alert
    assert has(answer.text, says("reply_check.answer.send"))
    assert await status_of(hw, item) == "pending"  # the reply worker sends it once more

    again = await hw.press(BORIS, ReplyCheckCallback(a=DROP, id=item.id), chat_id=GROUP_ID)
    assert again.show_alert is True  # a second client, or a double press
    assert has(again.text, says("reply_check.answer.decided"))
    assert await status_of(hw, item) == "pending"

    [edited] = [r for r in await hw.deliver() if isinstance(r, EditMessageText)]
    assert edited.chat_id == GROUP_ID
    assert has(edited.text, says("reply_check.status.sent", who="Вера"))
    assert edited.reply_markup is None  # the buttons are gone


async def test_a_drop_marks_the_file_failed(hw: HandlerWorld) -> None:
    item = await unverified_photo(hw)
    answer = await hw.press(BORIS, ReplyCheckCallback(a=DROP, id=item.id), chat_id=GROUP_ID)
    assert has(answer.text, says("reply_check.answer.drop"))
    row = await hw.db.replies.get(item_id=item.id)
    assert (row.status, row.error_code) == ("failed", "dropped")


async def test_a_press_from_another_chat_finds_no_reply(hw: HandlerWorld) -> None:
    item = await unverified_photo(hw)
    answer = await hw.press(VERA, ReplyCheckCallback(a=SEND, id=item.id), chat_id=-100999)
    assert answer.show_alert is True
    assert has(answer.text, says("reply_check.answer.not_found"))
    assert await status_of(hw, item) == "unverified"
