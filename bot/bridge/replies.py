"""Agent replies toward the marketplace: the one consumer of the ``reply_outbox`` queue.

A reply reaches the buyer at most once, and a chat's replies reach it in the order they
were queued. The claim hands out only each chat's head row, so a chat sends one reply at a
time while chats send in parallel. The row is switched to ``sending`` (committed, with the
attempt's start) before the marketplace call; if the process dies or the call's outcome is
unknown, the next attempt finds ``sending`` and first looks in the chat's history after
that start: text by its text, a document by its name, an image (Ozon shows no name) as the
one seller image not known as another reply. A file history cannot settle waits as
``unverified`` with a notice asking a person to send it anyway or drop it; nothing is
resent blindly.

Each outcome commits with its consequences: sent + turn closed + 👍 queued; failed + the
reason queued. Attempts are capped; what can never succeed fails at once. Both notices and
reactions go through the Telegram queue (budget, durability).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest

from bot.bridge.reply_checks import ReplyCheckPosting
from bot.log_context import log_ids
from bot.outbox.kinds import Kind, Reaction, ReplyCheck
from bot.outbox.loop import KickableLoop
from bot.outbox.queue import enqueue, enqueue_notice
from bot.outbox.worker import OutboxWorker
from bot.retry import backoff
from bot.seller_api import SellerApis
from bot.texts import for_marketplace, text
from connectors.errors import (
    AuthFailed,
    BadRequest,
    ChatClosed,
    ChatNotFound,
    MarketplaceError,
    MarketplaceUnavailable,
    PremiumRequired,
    RateLimited,
    ReplyWindowExpired,
    SendOutcomeUnknown,
)
from connectors.marketplace.matching import Delivery, Verdict
from connectors.marketplace.port import ChatRef, OutgoingFile, SellerChannel, SentReply
from connectors.marketplace.rules import MB, FileProblem, Rules, check_file, content_type_of
from storage.database import Database
from storage.records import Chat, ChatWithSeller, ReplyItem, Seller
from storage.sql import Executor
from storage.tg_outbox_repo import PRIORITY_AGENT_FEEDBACK
from storage.vault import VaultError

logger = logging.getLogger(__name__)

RECEIPT_EMOJI = "👍"
CLOCK_SKEW = timedelta(seconds=5)
MAX_ATTEMPTS = 8
RETRY_BASE = timedelta(seconds=4)  # 4 s, 8 s, … 5 min between attempts
# The Bot API's getFile refuses files over 20 MB ("file is too big"): such a reply can never
# be fetched, so it fails at once instead of being retried.
TELEGRAM_DOWNLOAD_LIMIT = 20 * 1024 * 1024
_SELLER_STATES_REFUSED = {"paused": "seller_paused", "removed": "seller_removed"}
#: A rate limit this long is an hourly budget: wait for its reset instead of retrying.
BUDGET_WAIT_SECONDS = 30.0
_REFUSALS: tuple[tuple[type[Exception], str], ...] = (
    (ReplyWindowExpired, "window_closed"),
    (ChatClosed, "chat_closed"),
    (ChatNotFound, "chat_not_found"),
    (AuthFailed, "seller_key"),
    (PremiumRequired, "seller_key"),
    (VaultError, "seller_key"),
    (BadRequest, "rejected"),
)


class FileTooBig(Exception):
    """The agent's file is beyond what a bot may download from Telegram."""


def is_too_big(exc: TelegramBadRequest) -> bool:
    return "file is too big" in exc.message.lower()


def sent_reply(item: ReplyItem) -> SentReply:
    """What to look for in the chat to know whether ``item`` reached the buyer."""
    if item.kind == "text":
        return SentReply("text", text=item.text)
    return SentReply("file", file_name=file_name(item))


