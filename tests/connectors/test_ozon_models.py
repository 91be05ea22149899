"""Normalisation of what Ozon sends: ids, enum casing, v2/v3 shapes, timestamps."""

from datetime import UTC, datetime

import pytest

from connectors.ozon.models import (
    AuthorType,
    ChatMessage,
    ChatPage,
    ChatStatus,
    ChatSummary,
    ChatType,
    HistoryPage,
)

V3_ITEM = {
    "chat": {
        "created_at": "2025-09-14T08:07:19.581Z",
        "chat_id": "18b8e1f9-4ae7-461c-84ea-8e1f54d1a45e",
        "chat_status": "OPENED",
        "chat_type": "BUYER_SELLER",
    },
    "first_unread_message_id": "3000000000118021931",
    "last_message_id": "3000000000128004274",
    "unread_count": 2,
}


def test_v3_nested_item() -> None:
    chat = ChatSummary.model_validate(V3_ITEM)
    assert chat.chat_id == "18b8e1f9-4ae7-461c-84ea-8e1f54d1a45e"
    assert chat.status is ChatStatus.OPENED
    assert chat.type is ChatType.BUYER_SELLER
    assert chat.created_at == datetime(2025, 9, 14, 8, 7, 19, 581000, tzinfo=UTC)
    assert chat.first_unread_message_id == "3000000000118021931"
    assert chat.last_message_id == "3000000000128004274"
    assert chat.unread_count == 2
    assert chat.is_buyer_chat


def test_flat_v2_item_with_numeric_ids() -> None:
    chat = ChatSummary.model_validate(
        {
            "chat_id": "abc",
            "chat_status": "Opened",
            "chat_type": "Buyer_Seller",
            "first_unread_message_id": 3000000000118021931,
            "last_message_id": 3000000000128004274,
            "unread_count": 1,
        }
    )
    assert chat.first_unread_message_id == "3000000000118021931"  # exact, beyond 2^53
    assert chat.last_message_id == "3000000000128004274"
    assert chat.status is ChatStatus.OPENED
    assert chat.type is ChatType.BUYER_SELLER
    assert chat.created_at is None


@pytest.mark.parametrize("value", ["0", 0, "", None])
def test_first_unread_zero_means_none(value: object) -> None:
    item = {**V3_ITEM, "first_unread_message_id": value}
    assert ChatSummary.model_validate(item).first_unread_message_id is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("BUYER_SELLER", ChatType.BUYER_SELLER),
        ("Buyer_Seller", ChatType.BUYER_SELLER),
        ("buyer_seller", ChatType.BUYER_SELLER),
        ("Buyer_Seller_Select", ChatType.BUYER_SELLER_SELECT),
        ("SELLER_API_UPDATES", ChatType.SELLER_API_UPDATES),
        ("Seller_Support", ChatType.SELLER_SUPPORT),
        ("UNSPECIFIED", ChatType.UNSPECIFIED),
        ("SOMETHING_NEW_2027", ChatType.UNKNOWN),
    ],
)
def test_chat_type_variants(raw: str, expected: ChatType) -> None:
    chat = ChatSummary.model_validate({"chat_id": "c", "chat_type": raw})
    assert chat.type is expected
    assert chat.is_buyer_chat is (
        expected in (ChatType.BUYER_SELLER, ChatType.BUYER_SELLER_SELECT)
    )


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("OPENED", ChatStatus.OPENED),
        ("Opened", ChatStatus.OPENED),
        ("closed", ChatStatus.CLOSED),
        ("UNSPECIFIED", ChatStatus.UNSPECIFIED),
        ("ARCHIVED", ChatStatus.UNKNOWN),
    ],
)
def test_chat_status_variants(raw: str, expected: ChatStatus) -> None:
    assert ChatSummary.model_validate({"chat_id": "c", "chat_status": raw}).status is expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Customer", AuthorType.CUSTOMER),
        ("customer", AuthorType.CUSTOMER),
        ("CUSTOMER", AuthorType.CUSTOMER),
        ("\u0421ustomer", AuthorType.CUSTOMER),  # Cyrillic С as in Ozon's own examples
        ("Seller", AuthorType.SELLER),
        ("seller", AuthorType.SELLER),
        ("NotificationUser", AuthorType.NOTIFICATION_USER),
        ("NOTIFICATION_USER", AuthorType.NOTIFICATION_USER),
        ("ChatBot", AuthorType.CHAT_BOT),
        ("Support", AuthorType.SUPPORT),
        ("Crm", AuthorType.CRM),
        ("Courier", AuthorType.COURIER),
        ("Martian", AuthorType.UNKNOWN),
    ],
)
def test_author_type_variants(raw: str, expected: AuthorType) -> None:
    msg = ChatMessage.model_validate(
        {"message_id": "1", "user": {"id": "1", "type": raw}, "created_at": "2025-01-01T00:00:00Z"}
    )
    assert msg.author_type is expected
    assert msg.is_from_buyer is (expected is AuthorType.CUSTOMER)
    assert msg.is_from_seller is (expected is AuthorType.SELLER)


