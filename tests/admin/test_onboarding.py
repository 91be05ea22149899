"""The whole onboarding through both emulators: a group, /setup, sellers, a buyer's message."""

from __future__ import annotations

from bot.texts import text
from tests.support.texts import TextMatch, has, says
from tests.support.world import (
    API_KEY,
    CLIENT_ID,
    FULL_RIGHTS,
    NO_PREMIUM_ID,
    NO_PREMIUM_KEY,
    SECOND_ID,
    SECOND_KEY,
    WRONG_KEY,
    AdminWorld,
    wait_until,
)


async def test_bot_added_to_a_forum_group_then_setup_with_missing_rights_then_fixed(
    aw: AdminWorld,
) -> None:
    group = aw.forum_group(bot_member=False)
    aw.tg.add_bot(group.id, rights={"can_manage_topics": True})
    hello = await aw.wait_group_post(group.id, says("setup.hello"))
    for right in ("can_delete_messages", "can_pin_messages"):
        assert has(hello["text"], says(f"setup.right.{right}"))
    assert not has(hello["text"], says("setup.right.can_manage_topics"))
    pending = await aw.db.workspaces.get_by_chat(tg_chat_id=group.id)
    assert pending.state == "pending"

    setup = aw.say(aw.boris, "/setup", group.id)
    report = await aw.wait_group_post(group.id, says("setup.missing"), after=setup)
    assert report["reply_to_message"]["message_id"] == setup
    assert (await aw.db.workspaces.get_by_chat(tg_chat_id=group.id)).state == "pending"
    assert await aw.db.audit.list_recent() == []

    aw.tg.set_bot_rights(group.id, FULL_RIGHTS)
    await aw.wait_group_post(group.id, says("setup.ready_unbound"))
    aw.say(aw.owner, "/start")
    await aw.wait_private(aw.owner, says("start"))
    aw.say(aw.boris, "/setup", group.id)  # a group admin asks; only an owner binds
    await aw.wait_group_post(group.id, says("security.setup.asked"))
    request = await aw.wait_private(aw.owner, says("security.request.text", group="Поддержка"))
    assert (await aw.db.workspaces.get_by_chat(tg_chat_id=group.id)).state == "pending"
    await aw.press(aw.owner, request, says("security.button.approve"))
    bound = await aw.wait_group_post(group.id, says("setup.bound", group="Поддержка"))
    assert has(bound["text"], says("setup.ready"))
    workspace = await aw.db.workspaces.get_by_chat(tg_chat_id=group.id)
    assert workspace.state == "active" and workspace.bound_by_tg_user_id == aw.boris.id
    bind, asked = await aw.db.audit.list_recent()
    assert (bind.action, bind.actor_tg_user_id) == ("workspace.bind", aw.owner.id)
    assert bind.details["approved_by"] == aw.owner.id
    assert (asked.action, asked.actor_tg_user_id) == ("workspace.request", aw.boris.id)

    aw.say(aw.boris, "/setup", group.id)  # re-running re-checks, binds nothing new
    await wait_until(lambda: _count(aw, group.id, says("setup.bound"), 2))
    assert len(await aw.db.audit.list_recent()) == 2
    await wait_until(aw.outbox_settled)


async def _count(aw: AdminWorld, chat_id: int, contains: TextMatch, n: int) -> bool:
    return sum(has(t, contains) for t in aw.group_posts(chat_id)) >= n


