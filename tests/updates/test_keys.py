"""Which updates are serialised together: one topic in order, topics and chats apart."""

from __future__ import annotations

from typing import Any

import pytest

from bot.updates.keys import chat_key
from bot.updates.notice import failure_notice

GROUP = {"id": -1001, "type": "supergroup", "title": "Поддержка", "is_forum": True}
PRIVATE = {"id": 42, "type": "private", "first_name": "Анна"}
PERSON = {"id": 42, "is_bot": False, "first_name": "Анна"}


def _message(chat: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"message_id": 7, "date": 1, "chat": chat, "from": PERSON, "text": "x", **extra}


def _callback(**extra: Any) -> dict[str, Any]:
    return {"id": "c", "from": PERSON, "chat_instance": "i", **extra}


IN_TOPIC = {"message_thread_id": 5, "is_topic_message": True}

CASES = [
    ({"update_id": 1, "message": _message(GROUP, **IN_TOPIC)}, "chat:-1001:topic:5"),
    ({"update_id": 2, "edited_message": _message(GROUP, **IN_TOPIC)}, "chat:-1001:topic:5"),
    ({"update_id": 3, "message": _message(GROUP)}, "chat:-1001"),
    # A reply thread in a group that is not a forum is not a topic: the chat orders it.
    ({"update_id": 4, "message": _message(GROUP, message_thread_id=9)}, "chat:-1001"),
    ({"update_id": 5, "message": _message(PRIVATE)}, "chat:42"),
    (
        {"update_id": 6, "callback_query": _callback(message=_message(GROUP, **IN_TOPIC))},
        "chat:-1001:topic:5",
    ),
    ({"update_id": 7, "callback_query": _callback(inline_message_id="m")}, "callback_query:7"),
    ({"update_id": 8, "my_chat_member": {"chat": GROUP, "from": PERSON}}, "chat:-1001"),
    ({"update_id": 9, "chat_member": {"chat": GROUP, "from": PERSON}}, "chat:-1001"),
    ({"update_id": 10, "inline_query": {"id": "q", "from": PERSON}}, "inline_query:10"),
    ({"update_id": 11, "poll": {"id": "p"}}, "poll:11"),
]


@pytest.mark.parametrize(("update", "expected"), CASES)
def test_chat_key(update: dict[str, Any], expected: str) -> None:
    assert chat_key(update) == expected


def test_topics_of_one_group_are_different_keys() -> None:
    one = chat_key({"update_id": 1, "message": _message(GROUP, **IN_TOPIC)})
    other = {"message_thread_id": 6, "is_topic_message": True}
    two = chat_key({"update_id": 2, "message": _message(GROUP, **other)})
    assert one != two


def test_failure_notice_replies_in_the_topic_of_the_message() -> None:
    notice = failure_notice({"update_id": 1, "message": _message(GROUP, **IN_TOPIC)})
    assert notice is not None
    assert (notice.chat_id, notice.thread_id, notice.reply_to) == (-1001, 5, 7)
    assert notice.key == "updates.failed_message"


def test_failure_notice_for_a_button_goes_to_its_topic_without_a_reply() -> None:
    update = {"update_id": 1, "callback_query": _callback(message=_message(GROUP, **IN_TOPIC))}
    notice = failure_notice(update)
    assert notice is not None
    assert (notice.chat_id, notice.thread_id, notice.reply_to) == (-1001, 5, None)
    assert notice.key == "updates.failed_button"


def test_no_failure_notice_where_nobody_would_see_it() -> None:
    assert failure_notice({"update_id": 1, "my_chat_member": {"chat": GROUP}}) is None


def test_a_private_failure_notice_knows_the_persons_language() -> None:
    english = {**PERSON, "language_code": "en-US"}
    notice = failure_notice({"update_id": 1, "message": {**_message(PRIVATE), "from": english}})
    assert notice is not None
    assert (notice.chat_type, notice.language_code) == ("private", "en-US")
    button = {"update_id": 2, "callback_query": {**_callback(message=_message(PRIVATE)),
                                                 "from": english}}  # fmt: skip
    pressed = failure_notice(button)
    assert pressed is not None and pressed.language_code == "en-US"
