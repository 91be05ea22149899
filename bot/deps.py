"""The long-lived dependencies handlers receive by parameter name (Dispatcher workflow data)."""

from __future__ import annotations

from typing import NotRequired, TypedDict

from bot.access import AccessControl
from bot.admin.agents import AgentAdmin
from bot.admin.binding import GroupBinding
from bot.admin.connecting import GroupConnecting
from bot.admin.membership import Membership
from bot.admin.onboarding import Onboarding
from bot.admin.push_registration import PushRegistration
from bot.admin.sellers import SellerAdmin
from bot.bridge.agent_messages import AgentMessages
from bot.bridge.reply_checks import ReplyChecks
from bot.bridge.service import Bridge
from bot.canned.commands import TemplateCommands
from bot.canned.inline import InlineTemplates
from bot.digest.settings import DigestSettings
from bot.drafts.actions import DraftActions
from bot.drafts.ai_settings import AiSettings
from bot.outbox.queue import Outbox
from bot.search.command import FindCommand
from bot.settings import Settings
from bot.sla.commands import ClaimCommands
from bot.sla.queue_commands import QueueCommands
from bot.sla.resolve import IdleSettings, ResolveCommands
from bot.sla.rule_commands import RuleCommands
from bot.sla.scope import GroupAnswers
from bot.sla.service import SlaService
from bot.sla.stats_command import StatsCommand
from bot.sync.push_tokens import PushTokens
from bot.sync.scheduler import SyncScheduler
from bot.updates.notice import FailureNotices
from connectors.marketplace.registry import MarketplaceRegistry
from connectors.ozon.client import OzonClient
from storage.database import Database
from storage.vault import Vault


class Deps(TypedDict):
    settings: Settings
    db: Database
    vault: Vault
    ozon: OzonClient
    sync: SyncScheduler
    bridge: Bridge
    outbox: Outbox  # the one door to Telegram: outbox.notice(...) queues and wakes
    access: AccessControl
    onboarding: Onboarding
    seller_admin: SellerAdmin
    sla: SlaService
    # AI drafts (issue 6); optional so a dispatcher for a narrow test can leave them out.
    drafts: NotRequired[DraftActions]
    ai: NotRequired[AiSettings]
    agent_admin: NotRequired[AgentAdmin]  # who may answer (/agents)
    binding: NotRequired[GroupBinding]  # who binds groups (owners; /groups)
    connecting: NotRequired[GroupConnecting]  # a ready group connected (/setup, joins)
    push_tokens: NotRequired[PushTokens]  # the secret in each seller's push URL
    push_registration: NotRequired[PushRegistration]  # Ozon's push URL registered by API
    marketplaces: NotRequired[MarketplaceRegistry]  # code → adapter (the marketplace port)
    membership: NotRequired[Membership]  # the bot's own standing in groups
    claims: NotRequired[ClaimCommands]  # Take, /take, /release, /assign
    sla_queue: NotRequired[QueueCommands]  # /queue
    sla_rules: NotRequired[RuleCommands]  # /rules, /targets, /hours
    sla_stats: NotRequired[StatsCommand]  # /stats
    resolve: NotRequired[ResolveCommands]  # /done and the notice's button
    idle_settings: NotRequired[IdleSettings]  # /idle_close
    sla_answers: NotRequired[GroupAnswers]  # an SLA command's answer posted in its group
    agent_messages: NotRequired[AgentMessages]  # what an agent's message in a topic means
    reply_checks: NotRequired[ReplyChecks]  # the buttons under an unverifiable file reply
    finder: NotRequired[FindCommand]  # /find
    digest_settings: NotRequired[DigestSettings]  # /digest
    failures: NotRequired[FailureNotices]  # telling people the bot gave up (errors router)
    canned: NotRequired[TemplateCommands]  # /templates: canned replies
    canned_inline: NotRequired[InlineTemplates]  # @bot in a topic: the matching templates
