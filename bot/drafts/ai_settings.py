"""Per-seller AI policy that admins change from Telegram: tone, instructions, auto-reply.

Service code, no aiogram: every change checks, on the server, that the person is an admin
of the seller's workspace (or an owner), and is written to the audit log. Auto-reply can
only ever cover the safe intents; the panel offers nothing else.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.access import AccessControl, Role
from bot.drafts.callbacks import AUTO_TOGGLE, COUNTS_TOGGLE, INTENT_TOGGLE, AiCallback
from bot.guardrails.intents import SAFE_INTENTS
from bot.outbox.kinds import AiPanel
from bot.outbox.queue import enqueue
from bot.shop_choice import Chosen, Question, ShopChoices, choose
from bot.texts import Locale, plain_text, text
from bot.texts.markup import join
from storage.database import Database
from storage.errors import NotFound
from storage.pending_command_repo import PendingCommand
from storage.records import Seller, Workspace
from storage.tg_outbox_repo import PRIORITY_AGENT_FEEDBACK

TONE_LIMIT = 200
INSTRUCTIONS_LIMIT = 2000
CLEAR = "-"


@dataclass(frozen=True, slots=True)
class Change:
    """The result of a change: the updated seller, or the text key saying why not."""

    seller: Seller | None
    error: str | None = None


class AiSettings:
    def __init__(self, *, db: Database, access: AccessControl) -> None:
        self._db = db
        self._access = access
        self._choices = ShopChoices(db=db)

    async def pick(
        self,
        tg_user_id: int,
        command: str,
        args: str,
        locale: Locale,
        *,
        workspace: Workspace | None = None,
    ) -> Chosen | Question | None:
        """The shop an /ai command is about (named first in ``args``, or the only one), the
        "which shop?" buttons when several could be meant, or None for someone who
        manages no shop here."""
        sellers = await self.manageable(tg_user_id, workspace=workspace)
        if not sellers:
            return None
        chosen = choose(sellers, args)
        if chosen is not None:
            return chosen
        return await self._choices.ask(
            tg_user_id=tg_user_id, command=command, args=args, sellers=sellers, locale=locale
        )

    async def resume(
        self,
        pending_id: int,
        seller_id: int,
        tg_user_id: int,
        *,
        workspace: Workspace | None = None,
    ) -> tuple[PendingCommand, Seller] | str:
        """A "which shop?" button pressed: the waiting command and its shop (checked
        again: the person must still manage it), or the text key saying why not."""
        found = await self._choices.resume(pending_id=pending_id, tg_user_id=tg_user_id)
        if isinstance(found, str):
            return found
        sellers = await self.manageable(tg_user_id, workspace=workspace)
        seller = next((s for s in sellers if s.id == seller_id), None)
        return "ai.not_admin" if seller is None else (found, seller)

    async def manageable(
        self, tg_user_id: int, *, workspace: Workspace | None = None
    ) -> list[Seller]:
        """Sellers this person may configure (of one group, or of every group they admin)."""
        if workspace is not None:
            allowed = await self._access.at_least(
                Role.ADMIN, tg_user_id=tg_user_id, workspace=workspace
            )
            workspaces = [workspace] if allowed else []
        else:
            workspaces = await self._access.administered_workspaces(tg_user_id)
        sellers: list[Seller] = []
        for each in workspaces:
            sellers.extend(await self._db.sellers.list_all(workspace_id=each.id))
        return sellers

    async def _admin_seller(
        self, seller_id: int, tg_user_id: int, workspace_id: int | None
    ) -> Seller | None:
        """The seller if this person administers its workspace. ``workspace_id`` is the
        group the command or button came from: a group acts on its own shops only."""
        try:
            seller = await self._db.sellers.get(seller_id=seller_id)
            workspace = await self._db.workspaces.get(workspace_id=seller.workspace_id)
        except NotFound:
            return None
        if workspace_id is not None and seller.workspace_id != workspace_id:
            return None
        allowed = await self._access.at_least(
            Role.ADMIN, tg_user_id=tg_user_id, workspace=workspace
        )
        return seller if allowed else None

    async def _save(
        self,
        seller: Seller,
        tg_user_id: int,
        what: str,
        change: Callable[[Seller], dict[str, Any]],
    ) -> Seller:
        """Apply ``change`` to the locked current row, so two quick taps never undo each
        other, and write the audit entry in the same transaction."""
        async with self._db.transaction() as conn:
            current = await self._db.sellers.get_for_update(seller_id=seller.id, conn=conn)
            values: dict[str, Any] = {
                "instructions": current.ai_instructions,
                "tone": current.ai_tone,
                "auto_reply_enabled": current.auto_reply_enabled,
                "auto_reply_intents": list(current.auto_reply_intents),
            }
            values.update(change(current))
            updated = await self._db.sellers.update_ai(seller_id=seller.id, conn=conn, **values)
            await self._db.audit.record(
                actor_tg_user_id=tg_user_id,
                action=f"ai.{what}",
                workspace_id=seller.workspace_id,
                seller_id=seller.id,
                details={
                    "auto_reply_enabled": updated.auto_reply_enabled,
                    "auto_reply_intents": updated.auto_reply_intents,
                },
                conn=conn,
            )
        return updated

    async def toggle_auto(
        self,
        seller_id: int,
        tg_user_id: int,
        *,
        workspace_id: int | None = None,
        enable: bool | None = None,
    ) -> Change:
        """Set auto-reply on or off (``enable``; None flips it)."""
        seller = await self._admin_seller(seller_id, tg_user_id, workspace_id)
        if seller is None:
            return Change(None, "ai.not_admin")

        def flip(current: Seller) -> dict[str, Any]:
            enabled = (not current.auto_reply_enabled) if enable is None else enable
            intents = list(current.auto_reply_intents)
            if enabled and not intents:
                intents = [SAFE_INTENTS[0].value]  # on with nothing allowed would do nothing
            return {"auto_reply_enabled": enabled, "auto_reply_intents": intents}

        return Change(await self._save(seller, tg_user_id, "auto_reply", flip))

    async def set_auto_counts(
        self, seller_id: int, tg_user_id: int, *, workspace_id: int | None = None, enable: bool
    ) -> Change:
        """Whether an automatic reply stops the SLA clock like a person's answer (default
        no: the turn stays in the queue at low priority until a person looks)."""
        seller = await self._admin_seller(seller_id, tg_user_id, workspace_id)
        if seller is None:
            return Change(None, "ai.not_admin")
        async with self._db.transaction() as conn:
            current = await self._db.sellers.get_for_update(seller_id=seller.id, conn=conn)
            updated = await self._db.sellers.set_resolve_settings(
                seller_id=seller.id,
                auto_reply_counts=enable,
                idle_close_days=current.idle_close_days,
                conn=conn,
            )
            await self._db.audit.record(
                actor_tg_user_id=tg_user_id,
                action="ai.auto_reply_counts",
                workspace_id=seller.workspace_id,
                seller_id=seller.id,
                details={"auto_reply_counts": enable},
                conn=conn,
            )
        return Change(updated)

    async def toggle_intent(
        self,
        seller_id: int,
        intent: str,
        tg_user_id: int,
        *,
        workspace_id: int | None = None,
        include: bool | None = None,
    ) -> Change:
        """Allow or disallow one safe intent (``include``; None flips it)."""
        safe = {s.value for s in SAFE_INTENTS}
        if intent not in safe:
            return Change(None, "ai.unsafe_intent")  # only safe intents, whatever is sent
        seller = await self._admin_seller(seller_id, tg_user_id, workspace_id)
        if seller is None:
            return Change(None, "ai.not_admin")

        def flip(current: Seller) -> dict[str, Any]:
            intents = [i for i in current.auto_reply_intents if i in safe]
            wanted = (intent not in intents) if include is None else include
            intents = [i for i in intents if i != intent] + ([intent] if wanted else [])
            return {"auto_reply_intents": intents}

        return Change(await self._save(seller, tg_user_id, "auto_reply_intents", flip))

    async def set_text(
        self,
        seller_id: int,
        field: str,
        value: str,
        tg_user_id: int,
        *,
        workspace_id: int | None = None,
    ) -> Change:
        """``field`` is ``tone`` or ``instructions``; ``-`` clears it."""
        limit = TONE_LIMIT if field == "tone" else INSTRUCTIONS_LIMIT
        cleaned = "" if value.strip() == CLEAR else value.strip()
        if len(cleaned) > limit:
            return Change(None, "ai.too_long")
        seller = await self._admin_seller(seller_id, tg_user_id, workspace_id)
        if seller is None:
            return Change(None, "ai.not_admin")
        return Change(await self._save(seller, tg_user_id, field, lambda _: {field: cleaned}))

    async def queue_panel(
        self,
        *,
        workspace_id: int,
        seller_id: int,
        thread_id: int | None = None,
        message_id: int | None = None,
        dedup_key: str | None = None,
    ) -> None:
        """Show (or refresh, with ``message_id``) a panel in a group: through the outbox,
        within the group's budget; the caller wakes the worker once it has queued all.
        ``dedup_key`` keeps a redelivered command from posting the panel twice."""
        await enqueue(
            self._db,
            AiPanel(seller_id=seller_id, thread_id=thread_id, message_id=message_id),
            workspace_id=workspace_id,
            priority=PRIORITY_AGENT_FEEDBACK,
            dedup_key=dedup_key,
        )


def usage(command: str, locale: Locale) -> str:
    """How to type /ai_tone or /ai_instructions, including the word that clears it."""
    return text("ai.usage", locale, command=command, clear=CLEAR)


def panel(seller: Seller, locale: Locale) -> tuple[str, InlineKeyboardMarkup]:
    """The /ai panel of one seller: current settings and toggles for safe intents only."""
    unset = text("ai.unset", locale)
    names = [
        text(f"ai.intent.{i}", locale)
        for i in seller.auto_reply_intents
        if i in {s.value for s in SAFE_INTENTS}
    ]
    body = text(
        "ai.panel",
        locale,
        shop=seller.name,
        tone=seller.ai_tone or unset,
        instructions=seller.ai_instructions or unset,
        auto=text("ai.on" if seller.auto_reply_enabled else "ai.off", locale),
        intents=join(names, ", ") or text("ai.no_intents", locale),
    )
    body += "\n" + text(
        "resolve.ai_counts",
        locale,
        counts=text("resolve.yes" if seller.auto_reply_counts else "resolve.no", locale),
        idle=(
            text("resolve.idle_days", locale, days=seller.idle_close_days)
            if seller.idle_close_days
            else text("resolve.idle_never", locale)
        ),
        shop=seller.name,
    )
    toggle_key = "ai.button.auto_off" if seller.auto_reply_enabled else "ai.button.auto_on"
    rows = [
        [
            InlineKeyboardButton(
                text=text(toggle_key, locale),
                callback_data=AiCallback(
                    a=AUTO_TOGGLE, id=seller.id, on=0 if seller.auto_reply_enabled else 1
                ).pack(),
            )
        ]
    ]
    counts_key = (
        "resolve.button.counts_off" if seller.auto_reply_counts else ("resolve.button.counts_on")
    )
    rows.append(
        [
            InlineKeyboardButton(
                text=text(counts_key, locale),
                callback_data=AiCallback(
                    a=COUNTS_TOGGLE, id=seller.id, on=0 if seller.auto_reply_counts else 1
                ).pack(),
            )
        ]
    )
    rows.append(
        [
            InlineKeyboardButton(
                text=plain_text(
                    "ai.button.intent",
                    locale,
                    mark="✅" if intent.value in seller.auto_reply_intents else "▫️",
                    name=plain_text(f"ai.intent.{intent.value}", locale),
                ),
                callback_data=AiCallback(
                    a=INTENT_TOGGLE,
                    id=seller.id,
                    v=intent.value,
                    on=0 if intent.value in seller.auto_reply_intents else 1,
                ).pack(),
            )
            for intent in SAFE_INTENTS
        ]
    )
    return body, InlineKeyboardMarkup(inline_keyboard=rows)
