"""Typed rows returned by the repositories (never raw asyncpg records).

Field names equal column names, so a repository selects exactly ``columns(Record)``.
Secrets are not part of any record in clear. A seller's encrypted key is kept out of
:class:`Seller`; only the records read for one poll or one delivery carry it
(:class:`PollContext`, :class:`ChatWithSeller`), out of their repr, so it reaches the vault
and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Any, Literal

Priority = Literal["urgent", "high", "normal", "low"]
PRIORITIES: tuple[Priority, ...] = ("urgent", "high", "normal", "low")


@dataclass(frozen=True, slots=True)
class Agent:
    id: int
    tg_user_id: int
    display_name: str
    username: str | None
    locale: str | None
    created_at: datetime
    last_seen_at: datetime | None


@dataclass(frozen=True, slots=True)
class Workspace:
    id: int
    tg_chat_id: int
    title: str
    state: Literal["pending", "active", "detached"]
    locale: Literal["ru", "en"]
    mark_read_in_marketplace: bool
    queue_board_message_id: int | None
    queue_board_hash: str | None
    queue_board_edited_at: datetime | None
    bound_by_tg_user_id: int | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class Member:
    workspace_id: int
    agent_id: int
    role: Literal["admin", "agent"]
    can_reply: bool
    role_checked_at: datetime
    created_at: datetime
    left_at: datetime | None = None
    can_send: bool = True


@dataclass(frozen=True, slots=True)
class Seller:
    id: int
    workspace_id: int
    marketplace: Literal["ozon", "wildberries"]
    name: str
    client_id: str
    state: Literal["active", "paused", "failing", "removed"]
    state_reason: str | None
    ai_instructions: str
    ai_tone: str
    auto_reply_enabled: bool
    auto_reply_intents: list[str]
    business_hours_enabled: bool
    timezone: str
    work_days: list[int]
    work_start: time
    work_end: time
    created_by_tg_user_id: int | None
    created_at: datetime
    updated_at: datetime
    auto_reply_counts: bool = False  # an automatic reply stops the SLA clock (/ai)
    idle_close_days: int | None = None  # resolve chats idle this long (None: never)


@dataclass(frozen=True, slots=True)
class SyncState:
    seller_id: int
    cursor: str | None
    last_attempt_at: datetime | None
    last_success_at: datetime | None
    consecutive_failures: int
    last_error: str | None
    next_attempt_at: datetime | None
    full_scan_at: datetime | None
    initial_sync_done_at: datetime | None
    health_notice: Literal["ok", "failing"]
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class PollContext:
    """What a poll starts from, read in one round trip: the seller, its sync state and its
    encrypted key (kept out of :class:`Seller` so it never travels with it; none once the
    seller is removed)."""

    seller: Seller
    state: SyncState
    api_key_encrypted: bytes | None = field(repr=False)


@dataclass(frozen=True, slots=True)
class Chat:
    id: int
    seller_id: int
    external_id: str
    chat_type: str
    status: Literal["open", "closed"]
    buyer_external_id: str | None
    buyer_name: str
    order_number: str | None
    posting_number: str | None
    sku: str | None
    product_title: str | None
    product_url: str | None
    priority: Priority
    sla_deadline: datetime | None
    reply_window_ends_at: datetime | None
    waiting_since: datetime | None
    unanswered_count: int
    last_message_external_id: str | None
    last_message_at: datetime | None
    last_buyer_message_at: datetime | None
    last_seller_message_at: datetime | None
    owner_agent_id: int | None
    topic_workspace_id: int | None
    topic_thread_id: int | None
    topic_name: str | None
    topic_icon: str | None
    topic_closed: bool
    context_posted: bool
    created_at: datetime
    updated_at: datetime
    resolved_at: datetime | None = None  # resolved without a reply, until the buyer writes
    topic_resolved: bool = False  # the topic's name shows the ✅ in Telegram


@dataclass(frozen=True, slots=True)
class ChatWithSeller:
    """A chat, its seller and what reaching the chat at the marketplace takes, read in one
    round trip by the deliveries that need all of it. The encrypted key stays out of
    :class:`Seller` (and out of repr); none once the seller is removed."""

    chat: Chat
    seller: Seller
    api_key_encrypted: bytes | None = field(repr=False)
    marketplace_data: dict[str, str]
    #: The group's shops (removed ones aside) and how many marketplaces they are on: a
    #: shop is named, and a marketplace badged, only in a group that has several.
    shops_in_group: int
    marketplaces_in_group: int


@dataclass(frozen=True, slots=True)
class ChatSyncFailure:
    """One chat whose history keeps failing: backed off on its own, reported once."""

    id: int
    seller_id: int
    external_id: str
    order_number: str | None
    topic_workspace_id: int | None
    topic_thread_id: int | None
    topic_name: str | None
    sync_failures: int
    sync_retry_at: datetime | None
    sync_error: str | None
    sync_reported: bool


@dataclass(frozen=True, slots=True)
class BuyerTurn:
    id: int
    chat_id: int
    kind: Literal["first", "next"]
    started_at: datetime
    priority: Priority
    matched_rule_id: int | None
    deadline: datetime | None
    hard_deadline: datetime | None
    buyer_message_count: int
    answered_at: datetime | None
    answered_via: Literal["bot", "cabinet", "auto", "resolved"] | None
    answered_by_agent_id: int | None
    warned_at: datetime | None
    escalated_at: datetime | None
    hard_breached_at: datetime | None
    auto_answered_at: datetime | None = None  # an automatic reply that is not an answer
    header_message_id: int | None = None
    header_tg_message_id: int | None = None


@dataclass(frozen=True, slots=True)
class Message:
    id: int
    chat_id: int
    external_id: str
    direction: Literal["in", "out"]
    author_type: str
    author_external_id: str | None
    source: Literal["marketplace", "bot", "cabinet"]
    agent_id: int | None
    turn_id: int | None
    text: str
    attachments: list[dict[str, Any]]
    sent_at: datetime
    tg_message_id: int | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class TgOutboxItem:
    id: int
    workspace_id: int
    chat_id: int | None
    message_id: int | None
    kind: str
    priority: int
    payload: dict[str, Any]
    dedup_key: str | None
    status: Literal["pending", "done", "failed"]
    attempts: int
    not_before: datetime
    lease_until: datetime | None
    last_error: str | None
    result: dict[str, Any] | None
    created_at: datetime
    done_at: datetime | None


@dataclass(frozen=True, slots=True)
class Suggestion:
    id: int
    chat_id: int
    turn_id: int | None
    text: str
    source: Literal["llm", "template"]
    model: str
    intent: str | None
    latency_ms: int | None
    guardrail_findings: list[dict[str, Any]]
    outcome: str
    tg_message_id: int | None
    decided_by_agent_id: int | None
    created_at: datetime
    decided_at: datetime | None
    buyer_message_count: int | None
    regenerated_from: int | None
    edit_prompt_message_id: int | None
    auto_send_at: datetime | None
    fallback_reason: str | None


@dataclass(frozen=True, slots=True)
class HeldReply:
    """An agent's reply a warning guardrail holds until the agent confirms it."""

    id: int
    workspace_id: int
    chat_id: int
    agent_id: int
    tg_chat_id: int
    tg_message_id: int
    text: str
    file: dict[str, Any] | None
    suggestion_id: int | None
    findings: list[dict[str, Any]]
    status: Literal["held", "confirmed", "cancelled"]
    created_at: datetime
    decided_at: datetime | None
    filled: bool = False  # template variables filled in: the receipt quotes the text


