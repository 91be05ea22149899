"""A table of bad inputs, each with the answer a person gets and proof nothing was lost,
changed or leaked: tampered, replayed and foreign callback data; a forged update for
another chat; HTML injection wherever marketplace or user text is shown; oversized
arguments to every command; junk at the push endpoint. (A second /setup racing the first:
tests/security/test_group_binding_handlers.py.)"""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from aiogram.methods import SendMessage
from pydantic import SecretStr

from bot.access import AccessControl
from bot.admin.callbacks import GroupAccess, PushUrl, SellerAction, UnbindGroup
from bot.admin.owner_requests import request_text
from bot.admin.sellers import SellerCard, card_text
from bot.app import build_bot
from bot.bridge.agent_messages import IncomingMessage, Outcome, accept_agent_message
from bot.bridge.render import ChatContext, context_header, message_posts
from sandbox.telegram import TelegramEmulator
from storage.database import Database
from storage.records import GroupRequest, Seller, SyncState, Workspace
from tests.security.test_push_endpoint import (
    LOOPBACK,
    OZON,
    Endpoint,
    buyer_push,
    open_endpoint,
)
from tests.storage.factories import make_seller_with_chat
from tests.support.drafting import sync_once
from tests.support.handlers import BORIS, GROUP_ID, OWNER, HandlerWorld, texts
from tests.support.texts import said, says
from tests.support.world import CLIENT_ID

INJECTED = '<b>x</b><script>alert(1)</script><a href="tg://x">y</a> & <i'
NOW = datetime(2026, 12, 1, tzinfo=UTC)

# ------------------------------------------------------------------ callback data

# label → (callback data a modified client sends, who sends it, the text key they are told)
CALLBACKS: dict[str, tuple[Callable[[Any], str], str, str]] = {
    "garbage": (lambda ids: "ga1:not-a-number:1", "owner", "wizard.outdated"),
    "unknown prefix": (lambda ids: "zz9:1:2", "boris", "wizard.outdated"),
    "approve by a group admin": (
        lambda ids: GroupAccess(request_id=ids["request"], approve=1).pack(), "boris",
        "security.owners_only",
    ),
    "approve replayed": (
        lambda ids: GroupAccess(request_id=ids["decided"], approve=1).pack(), "owner",
        "security.request.already_decided",
    ),
    "approve of no request": (
        lambda ids: GroupAccess(request_id=999_999, approve=1).pack(), "owner",
        "security.request.already_decided",
    ),
    "unbind by a group admin": (
        lambda ids: UnbindGroup(workspace_id=ids["workspace"]).pack(), "boris",
        "security.owners_only",
    ),
    "another group's shop": (
        lambda ids: SellerAction(action="pause", seller_id=ids["foreign"]).pack(), "boris",
        "refused",
    ),
    "another group's push URL": (
        lambda ids: PushUrl(action="rotate", seller_id=ids["foreign"]).pack(), "boris",
        "refused",
    ),
}  # fmt: skip


@pytest.mark.parametrize("label", list(CALLBACKS))
async def test_bad_callback_data_is_refused_and_changes_nothing(
    hw: HandlerWorld, label: str
) -> None:
    workspace = await hw.bound_group()
    await hw.add_seller(workspace)
    foreign_ws = await hw.db.workspaces.bind(tg_chat_id=-1009, title="Чужая",
                                             bound_by_tg_user_id=OWNER.id)  # fmt: skip
    foreign = await hw.db.sellers.create(
        workspace_id=foreign_ws.id, marketplace="ozon", name="Чужой", client_id="555",
        api_key_encrypted=hw.vault.encrypt(SecretStr("k" * 20)),
    )  # fmt: skip
    request, _ = await hw.db.group_requests.ask(tg_chat_id=-1010, title="Ждёт",
                                                requested_by_tg_user_id=BORIS.id)  # fmt: skip
    decided, _ = await hw.db.group_requests.ask(tg_chat_id=-1011, title="Решена",
                                                requested_by_tg_user_id=BORIS.id)  # fmt: skip
    await hw.db.group_requests.decide(request_id=decided.id, approve=False,
                                      decided_by_tg_user_id=OWNER.id)  # fmt: skip
    ids = {"request": request.id, "decided": decided.id, "workspace": workspace.id,
           "foreign": foreign.id}  # fmt: skip
    build, who, told = CALLBACKS[label]
    person = OWNER if who == "owner" else BORIS
    before = await _snapshot(hw.db)

    answer = await hw.press(person, build(ids))

    assert answer.show_alert and answer.text in says(told)
    assert await _snapshot(hw.db) == before
    assert await hw.deliver() == []  # nothing queued for anyone either


