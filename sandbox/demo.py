"""The offline demo: the whole product on local emulators, no token or Ozon key needed.

``python -m sandbox.demo [--keep-running]`` (``python3 tasks.py run`` plays it when no
``BOT_TOKEN`` is configured). It lives beside the emulators, not in ``bot/``: the product
depends on nothing here, the demo depends on the product.

It runs the real bot (the same :func:`bot.app.assemble` as production) against the Ozon,
Wildberries, Yandex Market and Telegram emulators (an Ozon shop, a WB shop and a YM cabinet
in the same group), on a fresh
``agentiq_demo`` database in the embedded PostgreSQL,
and plays a short conversation while printing what each side sees. ``--keep-running``
leaves everything up to explore through the emulators' control APIs.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import html
import re
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

import asyncpg
from cryptography.fernet import Fernet
from pydantic import SecretStr, ValidationError

from bot.app import App, assemble, build_bot
from bot.logging_setup import setup_logging
from bot.settings import Settings, describe_settings_error, load_settings
from connectors.ozon.client import OzonClient
from connectors.wildberries.client import WildberriesClient
from connectors.yandex_market.client import YandexMarketClient
from sandbox.llm import LlmEmulator
from sandbox.ozon import OzonEmulator
from sandbox.telegram import TelegramEmulator
from sandbox.wildberries import WildberriesEmulator
from sandbox.yandex_market import YandexMarketEmulator
from storage.database import Database
from storage.embedded import EmbeddedPostgres, with_database
from storage.migrate import apply_migrations
from storage.pool import create_pool
from storage.vault import Vault

DEMO_DATABASE = "agentiq_demo"
DEMO_TOKEN = "100000001:DEMO-offline-emulator-only"
DEMO_CLIENT_ID = "111111"
DEMO_API_KEY = "demo-key"
DEMO_ORDER = "47873153-0052"
DEMO_LLM_KEY = "demo-llm-key"
# The WB shop's emulator seller and its token (a local demo credential, not a secret), and the
# goods card the WB buyer asks about (its nmID makes the topic's WB product link).
DEMO_WB_SELLER = "demo-wb-seller"
DEMO_WB_TOKEN = "demo-wb-token"
DEMO_WB_NM_ID = 87654321
# The YM cabinet (businessId), its store, its key (a local demo credential, as the YM
# emulator's --demo-seller has it) and the order the YM buyer writes about.
DEMO_YM_BUSINESS = 5123456
DEMO_YM_CAMPAIGN = 21784512
DEMO_YM_KEY = "ACMA:demo-ym-key:0000"
DEMO_YM_ORDER = 55012345
# The emulated model "thinks" a little, as a real one would.
DEMO_MODEL_LATENCY = 0.3
# A tiny picture standing in for the buyer's photo (a 1x1 PNG).
DEMO_PHOTO = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNk+A8AAQUBAScY42YAAAAASUVORK5CYII="
)
STEP_TIMEOUT = 60.0


class Say(Protocol):
    """Where the transcript goes (a blank line when called without one)."""

    def __call__(self, line: str = "") -> None: ...


# What the demo narrates, in the bot's locale (the buyer and agent speak Russian: it is a
# Russian marketplace). Kept here: these are the command's words, not the bot's.
NARRATION: dict[str, dict[str, str]] = {
    "title": {
        "ru": "AgentIQ Chat Center · офлайн-демо (эмуляторы Ozon, Wildberries, Яндекс Маркета, "
        "Telegram и LLM, без токена)",
        "en": "AgentIQ Chat Center · offline demo (Ozon, Wildberries, Yandex Market, Telegram "
        "and LLM emulators, no token)",
    },
    "buyer_asks": {
        "ru": "🛒 Ozon · покупатель пишет: «{text}» и прикладывает фото",
        "en": "🛒 Ozon · the buyer writes: «{text}» and attaches a photo",
    },
    "topic": {
        "ru": "💬 Telegram · появилась тема «{name}»:",
        "en": "💬 Telegram · a topic appeared: «{name}»",
    },
    "photo": {"ru": "[фото]", "en": "[photo]"},
    "draft": {
        "ru": "✨ Telegram · под сообщением появился черновик ответа (модель: эмулятор LLM):",
        "en": "✨ Telegram · a reply draft appeared under the message (model: LLM emulator):",
    },
    "draft_buttons": {
        "ru": "   кнопки: {buttons}",
        "en": "   buttons: {buttons}",
    },
    "agent_taps": {
        "ru": "🧑‍💼 Telegram · агент Анна нажимает «{button}»",
        "en": "🧑‍💼 Telegram · agent Anna taps «{button}»",
    },
    "ozon_got": {
        "ru": "🛒 Ozon · покупатель получил ответ: «{text}»",
        "en": "🛒 Ozon · the buyer received the answer: «{text}»",
    },
    "receipt": {
        "ru": "💬 Telegram · бот поставил {emoji} на черновик: ответ доставлен",
        "en": "💬 Telegram · the bot reacted {emoji} to the draft: delivered",
    },
    "buyer_again": {
        "ru": "🛒 Ozon · покупатель пишет ещё: «{text}»",
        "en": "🛒 Ozon · the buyer writes again: «{text}»",
    },
    "same_topic": {
        "ru": "💬 Telegram · в той же теме: {text}",
        "en": "💬 Telegram · in the same topic: {text}",
    },
    "wb_buyer_asks": {
        "ru": "🟣 Wildberries · покупатель {buyer} спрашивает о товаре {nm_id}: «{text}»",
        "en": "🟣 Wildberries · buyer {buyer} asks about product {nm_id}: «{text}»",
    },
    "wb_topic": {
        "ru": "💬 Telegram · появилась вторая тема, со значком WB: «{name}»",
        "en": "💬 Telegram · a second topic appeared, with the WB badge: «{name}»",
    },
    "agent_types": {
        "ru": "🧑‍💼 Telegram · агент Анна пишет в этой теме: «{text}»",
        "en": "🧑‍💼 Telegram · agent Anna types in that topic: «{text}»",
    },
    "wb_got": {
        "ru": "🟣 Wildberries · покупатель получил ответ (один раз): «{text}»",
        "en": "🟣 Wildberries · the buyer received the answer (once): «{text}»",
    },
    "ym_buyer_asks": {
        "ru": "🟡 Яндекс Маркет · покупатель {buyer} пишет в чат заказа {order}: «{text}»",
        "en": "🟡 Yandex Market · buyer {buyer} writes in the chat of order {order}: «{text}»",
    },
    "ym_topic": {
        "ru": "💬 Telegram · появилась третья тема, со значком YM: «{name}»",
        "en": "💬 Telegram · a third topic appeared, with the YM badge: «{name}»",
    },
    "ym_got": {
        "ru": "🟡 Яндекс Маркет · покупатель получил ответ (один раз): «{text}»",
        "en": "🟡 Yandex Market · the buyer received the answer (once): «{text}»",
    },
    "summary": {
        "ru": "Итого: тем {topics}, единиц бюджета группы Telegram {units}, в Ozon {sent}, "
        "в Wildberries {wb_sent}, в Яндекс Маркет {ym_sent}.",
        "en": "In all: {topics} topic(s), {units} Telegram group budget units, {sent} to Ozon, "
        "{wb_sent} to Wildberries, {ym_sent} to Yandex Market.",
    },
    "keep_running": {
        "ru": "Всё продолжает работать (Ctrl+C — выход):",
        "en": "Everything keeps running (Ctrl+C to stop):",
    },
    "ozon_url": {
        "ru": "  эмулятор Ozon:     {url}  (управление: /__control/…, sandbox/ozon/__init__.py)",
        "en": "  Ozon emulator:     {url}  (control API: /__control/…, sandbox/ozon/__init__.py)",
    },
    "wb_url": {
        "ru": "  эмулятор WB:       {url}  (управление: /__control/…, "
        "sandbox/wildberries/__init__.py)",
        "en": "  WB emulator:       {url}  (control API: /__control/…, "
        "sandbox/wildberries/__init__.py)",
    },
    "ym_url": {
        "ru": "  эмулятор ЯМ:       {url}  (управление: /__control/…, "
        "sandbox/yandex_market/__init__.py)",
        "en": "  YM emulator:       {url}  (control API: /__control/…, "
        "sandbox/yandex_market/__init__.py)",
    },
    "tg_url": {
        "ru": "  эмулятор Telegram: {url}  (управление: /__control/…, sandbox/telegram)",
        "en": "  Telegram emulator: {url}  (control API: /__control/…, sandbox/telegram)",
    },
    "llm_url": {
        "ru": "  эмулятор LLM:      {url}  (управление: /__control/…, sandbox/llm)",
        "en": "  LLM emulator:      {url}  (control API: /__control/…, sandbox/llm)",
    },
    "ids": {
        "ru": "  группа {group}, агент {agent}, продавец Ozon Client-Id {client}, продавец WB "
        "{wb_seller}, кабинет ЯМ {ym_business}; опрос раз в 5 с.",
        "en": "  group {group}, agent {agent}, Ozon seller Client-Id {client}, WB seller "
        "{wb_seller}, YM cabinet {ym_business}; polled every 5 s.",
    },
    "real_bot": {
        "ru": "Чтобы запустить настоящего бота, задайте BOT_TOKEN (см. README и .env.example).",
        "en": "To run the real bot, set BOT_TOKEN (see README and .env.example).",
    },
}


def say(line: str = "") -> None:
    print(line, flush=True)


def plain(markup: str) -> str:
    """A post as a person reads it: tags dropped, entities unescaped."""
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


async def _until(condition: Callable[[], Awaitable[bool]]) -> None:
    async with asyncio.timeout(STEP_TIMEOUT):
        while not await condition():  # noqa: ASYNC110 - watching the emulators' state
            await asyncio.sleep(0.05)


@dataclass
class DemoWorld:
    db: Database
    ozon: OzonEmulator
    tg: TelegramEmulator
    app: App
    group_id: int
    agent_id: int
    seller_id: int
    llm: LlmEmulator
    wb: WildberriesEmulator
    wb_seller_id: int
    ym: YandexMarketEmulator
    ym_seller_id: int

    def posts(self, thread_id: int) -> list[dict[str, Any]]:
        return [
            m for m in self.tg.bot_messages(self.group_id, thread_id)
            if "text" in m or "caption" in m
        ]  # fmt: skip


@contextlib.asynccontextmanager
async def _demo_database(settings: Settings) -> AsyncIterator[Database]:
    """A fresh demo database on the embedded server, so every run starts the same way."""
    embedded = EmbeddedPostgres(settings.data_dir)
    admin_dsn = await embedded.start()
    try:
        admin = await asyncpg.connect(admin_dsn)
        try:
            await admin.execute(f"DROP DATABASE IF EXISTS {DEMO_DATABASE} WITH (FORCE)")
            await admin.execute(f"CREATE DATABASE {DEMO_DATABASE}")
        finally:
            await admin.close()
        dsn = with_database(admin_dsn, DEMO_DATABASE)
        conn = await asyncpg.connect(dsn)
        try:
            await apply_migrations(conn)
        finally:
            await conn.close()
        pool = await create_pool(dsn)
        try:
            yield Database(pool)
        finally:
            await pool.close()
    finally:
        await embedded.stop()


@contextlib.asynccontextmanager
async def _demo_world(settings: Settings) -> AsyncIterator[DemoWorld]:
    async with (
        _demo_database(settings) as db,
        OzonEmulator(port=0) as ozon,
        WildberriesEmulator(port=0) as wb,
        YandexMarketEmulator(port=0) as ym,
        TelegramEmulator(port=0) as tg,
        LlmEmulator(port=0, latency=DEMO_MODEL_LATENCY, api_key=DEMO_LLM_KEY) as llm,
    ):
        ozon.state.add_seller(DEMO_CLIENT_ID, DEMO_API_KEY, name="Демо-магазин")
        wb.state.add_seller(DEMO_WB_SELLER, name="Демо-магазин WB")
        wb.state.issue_token(DEMO_WB_SELLER, token=DEMO_WB_TOKEN)
        ym.state.add_business(DEMO_YM_BUSINESS, name="Демо-кабинет ЯМ",
                              campaign_ids=[DEMO_YM_CAMPAIGN])  # fmt: skip
        ym.state.issue_key([DEMO_YM_BUSINESS], scopes=["COMMUNICATION"], token=DEMO_YM_KEY)
        tg.create_bot(token=DEMO_TOKEN, username="agentiq_demo_bot", first_name="AgentIQ")
        anna = tg.create_user(first_name="Анна", username="anna_support")
        rights = {"can_manage_topics": True, "can_delete_messages": True, "can_pin_messages": True}
        group = tg.create_group(
            "Поддержка (демо)", is_forum=True, members=[anna.id], admins=[anna.id],
            bot_rights=rights,
        )  # fmt: skip
        vault = Vault([SecretStr(Fernet.generate_key().decode())])
        workspace = await db.workspaces.bind(
            tg_chat_id=group.id, title="Поддержка (демо)", bound_by_tg_user_id=anna.id,
            locale=settings.locale,
        )  # fmt: skip
        seller = await db.sellers.create(
            workspace_id=workspace.id,
            marketplace="ozon",
            name="Демо-магазин",
            client_id=DEMO_CLIENT_ID,
            api_key_encrypted=vault.encrypt(SecretStr(DEMO_API_KEY)),
        )
        wb_seller = await db.sellers.create(
            workspace_id=workspace.id,
            marketplace="wildberries",
            name="Демо-магазин WB",
            client_id=DEMO_WB_SELLER,
            api_key_encrypted=vault.encrypt(SecretStr(DEMO_WB_TOKEN)),
        )
        ym_seller = await db.sellers.create(
            workspace_id=workspace.id,
            marketplace="ym",
            name="Демо-кабинет ЯМ",
            client_id=str(DEMO_YM_BUSINESS),
            api_key_encrypted=vault.encrypt(SecretStr(DEMO_YM_KEY)),
        )
        demo_settings = settings.model_copy(
            update={
                "telegram_api_url": tg.base_url,
                "ozon_api_url": ozon.base_url,
                "wb_api_url": wb.base_url,
                "ym_api_url": ym.base_url,
                "poll_interval_seconds": 5,
                # Drafts from the local model emulator, never the network.
                "llm_base_url": llm.base_url,
                "llm_api_key": SecretStr(DEMO_LLM_KEY),
                "drafts_enabled": True,
                "draft_debounce_seconds": 0.5,
            }
        )
        bot = build_bot(DEMO_TOKEN, tg.base_url)
        async with (
            OzonClient(base_url=ozon.base_url) as ozon_client,
            WildberriesClient(base_url=wb.base_url) as wb_client,
            YandexMarketClient(base_url=ym.base_url) as ym_client,
        ):
            app = assemble(
                demo_settings, db=db, vault=vault, ozon=ozon_client, bot=bot, wb=wb_client,
                ym=ym_client,
            )  # fmt: skip
            await app.updates.start()
            try:
                yield DemoWorld(
                    db, ozon, tg, app, group.id, anna.id, seller.id, llm, wb, wb_seller.id,
                    ym, ym_seller.id,
                )  # fmt: skip
            finally:
                await app.updates.stop()
                await bot.session.close()


Tell = Callable[..., None]


async def play(world: DemoWorld, out: Say, locale: str) -> None:
    """The scripted conversation, printed as both sides see it: the Ozon buyer, then the WB
    buyer in a second topic of the same group, then a YM buyer in a third."""

    def tell(key: str, **values: object) -> None:
        out(NARRATION[key][locale].format(**values))

    await play_ozon(world, out, tell, locale)
    out()
    await play_wb(world, out, tell)
    out()
    await play_ym(world, out, tell)
    out()
    tell(
        "summary",
        topics=len(world.tg.topics(world.group_id)),
        units=world.tg.units(world.group_id),
        sent=len(world.ozon.state.sent_by_seller(DEMO_CLIENT_ID)),
        wb_sent=len(world.wb.state.sent_by(DEMO_WB_SELLER)),
        ym_sent=len(world.ym.state.sent_by_partner(DEMO_YM_BUSINESS)),
    )


async def play_ozon(world: DemoWorld, out: Say, tell: Tell, locale: str) -> None:
    """The Ozon part: a photo, an AI draft sent by its button, a follow-up in the same topic."""
    state = world.ozon.state
    world.llm.script(
        "Здравствуйте! Очень жаль, что так вышло. Похоже на дефект именно этого экземпляра: "
        "мы передали фото в отдел качества и в ближайшее время подскажем, как лучше поступить."
    )
    question = "Здравствуйте! Пришла куртка, но рукав порван. Что делать?"
    tell("buyer_asks", text=question)
    chat_id, _ = state.buyer_writes(
        DEMO_CLIENT_ID, text=question, image=DEMO_PHOTO, order_number=DEMO_ORDER, sku="987654321"
    )
    await world.app.sync.run_now(world.seller_id)

    async def topic_ready() -> bool:
        chat = await world.db.chats.get_by_external(seller_id=world.seller_id, external_id=chat_id)
        return chat.topic_thread_id is not None and len(world.posts(chat.topic_thread_id)) >= 2

    await _until(topic_ready)
    chat = await world.db.chats.get_by_external(seller_id=world.seller_id, external_id=chat_id)
    thread = chat.topic_thread_id
    assert thread is not None
    [topic] = [t for t in world.tg.topics(world.group_id) if t.thread_id == thread]
    tell("topic", name=topic.name)
    for post in world.posts(thread):
        body = plain(post.get("text") or post.get("caption") or "")
        marker = f"   {NARRATION['photo'][locale]} " if "photo" in post else "   "
        out(marker + body.replace("\n", "\n   "))

    def draft_buttons(post: dict[str, Any]) -> list[dict[str, Any]]:
        rows = (post.get("reply_markup") or {}).get("inline_keyboard") or []
        return [b for row in rows for b in row if b.get("callback_data", "").startswith("d1:")]

    def draft() -> dict[str, Any] | None:
        # The buyer's own post has buttons too (✋ take): the draft is the one with d: data.
        return next((p for p in world.posts(thread) if draft_buttons(p)), None)

    async def draft_shown() -> bool:
        return draft() is not None

    await _until(draft_shown)
    draft_post = draft()
    assert draft_post is not None
    tell("draft")
    out("   " + plain(draft_post["text"]).replace("\n", "\n   "))
    keyboard = draft_buttons(draft_post)
    tell("draft_buttons", buttons=" · ".join(b["text"] for b in keyboard))
    send = keyboard[0]
    tell("agent_taps", button=send["text"])
    world.tg.press_button(world.agent_id, world.group_id, draft_post["message_id"],
                          send["callback_data"])  # fmt: skip

    async def delivered() -> bool:
        return bool(state.sent_by_seller(DEMO_CLIENT_ID)) and bool(
            world.tg.reactions(world.group_id, draft_post["message_id"])
        )

    await _until(delivered)
    [sent] = state.sent_by_seller(DEMO_CLIENT_ID)
    tell("ozon_got", text=sent.text)
    tell("receipt", emoji=world.tg.reactions(world.group_id, draft_post["message_id"])[0])

    follow_up = "Спасибо! А курьер заберёт сам?"
    tell("buyer_again", text=follow_up)
    # Counted before the poll: the post may land while run_now is still returning.
    posts_before = len(world.posts(thread))
    state.buyer_writes(DEMO_CLIENT_ID, chat_id=chat_id, text=follow_up)
    await world.app.sync.run_now(world.seller_id)

    async def follow_up_posted() -> bool:
        return any(follow_up in p.get("text", "") for p in world.posts(thread)[posts_before:])

    await _until(follow_up_posted)
    shown = next(p for p in world.posts(thread)[posts_before:] if follow_up in p.get("text", ""))
    tell("same_topic", text=plain(shown["text"]).replace("\n", " "))


async def play_wb(world: DemoWorld, out: Say, tell: Tell) -> None:
    """The WB part: a second shop's buyer in the same group, answered by typing in the topic
    (the shortest path: no draft to wait for)."""
    question = "Добрый день! Этот рюкзак влезет как ручная кладь?"
    buyer = "Мария"
    tell("wb_buyer_asks", buyer=buyer, nm_id=DEMO_WB_NM_ID, text=question)
    opened = world.wb.state.buyer_writes(
        DEMO_WB_SELLER, text=question, client_name=buyer, nm_id=DEMO_WB_NM_ID
    )
    await world.app.sync.run_now(world.wb_seller_id)
    threads: list[int] = []

    async def topic_ready() -> bool:
        chat = await world.db.chats.get_by_external(
            seller_id=world.wb_seller_id, external_id=opened.chat_id
        )
        if chat.topic_thread_id is None:
            return False
        threads[:] = [chat.topic_thread_id]
        return bool(world.posts(chat.topic_thread_id))

    await _until(topic_ready)
    [thread] = threads
    [topic] = [t for t in world.tg.topics(world.group_id) if t.thread_id == thread]
    tell("wb_topic", name=topic.name)
    for post in world.posts(thread):
        markup = post.get("text") or post.get("caption") or ""
        links = re.findall(r'href="([^"]+)"', markup)
        body = plain(markup) + "".join(f"\n🔗 {link}" for link in links)
        out("   " + body.replace("\n", "\n   "))

    answer = "Да, 40×30×20 см: проходит по нормам ручной клади."
    tell("agent_types", text=answer)
    world.tg.user_sends(world.agent_id, world.group_id, answer, thread_id=thread)

    async def relayed() -> bool:
        return bool(world.wb.state.sent_by(DEMO_WB_SELLER, opened.chat_id))

    await _until(relayed)
    [sent] = world.wb.state.sent_by(DEMO_WB_SELLER, opened.chat_id)
    tell("wb_got", text=sent.text)


async def play_ym(world: DemoWorld, out: Say, tell: Tell) -> None:
    """The YM part: a buyer writes in an order's chat; a third topic shows the YM badge and
    the order, and the agent's reply typed in the topic reaches the buyer once."""
    question = "Здравствуйте! Можно перенести доставку заказа на субботу?"
    buyer = "Ольга"
    tell("ym_buyer_asks", buyer=buyer, order=DEMO_YM_ORDER, text=question)
    opened = world.ym.state.buyer_writes(
        DEMO_YM_BUSINESS, text=question, context_type="ORDER", order_id=DEMO_YM_ORDER,
        customer_name=buyer,
    )  # fmt: skip
    chat_id = str(opened.chat_id)
    await world.app.sync.run_now(world.ym_seller_id)
    threads: list[int] = []

    async def topic_ready() -> bool:
        chat = await world.db.chats.get_by_external(
            seller_id=world.ym_seller_id, external_id=chat_id
        )
        if chat.topic_thread_id is None:
            return False
        threads[:] = [chat.topic_thread_id]
        return bool(world.posts(chat.topic_thread_id))

    await _until(topic_ready)
    [thread] = threads
    [topic] = [t for t in world.tg.topics(world.group_id) if t.thread_id == thread]
    tell("ym_topic", name=topic.name)
    for post in world.posts(thread):
        body = plain(post.get("text") or post.get("caption") or "")
        out("   " + body.replace("\n", "\n   "))

    answer = "Да, перенесли на субботу, курьер позвонит за час."
    tell("agent_types", text=answer)
    world.tg.user_sends(world.agent_id, world.group_id, answer, thread_id=thread)

    async def relayed() -> bool:
        return bool(world.ym.state.sent_by_partner(DEMO_YM_BUSINESS, opened.chat_id))

    await _until(relayed)
    [sent] = world.ym.state.sent_by_partner(DEMO_YM_BUSINESS, opened.chat_id)
    tell("ym_got", text=sent.text)