@dataclass(frozen=True, slots=True)
class ReplyItem:
    id: int
    chat_id: int
    idempotency_key: str
    origin: Literal["agent", "draft", "auto"]
    agent_id: int | None
    suggestion_id: int | None
    tg_chat_id: int | None
    tg_message_id: int | None
    kind: Literal["text", "file"]
    text: str
    file: dict[str, Any] | None
    status: Literal["pending", "sending", "unverified", "sent", "failed"]
    attempts: int
    not_before: datetime
    lease_until: datetime | None
    error_code: str | None
    error_detail: str | None
    marketplace_message_id: str | None
    created_at: datetime
    sent_at: datetime | None
    attempt_started_at: datetime | None
    filled: bool = False  # template variables filled in: the receipt quotes the text


@dataclass(frozen=True, slots=True)
class SlaRule:
    id: int
    seller_id: int
    position: int
    kind: str
    pattern: str | None
    threshold: int | None
    priority: Priority
    enabled: bool
    created_at: datetime


@dataclass(frozen=True, slots=True)
class SlaTarget:
    seller_id: int
    priority: Priority
    target_minutes: int
    hard_limit_minutes: int


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int
    at: datetime
    actor_tg_user_id: int
    action: str
    workspace_id: int | None
    seller_id: int | None
    details: dict[str, Any]


@dataclass(frozen=True, slots=True)
class GroupRequest:
    """A non-owner's /setup waiting for (or decided by) an owner."""

    id: int
    tg_chat_id: int
    title: str
    requested_by_tg_user_id: int
    state: Literal["pending", "approved", "rejected"]
    decided_by_tg_user_id: int | None
    created_at: datetime
    decided_at: datetime | None


@dataclass(frozen=True, slots=True)
class InternalNote:
    """A colleague's note in a buyer's topic: never sent to the buyer."""

    id: int
    chat_id: int
    agent_id: int | None
    tg_chat_id: int
    tg_message_id: int
    text: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class CannedReply:
    """A template admins keep for a shop (``seller_id``) or the whole group (``None``)."""

    id: int
    workspace_id: int
    seller_id: int | None
    name: str
    body: str
    file_kind: Literal["photo", "document"] | None
    file_id: str | None
    file_name: str | None
    created_by: int
    created_at: datetime
    updated_at: datetime