def file_rule_values(rules: Rules, broken: FileProblem, name: str, size: int) -> dict[str, str]:
    """What ``marketplace.file.<rule>`` says: the marketplace, its rule, the file (plain
    text: the notice escapes it)."""
    files = rules.files
    limit = files.max_total_bytes if broken is FileProblem.TOTAL else files.max_file_bytes
    return {
        "marketplace": rules.display_name,
        "types": ", ".join(files.allowed_labels),
        "name": name,
        "limit": f"{(limit or 0) / MB:g}",
        "size": f"{size / MB:.1f}",
    }


def file_name(item: ReplyItem) -> str:
    return str((item.file or {}).get("name", ""))


class ReplyWorker:
    def __init__(
        self,
        *,
        db: Database,
        bot: Bot,
        apis: SellerApis,
        delivery: OutboxWorker,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        idle_seconds: float = 0.2,
        max_attempts: int = MAX_ATTEMPTS,
        on_sent: Callable[[ReplyItem, datetime], None] | None = None,
    ) -> None:
        self._db = db
        self._bot = bot
        self._apis = apis
        self._on_sent = on_sent  # metrics: the reply's time from queued to accepted
        self._delivery = delivery
        self._clock = clock
        self._max_attempts = max_attempts
        self._loop = KickableLoop(
            name="marketplace-replies", round=self.run_once, idle_seconds=idle_seconds
        )
        delivery.register(Kind.REPLY_CHECK, ReplyCheckPosting(db=db, delivery=delivery).post)

    def kick(self) -> None:
        self._loop.kick()

    @property
    def loop(self) -> KickableLoop:
        return self._loop

    async def start(self) -> None:
        """Take back what a stopped process left in flight (at once, not after the lease;
        each such row is verified against history before any resend), then run."""
        freed = await self._db.instances.release_dead_claims("reply_outbox")
        if freed:
            logger.info("took back %d reply(ies) claimed by a stopped process", freed)
        await self._loop.start()

    async def stop(self) -> None:
        await self._loop.stop()

    async def run_once(self) -> int:
        """One head row per chat: the chats of a round send in parallel."""
        items = await self._db.replies.claim(
            now=self._clock(), limit=10, claimed_by=self._db.instance_id
        )
        await asyncio.gather(*(self._guarded(item) for item in items))
        return len(items)

    async def _guarded(self, item: ReplyItem) -> None:
        try:
            with log_ids(reply_id=item.id, chat_id=item.chat_id):
                await self._process(item)
        except Exception:  # e.g. a database hiccup: counts toward the cap, never forever
            logger.exception("reply=%d: unexpected failure", item.id)
            current = await self._db.replies.get(item_id=item.id)
            await self._retry(
                item, outcome_unknown=current.status == "sending", reason="unexpected"
            )

    async def _process(self, item: ReplyItem) -> None:
        found = await self._db.chats.with_seller(chat_id=item.chat_id)
        with log_ids(seller_id=found.seller.id):
            await self._process_for(item, found)

    async def _process_for(self, item: ReplyItem, found: ChatWithSeller) -> None:
        chat, seller = found.chat, found.seller
        refused_state = _SELLER_STATES_REFUSED.get(seller.state)
        if refused_state is not None:
            await self._refuse(item, chat, seller, refused_state)
            return
        try:
            await self._attempt(item, found)
        except (MarketplaceError, VaultError, FileTooBig, TelegramAPIError) as exc:
            await self._settle_error(item, chat, seller, exc)

    async def _attempt(self, item: ReplyItem, found: ChatWithSeller) -> None:
        chat, seller = found.chat, found.seller
        api = await self._apis.for_seller(seller, encrypted_key=found.api_key_encrypted)
        ref = await self._apis.chat_ref(chat, extra=found.marketplace_data)
        if item.status == "sending":
            verdict = await self._verify(api, ref, chat, item)
            if verdict.outcome is Delivery.FOUND:
                await self._succeeded(item, chat, marketplace_message_id=verdict.message_id)
                return
            if verdict.outcome is Delivery.AMBIGUOUS:
                await self._unverified(item, chat)
                return
        content = await self._download(item) if item.kind == "file" else b""
        mime = content_type_of(file_name(item), content) if item.kind == "file" else ""
        broken = (
            check_file(api.rules.files, content_type=mime, size=len(content))
            if item.kind == "file"
            else None
        )
        if broken is not None:
            # Refused here, before any call: the marketplace would refuse it anyway.
            await self._refuse(
                item,
                chat,
                seller,
                "file_rule",
                detail_key=f"marketplace.file.{broken.value}",
                detail_values=file_rule_values(api.rules, broken, file_name(item), len(content)),
            )
            return
        await self._db.replies.mark_sending(item_id=item.id, at=self._clock())
        await self._send(api, ref, item, content, mime)
        await self._succeeded(item, chat)

    async def _settle_error(
        self, item: ReplyItem, chat: Chat, seller: Seller, exc: Exception
    ) -> None:
        """A refusal fails at once (with its reason); the rest is retried up to the cap."""
        if isinstance(exc, RateLimited) and (exc.retry_after or 0) >= BUDGET_WAIT_SECONDS:
            await self._wait_for_budget(item, chat, seller, exc.retry_after or 0)
        elif isinstance(exc, SendOutcomeUnknown):
            await self._retry(item, outcome_unknown=True)
        elif isinstance(exc, MarketplaceUnavailable):
            await self._retry(item, outcome_unknown=exc.may_have_arrived)
        elif isinstance(exc, MarketplaceError | VaultError):
            code = next((code for kind, code in _REFUSALS if isinstance(exc, kind)), None)
            if code is None:  # 429 or 5xx left after the connector's own retries
                await self._retry(item, outcome_unknown=True)
            else:
                detail = getattr(exc, "message", None)
                await self._refuse(item, chat, seller, code, detail=detail)
        elif isinstance(exc, FileTooBig) or (
            isinstance(exc, TelegramBadRequest) and is_too_big(exc)
        ):
            await self._refuse(item, chat, seller, "file_too_big")
        else:  # the agent's file could not be fetched from Telegram (yet)
            await self._retry(item, outcome_unknown=False, reason="retry")

    async def _download(self, item: ReplyItem) -> bytes:
        """Fetch the agent's file before the attempt starts: a failure here cannot have
        reached the buyer."""
        assert item.file is not None
        size = item.file.get("size")
        if isinstance(size, int) and size > TELEGRAM_DOWNLOAD_LIMIT:
            raise FileTooBig(f"{size} bytes")
        buffer = await self._bot.download(item.file["tg_file_id"])
        assert buffer is not None
        return buffer.read()

    async def _send(
        self, api: SellerChannel, ref: ChatRef, item: ReplyItem, content: bytes, mime: str
    ) -> None:
        if item.kind == "text":
            await api.send_text(ref, item.text)
        else:
            await api.send_files(ref, [OutgoingFile(file_name(item), content, mime)])

    async def _verify(
        self, api: SellerChannel, ref: ChatRef, chat: Chat, item: ReplyItem
    ) -> Verdict:
        """An earlier attempt may have reached the buyer: look before sending again."""
        if item.marketplace_message_id is not None:  # sync already saw it in history
            return Verdict(Delivery.FOUND, item.marketplace_message_id)
        started = item.attempt_started_at or item.created_at
        exclude = await self._db.replies.matched_message_ids(
            chat_id=chat.id, except_item_id=item.id
        )
        return await api.find_reply(
            ref, sent_reply(item), since=started - CLOCK_SKEW, exclude=exclude
        )

    async def _retry(
        self, item: ReplyItem, *, outcome_unknown: bool, reason: str | None = None
    ) -> None:
        code = reason or ("outcome_unknown" if outcome_unknown else "retry")
        if item.attempts >= self._max_attempts:
            await self._give_up(item, code=code, outcome_unknown=outcome_unknown)
            return
        await self._db.replies.retry_later(
            item_id=item.id,
            not_before=self._clock() + backoff(item.attempts, base=RETRY_BASE),
            error_code=code,
            outcome_unknown=outcome_unknown,
        )

    async def _give_up(self, item: ReplyItem, *, code: str, outcome_unknown: bool) -> None:
        chat = await self._db.chats.get(chat_id=item.chat_id)
        seller = await self._db.sellers.get(seller_id=chat.seller_id)
        await self._refuse(
            item,
            chat,
            seller,
            "gave_up_unknown" if outcome_unknown else "gave_up",
            detail_key=f"reply_failed.detail.{code}",
        )

    async def _succeeded(
        self, item: ReplyItem, chat: Chat, *, marketplace_message_id: str | None = None
    ) -> None:
        now = self._clock()
        async with self._db.transaction() as conn:
            # The chat row first, then the reply and the turn: the order ingestion locks
            # them in, so the two can never deadlock.
            await self._db.chats.get_for_update(chat_id=chat.id, conn=conn)
            if not await self._db.replies.mark_sent(
                item_id=item.id, at=now, marketplace_message_id=marketplace_message_id, conn=conn
            ):
                return  # another attempt already reported it
            turn = await self._db.turns.get_open(chat_id=chat.id, conn=conn)
            # A turn the buyer opened after this reply was written (possible when the
            # outcome is confirmed late, e.g. after a restart, and sync has meanwhile seen
            # our reply and the buyer's next message) is not answered by it.
            counts = (
                item.origin != "auto"
                or (
                    await self._db.sellers.get(seller_id=chat.seller_id, conn=conn)
                ).auto_reply_counts
            )
            if turn is not None and turn.started_at <= item.created_at and not counts:
                # An automatic reply the shop does not count as an answer (/ai): the turn
                # stays in the queue at low priority, unwarned, until a person looks.
                await self._db.turns.mark_auto_answered(chat_id=chat.id, at=now, conn=conn)
                await self._db.chats.set_priority(
                    chat_id=chat.id, priority="low", sla_deadline=None, conn=conn
                )
            elif turn is None or turn.started_at <= item.created_at:
                await self._db.chats.mark_answered(chat_id=chat.id, at=now, conn=conn)
                await self._db.turns.close(
                    chat_id=chat.id,
                    answered_at=now,
                    via="auto" if item.origin == "auto" else "bot",
                    agent_id=item.agent_id,
                    conn=conn,
                )
            if item.tg_message_id is not None and chat.topic_workspace_id is not None:
                await enqueue(
                    self._db,
                    Reaction(message_id=item.tg_message_id, emoji=RECEIPT_EMOJI),
                    workspace_id=chat.topic_workspace_id,
                    dedup_key=f"receipt:{item.id}",
                    conn=conn,
                )
                if item.filled:
                    await self._quote_filled(item, chat, chat.topic_workspace_id, conn=conn)
        self._delivery.kick()
        self.kick()  # the chat's next reply is ready now
        logger.info("reply=%d sent to chat=%d", item.id, chat.id)
        if self._on_sent is not None:
            self._on_sent(item, now)

    async def _quote_filled(
        self, item: ReplyItem, chat: Chat, workspace_id: int, *, conn: Executor
    ) -> None:
        """A template's variables were filled in: the agent's message still shows the
        placeholders, so the receipt also quotes what the buyer got (one post, under the
        agent's message; a 👍 alone would not say it)."""
        workspace = await self._db.workspaces.get(workspace_id=workspace_id, conn=conn)
        await enqueue_notice(
            self._db,
            workspace_id=workspace_id,
            text=text("canned.receipt", workspace.locale, text=item.text),
            key=f"receipt_text:{item.id}",
            chat_id=chat.id,
            reply_to=item.tg_message_id,
            priority=PRIORITY_AGENT_FEEDBACK,
            conn=conn,
        )

    async def _wait_for_budget(
        self, item: ReplyItem, chat: Chat, seller: Seller, seconds: float
    ) -> None:
        """The marketplace's hourly send budget is spent (Yandex Market: 1,000/h): the reply
        waits in its place until the reset, without using up its tries, and the topic is
        told once per reset when the replies will go (not once per reply)."""
        go_at = self._clock() + timedelta(seconds=seconds)
        async with self._db.transaction() as conn:
            await self._db.replies.retry_later(
                item_id=item.id,
                not_before=go_at,
                error_code="budget",
                outcome_unknown=item.status == "sending",  # a refusal sent nothing new
                count_attempt=False,
                conn=conn,
            )
            if chat.topic_workspace_id is not None:
                workspace = await self._db.workspaces.get(
                    workspace_id=chat.topic_workspace_id, conn=conn
                )
                minutes = max(1, round(seconds / 60))
                await enqueue_notice(
                    self._db,
                    workspace_id=workspace.id,
                    text=text(
                        for_marketplace("reply_waits.budget", seller.marketplace),
                        workspace.locale,
                        n=minutes,
                    ),
                    key=f"reply_budget:{chat.id}:{go_at:%Y%m%d%H%M}",
                    chat_id=chat.id,
                    priority=PRIORITY_AGENT_FEEDBACK,
                    conn=conn,
                )
        self._delivery.kick()
        logger.info("reply=%d waits %.0fs for the send budget", item.id, seconds)

    async def _unverified(self, item: ReplyItem, chat: Chat) -> None:
        """History cannot tell whether the file arrived: a person decides (one notice)."""
        async with self._db.transaction() as conn:
            if not await self._db.replies.mark_unverified(
                item_id=item.id, error_code="unverified", conn=conn
            ):
                return
            if chat.topic_workspace_id is not None:
                started = item.attempt_started_at or item.created_at
                await enqueue(
                    self._db,
                    ReplyCheck(reply_id=item.id),
                    workspace_id=chat.topic_workspace_id,
                    chat_id=chat.id,
                    dedup_key=f"reply_check:{item.id}:{started.isoformat()}",
                    conn=conn,
                )
        self._delivery.kick()
        logger.info("reply=%d: outcome cannot be verified, waiting for a decision", item.id)

    async def _refuse(
        self,
        item: ReplyItem,
        chat: Chat,
        seller: Seller,
        code: str,
        *,
        detail: str | None = None,
        detail_key: str | None = None,
        detail_values: dict[str, str] | None = None,
    ) -> None:
        workspace = (
            await self._db.workspaces.get(workspace_id=chat.topic_workspace_id)
            if chat.topic_workspace_id is not None
            else None
        )
        async with self._db.transaction() as conn:
            if not await self._db.replies.mark_failed(
                item_id=item.id, error_code=code, error_detail=detail, conn=conn
            ):
                return  # already final: its explanation was queued then
            if workspace is not None:
                locale = workspace.locale
                market = seller.marketplace
                shown = (
                    text(for_marketplace(detail_key, market), locale, **(detail_values or {}))
                    if detail_key is not None
                    else (detail or "")
                )
                message = text(
                    for_marketplace(f"reply_failed.{code}", market),
                    locale,
                    shop=seller.name,
                    detail=shown,
                    attempts=item.attempts,
                )
                await enqueue_notice(
                    self._db,
                    workspace_id=workspace.id,
                    text=message,
                    key=f"refused:{item.id}",
                    chat_id=chat.id,
                    reply_to=item.tg_message_id,
                    priority=PRIORITY_AGENT_FEEDBACK,
                    conn=conn,
                )
        self._delivery.kick()
        self.kick()  # the chat's next reply may go now
        logger.info("reply=%d refused: %s", item.id, code)
