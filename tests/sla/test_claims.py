"""Claiming: the decision table, and compare-and-set against a real database."""

from __future__ import annotations

import asyncio

import pytest

from bot.sla.claims import Action, Outcome, apply, decide
from storage.database import Database
from tests.storage.factories import make_agent, make_seller_with_chat

ME, OTHER, THIRD = 1, 2, 3


@pytest.mark.parametrize(
    ("action", "current", "is_admin", "target", "outcome", "owner"),
    [
        (Action.TAKE, None, False, None, Outcome.TAKEN, ME),
        (Action.TAKE, ME, False, None, Outcome.ALREADY_YOURS, ME),
        (Action.TAKE, OTHER, False, None, Outcome.OWNED_BY, OTHER),
        (Action.TAKE, OTHER, True, None, Outcome.ASSIGNED, ME),  # an admin takes over
        (Action.RELEASE, ME, False, None, Outcome.RELEASED, None),
        (Action.RELEASE, OTHER, False, None, Outcome.NOT_OWNER, OTHER),
        (Action.RELEASE, OTHER, True, None, Outcome.RELEASED, None),
        (Action.RELEASE, None, False, None, Outcome.NOBODY_OWNS, None),
        (Action.ASSIGN, OTHER, True, THIRD, Outcome.ASSIGNED, THIRD),
        (Action.ASSIGN, None, True, THIRD, Outcome.ASSIGNED, THIRD),
        (Action.ASSIGN, OTHER, False, THIRD, Outcome.FORBIDDEN, OTHER),
    ],
)
def test_decision_table(  # noqa: PLR0917 - one parameter per table column
    action: Action,
    current: int | None,
    is_admin: bool,
    target: int | None,
    outcome: Outcome,
    owner: int | None,
) -> None:
    verdict = decide(action=action, current=current, actor=ME, is_admin=is_admin, target=target)
    assert (verdict.outcome, verdict.new_owner) == (outcome, owner)


async def test_take_release_and_reassign_in_the_database(db: Database) -> None:
    _, _, chat = await make_seller_with_chat(db)
    anna = await make_agent(db, tg_user_id=11, display_name="Анна")
    boris = await make_agent(db, tg_user_id=12, display_name="Борис")

    taken = await apply(db, chat_id=chat.id, action=Action.TAKE, actor=anna.id, is_admin=False)
    assert (taken.outcome, taken.owner_name) == (Outcome.TAKEN, "Анна")
    refused = await apply(db, chat_id=chat.id, action=Action.TAKE, actor=boris.id, is_admin=False)
    assert (refused.outcome, refused.owner_name) == (Outcome.OWNED_BY, "Анна")
    moved = await apply(
        db, chat_id=chat.id, action=Action.ASSIGN, actor=anna.id, is_admin=True, target=boris.id
    )
    assert moved.outcome is Outcome.ASSIGNED
    assert (await db.chats.get(chat_id=chat.id)).owner_agent_id == boris.id
    released = await apply(
        db, chat_id=chat.id, action=Action.RELEASE, actor=boris.id, is_admin=False
    )
    assert released.outcome is Outcome.RELEASED
    assert (await db.chats.get(chat_id=chat.id)).owner_agent_id is None


async def test_two_agents_taking_at_once_have_one_winner(db: Database) -> None:
    _, _, chat = await make_seller_with_chat(db)
    agents = [await make_agent(db, tg_user_id=20 + i, display_name=f"A{i}") for i in range(6)]
    results = await asyncio.gather(
        *(
            apply(db, chat_id=chat.id, action=Action.TAKE, actor=a.id, is_admin=False)
            for a in agents
        )
    )
    winners = [r for r in results if r.outcome is Outcome.TAKEN]
    assert len(winners) == 1
    owner = (await db.chats.get(chat_id=chat.id)).owner_agent_id
    assert owner == winners[0].owner_id
    assert all(r.owner_id == owner for r in results)
