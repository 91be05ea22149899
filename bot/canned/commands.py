"""/templates as a service: list canned replies, or (admins) add, edit and delete them.

A template is for the whole group, or for one shop when the shop's number comes first
(``/templates 3 add …``, as /rules does). Its one attachment is the photo or PDF sent with
the command as its caption: the Telegram file_id that upload got is kept, so inline
results show it cached and the reply worker downloads it like any agent's file. A template
naming a variable the bot does not know is refused with the known ones: a typo would
otherwise reach every buyer as a raw placeholder, or refuse every reply that uses it.
Each change and its audit record are written in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.access import Presser, Role
from bot.shop_choice import named
from bot.sla.reply import Reply
from bot.sla.scope import CommandScope, Place
from bot.template_variables import VARIABLES, shown_name, unknown_names
from bot.texts import Html, Locale, text
from bot.texts.canned import TEMPLATE_VERBS
from bot.texts.input_words import accepted, spelled
from bot.texts.markup import join
from storage.database import Database
from storage.errors import Conflict, NotFound
from storage.records import CannedReply, Seller, Workspace
from storage.sql import Executor

VERBS: dict[str, str] = accepted(TEMPLATE_VERBS)
#: The strictest marketplace text limit (Ozon's 1000): a template must fit every shop.
BODY_LIMIT = 1000
NAME_LIMIT = 64
_LISTED = 30  # a longer list would pass Telegram's 4096 characters
_PREVIEW = 60
PDF_MIME = "application/pdf"


@dataclass(frozen=True, slots=True)
class Attachment:
    """The file sent with the command (a photo, or a document with its name and type)."""

    kind: Literal["photo", "document"]
    file_id: str
    file_name: str | None = None
    mime_type: str | None = None

    @property
    def acceptable(self) -> bool:
        """A photo, or a PDF: what every marketplace takes from a seller."""
        if self.kind == "photo":
            return True
        return self.mime_type == PDF_MIME or (self.file_name or "").lower().endswith(".pdf")


@dataclass(frozen=True, slots=True)
class BotFacts:
    """What the answer says about the bot itself: how to call it, and whether inline mode
    is switched on in @BotFather (getMe's ``supports_inline_queries``)."""

    username: str
    inline_on: bool


def _short(value: str, limit: int) -> str:
    one_line = " ".join(value.split())
    return one_line if len(one_line) <= limit else one_line[: limit - 1] + "…"


def variables_list(locale: Locale) -> Html:
    """Every variable with what it stands for, for the help and the refusal."""
    lines = [
        text("canned.var.line", locale, name=shown_name(code, locale),
             meaning=text(f"canned.var.{code}", locale))
        for code in VARIABLES
    ]  # fmt: skip
    return join(lines, ", ")


class TemplateCommands:
    def __init__(self, *, db: Database, scope: CommandScope) -> None:
        self._db = db
        self._scope = scope

    async def templates(
        self,
        place: Place,
        person: Presser | None,
        args: str,
        locale: Locale,
        *,
        bot: BotFacts,
        attachment: Attachment | None = None,
    ) -> Reply:
        words = args.split(maxsplit=1)
        shop: int | None = None
        scope = None
        if words and words[0].lower() not in VERBS:
            # "<shop name> add …": a shop's template, the shop named as in every command
            scope = await self._scope.of(place, person, Role.ADMIN, locale)
            chosen = named(await self._scope.sellers(scope.workspaces), args)
            if chosen is not None:
                shop = chosen.seller.id
                words = chosen.rest.split(maxsplit=1)
        verb = VERBS.get(words[0].lower()) if words else None
        if verb is None:
            return await self._list(place, person, locale, bot)
        scope = scope or await self._scope.of(place, person, Role.ADMIN, locale)
        if not scope.workspaces or person is None:
            return Reply(text("admin_only", scope.locale))
        rest = words[1] if len(words) > 1 else ""
        locale = scope.locale
        if verb == "add":
            return await self._add(
                scope.workspaces, person, shop=shop, rest=rest, attachment=attachment,
                locale=locale,
            )  # fmt: skip
        target = await self._target(scope.workspaces, rest.split(maxsplit=1), locale)
        if isinstance(target, Reply):
            return target
        template, body = target
        if verb == "edit":
            return await self._edit(template, person, body, attachment, locale)
        return await self._delete(template, person, locale)

    # ------------------------------------------------------------------ listing

    async def _list(
        self, place: Place, person: Presser | None, locale: Locale, bot: BotFacts
    ) -> Reply:
        scope = await self._scope.of(place, person, Role.AGENT, locale)
        locale = scope.locale
        if not scope.workspaces:
            return Reply(text("canned.start", locale))
        templates = await self._db.canned.list_for(workspace_ids=[w.id for w in scope.workspaces])
        shops = {s.id: s for s in await self._scope.sellers(scope.workspaces)}
        lines: list[str] = [
            text("canned.title", locale, n=len(templates))
            if templates
            else text("canned.empty", locale)
        ]
        lines += [self._line(t, shops, locale) for t in templates[:_LISTED]]
        if len(templates) > _LISTED:
            lines.append("…")
        mention = f"@{bot.username}"
        lines.append("")
        lines.append(text("canned.usage", locale, bot=mention, variables=variables_list(locale)))
        if not bot.inline_on:
            lines.append(text("canned.inline_off", locale, bot=mention))
        if person is not None and await self._is_admin(place, person, locale):
            lines.append(text("canned.admin_help", locale, verbs=spelled(TEMPLATE_VERBS, locale)))
        return Reply(join(lines))

    async def _is_admin(self, place: Place, person: Presser, locale: Locale) -> bool:
        return bool((await self._scope.of(place, person, Role.ADMIN, locale)).workspaces)

    @staticmethod
    def _line(template: CannedReply, shops: dict[int, Seller], locale: Locale) -> str:
        shop = shops.get(template.seller_id) if template.seller_id is not None else None
        scope = (
            text("canned.scope.shop", locale, shop=shop.name)
            if shop is not None
            else text("canned.scope.group", locale)
        )
        mark: str = ""
        if template.file_kind == "photo":
            mark = text("canned.mark.photo", locale)
        elif template.file_kind == "document":
            mark = text("canned.mark.document", locale, file=template.file_name or "PDF")
        return text(
            "canned.line",
            locale,
            id=template.id,
            name=template.name,
            scope=Html(scope),
            mark=Html(mark),
            preview=_short(template.body, _PREVIEW) or "—",
        )

    # ------------------------------------------------------------------ changes

    def _refusal(self, body: str, attachment: Attachment | None, locale: Locale) -> Reply | None:
        """Why this text and file cannot be a template, if they cannot."""
        if attachment is not None and not attachment.acceptable:
            return Reply(text("canned.error.file_type", locale))
        if not body and attachment is None:
            return Reply(text("canned.error.empty", locale))
        if len(body) > BODY_LIMIT:
            return Reply(text("canned.error.too_long", locale, limit=BODY_LIMIT, length=len(body)))
        unknown = unknown_names(body)
        if unknown:
            names = ", ".join("{" + name + "}" for name in unknown)
            return Reply(
                text("canned.error.unknown_variable", locale, names=names,
                     known=variables_list(locale))
            )  # fmt: skip
        return None

    async def _where(
        self, workspaces: list[Workspace], shop: int | None, locale: Locale
    ) -> tuple[Workspace, Seller | None] | Reply:
        if shop is not None:
            sellers = await self._scope.sellers(workspaces)
            seller = next((s for s in sellers if s.id == shop), None)
            if seller is None:
                return Reply(text("canned.error.no_shop", locale))
            workspace = next(w for w in workspaces if w.id == seller.workspace_id)
            return workspace, seller
        if len(workspaces) > 1:
            return Reply(text("canned.error.which_group", locale))
        return workspaces[0], None

    async def _add(
        self,
        workspaces: list[Workspace],
        person: Presser,
        *,
        shop: int | None,
        rest: str,
        attachment: Attachment | None,
        locale: Locale,
    ) -> Reply:
        name, _, body = rest.strip().partition(" ")
        body = body.strip()
        if not name:
            return Reply(text("canned.error.usage", locale))
        if len(name) > NAME_LIMIT:
            return Reply(text("canned.error.name_too_long", locale, limit=NAME_LIMIT))
        refused = self._refusal(body, attachment, locale)
        if refused is not None:
            return refused
        where = await self._where(workspaces, shop, locale)
        if isinstance(where, Reply):
            return where
        workspace, seller = where
        try:
            async with self._db.transaction() as conn:
                saved = await self._db.canned.add(
                    workspace_id=workspace.id,
                    seller_id=seller.id if seller else None,
                    name=name,
                    body=body,
                    file_kind=attachment.kind if attachment else None,
                    file_id=attachment.file_id if attachment else None,
                    file_name=attachment.file_name if attachment else None,
                    created_by=person.tg_user_id,
                    conn=conn,
                )
                await self._audit("canned.add", person, saved, conn)
        except Conflict:
            return Reply(text("canned.error.exists", locale, name=name))
        return Reply(text("canned.added", locale, name=saved.name, id=saved.id))

    async def _target(
        self, workspaces: list[Workspace], words: list[str], locale: Locale
    ) -> tuple[CannedReply, str] | Reply:
        """The template a change names (one of the person's groups), and the rest."""
        if not words or not words[0].lstrip("№#").isdigit():
            return Reply(text("canned.error.usage", locale))
        number = int(words[0].lstrip("№#"))
        try:
            template = await self._db.canned.get(canned_id=number)
        except NotFound:
            template = None
        if template is None or template.workspace_id not in {w.id for w in workspaces}:
            return Reply(text("canned.error.not_found", locale, id=number))
        return template, (words[1].strip() if len(words) > 1 else "")

    async def _edit(
        self,
        template: CannedReply,
        person: Presser,
        body: str,
        attachment: Attachment | None,
        locale: Locale,
    ) -> Reply:
        """New text (and, sent with it, a new file); a file alone keeps the text."""
        if not body and attachment is None:
            return Reply(text("canned.error.usage", locale))
        body = body or template.body
        refused = self._refusal(body, attachment, locale)
        if refused is not None:
            return refused
        async with self._db.transaction() as conn:
            saved = await self._db.canned.update(
                canned_id=template.id,
                body=body,
                file_kind=template.file_kind if attachment is None else attachment.kind,
                file_id=template.file_id if attachment is None else attachment.file_id,
                file_name=template.file_name if attachment is None else attachment.file_name,
                conn=conn,
            )
            await self._audit("canned.edit", person, saved, conn)
        return Reply(text("canned.updated", locale, name=saved.name, id=saved.id))

    async def _delete(self, template: CannedReply, person: Presser, locale: Locale) -> Reply:
        async with self._db.transaction() as conn:
            await self._db.canned.delete(canned_id=template.id, conn=conn)
            await self._audit("canned.delete", person, template, conn)
        return Reply(text("canned.deleted", locale, name=template.name, id=template.id))

    async def _audit(
        self, action: str, person: Presser, template: CannedReply, conn: Executor
    ) -> None:
        await self._db.audit.record(
            actor_tg_user_id=person.tg_user_id,
            action=action,
            workspace_id=template.workspace_id,
            seller_id=template.seller_id,
            details={"template_id": template.id, "name": template.name},
            conn=conn,
        )
