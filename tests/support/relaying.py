"""An agent's reply relayed to a marketplace without starting the world: the handler world
(tests.support.handlers: the dispatcher fed one update at a time, a recorded Bot) with its
group's one seller on a marketplace's emulator, and the real reply worker and Telegram
queue of :func:`bot.app.assemble` run by the test, one pass at a time.

``relay()`` runs reply-worker passes (``replies.run_once``) until one finds nothing ready,
then the Telegram queue until nothing is due (``deliver``): it returns what the bot asked
Telegram to do (the notices, the 👍 receipts). ``poll()`` is one sync pass of the seller,
as the scheduler would run it. Files the agent posts are served to the worker's
``bot.download`` by their Telegram file id. Nothing runs between the steps, so a test
reads each state in turn; the flows through the running workers (polling, restarts,
timing) stay on tests.support.world.
"""

from __future__ import annotations

import base64
import contextlib
import io
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

from aiogram.methods import SetMessageReaction, TelegramMethod
from aiogram.types import ReactionTypeEmoji
from pydantic import SecretStr

from bot.settings import Settings
from sandbox.wildberries import WildberriesEmulator
from sandbox.yandex_market import YandexMarketEmulator
from storage.database import Database
from storage.records import Chat, ReplyItem, Seller
from tests.support.handlers import GROUP_ID, VERA, HandlerWorld, Person, open_handler_world
from tests.support.markets import Market, OzonMarket, WbMarket, YmMarket
from tests.support.world import API_KEY, CLIENT_ID

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNk+A8AAQUBAScY42YAAAAASUVORK5CYII="
)
PDF = b"%PDF-1.4\n% a small invoice\n" + b"0" * 2048
DOC_NAME = "invoice.pdf"

Configure = Callable[[Settings], Settings]


@dataclass
class RelayWorld:
    hw: HandlerWorld
    market: Market
    seller: Seller
    files: dict[str, bytes] = field(default_factory=dict)  # Telegram file id → content

    @property
    def db(self) -> Database:
        return self.hw.db

    async def poll(self) -> None:
        """One sync pass of the seller (what the scheduler's job runs)."""
        await self.hw.app.sync.run_now(self.seller.id)

    async def topic(self, text: str = "Когда доставка?") -> tuple[str, int]:
        """A buyer writes; one poll and one delivery later the chat has its topic."""
        chat_id = self.market.buyer_writes(text)
        await self.poll()
        await self.hw.deliver()
        thread = (await self.chat(chat_id)).topic_thread_id
        assert thread is not None
        return chat_id, thread

    async def chat(self, external_id: str) -> Chat:
        return await self.db.chats.get_by_external(
            seller_id=self.seller.id, external_id=external_id
        )

    def agent_message(
        self, thread: int, kind: str, text: str = "", *, name: str = DOC_NAME,
        content: bytes | None = None, person: Person = VERA,
    ) -> dict[str, Any]:  # fmt: skip
        """The agent's text, photo or document (``kind``) in the topic, as Telegram sends it;
        a file's content is what the worker will download."""
        message = self.hw.message(
            person, text, GROUP_ID, message_thread_id=thread, is_topic_message=True
        )
        number = message["message_id"]
        if kind == "image":
            del message["text"]
            file_id = f"photo-{number}"
            message["photo"] = [{"file_id": file_id, "file_unique_id": f"u-{file_id}",
                                 "width": 1, "height": 1}]  # fmt: skip
            self.files[file_id] = PNG if content is None else content
        elif kind == "document":
            del message["text"]
            file_id = f"doc-{number}"
            message["document"] = {"file_id": file_id, "file_unique_id": f"u-{file_id}",
                                   "file_name": name}  # fmt: skip
            self.files[file_id] = PDF if content is None else content
        return message

    async def agent_writes(self, thread: int, kind: str, text: str = "", **extra: Any) -> Any:
        """The agent posts into the topic (fed to the dispatcher); the Telegram message."""
        message = self.agent_message(thread, kind, text, **extra)
        await self.hw.feed("message", message)
        return message

    async def item_of(self, message: dict[str, Any]) -> ReplyItem:
        """The one reply the topic handler queued for ``message``."""
        [row] = await self.db.pool.fetch(
            "SELECT id FROM reply_outbox WHERE tg_message_id = $1", message["message_id"]
        )
        return await self.db.replies.get(item_id=row["id"])

    async def relay(self) -> list[TelegramMethod[Any]]:
        """Reply-worker passes until one finds nothing ready (a row backing off or waiting
        for a person is not), then the Telegram queue; the requests that made."""
        before = len(self.hw.session.requests)
        for _ in range(20):
            if not await self.hw.app.bridge.replies.run_once():
                break
        await self.hw.deliver()
        return self.hw.session.requests[before:]

    async def hurry(self) -> None:
        """Skip the backoff of every waiting row (the tests are about what happens next)."""
        await self.db.pool.execute(
            "UPDATE reply_outbox SET not_before = now(), lease_until = NULL"
            " WHERE status IN ('pending', 'sending')"
        )

    async def status_of(self, item: ReplyItem) -> str:
        return (await self.db.replies.get(item_id=item.id)).status

    def press_on(self, person: Person, data: str, message_id: int) -> dict[str, Any]:
        """A callback query from a press on the bot's message ``message_id`` in the group."""
        message = self.hw.message(person, "…", GROUP_ID)
        message["message_id"] = message_id
        return {"id": f"q-{message_id}-{len(self.hw.session.requests)}",
                "from": person.to_dict(), "message": message, "chat_instance": "1",
                "data": data}  # fmt: skip