async def test_the_wizard_connects_a_seller_and_the_buyer_reaches_a_topic(
    aw: AdminWorld,
) -> None:
    chat_id, _ = aw.ozon.state.buyer_writes(CLIENT_ID, text="Где мой заказ?", order_number="111-1")
    group, workspace = await aw.bound_group()
    aw.say(aw.boris, "/start")
    await aw.wait_private(aw.boris, says("start"))

    aw.say(aw.boris, "/add_seller")
    question = await aw.wait_private(aw.boris, says("add.ask_marketplace"))
    await aw.press(aw.boris, question, "Ozon")
    await aw.wait_private(aw.boris, says("add.ask_client_id"))

    aw.say(aw.boris, "магазин")
    await aw.wait_private(aw.boris, says("add.bad_client_id"))
    aw.say(aw.boris, CLIENT_ID)
    await aw.wait_private(aw.boris, says("add.ask_key"))

    after = aw.last_private_id(aw.boris)
    wrong = aw.say(aw.boris, WRONG_KEY)
    await aw.wait_private(aw.boris, says("key.invalid_key"), after=after)
    assert await aw.db.sellers.list_all() == []
    assert wrong not in [m["message_id"] for m in aw.tg.messages(aw.boris.id)]  # key deleted

    after = aw.last_private_id(aw.boris)
    aw.say(aw.boris, API_KEY)
    ask_name = await aw.wait_private(aw.boris, says("add.ask_name"), after=after)
    assert text("button.keep_name", "ru", name="Ozon 777001") in aw.buttons(ask_name)
    after = aw.last_private_id(aw.boris)
    aw.say(aw.boris, "Обувь <и> сумки")
    summary = await aw.wait_private(aw.boris, says("add.summary"), after=after, seconds=15)

    history = [h.get("text", "") for h in summary["edit_history"]]
    assert any(has(h, says("add.checking", shop="Обувь <и> сумки")) for h in history)
    assert any(has(h, says("add.progress", found=2, imported=1)) for h in history)
    assert "Обувь &lt;и&gt; сумки" in summary["text"]  # the name as text, never as markup
    assert has(summary["text"], says("add.summary", shop="Обувь <и> сумки", imported=1))

    [seller] = await aw.db.sellers.list_all()
    assert (seller.name, seller.workspace_id, seller.state) == (
        "Обувь <и> сумки", workspace.id, "active",
    )  # fmt: skip
    assert aw.app is not None and seller.id in aw.app.sync.seller_ids()
    chat = await aw.db.chats.get_by_external(seller_id=seller.id, external_id=chat_id)

    async def in_topic() -> bool:
        current = await aw.db.chats.get(chat_id=chat.id)
        return current.topic_thread_id is not None and bool(
            [m for m in aw.tg.bot_messages(group.id, current.topic_thread_id)
             if "Где мой заказ?" in m.get("text", "")]
        )  # fmt: skip

    await wait_until(in_topic)
    actions = [e.action for e in await aw.db.audit.list_recent()]
    assert actions == ["seller.add", "workspace.bind"]


async def test_the_one_line_form_good_and_bad_keys_each_with_its_own_message(
    aw: AdminWorld,
) -> None:
    _, workspace = await aw.bound_group()
    aw.say(aw.boris, "/start")
    await aw.wait_private(aw.boris, says("start"))

    bad_id = await aw.add_by_one_line(
        aw.boris, f"/add_seller ozon abc {API_KEY}", says("key.bad_client_id")
    )
    assert has(bad_id["text"], says("key.bad_client_id"))
    invalid = await aw.add_by_one_line(
        aw.boris, f"/add_seller ozon {CLIENT_ID} {WRONG_KEY}", says("add.nothing_saved")
    )
    assert has(invalid["text"], says("key.invalid_key"))
    no_premium = await aw.add_by_one_line(
        aw.boris, f"/add_seller ozon {NO_PREMIUM_ID} {NO_PREMIUM_KEY}", says("add.nothing_saved")
    )
    assert has(no_premium["text"], says("key.no_premium"))
    aw.ozon.state.add_fault("drop", count=4, path="/v3/chat/list", client_id=CLIENT_ID)
    unreachable = await aw.add_by_one_line(
        aw.boris, f"/add_seller ozon {CLIENT_ID} {API_KEY}", says("add.nothing_saved")
    )
    assert has(unreachable["text"], says("key.unreachable"))
    assert await aw.db.sellers.list_all() == []

    done = await aw.add_by_one_line(
        aw.boris, f"/add_seller ozon {SECOND_ID} {SECOND_KEY} Одежда", says("add.summary")
    )
    assert has(done["text"], says("add.summary", shop="Одежда"))
    [seller] = await aw.db.sellers.list_all()
    assert (seller.client_id, seller.name, seller.workspace_id) == (
        SECOND_ID, "Одежда", workspace.id,
    )  # fmt: skip
    again = await aw.add_by_one_line(
        aw.boris, f"/add_seller ozon {SECOND_ID} {SECOND_KEY}", says("add.duplicate")
    )
    assert SECOND_ID in again["text"]
    assert len(await aw.db.sellers.list_all()) == 1
