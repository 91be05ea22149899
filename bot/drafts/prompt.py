"""The request to the chat model: who we are, the rules, the context, the conversation.

Pure: data in, the ``messages`` list out. The guardrails are stated to the model, and are
also enforced afterwards on what it wrote (a model may ignore instructions).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

MAX_HISTORY_CHARS = 4000
MAX_EXAMPLE_CHARS = 600
MAX_NOTE_CHARS = 300

_RULES = """Rules (the marketplace rejects or punishes anything else):
- Write as the seller talking to the buyer, ready to send: 2-3 short sentences. Empathy first, \
then something concrete, then an open door.
- Never give phone numbers, e-mail addresses, links to other sites, messenger or social \
network names or handles. Keep the conversation in the {marketplace} chat.
- Never promise what the seller cannot guarantee on a marketplace (a guaranteed refund, a free \
replacement, "we will return your money"): returns and refunds go through {marketplace}.
- Never blame the buyer, never send them to "contact support".
- Never mention AI, bots, neural networks, GPT or automatic replies.
- Offer a return only if the buyer brought it up.
- Do not admit that the product does not match its description; say "an unusual case", \
"possibly a defect of this particular item", "passed to our quality team".
- At most {limit} characters. Plain text, no markdown."""


@dataclass(frozen=True, slots=True)
class Turn:
    """One message of the conversation as the model sees it."""

    from_buyer: bool
    text: str


@dataclass(frozen=True, slots=True)
class PromptContext:
    shop: str
    language: str  # "ru" or "en": the buyer's language
    tone: str = ""
    instructions: str = ""
    order_number: str | None = None
    posting_number: str | None = None
    sku: str | None = None
    product_title: str | None = None
    buyer_raised_return: bool = False
    #: The chat's marketplace and its text limit (its rules, see connectors/marketplace).
    marketplace: str = "Ozon"
    text_limit: int = 1000


def build_messages(
    context: PromptContext,
    conversation: Sequence[Turn],
    *,
    examples: Sequence[str] = (),
    problems: Sequence[str] = (),
    previous: str | None = None,
    notes: Sequence[str] = (),
) -> list[dict[str, str]]:
    """``problems``: what the guardrails found in ``previous`` (regeneration after a block);
    ``previous`` alone asks for a different wording (the agent pressed Regenerate)."""
    language = "Russian" if context.language == "ru" else "English"
    system = [
        f"You draft replies for the shop «{context.shop}» on the {context.marketplace} "
        f"marketplace, answering a buyer in the shop's chat. Reply in {language}.",
        _RULES.format(marketplace=context.marketplace, limit=context.text_limit),
    ]
    if not context.buyer_raised_return:
        system.append("The buyer has not asked about a return: do not offer one.")
    if context.tone.strip():
        system.append(f"The shop's tone of voice: {context.tone.strip()}")
    if context.instructions.strip():
        system.append(
            f"The shop's own instructions (follow them):\n{context.instructions.strip()}"
        )
    facts = [
        f"{label}: {value}"
        for label, value in (
            ("Order", context.order_number),
            ("Posting", context.posting_number),
            ("Product SKU", context.sku),
            ("Product", context.product_title),
        )
        if value
    ]
    if facts:
        system.append("Context: " + "; ".join(facts) + ".")
    if examples:
        shown = "\n".join(f"- {example[:MAX_EXAMPLE_CHARS]}" for example in examples)
        system.append(
            "How this shop answered similar questions before (match the style and facts, "
            f"not the exact words):\n{shown}"
        )
    if notes:
        system.append(_internal(notes))
    messages = [{"role": "system", "content": "\n\n".join(system)}]
    messages.append({"role": "user", "content": _transcript(conversation)})
    if previous is not None:
        messages.append({"role": "assistant", "content": previous})
        if problems:
            fix = "; ".join(problems)
            messages.append(
                {
                    "role": "user",
                    "content": (
                        f"That draft cannot be sent: {fix}. Write it again without these problems."
                    ),
                }
            )
        else:
            messages.append(
                {
                    "role": "user",
                    "content": (
                        "Write a different version of the reply: other wording, "
                        "same facts and rules."
                    ),
                }
            )
    return messages


def _internal(notes: Sequence[str]) -> str:
    """The team's internal notes on this chat: background for the model, never for the buyer
    (they may name colleagues or say what the team thinks of the case)."""
    shown = "\n".join(f"- {note[:MAX_NOTE_CHARS]}" for note in notes if note.strip())
    return (
        "INTERNAL notes of the seller's team about this chat (internal, never quote them, "
        "never mention them or any colleague to the buyer; use them only as background):\n"
        f"{shown}"
    )


def _transcript(conversation: Sequence[Turn]) -> str:
    """The recent conversation, newest last, trimmed from the oldest end to fit."""
    lines: list[str] = []
    size = 0
    for turn in reversed(conversation):
        line = f"{'Покупатель' if turn.from_buyer else 'Продавец'}: {turn.text.strip()}"
        if size + len(line) > MAX_HISTORY_CHARS and lines:
            break
        lines.append(line)
        size += len(line)
    lines.reverse()
    return (
        "The conversation so far (Покупатель = buyer, Продавец = seller):\n"
        + "\n".join(lines)
        + "\n\nWrite the seller's next reply."
    )
