"""Messages through the real aiogram Bot: validation, edits, reactions, buttons, files."""

from __future__ import annotations

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramNotFound
from aiogram.methods import GetMe, SendMessage
from aiogram.types import (
    BufferedInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaPhoto,
    ReactionTypeEmoji,
)

from .conftest import World

PNG_1x2 = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x02\x08\x06\x00\x00\x00"
)


def keyboard(data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="Отправить", callback_data=data)]]
    )


async def test_text_length_counts_utf16_units(world: World, bot: Bot) -> None:
    tg, group = world.tg, world.group
    emoji_text = "😀" * 2048  # 2048 code points, 4096 UTF-16 units: exactly the limit
    sent = await bot.send_message(group.id, emoji_text)
    assert sent.text == emoji_text
    assert tg.violations == []
    with pytest.raises(TelegramBadRequest) as caught:
        await bot.send_message(group.id, "😀" * 2048 + "x")
    assert caught.value.message == "Bad Request: message is too long"
    with pytest.raises(TelegramBadRequest):
        await bot.send_message(group.id, "я" * 4097)
    assert len(tg.violations) == 2
    assert "4097 UTF-16 units" in tg.violations[0]
    assert len(tg.bot_messages(group.id)) == 1


async def test_html_parse_mode(world: World, bot: Bot) -> None:
    tg, group = world.tg, world.group
    good = (
        '<b>Покупатель</b>: &lt;ответ&gt; &amp; <a href="https://ozon.ru/x?a=1&amp;b=2">ссылка'
        '</a> <tg-spoiler>x</tg-spoiler> <span class="tg-spoiler">y</span> <pre><code '
        'class="language-python">1 &lt; 2</code></pre> <blockquote expandable>q</blockquote>'
    )
    await bot.send_message(group.id, good, parse_mode="HTML")
    assert tg.violations == []
    # the limit applies after parsing: 4096 visible characters wrapped in tags pass
    await bot.send_message(group.id, "<b>" + "a" * 4096 + "</b>", parse_mode="HTML")
    assert tg.violations == []
    for bad in ("a < b", "<b>unclosed", "<div>x</div>", "x & y", "<b><i>x</b></i>", "1 > 0"):
        with pytest.raises(TelegramBadRequest) as caught:
            await bot.send_message(group.id, bad, parse_mode="HTML")
        assert caught.value.message.startswith("Bad Request: can't parse entities: ")
    assert len(tg.violations) == 6
    # without parse_mode the same text is plain and fine
    await bot.send_message(group.id, "a < b & c")
    assert len(tg.violations) == 6


async def test_unknown_parameter_is_recorded(world: World, bot: Bot) -> None:
    method = SendMessage(chat_id=world.group.id, text="x", frobnicate=True)
    with pytest.raises(TelegramBadRequest):
        await bot(method)
    assert world.tg.violations == ['sendMessage: unknown parameter "frobnicate"']
    assert world.tg.bot_messages(world.group.id) == []


async def test_unsupported_and_unknown_methods(world: World, bot: Bot) -> None:
    with pytest.raises(TelegramBadRequest) as caught:
        await bot.send_dice(world.group.id)
    assert caught.value.message == "Bad Request: method not supported by the emulator"
    assert world.tg.violations == ["sendDice: method not supported by the emulator"]

    class GetNothing(GetMe):
        __api_method__ = "getNothing"

    with pytest.raises(TelegramNotFound):
        await bot(GetNothing())
    assert world.tg.violations[-1] == "getNothing: no such method in the Bot API spec"


async def test_callback_data_over_64_bytes(world: World, bot: Bot) -> None:
    tg, group = world.tg, world.group
    fine = await bot.send_message(group.id, "ok", reply_markup=keyboard("ж" * 32))  # 64 bytes
    assert fine.reply_markup is not None
    with pytest.raises(TelegramBadRequest) as caught:
        await bot.send_message(group.id, "bad", reply_markup=keyboard("a" * 65))
    assert caught.value.message == "Bad Request: BUTTON_DATA_INVALID"
    assert len(tg.violations) == 1
    assert "65 bytes" in tg.violations[0]
    no_action = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="x")]])
    with pytest.raises(TelegramBadRequest, match="inline keyboard button"):
        await bot.send_message(group.id, "bad", reply_markup=no_action)
    assert len(tg.violations) == 2


async def test_edit_message_text_and_not_modified(world: World, bot: Bot) -> None:
    tg, group = world.tg, world.group
    sent = await bot.send_message(group.id, "черновик", reply_markup=keyboard("send:1"))
    edited = await bot.edit_message_text(
        "отправлено", chat_id=group.id, message_id=sent.message_id, reply_markup=keyboard("x")
    )
    assert edited.text == "отправлено"
    assert edited.edit_date is not None
    with pytest.raises(TelegramBadRequest) as caught:
        await bot.edit_message_text(
            "отправлено", chat_id=group.id, message_id=sent.message_id, reply_markup=keyboard("x")
        )
    assert caught.value.message.startswith("Bad Request: message is not modified")
    # omitting reply_markup removes the keyboard, which is a modification
    await bot.edit_message_text("отправлено", chat_id=group.id, message_id=sent.message_id)
    current = tg.bot_messages(group.id)[0]
    assert "reply_markup" not in current
    assert [h["text"] for h in current["edit_history"]] == ["черновик", "отправлено"]
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await bot.edit_message_text("x", chat_id=group.id, message_id=9999)
    user_msg = tg.user_sends(world.anna.id, group.id, text="от Анны")
    with pytest.raises(TelegramBadRequest, match="message can't be edited"):
        await bot.edit_message_text("x", chat_id=group.id, message_id=user_msg["message_id"])
    assert tg.units(group.id) == 3  # send + two successful edits; failures cost nothing
    assert tg.violations == []


