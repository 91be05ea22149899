"""One enum, one frozen payload per kind: what is queued reads back as the same value."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.outbox import kinds
from bot.outbox.kinds import Kind, MessagePost, Notice, SlaStats, decode, encode, kind_of
from bot.outbox.queue import DEFAULT_PRIORITY
from bot.retry import backoff
from storage.records import TgOutboxItem

SAMPLES: list[Any] = [
    MessagePost(),
    MessagePost(cabinet=True),
    Notice(text="<b>Привет</b>", reply_to=5, thread_id=7, turn_id=9),
    kinds.Reaction(message_id=3, emoji="👍"),
    kinds.DraftPost(suggestion_id=1, replaces=2),
    kinds.DraftStatus(suggestion_id=1),
    kinds.DraftEditPrompt(suggestion_id=1, who="Анна"),
    kinds.HeldNotice(held_id=4),
    kinds.HeldStatus(held_id=4, message_id=8, who="Анна"),
    kinds.AiPanel(seller_id=1, thread_id=None, message_id=11),
    kinds.SlaBoard(),
    SlaStats(text="отчёт", png="iVBOR", thread_id=2),
    kinds.SlaQueue(text="очередь", buttons=[[["Все", "sq1:all:0"]]], thread_id=2, reply_to=3),
    kinds.ReplyCheck(reply_id=5, message_id=6, decision="dropped", who="Анна"),
    kinds.TopicResolved(),
    Notice(text="⏰", turn_id=9, keyboard=[[{"text": "✅", "callback_data": "x"}]]),
    kinds.TakeButton(),
    kinds.PromptRemoval(suggestion_id=1, message_id=9),
]


def _item(kind: str, payload: dict[str, Any]) -> TgOutboxItem:
    fields = {f.name: None for f in dataclasses.fields(TgOutboxItem)}
    fields.update(id=1, workspace_id=1, kind=kind, payload=payload, attempts=0, priority=10)
    return TgOutboxItem(**fields)


@pytest.mark.parametrize("payload", SAMPLES, ids=lambda p: type(p).__name__)
def test_a_payload_reads_back_as_it_was_queued(payload: Any) -> None:
    item = _item(kind_of(payload), encode(payload))
    assert decode(item, type(payload)) == payload
    assert dataclasses.is_dataclass(payload)
    assert type(payload).__dataclass_params__.frozen  # type: ignore[attr-defined]


def test_every_kind_has_a_payload_and_a_priority() -> None:
    assert {kind_of(p) for p in SAMPLES} == set(Kind)
    assert set(DEFAULT_PRIORITY) == set(Kind)


def test_a_kind_mismatch_is_refused() -> None:
    with pytest.raises(KeyError):
        decode(_item(Kind.NOTICE, {"text": "x"}), SlaStats)


def test_unknown_keys_of_an_older_or_newer_writer_are_ignored() -> None:
    item = _item(Kind.NOTICE, {"text": "x", "colour": "red"})
    assert decode(item, Notice) == Notice(text="x")


def test_backoff_doubles_and_is_capped() -> None:
    assert [backoff(n).total_seconds() for n in range(5)] == [1, 1, 2, 4, 8]
    assert backoff(2, base=timedelta(seconds=2)) == timedelta(seconds=4)
    assert backoff(50) == timedelta(minutes=5)
    assert backoff(10**6, base=timedelta(days=1), cap=timedelta(hours=1)) == timedelta(hours=1)
    assert datetime.now(UTC) + backoff(1) > datetime.now(UTC)
