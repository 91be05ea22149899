"""The marketplace side of a test world: one emulator, the seller on it, and the few
questions the relay-spine fault tests and the end-to-end flows ask of it.

The spine differs per marketplace in two places only: how a reply is sent and how a send
whose answer was lost is verified (Ozon reads history by message id, WB looks for the
echo in its events stream, YM reads history back), and how buyer messages come in (Ozon's
chat list + history, WB's one events cursor, YM's status-filtered list + history). A
:class:`Market` hides those differences behind one surface, so the same test asserts the
same outcome on all three. The end-to-end flows (tests/e2e) run the real bot in-process
on :func:`open_market_world`: the group's one seller is on the market under test.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any, Protocol

from sandbox.holds import HoldGate
from sandbox.ozon import OzonEmulator
from sandbox.wildberries import Upload as WbUpload
from sandbox.wildberries import WildberriesEmulator
from sandbox.yandex_market import Upload as YmUpload
from sandbox.yandex_market import YandexMarketEmulator
from storage.database import Database
from tests.support.world import API_KEY, CLIENT_ID, SellerSpec, World, open_world

OZON_CLIENT_ID = "777002"
OZON_API_KEY = "ozon-faults-key-0123456789"
OZON_SHOP = "Обувь"
WB_SELLER = "wb-faults-seller"
YM_BUSINESS = 5123456

#: Every marketplace the relay-spine fault tests and the end-to-end flows run against.
MARKETPLACES = ("ozon", "wildberries", "ym")
#: A buyer's document every marketplace takes (WB: JPEG, PNG or PDF only).
Document = tuple[str, bytes]


class Fault(Protocol):
    """The emulators' fault handle (Ozon's and the WB/YM fault book's share this)."""

    gate: HoldGate

    async def wait_held(self, seconds: float = 30.0) -> None: ...


class Market(Protocol):
    """One marketplace seen from a fault test."""

    name: str
    #: Chat-list calls one idle poll makes (a poll is counted by them).
    calls_per_poll: int
    #: Whether the next poll reads the seller's own reply back (YM's quick poll lists only
    #: chats waiting for the seller; a chat just answered comes back with the slow sweep).
    reads_reply_back: bool

    def env(self) -> dict[str, str]: ...

    def add_seller_command(self) -> str: ...

    def poll_calls(self) -> int: ...

    def buyer_writes(self, text: str, *, chat_id: str | None = None, chat_key: int = 0) -> str:
        """A buyer message; ``chat_key`` tells new chats apart (order, buyer); the chat id."""
        ...

    def fault_on_send(self, kind: str, *, file: bool, skip: int = 0) -> Fault:
        """``kind`` ("hold", "accept_then_drop") on the next send of a text or a file."""
        ...

    def sent_texts(self, chat_id: str) -> list[str]: ...

    def sent_files(self, chat_id: str) -> list[bytes]: ...

    def seller_spec(self) -> SellerSpec:
        """The seller as a test world registers it (a fresh key where keys are issued)."""
        ...

    def buyer_sends(
        self,
        *,
        text: str = "",
        image: bytes | None = None,
        document: Document | None = None,
        chat_id: str | None = None,
        chat_key: int = 0,
    ) -> str:
        """A buyer message with a photo and/or a document (Ozon makes each part its own
        message, WB and YM one message with attachments); the chat id."""
        ...

    def sent_file_names(self, chat_id: str) -> list[str]: ...


