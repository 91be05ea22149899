"""/rules, /targets and /hours as a service: an admin reads or changes a seller's SLA
settings. Each change and its audit record are written in one transaction, so an audit
line never describes a change that did not happen (or the other way round)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from bot.access import Presser, Role
from bot.shop_choice import ShopChoices, choose
from bot.sla.config import (
    DAY_WORDS,
    EVERY_DAY_WORDS,
    HOURS_SWITCH_WORDS,
    PRIORITY_WORDS,
    ConfigError,
    parse_hours,
    parse_rule,
    parse_targets,
)
from bot.sla.format import duration, priority_label
from bot.sla.reply import Reply, buttons_of
from bot.sla.rule_views import (
    hours_line,
    refusal_reason,
    render_hours,
    render_rules,
    render_targets,
    rule_numbers,
    rule_summary,
)
from bot.sla.scope import CommandScope, Place
from bot.texts import Html, Locale, text
from bot.texts import input_words as vocab
from bot.texts.input_words import accepted
from storage.database import Database
from storage.errors import NotFound
from storage.records import Seller, SlaRule
from storage.sla_defaults import DEFAULT_RULES
from storage.sla_repo import RuleSpec

# What an admin may type after /rules (bot.texts.input_words) → the change it names
# (also its audit action).
VERBS: dict[str, str] = accepted(vocab.RULE_VERBS)
_ARGS_IN_AUDIT = 200
_HOURS_IN_AUDIT = 100


# Kinds that look at what the buyer wrote; the others ("first message", "3 without an
# answer", ...) match whole groups of chats, so a new specific rule goes above them.
SPECIFIC_KINDS = frozenset({"keyword", "regex"})
# Words each command takes first, never read as the beginning of a shop's name.
_RESERVED: dict[str, frozenset[str]] = {
    "rules": frozenset(VERBS),
    "targets": frozenset(PRIORITY_WORDS),
    "hours": frozenset(HOURS_SWITCH_WORDS) | EVERY_DAY_WORDS | frozenset(DAY_WORDS),
}


@dataclass(frozen=True, slots=True)
class Picked:
    """The seller a command is about, the rest of its arguments, who asks, and the
    language to answer in."""

    seller: Seller
    args: str
    actor: int
    locale: Locale


def insert_position(rules: list[SlaRule], spec: RuleSpec) -> int | None:
    """Where a new rule goes: a keyword or pattern rule above the first general rule
    (otherwise «первое сообщение → высокий» would decide every first message before it
    is looked at); a general rule after the others (None)."""
    if spec.kind not in SPECIFIC_KINDS:
        return None
    return next((i for i, r in enumerate(rules) if r.kind not in SPECIFIC_KINDS), None)


class RuleCommands:
    def __init__(self, *, db: Database, scope: CommandScope) -> None:
        self._db = db
        self._scope = scope
        self._choices = ShopChoices(db=db)

    async def pick(
        self,
        place: Place,
        person: Presser | None,
        command: str,
        args: str,
        locale: Locale,
        *,
        seller_id: int | None = None,
    ) -> Picked | Reply:
        """The seller the command is about: ``seller_id`` (a "which shop?" button), the
        shop the arguments start with (bot.shop_choice), or the only one; with
        several and none named, the answer is one button per shop. Admins only."""
        scope = await self._scope.of(place, person, Role.ADMIN, locale)
        locale = scope.locale
        if not scope.workspaces or person is None:
            return Reply(text("admin_only", locale))
        sellers = await self._scope.sellers(scope.workspaces)
        if not sellers:
            return Reply(text("no_workspace", locale))
        if seller_id is not None:
            seller = next((s for s in sellers if s.id == seller_id), None)
            if seller is None:
                return Reply(text("admin_only", locale))
            return Picked(seller, args.strip(), person.tg_user_id, locale)
        chosen = choose(sellers, args, _RESERVED.get(command, frozenset()))
        if chosen is not None:
            return Picked(chosen.seller, chosen.rest, person.tg_user_id, locale)
        question = await self._choices.ask(
            tg_user_id=person.tg_user_id,
            command=command,
            args=args,
            sellers=sellers,
            locale=locale,
        )
        return Reply(question.text, buttons=buttons_of(question.keyboard))

    async def resume(
        self,
        place: Place,
        person: Presser,
        *,
        pending_id: int,
        seller_id: int,
        locale: Locale,
    ) -> Reply:
        """A "which shop?" button pressed: the waiting command, for that shop."""
        found = await self._choices.resume(pending_id=pending_id, tg_user_id=person.tg_user_id)
        if isinstance(found, str):
            return Reply(text(found, locale), alert=True)
        run = {"rules": self.rules, "targets": self.targets, "hours": self.hours}
        command = run.get(found.command)
        if command is None:
            return Reply(text("pick_seller.gone", locale), alert=True)
        return await command(place, person, found.args, locale, seller_id=seller_id)

    async def rules(
        self,
        place: Place,
        person: Presser | None,
        args: str,
        locale: Locale,
        *,
        seller_id: int | None = None,
    ) -> Reply:
        """List the priority rules, or add / move / delete one, or reset to the defaults;
        a change is answered with one line saying what it did."""
        picked = await self.pick(place, person, "rules", args, locale, seller_id=seller_id)
        if isinstance(picked, Reply):
            return picked
        seller, locale = picked.seller, picked.locale
        word, _, rest = picked.args.partition(" ")
        verb = VERBS.get(word.lower())
        try:
            if word and verb is None:
                raise ConfigError(f"{word!r}: use add, move, del or reset", key="verb", word=word)
            if verb is not None:
                return Reply(await self._change_rules(picked, verb, rest))
        except (ConfigError, NotFound) as exc:
            return Reply(text("rules.bad", locale, reason=refusal_reason(exc, locale)))
        fresh = await self._db.sla.list_rules(seller_id=seller.id)
        return Reply(render_rules(seller, fresh, locale))

    async def _change_rules(self, picked: Picked, verb: str, rest: str) -> str:
        """Make the change and its audit record in one transaction; the confirmation."""
        seller, locale = picked.seller, picked.locale
        async with self._db.transaction() as conn:
            current = await self._db.sla.list_rules(seller_id=seller.id, conn=conn)
            if verb == "add":
                spec = parse_rule(rest)
                at = insert_position(current, spec)
                added = await self._db.sla.add_rule(
                    seller_id=seller.id, rule=spec, position=at, conn=conn
                )
                key = "rules.added" if at is None else "rules.added_above"
                done = text(
                    key,
                    locale,
                    shop=seller.name,
                    n=added.position + 1,
                    rule=Html(rule_summary(added, locale)),
                )
            elif verb == "move":
                source, target = rule_numbers(rest, len(current), 2)
                moved = await self._db.sla.move_rule(
                    seller_id=seller.id,
                    rule_id=current[source].id,
                    to_position=target,
                    conn=conn,
                )
                rule = next(r for r in moved if r.id == current[source].id)
                done = text(
                    "rules.moved",
                    locale,
                    shop=seller.name,
                    n=rule.position + 1,
                    rule=Html(rule_summary(rule, locale)),
                )
            elif verb == "del":
                (index,) = rule_numbers(rest, len(current), 1)
                await self._db.sla.remove_rule(
                    seller_id=seller.id, rule_id=current[index].id, conn=conn
                )
                done = text(
                    "rules.deleted",
                    locale,
                    shop=seller.name,
                    rule=Html(rule_summary(current[index], locale)),
                )
            else:
                await self._db.sla.replace_rules(
                    seller_id=seller.id, rules=DEFAULT_RULES, conn=conn
                )
                done = text("rules.reset", locale, shop=seller.name, count=len(DEFAULT_RULES))
            await self._db.audit.record(
                actor_tg_user_id=picked.actor,
                action=f"sla.rules.{verb}",
                workspace_id=seller.workspace_id,
                seller_id=seller.id,
                details={"args": rest[:_ARGS_IN_AUDIT]},
                conn=conn,
            )
        return done

    async def targets(
        self,
        place: Place,
        person: Presser | None,
        args: str,
        locale: Locale,
        *,
        seller_id: int | None = None,
    ) -> Reply:
        """Show the reply targets, or set one priority's target and hard limit (answered
        with one line)."""
        picked = await self.pick(place, person, "targets", args, locale, seller_id=seller_id)
        if isinstance(picked, Reply):
            return picked
        seller, locale = picked.seller, picked.locale
        if not picked.args:
            current = await self._db.sla.get_targets(seller_id=seller.id)
            return Reply(render_targets(seller, current, locale))
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
        return Reply(
            text(
                "targets.saved",
                locale,
                shop=seller.name,
                priority=priority_label(priority, locale),
                target=duration(timedelta(minutes=target), locale),
                hard=duration(timedelta(minutes=hard), locale),
            )
        )

    async def hours(
        self,
        place: Place,
        person: Presser | None,
        args: str,
        locale: Locale,
        *,
        seller_id: int | None = None,
    ) -> Reply:
        """Show the business hours, or change them (or switch them off): a change is
        answered with the new hours in one line."""
        picked = await self.pick(place, person, "hours", args, locale, seller_id=seller_id)
        if isinstance(picked, Reply):
            return picked
        seller, locale = picked.seller, picked.locale
        if not picked.args:
            return Reply(render_hours(seller, locale))
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
        return Reply(text("hours.saved", locale, hours=Html(hours_line(seller, locale))))