async def run_demo(settings: Settings, *, keep_running: bool, out: Say = say) -> None:
    locale = settings.locale
    out(NARRATION["title"][locale])
    out()
    async with _demo_world(settings) as world:
        await play(world, out, locale)
        out()
        if not keep_running:
            out(NARRATION["real_bot"][locale])
            return
        for key, values in (
            ("keep_running", {}),
            ("ozon_url", {"url": world.ozon.base_url}),
            ("wb_url", {"url": world.wb.base_url}),
            ("ym_url", {"url": world.ym.base_url}),
            ("tg_url", {"url": world.tg.base_url}),
            ("llm_url", {"url": world.llm.base_url}),
            (
                "ids",
                {
                    "group": world.group_id,
                    "agent": world.agent_id,
                    "client": DEMO_CLIENT_ID,
                    "wb_seller": DEMO_WB_SELLER,
                    "ym_business": DEMO_YM_BUSINESS,
                },
            ),
        ):
            out(NARRATION[key][locale].format(**values))
        await asyncio.Event().wait()


def main_demo(settings: Settings, *, keep_running: bool) -> int:
    try:
        asyncio.run(run_demo(settings, keep_running=keep_running))
    except KeyboardInterrupt:
        return 0
    except TimeoutError:
        print("The demo did not finish in time: see the log above.", file=sys.stderr)
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sandbox.demo", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--keep-running",
        action="store_true",
        help="keep the emulators and the bot running after the scripted conversation",
    )
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
    except ValidationError as exc:
        print(f"Configuration error: {describe_settings_error(exc)}", file=sys.stderr)
        return 2
    # The transcript is the demo's output; its logs stay quiet unless asked for.
    setup_logging(
        "DEBUG" if settings.log_level == "DEBUG" else "WARNING", settings.secret_values()
    )
    return main_demo(settings, keep_running=args.keep_running)


if __name__ == "__main__":
    raise SystemExit(main())
