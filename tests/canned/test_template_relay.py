"""A canned reply from insertion to the buyer, one step at a time (tests.support.relaying):
the agent picks it by inline query, Telegram posts it as the agent's own message (no group
unit spent), the topic handler fills its variables for this chat, the real reply worker
sends it to the Ozon emulator, and the receipt quotes what the buyer got. Stacking, a
variable with no value, and the guardrails on the filled text too."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiogram.methods import SendDocument, SendMessage, SendPhoto, TelegramMethod

from bot.drafts.callbacks import HeldAction, HeldCallback
from storage.database import Database
from tests.support.handlers import BORIS, GROUP_ID, VERA
from tests.support.relaying import PDF, RelayWorld, open_relay_world, receipts
from tests.support.texts import has, said, says
from tests.support.tpl_steps import chosen_message, inline_query, with_file

ORDER = "47873153-0052"  # the order tests.support.markets gives the first Ozon chat


@pytest.fixture
async def rw(db: Database) -> AsyncIterator[RelayWorld]:
    async with open_relay_world(db) as opened:
        yield opened


async def add_template(rw: RelayWorld, command: str, *, pdf: str | None = None) -> None:
    """Boris saves a template in the group (with a PDF: sent with the command as caption)."""
    if pdf is None:
        await rw.hw.say(BORIS, command, GROUP_ID)
    else:
        await rw.hw.feed("message", with_file(rw.hw, BORIS, command, "document", file_id=pdf))
        rw.files[pdf] = PDF  # what the worker downloads by that file id
    await rw.hw.deliver()


async def group_units(rw: RelayWorld) -> int:
    spent = await rw.db.pool.fetchval("SELECT spent FROM tg_budget WHERE scope = $1", GROUP_ID)
    return len(spent or [])


def group_posts(requests: list[TelegramMethod[Any]], thread: int) -> list[Any]:
    return [
        r
        for r in requests
        if isinstance(r, SendMessage | SendPhoto | SendDocument)
        and r.chat_id == GROUP_ID
        and r.message_thread_id == thread
    ]


async def insert(rw: RelayWorld, thread: int, query: str, pick: int = 0) -> dict[str, Any]:
    """Vera types ``@bot <query>`` in the topic and picks result ``pick``; the message
    Telegram posts for her, as fed to the bot."""
    answer = await inline_query(rw.hw, VERA, query)
    message = chosen_message(rw.hw, VERA, thread, answer.results[pick])  # type: ignore[arg-type]
    await rw.hw.feed("message", message)
    return message


async def test_a_pdf_template_with_the_order_reaches_ozon_filled_at_no_group_cost(
    rw: RelayWorld,
) -> None:
    chat_id, thread = await rw.topic()
    await add_template(rw, "/templates add прайс Прайс к заказу {заказ}", pdf="pdf-price")
    units = await group_units(rw)
    outbox_rows = await rw.db.pool.fetchval("SELECT count(*) FROM tg_outbox")
    requests_before = len(rw.hw.session.requests)

    message = await insert(rw, thread, "прайс")
    assert await rw.hw.deliver() == []  # inserting queued nothing for the group
    inserting = rw.hw.session.requests[requests_before:]
    names = [type(r).__name__ for r in inserting]
    assert names.count("AnswerInlineQuery") == 1  # the answer goes to Vera alone
    assert set(names) <= {"AnswerInlineQuery", "GetChatMember"}  # her rights; no post
    assert await group_units(rw) == units  # 0 units
    assert await rw.db.pool.fetchval("SELECT count(*) FROM tg_outbox") == outbox_rows

    requests = await rw.relay()
    filled = f"Прайс к заказу {ORDER}"
    assert rw.market.sent_texts(chat_id) == [filled]
    assert rw.market.sent_file_names(chat_id) == ["price.pdf"]
    assert rw.market.sent_files(chat_id) == [PDF]
    assert message["message_id"] in receipts(requests)
    [quote] = [p for p in group_posts(requests, thread) if has(p.text, says("canned.receipt"))]
    assert has(quote.text, says("canned.receipt", text=filled))
    assert quote.reply_parameters is not None
    assert quote.reply_parameters.message_id == message["message_id"]


async def test_two_stacked_templates_reach_the_buyer_as_one_message(rw: RelayWorld) -> None:
    chat_id, thread = await rw.topic()
    await add_template(rw, "/templates add привет Здравствуйте!")
    await add_template(rw, "/templates add доставка Заказ {order} уже в пути.")

    await insert(rw, thread, "привет доставка")  # the first result: both, together
    await rw.relay()
    assert rw.market.sent_texts(chat_id) == [f"Здравствуйте!\n\nЗаказ {ORDER} уже в пути."]


async def test_a_variable_the_chat_has_no_value_for_refuses_the_reply(rw: RelayWorld) -> None:
    chat_id, thread = await rw.topic()  # Ozon does not tell the buyer's name
    await add_template(rw, "/templates add имя {имя}, добрый день!")
    message = await insert(rw, thread, "имя")

    requests = await rw.relay()
    assert rw.market.sent_texts(chat_id) == []
    assert await rw.db.pool.fetchval("SELECT count(*) FROM reply_outbox") == 0
    [notice] = group_posts(requests, thread)
    assert has(notice.text, says("canned.missing_value", names="{имя}"))
    assert notice.reply_parameters is not None
    assert notice.reply_parameters.message_id == message["message_id"]


async def test_the_guardrails_judge_the_filled_text(rw: RelayWorld) -> None:
    chat_id, thread = await rw.topic()
    chat = await rw.chat(chat_id)
    await rw.db.pool.execute(
        "UPDATE chats SET product_url = 'https://shop.example.com/boots' WHERE id = $1", chat.id
    )
    await add_template(rw, "/templates add товар Ваш товар: {ссылка}")
    await insert(rw, thread, "товар")

    requests = await rw.relay()
    assert rw.market.sent_texts(chat_id) == []  # an outside link, once filled in
    assert said([p.text for p in group_posts(requests, thread)], says("guard.blocked_reply"))


async def test_a_template_inserted_as_a_note_is_never_relayed(rw: RelayWorld) -> None:
    chat_id, thread = await rw.topic()
    await add_template(rw, "/templates add доставка Заказ {заказ} уже в пути.")
    await insert(rw, thread, "//доставка")

    await rw.relay()
    assert rw.market.sent_texts(chat_id) == []
    [note] = await rw.db.internal_notes.list_recent(chat_id=(await rw.chat(chat_id)).id)
    assert note.text == "Заказ {заказ} уже в пути."


async def test_a_held_template_once_confirmed_goes_out_filled_with_its_quote(
    rw: RelayWorld,
) -> None:
    chat_id, thread = await rw.topic()
    await add_template(rw, "/templates add деньги Вернём деньги за заказ {заказ}")
    message = await insert(rw, thread, "деньги")  # a promise: held until Vera confirms
    await rw.relay()
    assert rw.market.sent_texts(chat_id) == []
    held_id = await rw.db.pool.fetchval(
        "SELECT id FROM held_replies WHERE tg_message_id = $1", message["message_id"]
    )
    held = await rw.db.held_replies.get(held_id=held_id)
    filled = f"Вернём деньги за заказ {ORDER}"
    assert (held.text, held.filled) == (filled, True)  # the guardrail judged the filled text

    data = HeldCallback(a=HeldAction.CONFIRM, id=held.id).pack()
    await rw.hw.feed("callback_query", rw.press_on(VERA, data, message_id=5000))
    requests = await rw.relay()
    assert rw.market.sent_texts(chat_id) == [filled]
    assert said(
        [p.text for p in group_posts(requests, thread)], says("canned.receipt", text=filled)
    )


async def test_on_wildberries_the_buyers_name_and_the_marketplace_are_filled(
    db: Database,
) -> None:
    async with open_relay_world(db, "wildberries") as wb:
        chat_id, thread = await wb.topic()
        await add_template(wb, "/templates add привет {имя}, спасибо, что выбрали {маркетплейс}!")
        await insert(wb, thread, "привет")
        await wb.relay()
        buyer = (await wb.chat(chat_id)).buyer_name
        assert buyer  # Wildberries tells the buyer's name
        assert wb.market.sent_texts(chat_id) == [f"{buyer}, спасибо, что выбрали Wildberries!"]


async def test_on_wildberries_a_product_link_to_wildberries_goes_out(db: Database) -> None:
    """{ссылка} fills the buyer's own marketplace's product page: its link is allowed."""
    async with open_relay_world(db, "wildberries") as wb:
        chat_id, thread = await wb.topic()
        chat = await wb.chat(chat_id)
        url = "https://www.wildberries.ru/catalog/123456/detail.aspx"
        await wb.db.pool.execute("UPDATE chats SET product_url = $2 WHERE id = $1", chat.id, url)
        await add_template(wb, "/templates add товар Ваш товар: {ссылка}")
        await insert(wb, thread, "товар")
        await wb.relay()
        assert wb.market.sent_texts(chat_id) == [f"Ваш товар: {url}"]