class OzonMarket:
    """Ozon: history by message id; the shop's push URL is pasted in bootstrap."""

    name = "ozon"
    calls_per_poll = 2  # unread, then all
    reads_reply_back = True
    SEND = "/v1/chat/send/message"
    SEND_FILE = "/v1/chat/send/file"

    def __init__(
        self,
        ozon: OzonEmulator,
        *,
        client_id: str = OZON_CLIENT_ID,
        api_key: str = OZON_API_KEY,
        shop: str = OZON_SHOP,
    ) -> None:
        self.ozon = ozon
        self.client_id, self.api_key, self.shop = client_id, api_key, shop

    def env(self) -> dict[str, str]:
        return {}

    def add_seller_command(self) -> str:
        return f"/add_seller ozon {self.client_id} {self.api_key} {self.shop}"

    def seller_spec(self) -> SellerSpec:
        return SellerSpec("ozon", self.shop, self.client_id, self.api_key)

    def poll_calls(self) -> int:
        return self.ozon.calls[(self.client_id, "/v3/chat/list")]

    def buyer_writes(self, text: str, *, chat_id: str | None = None, chat_key: int = 0) -> str:
        return self.buyer_sends(text=text, chat_id=chat_id, chat_key=chat_key)

    def buyer_sends(
        self,
        *,
        text: str = "",
        image: bytes | None = None,
        document: Document | None = None,
        chat_id: str | None = None,
        chat_key: int = 0,
    ) -> str:
        order = "47873153-0052" if chat_key == 0 else f"9000{chat_key}-0001"
        chat, _ = self.ozon.state.buyer_writes(
            self.client_id, text=text or None, image=image, image_name="photo.png",
            file=document, chat_id=chat_id, order_number=order,
        )  # fmt: skip
        return chat

    def fault_on_send(self, kind: str, *, file: bool, skip: int = 0) -> Fault:
        path = self.SEND_FILE if file else self.SEND
        fault: Fault = self.ozon.state.add_fault(kind, count=1, path=path, skip=skip)
        return fault

    def sent_texts(self, chat_id: str) -> list[str]:
        return [r.text for r in self.ozon.state.sent_by_seller(self.client_id, chat_id) if r.text]

    def sent_files(self, chat_id: str) -> list[bytes]:
        sent = self.ozon.state.sent_by_seller(self.client_id, chat_id)
        return [r.file_bytes for r in sent if r.file_name and r.file_bytes is not None]

    def sent_file_names(self, chat_id: str) -> list[str]:
        sent = self.ozon.state.sent_by_seller(self.client_id, chat_id)
        return [r.file_name for r in sent if r.file_name]


class WbMarket:
    """Wildberries: one events cursor; a send's echo in it is the only proof it went."""

    name = "wildberries"
    calls_per_poll = 1
    reads_reply_back = True  # its echo in the events stream
    SEND = "/api/v1/seller/message"  # text and files alike
    EVENTS = "/api/v1/seller/events"

    def __init__(self, wb: WildberriesEmulator) -> None:
        self.wb = wb
        wb.state.add_seller(WB_SELLER, name="Обувь WB")

    def env(self) -> dict[str, str]:
        return {"WB_API_URL": self.wb.base_url}

    def add_seller_command(self) -> str:
        return f"/add_seller wb {self.wb.state.issue_token(WB_SELLER).token} Обувь WB"

    def seller_spec(self) -> SellerSpec:
        token = self.wb.state.issue_token(WB_SELLER).token
        return SellerSpec("wildberries", "Обувь WB", WB_SELLER, token)

    def poll_calls(self) -> int:
        return self.wb.calls[(WB_SELLER, self.EVENTS)]

    def buyer_writes(self, text: str, *, chat_id: str | None = None, chat_key: int = 0) -> str:
        return self.buyer_sends(text=text, chat_id=chat_id, chat_key=chat_key)

    def buyer_sends(
        self,
        *,
        text: str = "",
        image: bytes | None = None,
        document: Document | None = None,
        chat_id: str | None = None,
        chat_key: int = 0,
    ) -> str:
        uploads = [WbUpload("photo.png", image)] if image is not None else []
        uploads += [WbUpload(*document)] if document is not None else []
        event = self.wb.state.buyer_writes(
            WB_SELLER, text=text or None, chat_id=chat_id, client_name=f"Покупатель {chat_key}",
            uploads=uploads,
        )  # fmt: skip
        return str(event.chat_id)

    def fault_on_send(self, kind: str, *, file: bool, skip: int = 0) -> Fault:
        fault: Fault = self.wb.state.faults.add(kind, count=1, path=self.SEND, skip=skip)
        return fault

    def sent_texts(self, chat_id: str) -> list[str]:
        return [s.text for s in self.wb.state.sent_by(WB_SELLER, chat_id) if s.text]

    def sent_files(self, chat_id: str) -> list[bytes]:
        return [f.content for s in self.wb.state.sent_by(WB_SELLER, chat_id) for f in s.files]

    def sent_file_names(self, chat_id: str) -> list[str]:
        return [f.name for s in self.wb.state.sent_by(WB_SELLER, chat_id) for f in s.files]