async def _snapshot(db: Database) -> tuple[Any, ...]:
    return (
        [(w.id, w.state, w.bound_by_tg_user_id) for w in await db.workspaces.list_all(
            only_active=False)],
        [(s.id, s.state) for s in await db.sellers.list_all()],
        await db.pool.fetchval("SELECT string_agg(push_token_hash, ',') FROM sellers"),
        await db.pool.fetch("SELECT id, state FROM group_requests ORDER BY id"),
        await db.pool.fetchval("SELECT count(*) FROM audit_log"),
    )  # fmt: skip


# ------------------------------------------------------------------ forged updates


async def test_a_forged_update_with_another_chat_id_reaches_no_buyer(db: Database) -> None:
    """A topic message claiming to be in a group we do not serve, with the thread id of one
    of our topics: it is not taken for a reply in our topic."""
    async with TelegramEmulator(port=0) as tg:
        tg.create_bot(token="123:abc", username="b")
        workspace, _, chat = await make_seller_with_chat(db, tg_chat_id=-100111)
        await db.chats.set_topic(chat_id=chat.id, workspace_id=workspace.id, thread_id=77,
                                 name="t")  # fmt: skip
        bot = build_bot("123:abc", tg.base_url)
        try:
            access = AccessControl(db=db, bot=bot, owner_ids={5})
            forged = IncomingMessage(
                tg_chat_id=-100999, message_id=1, thread_id=77, is_topic_message=True,
                sender_id=5, sender_is_bot=False, sender_name="Owner", sender_username=None,
                sender_chat_id=None, text="Здравствуйте",
            )  # fmt: skip
            decision = await accept_agent_message(db, access, forged)
        finally:
            await bot.session.close()
    assert decision.outcome is Outcome.IGNORED
    assert await db.pool.fetchval("SELECT count(*) FROM reply_outbox") == 0


# ------------------------------------------------------------------ HTML injection


def _card(name: str, title: str) -> SellerCard:
    seller = Seller(
        id=1, workspace_id=1, marketplace="ozon", name=name, client_id=INJECTED,
        state="active", state_reason=None, ai_instructions="", ai_tone="",
        auto_reply_enabled=False, auto_reply_intents=[], business_hours_enabled=False,
        timezone="Europe/Moscow", work_days=[1], work_start=NOW.time(),
        work_end=NOW.replace(hour=21).time(), created_by_tg_user_id=None, created_at=NOW,
        updated_at=NOW,
    )  # fmt: skip
    workspace = Workspace(
        id=1, tg_chat_id=-1, title=title, state="active", locale="ru",
        mark_read_in_marketplace=True, queue_board_message_id=None, queue_board_hash=None,
        queue_board_edited_at=None, bound_by_tg_user_id=None, created_at=NOW, updated_at=NOW,
    )  # fmt: skip
    sync = SyncState(
        seller_id=1, cursor=None, last_attempt_at=None, last_success_at=None,
        consecutive_failures=0, last_error=None, next_attempt_at=None, full_scan_at=None,
        initial_sync_done_at=None, health_notice="ok", updated_at=NOW,
    )  # fmt: skip
    return SellerCard(seller, workspace, sync, 0)


RENDERED: dict[str, Callable[[], str]] = {
    "buyer text": lambda: message_posts(author_type="customer", body=INJECTED, locale="ru")[0],
    "shop name in a topic": lambda: context_header(
        ChatContext(None, None, None, None, INJECTED), "ru"),
    "order and posting numbers": lambda: context_header(
        ChatContext(INJECTED, INJECTED, None, None, None), "ru"),
"product link": lambda: context_header(ChatContext(None, None, "1", INJECTED, None), "ru"),
    "shop name and group title in /sellers": lambda: card_text(_card(INJECTED, INJECTED), "ru"),
    "group title and requester in a bind request": lambda: request_text(
        GroupRequest(1, -1, INJECTED, 2, "pending", None, NOW, None), INJECTED, "ru"),
}  # fmt: skip


@pytest.mark.parametrize("label", list(RENDERED))
def test_injected_markup_is_shown_escaped(label: str) -> None:
    shown = RENDERED[label]()
    assert (
        "<script>" not in shown
        and "<b>x</b>" not in shown
        and "<i" not in shown.replace("<i>", "").replace("</i>", "")
    )  # the template's own italics are fine, the injected one is not
    assert html.escape("<script>") in shown or html.escape("<b>") in shown


