"""/rules, /targets and /hours as a service: an admin reads or changes a seller's SLA
settings. Each change and its audit record are written in one transaction, so an audit
line never describes a change that did not happen (or the other way round)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.access import Presser, Role
from bot.sla.config import ConfigError, parse_hours, parse_rule, parse_targets
from bot.sla.reply import Reply
from bot.sla.rule_views import (
    refusal_reason,
    render_hours,
    render_rules,
    render_targets,
    rule_numbers,
    seller_listing,
)
from bot.sla.scope import CommandScope, Place
from bot.texts import Locale, text
from bot.texts import input_words as vocab
from bot.texts.input_words import accepted
from storage.database import Database
from storage.errors import NotFound
from storage.records import Seller
from storage.sla_defaults import DEFAULT_RULES

# What an admin may type after /rules (bot.texts.input_words) → the change it names
# (also its audit action).
VERBS: dict[str, str] = accepted(vocab.RULE_VERBS)
_ARGS_IN_AUDIT = 200
_HOURS_IN_AUDIT = 100


@dataclass(frozen=True, slots=True)
class Picked:
    """The seller a command is about, the rest of its arguments, who asks, and the
    language to answer in."""

    seller: Seller
    args: str
    actor: int
    locale: Locale


class RuleCommands:
    def __init__(self, *, db: Database, scope: CommandScope) -> None:
        self._db = db
        self._scope = scope

    async def pick(
        self, place: Place, person: Presser | None, args: str, locale: Locale
    ) -> Picked | Reply:
        """The seller the command is about. A leading number picks one of several sellers;
        with one seller it may be left out. Admins only."""
        scope = await self._scope.of(place, person, Role.ADMIN, locale)
        locale = scope.locale
        if not scope.workspaces or person is None:
            return Reply(text("admin_only", locale))
        sellers = await self._scope.sellers(scope.workspaces)
        if not sellers:
            return Reply(text("no_workspace", locale))
        args = args.strip()
        first, _, rest = args.partition(" ")
        chosen = next((s for s in sellers if first.isdigit() and s.id == int(first)), None)
        if chosen is not None:
            return Picked(chosen, rest.strip(), person.tg_user_id, locale)
        if len(sellers) == 1:
            return Picked(sellers[0], args, person.tg_user_id, locale)
        return Reply(seller_listing(sellers, locale))

    async def rules(
        self, place: Place, person: Presser | None, args: str, locale: Locale
    ) -> Reply:
        """List the priority rules, or add / move / delete one, or reset to the defaults."""
        picked = await self.pick(place, person, args, locale)
        if isinstance(picked, Reply):
            return picked
        seller, locale = picked.seller, picked.locale
        word, _, rest = picked.args.partition(" ")
        verb = VERBS.get(word.lower())
        try:
            if word and verb is None:
                raise ConfigError(f"{word!r}: use add, move, del or reset", key="verb", word=word)
            if verb is not None:
                await self._change_rules(picked, verb, rest)
        except (ConfigError, NotFound) as exc:
            return Reply(text("rules.bad", locale, reason=refusal_reason(exc, locale)))
        fresh = await self._db.sla.list_rules(seller_id=seller.id)
        return Reply(render_rules(seller, fresh, locale))

    async def _change_rules(self, picked: Picked, verb: str, rest: str) -> None:
        seller = picked.seller
        async with self._db.transaction() as conn:
            current = await self._db.sla.list_rules(seller_id=seller.id, conn=conn)
            if verb == "add":
                await self._db.sla.add_rule(seller_id=seller.id, rule=parse_rule(rest), conn=conn)
            elif verb == "move":
                source, target = rule_numbers(rest, len(current), 2)
                await self._db.sla.move_rule(
                    seller_id=seller.id,
                    rule_id=current[source].id,
                    to_position=target,
                    conn=conn,
                )
            elif verb == "del":
                (index,) = rule_numbers(rest, len(current), 1)
                await self._db.sla.remove_rule(
                    seller_id=seller.id, rule_id=current[index].id, conn=conn
                )
            else:
                await self._db.sla.replace_rules(
                    seller_id=seller.id, rules=DEFAULT_RULES, conn=conn
                )
            await self._db.audit.record(
                actor_tg_user_id=picked.actor,
                action=f"sla.rules.{verb}",
                workspace_id=seller.workspace_id,
                seller_id=seller.id,
                details={"args": rest[:_ARGS_IN_AUDIT]},
                conn=conn,
            )

    async def targets(
        self, place: Place, person: Presser | None, args: str, locale: Locale
    ) -> Reply:
        """Show the reply targets, or set one priority's target and hard limit."""
        picked = await self.pick(place, person, args, locale)
        if isinstance(picked, Reply):
            return picked
        seller, locale = picked.seller, picked.locale
        if picked.args:
            try:
                priority, target, hard = parse_targets(picked.args)
            except ConfigError as exc:
                return Reply(text("targets.bad", locale, reason=refusal_reason(exc, locale)))
            async with self._db.transaction() as conn:
                await self._db.sla.set_target(
                    seller_id=seller.id,
                    priority=priority,
                    target_minutes=target,
                    hard_limit_minutes=hard,
                    conn=conn,
                )
                await self._db.audit.record(
                    actor_tg_user_id=picked.actor,
                    action="sla.targets",
                    workspace_id=seller.workspace_id,
                    seller_id=seller.id,
                    details={"priority": priority, "target": target, "hard": hard},
                    conn=conn,
                )
        current = await self._db.sla.get_targets(seller_id=seller.id)
        return Reply(render_targets(seller, current, locale))

    async def hours(
        self, place: Place, person: Presser | None, args: str, locale: Locale
    ) -> Reply:
        """Show the business hours, or change them (or switch them off)."""
        picked = await self.pick(place, person, args, locale)
        if isinstance(picked, Reply):
            return picked
        seller, locale = picked.seller, picked.locale
        if picked.args:
            try:
                spec = parse_hours(picked.args)
            except ConfigError as exc:
                return Reply(text("hours.bad", locale, reason=refusal_reason(exc, locale)))
            async with self._db.transaction() as conn:
                seller = await self._db.sellers.update_business_hours(
                    seller_id=seller.id,
                    enabled=spec.enabled,
                    timezone=spec.timezone or seller.timezone,
                    work_days=spec.work_days or seller.work_days,
                    work_start=spec.start or seller.work_start,
                    work_end=spec.end or seller.work_end,
                    conn=conn,
                )
                await self._db.audit.record(
                    actor_tg_user_id=picked.actor,
                    action="sla.hours",
                    workspace_id=seller.workspace_id,
                    seller_id=seller.id,
                    details={"args": picked.args[:_HOURS_IN_AUDIT]},
                    conn=conn,
                )
        return Reply(render_hours(seller, locale))
