"""DraftService and DraftWorker on the real database with a controllable clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.drafts.llm import LlmClient
from bot.drafts.service import DraftService, auto_reply_allowed, human_delay
from bot.drafts.worker import DraftWorker
from bot.guardrails.intents import Intent
from bot.guardrails.rules import Finding, Rule
from bot.outbox.kinds import Kind
from sandbox.llm import LlmEmulator
from storage.database import Database
from storage.records import BuyerTurn, Chat
from tests.storage.factories import make_chat, make_message, make_seller_with_chat

T = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
DEBOUNCE = timedelta(seconds=20)


class Clock:
    def __init__(self) -> None:
        self.now = T

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
async def llm() -> AsyncIterator[LlmEmulator]:
    async with LlmEmulator() as emulator:
        yield emulator


def client(llm: LlmEmulator) -> LlmClient:
    return LlmClient(
        base_url=llm.base_url, api_key="k", model="deepseek-chat", timeout_seconds=2, max_retries=0
    )


async def buyer_says(db: Database, chat: Chat, external_id: str, text: str) -> BuyerTurn:
    """What ingestion does for a buyer message, with the arrival time pinned to ``T``."""
    turn, _ = await db.turns.open_or_extend(
        chat_id=chat.id, at=T, kind="first", priority="normal", deadline=None, hard_deadline=None
    )
    message = await make_message(db, chat, external_id=external_id, text=text, turn_id=turn.id)
    await db.pool.execute("UPDATE messages SET created_at = $2 WHERE id = $1", message.id, T)
    refreshed = await db.turns.get_open(chat_id=chat.id)
    assert refreshed is not None
    return refreshed


def worker(db: Database, service: DraftService, clock: Clock) -> DraftWorker:
    return DraftWorker(service=service, db=db, debounce=DEBOUNCE, clock=clock)


async def test_one_draft_per_settled_burst_across_restarts(db: Database) -> None:
    _, _, chat = await make_seller_with_chat(db)
    clock = Clock()
    service = DraftService(db=db, llm=None, clock=clock)
    await buyer_says(db, chat, "1", "Здравствуйте")
    await buyer_says(db, chat, "2", "Когда доставка?")
    assert await worker(db, service, clock).run_once() == 0  # the burst is still going
    clock.now = T + DEBOUNCE + timedelta(seconds=1)
    assert await worker(db, service, clock).run_once() == 1
    assert await worker(db, service, clock).run_once() == 0  # a restarted worker: nothing new
    rows = await db.pool.fetch("SELECT buyer_message_count, intent, source FROM ai_suggestions")
    assert [dict(r) for r in rows] == [
        {"buyer_message_count": 2, "intent": "delivery", "source": "template"}
    ]
    posts = await db.pool.fetch(
        "SELECT kind, payload FROM tg_outbox WHERE kind = $1", Kind.DRAFT_POST
    )
    assert len(posts) == 1


async def test_a_new_burst_supersedes_the_old_draft(db: Database) -> None:
    _, _, chat = await make_seller_with_chat(db)
    clock = Clock()
    service = DraftService(db=db, llm=None, clock=clock)
    await buyer_says(db, chat, "1", "Когда доставка?")
    clock.now = T + DEBOUNCE * 2
    await worker(db, service, clock).run_once()
    await buyer_says(db, chat, "2", "Рукав порван!")
    await worker(db, service, clock).run_once()
    rows = await db.pool.fetch("SELECT outcome, intent FROM ai_suggestions ORDER BY id")
    assert [(r["outcome"], r["intent"]) for r in rows] == [
        ("ignored", "delivery"),
        ("pending", "defect"),
    ]


async def test_an_answered_turn_gets_no_draft(db: Database) -> None:
    _, _, chat = await make_seller_with_chat(db)
    clock = Clock()
    service = DraftService(db=db, llm=None, clock=clock)
    await buyer_says(db, chat, "1", "Вопрос")
    await db.turns.close(chat_id=chat.id, answered_at=T, via="cabinet")
    clock.now = T + DEBOUNCE * 2
    assert await worker(db, service, clock).run_once() == 0


async def test_grounding_examples_come_from_the_sellers_past_answers(
    db: Database, llm: LlmEmulator
) -> None:
    _, seller, chat = await make_seller_with_chat(db)
    other = await make_chat(db, seller, external_id="older-chat")
    await make_message(
        db, other, external_id="a", direction="out", text="Доставка занимает от двух до пяти дней."
    )
    await make_message(db, other, external_id="b", direction="out", text="Цвет только чёрный.")
    turn = await buyer_says(db, chat, "1", "Сколько дней доставка?")
    service = DraftService(db=db, llm=client(llm))
    suggestion = await service.draft_for_turn(turn)
    assert suggestion is not None and suggestion.source == "llm"
    system = llm.requests[0]["messages"][0]["content"]
    assert "Доставка занимает от двух до пяти дней." in system
    assert "Цвет только чёрный." not in system


async def test_auto_reply_candidates_wait_a_human_delay_then_send_once(db: Database) -> None:
    _, seller, chat = await make_seller_with_chat(db)
    await db.sellers.update_ai(
        seller_id=seller.id,
        instructions="",
        tone="",
        auto_reply_enabled=True,
        auto_reply_intents=["thanks"],
    )
    clock = Clock()
    service = DraftService(db=db, llm=None, clock=clock, auto_reply_delay_seconds=30)
    turn = await buyer_says(db, chat, "1", "Спасибо, всё отлично!")
    clock.now = T + DEBOUNCE * 2
    suggestion = await service.draft_for_turn(turn)
    assert suggestion is not None and suggestion.auto_send_at is not None
    assert suggestion.auto_send_at - clock.now >= timedelta(seconds=30)
    assert await db.pool.fetchval("SELECT count(*) FROM tg_outbox") == 0  # shown once sent
    the_worker = worker(db, service, clock)
    await the_worker.run_once()
    assert await db.pool.fetchval("SELECT count(*) FROM reply_outbox") == 0  # not yet due
    clock.now = suggestion.auto_send_at
    await the_worker.run_once()
    await the_worker.run_once()
    reply = await db.pool.fetchrow("SELECT origin, text, idempotency_key FROM reply_outbox")
    assert reply["origin"] == "auto" and reply["idempotency_key"] == f"draft:{suggestion.id}"
    assert await db.pool.fetchval("SELECT outcome FROM ai_suggestions") == "auto_sent"


async def test_a_due_auto_reply_after_the_buyer_wrote_again_is_not_sent(db: Database) -> None:
    _, seller, chat = await make_seller_with_chat(db)
    await db.sellers.update_ai(
        seller_id=seller.id,
        instructions="",
        tone="",
        auto_reply_enabled=True,
        auto_reply_intents=["thanks"],
    )
    clock = Clock()
    service = DraftService(db=db, llm=None, clock=clock, auto_reply_delay_seconds=30)
    turn = await buyer_says(db, chat, "1", "Спасибо!")
    suggestion = await service.draft_for_turn(turn)
    assert suggestion is not None
    await buyer_says(db, chat, "2", "Ой, а в коробке не хватает шнурков")
    clock.now = T + timedelta(minutes=5)
    assert await service.auto_send(suggestion) is False
    assert await db.pool.fetchval("SELECT count(*) FROM reply_outbox") == 0


@pytest.mark.parametrize(
    ("enabled", "allowed", "intent", "text", "findings", "expected"),
    [
        (True, ["thanks"], Intent.THANKS, "Спасибо!", [], True),
        (False, ["thanks"], Intent.THANKS, "Спасибо!", [], False),
        (True, [], Intent.THANKS, "Спасибо!", [], False),
        (True, ["delivery"], Intent.DELIVERY, "Когда доставка?", [], True),
        (True, ["delivery"], Intent.DELIVERY, "Когда доставка? Это ужас!", [], False),
        (True, ["thanks", "delivery"], Intent.DEFECT, "Брак", [], False),
        (True, ["return"], Intent.RETURN, "Хочу вернуть", [], False),
        (
            True,
            ["thanks"],
            Intent.THANKS,
            "Спасибо!",
            [Finding(Rule.AUTOMATION, "бот", 0, 3)],
            False,
        ),
    ],
)
def test_auto_reply_rule(
    *,
    enabled: bool,
    allowed: list[str],
    intent: Intent,
    text: str,
    findings: list[Finding],
    expected: bool,
) -> None:
    assert (
        auto_reply_allowed(
            enabled=enabled,
            allowed_intents=allowed,
            intent=intent,
            buyer_text=text,
            findings=findings,
        )
        is expected
    )


def test_human_delay_grows_with_length_up_to_twice_the_base() -> None:
    assert human_delay("", 30) == timedelta(seconds=30)
    assert human_delay("я" * 250, 30) == timedelta(seconds=45)
    assert human_delay("я" * 5000, 30) == timedelta(seconds=60)
    assert human_delay("я" * 5000, 0) == timedelta(0)


async def test_a_failing_draft_job_does_not_spin(db: Database) -> None:
    """A burst whose draft cannot be made is retried at the idle pace, not in a hot loop."""
    _, _, chat = await make_seller_with_chat(db)
    clock = Clock()

    class Broken(DraftService):
        calls = 0

        async def draft_for_turn(self, turn: BuyerTurn) -> None:
            Broken.calls += 1
            raise RuntimeError("model client bug")

    service = Broken(db=db, llm=None, clock=clock)
    await buyer_says(db, chat, "1", "Вопрос")
    clock.now = T + DEBOUNCE * 2
    the_worker = DraftWorker(
        service=service, db=db, debounce=DEBOUNCE, clock=clock, idle_seconds=7.0
    )
    assert await the_worker.run_once() == 0
    assert Broken.calls == 1
    assert await the_worker._sleep_for() == 7.0
    clock.now = T  # a burst still settling: sleep just until it settles
    assert 0 < await the_worker._sleep_for() <= DEBOUNCE.total_seconds() + 0.01
