"""``TelegramEmulator``: the Bot API and the control API on one aiohttp server.

The emulator object is also the in-process API tests use: world setup (``create_bot``,
``create_group``...), human actions (``user_sends``, ``press_button``...) and inspection
(``bot_messages``, ``calls``, ``violations``, ``units``...), all delegating to one
:class:`TelegramState`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import Any

from aiohttp import web

from sandbox.serving import bound_port, start_site

from .api import add_bot_api_routes
from .context import CONTEXT, EmulatorContext
from .control import add_control_routes
from .faults import CallFault, FaultPlan, InjectedError
from .limits import RateLimits
from .methods import BotApi
from .models import Chat, MemberStatus, Topic, User
from .spec import ApiSpec, load_spec
from .state import DocumentArg, PhotoArg, TelegramState
from .updates import UpdatesGate
from .webhook import DeliveryHold, Webhook

#: Uploads go up to 50 MB on the real Bot API.
MAX_REQUEST_BYTES = 64 * 1024 * 1024


def build_app(context: EmulatorContext) -> web.Application:
    """The aiohttp application serving the Bot API and the control API for one world."""
    app = web.Application(client_max_size=MAX_REQUEST_BYTES)
    app[CONTEXT] = context
    add_control_routes(app.router)
    add_bot_api_routes(app.router)
    return app


class TelegramEmulator:
    """A stateful local Bot API on ``host:port`` (``port=0`` picks a free port).

    ``group_limit`` and ``global_limit`` are ``(units, seconds)`` budgets (see
    ``docs/telegram-contract.md``); ``clock`` drives them and callback-query expiry.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        group_limit: tuple[int, float] = (20, 60.0),
        global_limit: tuple[int, float] = (30, 1.0),
        clock: Callable[[], float] = time.monotonic,
        callback_timeout: float = 15.0,
        spec: ApiSpec | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.state = TelegramState(
            spec or load_spec(), clock=clock, callback_timeout=callback_timeout
        )
        self.limits = RateLimits(group_limit, global_limit, clock)
        self.faults = FaultPlan()
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.violations: list[str] = []
        self.api = BotApi(self.state, self.limits, self.faults, self.calls, self.violations)
        self._runner: web.AppRunner | None = None

    # ------------------------------------------------------------------ lifecycle

    @property
    def base_url(self) -> str:
        """``http://host:port``: pass to ``TelegramAPIServer.from_base``."""
        if self._runner is None:
            raise RuntimeError("TelegramEmulator is not started")
        return f"http://{self.host}:{self.port}"

    @property
    def running(self) -> bool:
        return self._runner is not None

    async def start(self) -> None:
        if self._runner is not None:
            raise RuntimeError("TelegramEmulator is already started")
        context = EmulatorContext(
            self.state, self.api, self.limits, self.faults, self.calls, self.violations
        )
        runner = await start_site(build_app(context), self.host, self.port)
        self._runner = runner
        self.port = bound_port(runner)
        await self.state.webhooks.start()

    async def stop(self) -> None:
        runner, self._runner = self._runner, None
        if runner is not None:
            self.faults.release_all()
            self.state.updates.terminate_pollers()
            await self.state.webhooks.stop()
            await runner.cleanup()

    async def __aenter__(self) -> TelegramEmulator:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    # ------------------------------------------------------------------ world setup

    @property
    def bot(self) -> User | None:
        return self.state.bot

    def create_bot(
        self, token: str, username: str = "test_bot", first_name: str | None = None
    ) -> User:
        return self.state.create_bot(token, username, first_name)

    def create_user(
        self,
        first_name: str,
        username: str | None = None,
        *,
        last_name: str | None = None,
        language_code: str | None = "ru",
    ) -> User:
        return self.state.create_user(
            first_name, username, last_name=last_name, language_code=language_code
        )

    def create_group(
        self,
        title: str,
        *,
        is_forum: bool = False,
        members: Iterable[int] = (),
        admins: Iterable[int] = (),
        bot_rights: dict[str, bool] | None = None,
        bot_member: bool = True,
        supergroup: bool = True,
        owner: int | None = None,
    ) -> Chat:
        return self.state.create_group(
            title,
            is_forum=is_forum,
            members=members,
            admins=admins,
            bot_rights=bot_rights,
            bot_member=bot_member,
            supergroup=supergroup,
            owner=owner,
        )

    # ------------------------------------------------------------------ human actions

    def user_sends(
        self,
        user_id: int,
        chat_id: int,
        text: str | None = None,
        *,
        photo: PhotoArg | None = None,
        document: DocumentArg | None = None,
        caption: str | None = None,
        thread_id: int | None = None,
        reply_to: int | None = None,
    ) -> dict[str, Any]:
        return self.state.user_sends(
            user_id,
            chat_id,
            text,
            photo=photo,
            document=document,
            caption=caption,
            thread_id=thread_id,
            reply_to=reply_to,
        )

    def anonymous_admin_sends(
        self,
        chat_id: int,
        text: str | None = None,
        *,
        photo: PhotoArg | None = None,
        document: DocumentArg | None = None,
        caption: str | None = None,
        thread_id: int | None = None,
        reply_to: int | None = None,
    ) -> dict[str, Any]:
        return self.state.anonymous_admin_sends(
            chat_id,
            text,
            photo=photo,
            document=document,
            caption=caption,
            thread_id=thread_id,
            reply_to=reply_to,
        )

    def user_edits(
        self,
        user_id: int,
        chat_id: int,
        message_id: int,
        text: str | None = None,
        *,
        caption: str | None = None,
    ) -> dict[str, Any]:
        return self.state.user_edits(user_id, chat_id, message_id, text, caption=caption)

    def press_button(self, user_id: int, chat_id: int, message_id: int, callback_data: str) -> str:
        return self.state.press_button(user_id, chat_id, message_id, callback_data)

    def callback_answer(self, query_id: str) -> dict[str, Any] | None:
        return self.state.callback_answer(query_id)

    def delete_topic(self, chat_id: int, thread_id: int) -> None:
        self.state.human_topic_action(chat_id, thread_id, "delete")

    def close_topic(self, chat_id: int, thread_id: int) -> None:
        self.state.human_topic_action(chat_id, thread_id, "close")

    def reopen_topic(self, chat_id: int, thread_id: int) -> None:
        self.state.human_topic_action(chat_id, thread_id, "reopen")

    def set_bot_rights(self, chat_id: int, rights: dict[str, bool] | None) -> dict[str, Any]:
        """Promote (``rights`` dict) or demote (None) the bot; queues ``my_chat_member``."""
        status = MemberStatus.MEMBER if rights is None else MemberStatus.ADMINISTRATOR
        return self.state.change_bot_member(chat_id, status, rights)

    def remove_bot(self, chat_id: int) -> dict[str, Any]:
        """An admin kicks the bot; later calls get 403 ``bot was kicked``."""
        return self.state.change_bot_member(chat_id, MemberStatus.KICKED)

    def add_bot(self, chat_id: int, rights: dict[str, bool] | None = None) -> dict[str, Any]:
        status = MemberStatus.MEMBER if rights is None else MemberStatus.ADMINISTRATOR
        return self.state.change_bot_member(chat_id, status, rights)

    def migrate_group(self, chat_id: int) -> int:
        return self.state.migrate_group(chat_id)

    # ------------------------------------------------------------------ inspection

    def topics(self, chat_id: int) -> list[Topic]:
        return self.state.topics(chat_id)

    def messages(self, chat_id: int, thread_id: int | None = None) -> list[dict[str, Any]]:
        return self.state.messages(chat_id, thread_id)

    def bot_messages(self, chat_id: int, thread_id: int | None = None) -> list[dict[str, Any]]:
        return self.state.bot_messages(chat_id, thread_id)

    def reactions(self, chat_id: int, message_id: int) -> list[str]:
        return self.state.reactions(chat_id, message_id)

    def file_bytes(self, file_id: str) -> bytes:
        return self.state.file_bytes(file_id)

    def units(self, chat_id: int) -> int:
        """Flood-budget units the bot has spent in ``chat_id`` since the start."""
        return self.limits.units(chat_id)

    @property
    def unit_log(self) -> list[tuple[float, int, str]]:
        """``(clock time, chat_id, method)`` per unit spent, oldest first."""
        return self.limits.log

    @property
    def updates(self) -> list[dict[str, Any]]:
        """Every update ever queued for the bot (delivered or still pending)."""
        return self.state.updates.delivered

    def inject_error(
        self,
        method: str,
        description: str,
        error_code: int = 400,
        count: int = 1,
        retry_after: int | None = None,
    ) -> InjectedError:
        """Make the next ``count`` calls of ``method`` (``"*"``: any) fail with this error."""
        return self.faults.add(InjectedError(method, description, error_code, count, retry_after))

    def add_fault(
        self,
        kind: str,
        method: str = "*",
        *,
        count: int | None = 1,
        skip: int = 0,
        chat_id: int | None = None,
        thread_id: int | None = None,
        contains: str | None = None,
    ) -> CallFault:
        """Script ``accept_then_drop``, ``hold``, ``fail_mid_upload`` or ``refuse_photo`` for
        the matching calls (see :mod:`sandbox.telegram.faults`); the returned object tells
        what it hit and releases held calls."""
        return self.faults.add_fault(
            kind,
            method,
            count=count,
            skip=skip,
            chat_id=chat_id,
            thread_id=thread_id,
            contains=contains,
        )

    def clear_faults(self) -> int:
        """Forget every call fault, releasing the calls still held."""
        return self.faults.clear_faults()

    @property
    def webhook(self) -> Webhook | None:
        """The webhook the bot set (``None``: it receives by getUpdates)."""
        return self.state.webhooks.webhook

    @property
    def webhook_answers(self) -> list[tuple[int, int | None]]:
        """``(update_id, HTTP status or None)`` per webhook delivery, retries included."""
        return self.state.webhooks.answers

    def hold_next_delivery(self) -> DeliveryHold:
        """Hold the outcome of the next webhook delivery (see :mod:`.webhook`)."""
        return self.state.webhooks.hold_next()

    def hold_next_poll(self, *, confirm: bool = True) -> UpdatesGate:
        """Hold the getUpdates that follows the next delivered batch (the confirmation);
        with ``confirm`` its offset is applied first, as when Telegram got it and the
        client died before it could act on it."""
        return self.state.updates.install_gate(confirm=confirm)

    @property
    def refuse_unreadable_photos(self) -> bool:
        """sendPhoto with uploaded bytes in no known image format answers
        ``IMAGE_PROCESS_FAILED`` (off by default: tests often upload placeholder bytes)."""
        return self.faults.refuse_unreadable_photos

    @refuse_unreadable_photos.setter
    def refuse_unreadable_photos(self, value: bool) -> None:
        self.faults.refuse_unreadable_photos = value