@pytest.mark.parametrize(
    ("raw", "expected"), [(True, True), ("true", True), (False, False), ("false", False)]
)
def test_has_next_bool_or_string(raw: object, expected: bool) -> None:
    page = ChatPage.model_validate(
        {"chats": [V3_ITEM], "has_next": raw, "cursor": "30000002342123123"}
    )
    assert page.has_next is expected
    assert page.cursor == "30000002342123123"
    assert len(page.chats) == 1


def test_numeric_cursor_and_string_counters() -> None:
    page = ChatPage.model_validate(
        {"chats": [], "cursor": 30000002342123123, "has_next": True, "total_unread_count": "7"}
    )
    assert page.cursor == "30000002342123123"
    assert page.total_unread_count == 7


def test_last_page_empty_cursor_is_none() -> None:
    page = ChatPage.model_validate(
        {"chats": [], "total_unread_count": 2, "cursor": "", "has_next": False}
    )
    assert page.cursor is None
    assert page.total_unread_count == 2
    assert page.chats == []


def test_history_message_full() -> None:
    page = HistoryPage.model_validate(
        {
            "has_next": "false",
            "messages": [
                {
                    "message_id": 3000000000817031950,
                    "user": {"id": 115568, "type": "Customer"},
                    "created_at": "2025-09-14T11:08:02.101+03:00",
                    "is_read": False,
                    "is_image": True,
                    "moderate_image_status": "SUCCESS",
                    "data": ["![](https://api-seller.ozon.ru/v2/chat/file/messenger/3e1b.jpg)"],
                    "context": {"order_number": "47873153-0052", "sku": 987654321},
                }
            ],
        }
    )
    assert page.has_next is False
    msg = page.messages[0]
    assert msg.message_id == "3000000000817031950"
    assert msg.author_id == "115568"
    assert msg.created_at == datetime(2025, 9, 14, 8, 8, 2, 101000, tzinfo=UTC)
    assert msg.created_at.tzinfo is UTC
    assert msg.is_image
    assert msg.moderate_image_status == "SUCCESS"
    assert msg.order_number == "47873153-0052"
    assert msg.sku == "987654321"
    assert msg.content.images == ["https://api-seller.ozon.ru/v2/chat/file/messenger/3e1b.jpg"]
    assert msg.content.text == ""


def test_history_message_empty_context_and_naive_time() -> None:
    msg = ChatMessage.model_validate(
        {
            "message_id": "5",
            "user": {"id": "2077", "type": "Seller"},
            "created_at": "2025-09-14T08:15:40",
            "moderate_image_status": "",
            "data": ["Здравствуйте! Да, подойдёт."],
            "context": {"order_number": "", "sku": ""},
        }
    )
    assert msg.sku is None
    assert msg.order_number is None
    assert msg.moderate_image_status is None
    assert msg.created_at == datetime(2025, 9, 14, 8, 15, 40, tzinfo=UTC)
    assert msg.content.text == "Здравствуйте! Да, подойдёт."


def test_nanosecond_timestamp_is_accepted() -> None:
    msg = ChatMessage.model_validate(
        {"message_id": "1", "created_at": "2025-09-14T08:07:19.581123456Z", "data": []}
    )
    assert msg.created_at.tzinfo is UTC
    assert msg.created_at.microsecond == 581123
    assert msg.author_type is AuthorType.UNKNOWN


def test_v2_message_without_context() -> None:
    msg = ChatMessage.model_validate(
        {
            "messageId": 77,
            "user": {"id": "1", "type": "customer"},
            "created_at": "2024-01-01T00:00:00Z",
            "data": "plain",
        }
    )
    assert msg.message_id == "77"
    assert msg.data == ["plain"]
    assert msg.sku is None
    assert msg.is_from_buyer
