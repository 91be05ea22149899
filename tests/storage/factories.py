"""Small async builders for repository tests: one call per row, sensible defaults.

Every builder goes through the public repository API (never raw SQL), so a test that
uses them also exercises the happy path of the methods it relies on.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from storage.database import Database
from storage.records import Agent, BuyerTurn, Chat, Message, Seller, Workspace

TG_CHAT_ID = -100123
TG_USER_ID = 7001
WORKSPACE_TITLE = "Ozon support"
CLIENT_ID = "1001"
SELLER_NAME = "Shop"
ENCRYPTED_KEY = b"encrypted"
CHAT_EXTERNAL_ID = "chat-1"
AGENT_NAME = "Anna"

# A fixed, timezone-aware reference instant: tests compute every time from it.
T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def at(minutes: float = 0, *, seconds: float = 0) -> datetime:
    """``T0`` shifted by a number of minutes (and seconds)."""
    return T0 + timedelta(minutes=minutes, seconds=seconds)


async def make_agent(
    db: Database,
    *,
    tg_user_id: int = TG_USER_ID,
    display_name: str = AGENT_NAME,
    username: str | None = None,
) -> Agent:
    return await db.agents.upsert(
        tg_user_id=tg_user_id, display_name=display_name, username=username
    )


async def make_workspace(
    db: Database,
    *,
    tg_chat_id: int = TG_CHAT_ID,
    title: str = WORKSPACE_TITLE,
    bound_by_tg_user_id: int = TG_USER_ID,
    locale: str = "ru",
) -> Workspace:
    return await db.workspaces.bind(
        tg_chat_id=tg_chat_id,
        title=title,
        bound_by_tg_user_id=bound_by_tg_user_id,
        locale=locale,
    )


async def make_seller(
    db: Database,
    workspace: Workspace,
    *,
    client_id: str = CLIENT_ID,
    marketplace: str = "ozon",
    name: str = SELLER_NAME,
    api_key_encrypted: bytes = ENCRYPTED_KEY,
    created_by_tg_user_id: int | None = TG_USER_ID,
) -> Seller:
    return await db.sellers.create(
        workspace_id=workspace.id,
        marketplace=marketplace,
        name=name,
        client_id=client_id,
        api_key_encrypted=api_key_encrypted,
        created_by_tg_user_id=created_by_tg_user_id,
    )


async def make_chat(
    db: Database,
    seller: Seller,
    *,
    external_id: str = CHAT_EXTERNAL_ID,
    **fields: Any,
) -> Chat:
    chat, _created = await db.chats.upsert(seller_id=seller.id, external_id=external_id, **fields)
    return chat


async def make_message(
    db: Database,
    chat: Chat,
    *,
    external_id: str = "1",
    direction: str = "in",
    author_type: str | None = None,
    text: str = "Здравствуйте",
    sent_at: datetime | None = None,
    **fields: Any,
) -> Message:
    if author_type is None:
        author_type = "customer" if direction == "in" else "seller"
    message = await db.messages.insert(
        chat_id=chat.id,
        external_id=external_id,
        direction=direction,
        author_type=author_type,
        text=text,
        sent_at=T0 if sent_at is None else sent_at,
        **fields,
    )
    assert message is not None, f"message {external_id} already exists in chat {chat.id}"
    return message


async def make_turn(
    db: Database,
    chat: Chat,
    *,
    started_at: datetime = T0,
    kind: str = "first",
    priority: str = "normal",
    deadline: datetime | None = None,
    hard_deadline: datetime | None = None,
) -> BuyerTurn:
    turn, _opened = await db.turns.open_or_extend(
        chat_id=chat.id,
        at=started_at,
        kind=kind,
        priority=priority,
        deadline=deadline,
        hard_deadline=hard_deadline,
    )
    return turn


async def make_seller_with_chat(
    db: Database, *, client_id: str = CLIENT_ID, tg_chat_id: int = TG_CHAT_ID
) -> tuple[Workspace, Seller, Chat]:
    """The usual fixture chain: a workspace, its seller and one buyer chat."""
    workspace = await make_workspace(db, tg_chat_id=tg_chat_id)
    seller = await make_seller(db, workspace, client_id=client_id)
    chat = await make_chat(db, seller)
    return workspace, seller, chat