def receipts(requests: list[TelegramMethod[Any]]) -> list[int]:
    """The group messages the requests put a 👍 on, in order."""
    return [
        int(r.message_id)
        for r in requests
        if isinstance(r, SetMessageReaction)
        and r.chat_id == GROUP_ID
        and [x.emoji for x in r.reaction or [] if isinstance(x, ReactionTypeEmoji)] == ["👍"]
    ]


def settings_with(**update: Any) -> Configure:
    """A ``configure`` for the handler world: these settings changed."""
    return lambda settings: settings.model_copy(update=update)


@contextlib.asynccontextmanager
async def open_market_steps(
    db: Database,
    marketplace: str = "ozon",
    configure: Configure | None = None,
    *,
    rate_limit: bool = False,
) -> AsyncIterator[tuple[HandlerWorld, Market]]:
    """The bound group (Boris its admin, Vera an agent) and the market under test on its
    emulator ("ozon", "wildberries", "ym"; ``rate_limit``: the emulator's own limits on),
    no seller registered yet: a test adds the shop by command, then :func:`relay_on`."""
    async with contextlib.AsyncExitStack() as stack:
        wb = ym = None
        if marketplace == "wildberries":
            wb = await stack.enter_async_context(WildberriesEmulator(rate_limit=rate_limit))
        elif marketplace == "ym":
            ym = await stack.enter_async_context(YandexMarketEmulator(rate_limit=rate_limit))
        elif marketplace != "ozon":
            raise ValueError(f"no emulator for marketplace {marketplace!r}")
        hw = await stack.enter_async_context(open_handler_world(db, configure, wb=wb, ym=ym))
        market: Market
        if wb is not None:
            market = WbMarket(wb)
        elif ym is not None:
            market = YmMarket(ym)
        else:
            market = OzonMarket(hw.ozon, client_id=CLIENT_ID, api_key=API_KEY, shop="Обувь")
        await hw.bound_group()
        yield hw, market


def relay_on(hw: HandlerWorld, market: Market, seller: Seller) -> RelayWorld:
    """The relay steps for ``seller``; the files the agent posts are served to the
    worker's ``bot.download``."""
    world = RelayWorld(hw, market, seller)

    async def download(file: str, *_: Any, **__: Any) -> io.BytesIO:
        return io.BytesIO(world.files[file])

    hw.bot.download = download  # type: ignore[method-assign]
    return world


@contextlib.asynccontextmanager
async def open_relay_world(
    db: Database,
    marketplace: str = "ozon",
    configure: Configure | None = None,
    *,
    rate_limit: bool = False,
) -> AsyncIterator[RelayWorld]:
    """The bound group with one seller on ``marketplace`` (see :func:`open_market_steps`)
    and the assembled bot with a recorded Bot (``configure``: its settings changed)."""
    async with open_market_steps(db, marketplace, configure, rate_limit=rate_limit) as opened:
        hw, market = opened
        spec = market.seller_spec()
        workspace = await hw.db.workspaces.get_by_chat(tg_chat_id=GROUP_ID)
        seller = await hw.db.sellers.create(
            workspace_id=workspace.id, marketplace=spec.marketplace, name=spec.name,
            client_id=spec.client_id, api_key_encrypted=hw.vault.encrypt(SecretStr(spec.api_key)),
        )  # fmt: skip
        yield relay_on(hw, market, seller)