async def test_reactions(world: World, bot: Bot) -> None:
    tg, group = world.tg, world.group
    msg = tg.user_sends(world.anna.id, group.id, text="Ответ покупателю")
    assert await bot.set_message_reaction(
        group.id, msg["message_id"], [ReactionTypeEmoji(emoji="👍")]
    )
    assert tg.reactions(group.id, msg["message_id"]) == ["👍"]
    with pytest.raises(TelegramBadRequest) as caught:
        await bot.set_message_reaction(
            group.id, msg["message_id"], [ReactionTypeEmoji(emoji="✅")]
        )
    assert caught.value.message == "Bad Request: REACTION_INVALID"
    with pytest.raises(TelegramBadRequest, match="REACTIONS_TOO_MUCH"):
        await bot.set_message_reaction(
            group.id,
            msg["message_id"],
            [ReactionTypeEmoji(emoji="👍"), ReactionTypeEmoji(emoji="🔥")],
        )
    assert tg.reactions(group.id, msg["message_id"]) == ["👍"]
    assert len(tg.violations) == 2
    assert tg.units(group.id) == 0  # reactions are not counted


async def test_callback_query_answer_once(world: World, bot: Bot) -> None:
    tg, group = world.tg, world.group
    sent = await bot.send_message(group.id, "черновик", reply_markup=keyboard("send:42"))
    query_id = tg.press_button(world.anna.id, group.id, sent.message_id, "send:42")
    updates = await bot.get_updates(timeout=0)
    query = updates[-1].callback_query
    assert query is not None
    assert (query.id, query.data, query.from_user.id) == (query_id, "send:42", world.anna.id)
    assert query.message.message_id == sent.message_id
    assert tg.callback_answer(query_id) is None
    assert await bot.answer_callback_query(query_id, text="Отправлено", show_alert=True)
    assert tg.callback_answer(query_id)["text"] == "Отправлено"
    assert tg.callback_answer(query_id)["show_alert"] is True
    with pytest.raises(TelegramBadRequest) as caught:
        await bot.answer_callback_query(query_id)
    assert caught.value.message.startswith("Bad Request: query is too old")
    with pytest.raises(ValueError, match="no button"):
        tg.press_button(world.anna.id, group.id, sent.message_id, "other")
    assert tg.violations == []


async def test_photo_and_document_roundtrip(world: World, bot: Bot) -> None:
    tg, group = world.tg, world.group
    topic = await bot.create_forum_topic(group.id, "Файлы")
    photo = await bot.send_photo(
        group.id,
        BufferedInputFile(PNG_1x2, filename="p.png"),
        caption="<b>фото</b>",
        parse_mode="HTML",
        message_thread_id=topic.message_thread_id,
    )
    assert (photo.photo[-1].width, photo.photo[-1].height) == (1, 2)
    assert photo.caption == "<b>фото</b>"
    doc = await bot.send_document(
        group.id, BufferedInputFile(b"%PDF-1.4 demo", filename="act.pdf"), caption="акт"
    )
    assert doc.document.file_name == "act.pdf"
    assert doc.document.mime_type == "application/pdf"
    for file_id, expected in (
        (photo.photo[-1].file_id, PNG_1x2),
        (doc.document.file_id, b"%PDF-1.4 demo"),
    ):
        file = await bot.get_file(file_id)
        assert file.file_size == len(expected)
        downloaded = await bot.download(file_id)
        assert downloaded is not None
        assert downloaded.read() == expected
        assert tg.file_bytes(file_id) == expected
    # a known file_id can be re-sent without uploading
    again = await bot.send_document(group.id, doc.document.file_id)
    assert again.document.file_id == doc.document.file_id
    album = await bot.send_media_group(
        group.id,
        [
            InputMediaPhoto(media=BufferedInputFile(PNG_1x2, filename="a.png"), caption="1"),
            InputMediaPhoto(media=photo.photo[-1].file_id),
        ],
    )
    assert len({m.media_group_id for m in album}) == 1
    with pytest.raises(TelegramBadRequest, match="message caption is too long"):
        await bot.send_photo(group.id, photo.photo[-1].file_id, caption="x" * 1025)
    user_photo = tg.user_sends(world.anna.id, group.id, photo=PNG_1x2, caption="скрин")
    assert await bot.download(user_photo["photo"][-1]["file_id"]) is not None
    assert tg.units(group.id) == 1 + 1 + 1 + 1 + 2
    assert len(tg.violations) == 1
