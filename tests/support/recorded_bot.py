"""A Bot whose session records each request and answers it without a network, after
aiogram's own ``MockedBot``: a test may queue a prepared result for a method
(:meth:`RecordedSession.add_result_for`). Every request is first checked against the Bot API
spec (``sandbox/telegram/spec/api.json``) as the emulator checks what reaches it, form-encoded
the way aiogram sends it: an unknown or missing parameter, a wrong type, HTML that does not
parse, a text over Telegram's limits fails the test; otherwise the few methods handlers and
the Telegram queue call get a plausible answer (a sent message, photo or document echoes
back with a fresh id, mounted on the bot so a handler may edit what it got back; edits,
deletions and reopening say True; ``getChatMember`` answers from
:attr:`RecordedSession.members`). Any other method without a prepared result fails the
test, naming the method, so nothing is answered by accident.

A violation is also kept in :attr:`RecordedSession.violations`: the Telegram queue retries
whatever a call raised, so a broken request it sent would otherwise pass unseen;
``tests.support.handlers.open_handler_world`` fails the test on any at its end.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import AsyncGenerator, Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.base import BaseSession
from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import (
    AnswerCallbackQuery,
    CreateForumTopic,
    DeleteMessage,
    EditMessageReplyMarkup,
    EditMessageText,
    GetChatMember,
    GetMe,
    PinChatMessage,
    ReopenForumTopic,
    SendDocument,
    SendMessage,
    SendPhoto,
    SetMessageReaction,
    SetMyCommands,
    TelegramMethod,
)
from aiogram.types import (
    BufferedInputFile,
    Chat,
    ChatMemberAdministrator,
    ChatMemberLeft,
    ChatMemberMember,
    ChatMemberOwner,
    Document,
    ForumTopic,
    InlineKeyboardMarkup,
    InputFile,
    Message,
    PhotoSize,
    TelegramObject,
    User,
)

from sandbox.telegram.errors import BotApiError
from sandbox.telegram.models import Upload
from sandbox.telegram.spec import load_spec
from sandbox.telegram.validation import check_text, decode_params

#: Text fields Telegram parses, and their limits (in UTF-16 units, after the markup).
TEXT_LIMITS = {"text": (1, 4096), "caption": (0, 1024)}

BOT_USER = User(id=123456789, is_bot=True, first_name="AgentIQ", username="agentiq_test_bot")
TOKEN = f"{BOT_USER.id}:AAEmulatorTokenForTests_abcdefghijklm"

M = TypeVar("M", bound=TelegramMethod[Any])


def chat_of(chat_id: int | str) -> Chat:
    """Positive ids are private chats (the person's id), negative ones groups."""
    number = int(chat_id)
    if number > 0:
        return Chat(id=number, type="private")
    return Chat(id=number, type="supergroup", title="Поддержка", is_forum=True)


def member(status: str, user_id: int) -> Any:
    """A ChatMember of ``status`` (creator, administrator, member, left) for ``user_id``."""
    user = User(id=user_id, is_bot=False, first_name=f"user{user_id}")
    if status == "creator":
        return ChatMemberOwner(user=user, is_anonymous=False)
    if status == "administrator":
        return ChatMemberAdministrator(
            user=user, can_be_edited=False, is_anonymous=False, can_manage_chat=True,
            can_delete_messages=True, can_manage_video_chats=False, can_restrict_members=True,
            can_promote_members=False, can_change_info=True, can_invite_users=True,
            can_post_stories=False, can_edit_stories=False, can_delete_stories=False,
            can_manage_topics=True, can_pin_messages=True, can_send_welcome_messages=False,
        )  # fmt: skip
    if status == "member":
        return ChatMemberMember(user=user)
    return ChatMemberLeft(user=user)


class RecordedSession(BaseSession):
    """Records every request; answers from prepared results, else from defaults."""

    def __init__(self) -> None:
        super().__init__()
        self.requests: list[TelegramMethod[Any]] = []
        self.members: dict[tuple[int, int], str] = {}  # (chat, user) → status
        self.violations: list[str] = []  # requests that broke the spec or had no answer
        self._prepared: dict[type[TelegramMethod[Any]], deque[Any]] = defaultdict(deque)
        self._next_message_id = 1000
        self._defaults: dict[type[TelegramMethod[Any]], Callable[[Any], Any]] = {
            SendMessage: self._sent,
            SendPhoto: self._sent_file,
            SendDocument: self._sent_file,
            EditMessageText: self._edited,
            ReopenForumTopic: lambda _: True,
            EditMessageReplyMarkup: lambda _: True,
            AnswerCallbackQuery: lambda _: True,
            DeleteMessage: lambda _: True,
            SetMessageReaction: lambda _: True,
            SetMyCommands: lambda _: True,
            PinChatMessage: lambda _: True,
            GetMe: lambda _: BOT_USER,
            GetChatMember: self._member,
            CreateForumTopic: self._topic,
        }

    def add_result_for(self, method: type[TelegramMethod[Any]], result: Any) -> None:
        """The next ``method`` call returns ``result`` (an exception instance is raised)."""
        self._prepared[method].append(result)

    async def make_request(
        self,
        bot: Bot,
        method: TelegramMethod[Any],
        timeout: int | None = None,  # noqa: ASYNC109 - the BaseSession signature
    ) -> Any:
        self.requests.append(method)
        try:
            await self._check(bot, method)
        except AssertionError as violation:
            self.violations.append(str(violation))
            raise
        prepared = self._prepared.get(type(method))
        if prepared:
            result = prepared.popleft()
            if isinstance(result, BaseException):
                raise result
        else:
            answer = self._defaults.get(type(method))
            if answer is None:
                self.violations.append(f"no prepared result for {type(method).__name__}")
                raise AssertionError(self.violations[-1])
            result = answer(method)
        return result.as_(bot) if isinstance(result, TelegramObject) else result

    async def _check(self, bot: Bot, method: TelegramMethod[Any]) -> None:
        """The request as aiogram would put it on the wire, against the spec."""
        spec = load_spec()
        name = method.__api_method__
        described = spec.method(name)
        if described is None:
            raise AssertionError(f"{name}: no such method in the Bot API spec")
        files: dict[str, InputFile] = {}
        raw: dict[str, Any] = {}
        for key, value in method.model_dump(warnings=False).items():
            prepared = self.prepare_value(value, bot=bot, files=files)
            if prepared:  # aiogram leaves empty values out of the form
                raw[key] = prepared
        for key, file in files.items():
            data = b"".join([chunk async for chunk in file.read(bot)])
            raw[key] = Upload(file.filename or key, data)
        try:
            params, _ = decode_params(spec, described, raw)
            for field, (low, high) in TEXT_LIMITS.items():
                if field in params and "parse_mode" in described.fields:
                    check_text(name, field, params[field], params.get("parse_mode"),
                               low=low, high=high)  # fmt: skip
        except BotApiError as error:
            raise AssertionError(f"Bot API violation: {error.violation or error}") from None

    async def stream_content(
        self, url: str, headers: dict[str, Any] | None = None, timeout: int = 30,  # noqa: ASYNC109
        chunk_size: int = 65536, raise_for_status: bool = True,
    ) -> AsyncGenerator[bytes, None]:  # fmt: skip
        raise AssertionError("downloads are not recorded; use the Telegram emulator")
        yield b""  # pragma: no cover - makes this an async generator

    async def close(self) -> None:
        return None

    # ------------------------------------------------------------- what was sent

    def sent(self, method: type[M]) -> list[M]:
        return [r for r in self.requests if isinstance(r, method)]

    def texts(self, chat_id: int | None = None) -> list[str]:
        """Texts of sendMessage and editMessageText requests (to ``chat_id`` if given)."""
        return [
            r.text
            for r in self.requests
            if isinstance(r, SendMessage | EditMessageText)
            and (chat_id is None or r.chat_id == chat_id)
        ]

    def answers(self) -> list[AnswerCallbackQuery]:
        return self.sent(AnswerCallbackQuery)

    def clear(self) -> None:
        self.requests.clear()

    # ------------------------------------------------------------- defaults

    def _sent(self, method: SendMessage) -> Message:
        self._next_message_id += 1
        return Message(
            message_id=self._next_message_id, date=datetime.now(UTC), chat=chat_of(method.chat_id),
            from_user=BOT_USER, text=method.text, message_thread_id=method.message_thread_id,
            reply_markup=_inline(method.reply_markup),
        )  # fmt: skip

    def _sent_file(self, method: SendPhoto | SendDocument) -> Message:
        self._next_message_id += 1
        number = self._next_message_id
        sent = Message(
            message_id=number, date=datetime.now(UTC), chat=chat_of(method.chat_id),
            from_user=BOT_USER, message_thread_id=method.message_thread_id,
            caption=method.caption, reply_markup=_inline(method.reply_markup),
        )  # fmt: skip
        if isinstance(method, SendPhoto):
            size = PhotoSize(file_id=f"photo-{number}", file_unique_id=f"u{number}", width=1,
                             height=1)  # fmt: skip
            return sent.model_copy(update={"photo": [size]})
        upload = method.document
        name = upload.filename if isinstance(upload, BufferedInputFile) else None
        document = Document(file_id=f"doc-{number}", file_unique_id=f"u{number}", file_name=name)
        return sent.model_copy(update={"document": document})

    def _edited(self, method: EditMessageText) -> Message | bool:
        if method.inline_message_id is not None or method.chat_id is None:
            return True
        assert method.message_id is not None
        return Message(
            message_id=method.message_id, date=datetime.now(UTC), chat=chat_of(method.chat_id),
            from_user=BOT_USER, text=method.text, reply_markup=_inline(method.reply_markup),
        )  # fmt: skip

    def _member(self, method: GetChatMember) -> Any:
        status = self.members.get((int(method.chat_id), method.user_id))
        if status is None:
            raise TelegramBadRequest(method=method, message="Bad Request: member not found")
        return member(status, method.user_id)

    def _topic(self, method: CreateForumTopic) -> ForumTopic:
        self._next_message_id += 1
        return ForumTopic(message_thread_id=self._next_message_id, name=method.name,
                          icon_color=0x6FB9F0)  # fmt: skip


def _inline(markup: Any) -> InlineKeyboardMarkup | None:
    """A sent message carries back only an inline keyboard (a ForceReply or reply keyboard
    is the person's side)."""
    return markup if isinstance(markup, InlineKeyboardMarkup) else None


def recorded_bot() -> tuple[Bot, RecordedSession]:
    session = RecordedSession()
    bot = Bot(TOKEN, session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML))
    return bot, session
