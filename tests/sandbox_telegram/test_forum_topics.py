"""Forum topics through the real aiogram Bot: creation, posting, closed and deleted topics."""

from __future__ import annotations

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest

from .conftest import World


async def test_get_me_returns_the_bot(world: World, bot: Bot) -> None:
    me = await bot.get_me()
    assert me.id == 123456
    assert me.is_bot
    assert me.username == "agentiq_test_bot"
    assert world.tg.violations == []


async def test_create_topic_posts_service_message_and_update(world: World, bot: Bot) -> None:
    tg, group = world.tg, world.group
    topic = await bot.create_forum_topic(group.id, "Заказ 123", icon_color=16766590)
    assert topic.name == "Заказ 123"
    assert topic.icon_color == 16766590
    service = tg.messages(group.id, topic.message_thread_id)
    assert len(service) == 1
    assert service[0]["message_id"] == topic.message_thread_id
    assert service[0]["forum_topic_created"] == {"name": "Заказ 123", "icon_color": 16766590}
    assert service[0]["is_topic_message"] is True
    updates = await bot.get_updates(timeout=0)
    assert [u.message.forum_topic_created.name for u in updates] == ["Заказ 123"]
    assert updates[0].message.message_thread_id == topic.message_thread_id
    second = await bot.create_forum_topic(group.id, "Заказ 124")
    assert second.message_thread_id > topic.message_thread_id
    assert [t.name for t in tg.topics(group.id)] == ["Заказ 123", "Заказ 124"]
    assert tg.violations == []


async def test_send_into_topic_and_general(world: World, bot: Bot) -> None:
    tg, group = world.tg, world.group
    topic = await bot.create_forum_topic(group.id, "Заказ 1")
    thread = topic.message_thread_id
    in_topic = await bot.send_message(group.id, "в теме", message_thread_id=thread)
    assert in_topic.message_thread_id == thread
    assert in_topic.is_topic_message is True
    assert in_topic.reply_to_message is not None  # the topic root, as on Telegram
    assert in_topic.reply_to_message.forum_topic_created is not None
    general = await bot.send_message(group.id, "в General")
    assert general.message_thread_id is None
    assert not general.is_topic_message
    assert [m["text"] for m in tg.bot_messages(group.id, thread)] == ["в теме"]
    assert [m["text"] for m in tg.bot_messages(group.id)] == ["в теме", "в General"]
    with pytest.raises(TelegramBadRequest, match="message thread not found"):
        await bot.send_message(group.id, "General by id", message_thread_id=1)
    with pytest.raises(TelegramBadRequest, match="message thread not found"):
        await bot.send_message(group.id, "unknown", message_thread_id=9999)
    assert tg.violations == []


async def test_deleted_topic_is_not_found(world: World, bot: Bot) -> None:
    tg, group = world.tg, world.group
    topic = await bot.create_forum_topic(group.id, "Удалим")
    await bot.send_message(group.id, "до удаления", message_thread_id=topic.message_thread_id)
    tg.delete_topic(group.id, topic.message_thread_id)
    assert tg.topics(group.id)[0].deleted
    assert tg.messages(group.id, topic.message_thread_id) == []
    with pytest.raises(TelegramBadRequest) as caught:
        await bot.send_message(group.id, "после", message_thread_id=topic.message_thread_id)
    assert caught.value.message == "Bad Request: message thread not found"
    # sendChatAction keeps answering True for a deleted topic (telegram-bot-api#732)
    assert await bot.send_chat_action(
        group.id, "typing", message_thread_id=topic.message_thread_id
    )


async def test_closed_topic_refuses_the_bot_until_reopened(world: World, bot: Bot) -> None:
    tg, group = world.tg, world.group
    topic = await bot.create_forum_topic(group.id, "Закроем")
    thread = topic.message_thread_id
    tg.close_topic(group.id, thread)
    with pytest.raises(TelegramBadRequest) as caught:
        await bot.send_message(group.id, "нельзя", message_thread_id=thread)
    assert caught.value.message == "Bad Request: TOPIC_CLOSED"
    assert await bot.reopen_forum_topic(group.id, thread)
    sent = await bot.send_message(group.id, "можно", message_thread_id=thread)
    assert sent.message_thread_id == thread
    assert await bot.close_forum_topic(group.id, thread)
    with pytest.raises(TelegramBadRequest, match="TOPIC_NOT_MODIFIED"):
        await bot.close_forum_topic(group.id, thread)
    kinds = [
        next(k for k in m if k.startswith("forum_topic_") or k == "text")
        for m in tg.messages(group.id, thread)
    ]
    assert kinds == [
        "forum_topic_created",
        "forum_topic_closed",
        "forum_topic_reopened",
        "text",
        "forum_topic_closed",
    ]
    assert tg.topics(group.id)[0].closed


async def test_edit_topic_and_not_modified(world: World, bot: Bot) -> None:
    tg, group = world.tg, world.group
    topic = await bot.create_forum_topic(group.id, "Старое имя")
    thread = topic.message_thread_id
    stickers = await bot.get_forum_topic_icon_stickers()
    assert stickers and all(s.custom_emoji_id for s in stickers)
    icon = stickers[1].custom_emoji_id
    assert await bot.edit_forum_topic(group.id, thread, name="Новое", icon_custom_emoji_id=icon)
    record = tg.topics(group.id)[0]
    assert (record.name, record.icon_custom_emoji_id) == ("Новое", icon)
    with pytest.raises(TelegramBadRequest) as caught:
        await bot.edit_forum_topic(group.id, thread, name="Новое")
    assert caught.value.message == "Bad Request: TOPIC_NOT_MODIFIED"
    edited = tg.messages(group.id, thread)[-1]["forum_topic_edited"]
    assert edited == {"name": "Новое", "icon_custom_emoji_id": icon}
    assert tg.violations == []


async def test_rights_and_non_forum(world: World, bot: Bot) -> None:
    tg = world.tg
    plain = tg.create_group("Обычная", members=[world.anna.id], bot_rights={})
    with pytest.raises(TelegramBadRequest) as caught:
        await bot.create_forum_topic(plain.id, "x")
    assert caught.value.message == "Bad Request: the chat is not a forum"
    weak = tg.create_group("Форум", is_forum=True, bot_rights=None)
    with pytest.raises(TelegramBadRequest) as caught:
        await bot.create_forum_topic(weak.id, "x")
    assert caught.value.message == "Bad Request: not enough rights to create a topic"
    no_delete = tg.create_group("Форум 2", is_forum=True, bot_rights={"can_manage_topics": True})
    topic = await bot.create_forum_topic(no_delete.id, "y")
    with pytest.raises(TelegramBadRequest, match="not enough rights"):
        await bot.delete_forum_topic(no_delete.id, topic.message_thread_id)
    member = await bot.get_chat_member(world.group.id, world.bot_user.id)
    assert member.status == "administrator"
    assert member.can_manage_topics is True
    assert tg.violations == []


async def test_bad_icon_color_is_a_violation(world: World, bot: Bot) -> None:
    with pytest.raises(TelegramBadRequest):
        await bot.create_forum_topic(world.group.id, "x", icon_color=0x123456)
    assert len(world.tg.violations) == 1
    assert "icon_color" in world.tg.violations[0]
    assert world.tg.topics(world.group.id) == []
