"""Ozon → Telegram: kill -9 inside topic creation and multi-part posts, refused photos,
uploads cut midway, a burst across chats.

Telegram has no idempotency key and no history to read, so a duplicate may only come from
the one call in flight when the process dies or the response is lost: at most one per
fault. Nothing may be lost, and each topic keeps the buyer's order. The burst across chats
with a kill runs on every marketplace in ``test_relay_spine.py``.
"""

from __future__ import annotations

from .harness import FaultWorld, first_seen, png

POST_METHODS = "sendMessage|sendPhoto|sendDocument|sendMediaGroup"


def _count(fw: FaultWorld, needle: str) -> int:
    return len(fw.posts_with(needle))


async def test_kill_while_the_topic_is_being_created(fw: FaultWorld) -> None:
    held = fw.tg.add_fault("hold", "createForumTopic")
    chat_id, _ = fw.buyer_writes(text="Тема: первое сообщение")
    await held.wait_held(60)  # Telegram made the topic; the bot waits for the answer
    await fw.kill9()
    await fw.restart()
    await fw.settle(lambda: _count(fw, "Тема: первое сообщение") >= 1, 60)
    fw.buyer_writes(text="Тема: второе сообщение", chat_id=chat_id)
    await fw.settle(lambda: _count(fw, "Тема: второе сообщение") >= 1, 60)
    topics = len(fw.tg.topics(fw.group_id))
    assert topics <= 2, f"{topics} topics for one chat (at most one extra per kill)"
    first, second = fw.posts_with("Тема: первое"), fw.posts_with("Тема: второе")
    assert len(first) == 1 and len(second) == 1, (len(first), len(second))
    assert first[0]["message_thread_id"] == second[0]["message_thread_id"]


async def test_kill_while_a_multi_part_post_is_half_done(fw: FaultWorld) -> None:
    first_chat, _ = fw.buyer_writes(text="Части: начало")
    thread = await fw.topic_for("Части: начало")
    one, two = png("часть-1"), png("часть-2")
    held = fw.tg.add_fault("hold", POST_METHODS, thread_id=thread)
    fw.buyer_writes(text="Части: текст с двумя фото", image=one, chat_id=first_chat)
    fw.buyer_writes(image=two, chat_id=first_chat)
    await held.wait_held(60)
    await fw.kill9()
    await fw.restart()
    done = await fw.settle(
        lambda: bool(fw.posts_with("Части: текст") and fw.posts_of_file(one)
                     and fw.posts_of_file(two)),
        90,
    )  # fmt: skip
    assert done, "a part of the message was never posted"
    copies = (
        len(fw.posts_with("Части: текст"))
        + len(fw.posts_of_file(one))
        + len(fw.posts_of_file(two))
    )
    assert copies - 3 <= 1, f"{copies - 3} duplicates after one kill"
    order = []
    for message in fw.posts(thread):
        if "Части: текст" in fw.body(message) and "photo" not in message:
            order.append("text")
        elif message in fw.posts_of_file(one):
            order.append("one")
        elif message in fw.posts_of_file(two):
            order.append("two")
    assert first_seen(order) == ["text", "one", "two"], order


async def test_a_photo_refused_as_photo_is_posted_as_a_document(fw: FaultWorld) -> None:
    fw.tg.add_fault("refuse_photo", "sendPhoto", count=None)
    image = png("отказ")
    fw.buyer_writes(text="Отказ: смотрите фото", image=image)
    await fw.settle(lambda: bool(fw.posts_of_file(image)), 60)
    assert fw.posts_with("Отказ: смотрите фото"), "the buyer's text was dropped"
    posted = fw.posts_of_file(image)
    assert len(posted) == 1 and "document" in posted[0], "the refused photo was dropped"


async def test_an_upload_cut_midway_is_retried_and_posted_once(fw: FaultWorld) -> None:
    cut = fw.tg.add_fault("fail_mid_upload", "sendPhoto")
    image = png("обрыв")
    fw.buyer_writes(text="Обрыв: фото", image=image)
    await fw.settle(lambda: bool(fw.posts_of_file(image)), 90)
    assert len(cut.hits) == 1
    assert len(fw.posts_of_file(image)) == 1