class YmMarket:
    """Yandex Market: chats listed by status, history read back to verify a send."""

    name = "ym"
    calls_per_poll = 1  # NEW + WAITING_FOR_PARTNER in one list; the full sweep is slower
    reads_reply_back = False  # answered: WAITING_FOR_CUSTOMER, read by the sweep
    SEND = "/chats/message"
    SEND_FILE = "/chats/file/send"

    def __init__(self, ym: YandexMarketEmulator) -> None:
        self.ym = ym
        ym.state.add_business(YM_BUSINESS, name="Электроника")

    def env(self) -> dict[str, str]:
        return {"YM_API_URL": self.ym.base_url}

    def add_seller_command(self) -> str:
        key = self.ym.state.issue_key([YM_BUSINESS], scopes=["COMMUNICATION"]).token
        return f"/add_seller ym {key} Электроника"

    def seller_spec(self) -> SellerSpec:
        key = self.ym.state.issue_key([YM_BUSINESS], scopes=["COMMUNICATION"]).token
        return SellerSpec("ym", "Электроника", str(YM_BUSINESS), key)

    def poll_calls(self) -> int:
        return self.ym.calls[(str(YM_BUSINESS), "/chats")]

    def buyer_writes(self, text: str, *, chat_id: str | None = None, chat_key: int = 0) -> str:
        return self.buyer_sends(text=text, chat_id=chat_id, chat_key=chat_key)

    def buyer_sends(
        self,
        *,
        text: str = "",
        image: bytes | None = None,
        document: Document | None = None,
        chat_id: str | None = None,
        chat_key: int = 0,
    ) -> str:
        files = [YmUpload("photo.png", image, "image/png")] if image is not None else []
        files += [YmUpload(*document, "application/pdf")] if document is not None else []
        message = self.ym.state.buyer_writes(
            YM_BUSINESS,
            text=text or None,
            chat_id=int(chat_id) if chat_id is not None else None,
            files=files,
            context_type="ORDER",
            customer_name=f"Покупатель {chat_key}",
        )
        return str(message.chat_id)

    def fault_on_send(self, kind: str, *, file: bool, skip: int = 0) -> Fault:
        path = self.SEND_FILE if file else self.SEND
        return self.ym.state.add_fault(kind, count=1, path=path, skip=skip)

    def _sent(self, chat_id: str) -> list[Any]:
        return self.ym.state.sent_by_partner(YM_BUSINESS, int(chat_id))

    def sent_texts(self, chat_id: str) -> list[str]:
        return [m.text for m in self._sent(chat_id) if m.text]

    def sent_files(self, chat_id: str) -> list[bytes]:
        return [f.content for m in self._sent(chat_id) for f in m.files]

    def sent_file_names(self, chat_id: str) -> list[str]:
        return [f.name for m in self._sent(chat_id) for f in m.files]


@contextlib.asynccontextmanager
async def open_market(marketplace: str, ozon: OzonEmulator) -> AsyncIterator[Market]:
    """The market under test (Ozon's emulator always runs: the bot needs its URL)."""
    if marketplace == "ozon":
        ozon.state.add_seller(OZON_CLIENT_ID, OZON_API_KEY, name=OZON_SHOP)
        yield OzonMarket(ozon)
    elif marketplace == "wildberries":
        async with WildberriesEmulator(rate_limit=False) as wb:
            yield WbMarket(wb)
    elif marketplace == "ym":
        async with YandexMarketEmulator(rate_limit=False) as ym:
            yield YmMarket(ym)
    else:
        raise ValueError(f"no emulator for marketplace {marketplace!r}")


@contextlib.asynccontextmanager
async def open_market_world(
    db: Database, marketplace: str, **world: Any
) -> AsyncIterator[tuple[World, Market]]:
    """The in-process end-to-end world (tests.support.world.open_world) whose group has one
    seller, on ``marketplace``; ``world`` goes to open_world (settings overrides...)."""
    if marketplace == "ozon":
        async with open_world(db, **world) as opened:
            yield opened, OzonMarket(opened.ozon, client_id=CLIENT_ID, api_key=API_KEY,
                                     shop=opened.seller.name)  # fmt: skip
        return
    if marketplace == "wildberries":
        async with WildberriesEmulator(rate_limit=False) as wb:
            market: Market = WbMarket(wb)
            async with open_world(db, wb=wb, seller=market.seller_spec(), **world) as opened:
                yield opened, market
        return
    if marketplace == "ym":
        async with YandexMarketEmulator(rate_limit=False) as ym:
            market = YmMarket(ym)
            async with open_world(db, ym=ym, seller=market.seller_spec(), **world) as opened:
                yield opened, market
        return
    raise ValueError(f"no emulator for marketplace {marketplace!r}")
