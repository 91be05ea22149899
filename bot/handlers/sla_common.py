"""What the SLA handlers share: reading where a command was typed and who typed it, and
answering it there (private: at once; group: through the service's queued post)."""

from __future__ import annotations

from aiogram.enums import ChatType
from aiogram.types import BufferedInputFile, Message, User

from bot.access import Presser
from bot.outbox.worker import NO_PREVIEW
from bot.sla.reply import Reply, markup
from bot.sla.scope import GroupAnswers, Place


def place_of(message: Message) -> Place:
    return Place(
        tg_chat_id=message.chat.id,
        private=message.chat.type == ChatType.PRIVATE,
        message_id=message.message_id,
        thread_id=message.message_thread_id if message.is_topic_message else None,
    )


def presser(user: User) -> Presser:
    return Presser(tg_user_id=user.id, name=user.full_name, username=user.username)


def person_of(message: Message) -> Presser | None:
    """The sender; ``None`` for a bot or a channel (they have no role anywhere)."""
    user = message.from_user
    return None if user is None or user.is_bot else presser(user)


async def answer(message: Message, answers: GroupAnswers, reply: Reply) -> None:
    """Say ``reply`` where the command was typed: a chart is one photo with the text as
    its caption; buttons go under the text."""
    if reply.text is None:
        return
    place = place_of(message)
    if not place.private:
        await answers.post(place, reply)
        return
    if reply.png is not None:
        photo = BufferedInputFile(reply.png, filename="sla.png")
        await message.answer_photo(photo, caption=reply.text)
        return
    await message.answer(
        reply.text, link_preview_options=NO_PREVIEW, reply_markup=markup(reply.buttons)
    )
