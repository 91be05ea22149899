"""How drafts and held replies look in a topic: text and inline keyboard, per state.

Pure: a stored suggestion (plus who acted) in, HTML and markup out. The same function
renders the first post, a regenerated version and the final state after Send/Dismiss,
so every path shows the same thing.
"""

from __future__ import annotations

from collections.abc import Iterable

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.drafts.callbacks import (
    CANCEL,
    CONFIRM,
    DISMISS,
    EDIT,
    REGENERATE,
    SEND,
    DraftAction,
    DraftCallback,
    HeldCallback,
)
from bot.guardrails.rules import Finding, blocking, findings_from_dicts, highlight, warnings
from bot.texts import Html, Locale, text
from bot.texts.markup import escaped, join
from storage.records import HeldReply, Suggestion


def problems(findings: Iterable[Finding], locale: Locale) -> Html:
    """The distinct problems, in reading order, as one phrase (``a phone number, …``)."""
    seen: list[str] = []
    for finding in findings:
        name = text(f"guard.{finding.rule.value}", locale)
        if name not in seen:
            seen.append(name)
    return join(seen, ", ")


def fragments(findings: Iterable[Finding]) -> Html:
    quoted = []
    for finding in findings:
        shown = finding.fragment if len(finding.fragment) <= 40 else finding.fragment[:39] + "…"
        quoted.append(f"«{escaped(shown)}»")
    return join(dict.fromkeys(quoted), ", ")


def draft_post(
    suggestion: Suggestion, locale: Locale, *, who: str = "", sent_text: str | None = None
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The post for a draft in its current state; ``sent_text``: what the agent's edit
    actually sent (an edited draft shows that, not the draft it replaced)."""
    findings = findings_from_dicts(suggestion.guardrail_findings)
    blocked = blocking(findings)
    outcome = suggestion.outcome
    body = f"<blockquote>{highlight(suggestion.text, findings)}</blockquote>"
    if outcome == "edited" and sent_text is not None:
        body = f"<blockquote>{escaped(sent_text)}</blockquote>"
    if outcome == "auto_sent":
        return f"{text('draft.state.auto_sent', locale)}\n{body}", None
    if outcome in ("sent", "edited", "dismissed", "ignored"):
        state = text(f"draft.state.{outcome}", locale, who=who or "—")
        if outcome in ("dismissed", "ignored"):
            return state, None
        return f"{state}\n{body}", None
    if outcome == "regenerated":
        return text("draft.state.regenerating", locale), None
    lines = [text(f"draft.header.{suggestion.source}", locale), body]
    if blocked:
        lines.append(text("draft.blocked", locale, problems=problems(blocked, locale)))
    elif warnings(findings):
        lines.append(text("draft.warnings", locale, problems=problems(warnings(findings), locale)))
    return "\n".join(lines), draft_keyboard(suggestion.id, locale, can_send=not blocked)


def draft_keyboard(suggestion_id: int, locale: Locale, *, can_send: bool) -> InlineKeyboardMarkup:
    def button(key: str, action: DraftAction) -> InlineKeyboardButton:
        data = DraftCallback(a=action, id=suggestion_id).pack()
        return InlineKeyboardButton(text=text(key, locale), callback_data=data)

    first = [button("draft.button.send", SEND)] if can_send else []
    first.append(button("draft.button.regenerate", REGENERATE))
    second = [button("draft.button.edit", EDIT), button("draft.button.dismiss", DISMISS)]
    return InlineKeyboardMarkup(inline_keyboard=[first, second])


def held_notice(
    held: HeldReply, locale: Locale, *, who: str = ""
) -> tuple[str, InlineKeyboardMarkup | None]:
    findings = findings_from_dicts(held.findings)
    if held.status != "held":
        return text(f"guard.held.{held.status}", locale, who=who or "—"), None
    message = text(
        "guard.held_reply",
        locale,
        problems=problems(findings, locale),
        fragments=fragments(findings),
    )
    keyboard = InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=text("guard.button.confirm", locale),
                    callback_data=HeldCallback(a=CONFIRM, id=held.id).pack(),
                ),
                InlineKeyboardButton(
                    text=text("guard.button.cancel", locale),
                    callback_data=HeldCallback(a=CANCEL, id=held.id).pack(),
                ),
            ]
        ]
    )
    return message, keyboard