async def test_injected_markup_from_a_buyer_arrives_as_text(hw: HandlerWorld) -> None:
    """Through one sync pass and the outbox, every request checked against the Bot API spec
    (its HTML parsed as Telegram does): the buyer's markup is sent escaped and no post was
    refused for bad markup."""
    seller = await hw.add_seller(await hw.bound_group())
    external_id, _ = hw.ozon.state.buyer_writes(CLIENT_ID, text=INJECTED, order_number="<b>1</b>")
    requests = await sync_once(hw, seller.id)
    chat = await hw.db.chats.get_by_external(seller_id=seller.id, external_id=external_id)
    [shown, *_] = [
        r
        for r in requests
        if isinstance(r, SendMessage) and r.message_thread_id == chat.topic_thread_id
    ]
    # What the bot sent is HTML: the buyer's markup only ever as escaped text.
    assert html.escape(INJECTED) in shown.text and html.escape("<b>1</b>") in shown.text
    assert "<script>" not in shown.text
    outcomes = await hw.db.pool.fetch("SELECT status, last_error FROM tg_outbox")
    assert outcomes and {(r["status"], r["last_error"]) for r in outcomes} == {("done", None)}


# ------------------------------------------------------------------ oversized inputs

LONG = "я" * 4000  # near Telegram's 4096-character message limit

PRIVATE_COMMANDS = ["/start", "/help", "/add_seller", "/sellers", "/agents", "/ai", "/groups",
                    "/cancel", "/setup"]  # fmt: skip
GROUP_COMMANDS = ["/setup", "/help", "/queue", "/stats", "/rules", "/targets", "/hours",
                  "/sellers", "/add_seller", "/agents", "/ai", "/assign"]  # fmt: skip


def _answered_briefly(sent: list[str]) -> bool:
    """Answers that quote none of the long argument, fit one message and are no crash."""
    return all(LONG not in t and len(t) <= 4096 for t in sent) and not said(
        sent, says("updates.unexpected")
    )


@pytest.mark.parametrize("command", PRIVATE_COMMANDS)
async def test_an_oversized_private_command_gets_an_answer(hw: HandlerWorld, command: str) -> None:
    await hw.bound_group()
    requests = await hw.say(BORIS, f"{command} {LONG}")  # a handler failing raises here
    sent = texts(requests + await hw.deliver(), BORIS.id)
    assert sent, command
    assert _answered_briefly(sent), sent


@pytest.mark.parametrize("command", GROUP_COMMANDS)
async def test_an_oversized_group_command_is_handled(hw: HandlerWorld, command: str) -> None:
    await hw.bound_group()
    requests = await hw.say(BORIS, f"{command} {LONG}", GROUP_ID)
    assert _answered_briefly(texts(requests + await hw.deliver()))


# ------------------------------------------------------------------ the push endpoint

PUSHES: dict[str, tuple[Callable[[str], str], dict[str, Any], int, str]] = {
    "wrong token": (lambda t: "w" * len(t), {"json": buyer_push()}, 404, "ERROR_UNKNOWN"),
    "no token": (lambda t: "", {"json": buyer_push()}, 404, "ERROR_UNKNOWN"),
    "huge body": (lambda t: t, {"content": b"{" + b" " * 300_000 + b"}"}, 413, "ERROR_UNKNOWN"),
    "malformed JSON": (lambda t: t, {"content": b"{"}, 400, "ERROR_PARAMETER_VALUE_MISSED"),
    "not an object": (lambda t: t, {"json": "x"}, 400, "ERROR_PARAMETER_VALUE_MISSED"),
    "no message_type": (lambda t: t, {"json": {"x": 1}}, 400, "ERROR_PARAMETER_VALUE_MISSED"),
    "foreign address": (lambda t: t, {"json": buyer_push(),
                                      "headers": {"X-Forwarded-For": "8.8.8.8"}}, 403,
                        "ERROR_UNKNOWN"),
}  # fmt: skip


@pytest.mark.parametrize("label", list(PUSHES))
async def test_a_bad_push_is_answered_as_ozon_expects_and_polls_nothing(
    db: Database, label: str
) -> None:
    forwarded = label == "foreign address"
    opened: Endpoint = await open_endpoint(
        db, networks=OZON if forwarded else LOOPBACK, proxies=LOOPBACK if forwarded else ()
    )
    try:
        token = (await opened.tokens.current(opened.seller.id)).get_secret_value()
        path, request, status, code = PUSHES[label]
        async with httpx.AsyncClient() as http:
            answer = await http.post(opened.url(path(token)).rstrip("/"), **request)
        assert answer.status_code == status
        assert answer.json()["error"]["code"] == code
        await opened.trigger.drain()
        assert opened.polled == []
    finally:
        await opened.server.stop()
