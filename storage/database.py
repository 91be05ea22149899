"""The storage facade handed to the rest of the program: one pool, one repository each."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg

from storage.agent_repo import AgentRepo
from storage.audit_repo import AuditRepo
from storage.canned_repo import CannedRepo
from storage.chat_repo import ChatRepo
from storage.group_request_repo import GroupRequestRepo
from storage.held_reply_repo import HeldReplyRepo
from storage.instance_repo import InstanceRepo
from storage.internal_note_repo import InternalNoteRepo
from storage.leader_repo import LeaderRepo
from storage.marketplace_data_repo import MarketplaceDataRepo
from storage.message_repo import MessageRepo
from storage.pending_command_repo import PendingCommandRepo
from storage.push_inbox_repo import PushInboxRepo
from storage.reply_outbox_repo import ReplyOutboxRepo
from storage.seller_lease_repo import SellerLeaseRepo
from storage.seller_repo import SellerRepo
from storage.sla_repo import SlaRepo
from storage.suggestion_repo import SuggestionRepo
from storage.sync_state_repo import SyncStateRepo
from storage.tg_budget_repo import TgBudgetRepo
from storage.tg_outbox_repo import TgOutboxRepo
from storage.turn_repo import TurnRepo
from storage.update_repo import UpdateRepo
from storage.workspace_repo import WorkspaceRepo


class Database:
    """Built once in the composition root; handlers get it from the dispatcher's data."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool
        self.agents = AgentRepo(pool)
        self.workspaces = WorkspaceRepo(pool)
        self.sellers = SellerRepo(pool)
        self.sync_state = SyncStateRepo(pool)
        self.chats = ChatRepo(pool)
        self.messages = MessageRepo(pool)
        self.turns = TurnRepo(pool)
        self.tg_outbox = TgOutboxRepo(pool)
        self.replies = ReplyOutboxRepo(pool)
        self.suggestions = SuggestionRepo(pool)
        self.sla = SlaRepo(pool)
        self.audit = AuditRepo(pool)
        self.held_replies = HeldReplyRepo(pool)
        self.updates = UpdateRepo(pool)
        self.instances = InstanceRepo(pool)
        self.group_requests = GroupRequestRepo(pool)
        self.internal_notes = InternalNoteRepo(pool)
        self.seller_leases = SellerLeaseRepo(pool)
        self.leaders = LeaderRepo(pool)
        self.tg_budget = TgBudgetRepo(pool)
        self.marketplace_data = MarketplaceDataRepo(pool)
        self.push_inbox = PushInboxRepo(pool)
        self.pending_commands = PendingCommandRepo(pool)
        self.canned = CannedRepo(pool)

    @property
    def instance_id(self) -> str:
        """This run's name in queue claims (``claimed_by``): the id of the latest
        :meth:`InstanceRepo.register`, which holds a live lock so others can tell it alive."""
        return self.instances.current

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[asyncpg.Connection]:
        """A connection in a transaction, to pass as ``conn=`` to several repository calls."""
        async with self.pool.acquire() as conn, conn.transaction():
            yield conn
