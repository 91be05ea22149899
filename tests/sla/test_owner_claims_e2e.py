"""Owners (ADMIN_IDS) may claim and assign chats before the bot has ever seen them write:
an owner's role is known without asking Telegram, so no agent row exists yet."""

from __future__ import annotations

from sandbox.telegram.models import Member, MemberStatus
from storage.database import Database
from tests.support.texts import has, says
from tests.support.world import open_world, wait_until


async def test_owners_take_and_assign_a_chat_on_first_contact(db: Database) -> None:
    async with open_world(db) as world:
        oleg = world.tg.create_user(first_name="Олег", username="oleg")
        vera = world.tg.create_user(first_name="Вера", username="vera")
        await world.stop()  # restart with both in ADMIN_IDS
        world.settings = world.settings.model_copy(
            update={"admin_ids": frozenset({oleg.id, vera.id})}
        )
        await world.start()
        for person in (oleg, vera):
            world.tg.state.chat(world.group_id).members[person.id] = Member(
                person.id, MemberStatus.MEMBER
            )
        chat_id, _ = world.buyer_writes(text="Где заказ?")
        await world.poll()
        thread = await world.topic_of(chat_id)
        await world.wait_for_posts(thread, 1)
        [post] = world.posts(thread)
        data = post["reply_markup"]["inline_keyboard"][0][0]["callback_data"]

        query = world.tg.press_button(oleg.id, world.group_id, post["message_id"], data)

        async def answered() -> bool:
            return world.tg.callback_answer(query) is not None

        await wait_until(answered)
        assert world.tg.callback_answer(query)["text"] == says("claim.ok").template
        owner = await world.db.agents.get_by_tg_user(tg_user_id=oleg.id)
        assert (await world.chat(chat_id)).owner_agent_id == owner.id

        world.tg.user_sends(vera.id, world.group_id, "/assign @oleg", thread_id=thread)

        async def assigned() -> bool:
            assigned_by_vera = says("claim.assigned", agent="Олег", admin="Вера")
            return any(has(m.get("text"), assigned_by_vera) for m in world.posts(thread))

        await wait_until(assigned)
        assert (await world.chat(chat_id)).owner_agent_id == owner.id
        assert await world.db.agents.get_by_tg_user(tg_user_id=vera.id)
