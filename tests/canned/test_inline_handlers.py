"""Inline queries one update at a time: who sees templates (those who may answer buyers),
what a few letters match, the combined result for stacking, the note form, and the
explaining button instead of silence."""

from __future__ import annotations

from typing import Any

from aiogram.types import InlineQueryResultArticle, InlineQueryResultCachedPhoto

from bot.texts import plain_text
from tests.support.handlers import BORIS, GLEB, VERA, HandlerWorld
from tests.support.tpl_steps import inline_query, result_titles


async def scene(hw: HandlerWorld) -> Any:
    """The group, its shop, and three templates: two group-wide, one with a photo."""
    workspace = await hw.bound_group()
    seller = await hw.add_seller(workspace)
    common = {"workspace_id": workspace.id, "created_by": BORIS.id, "file_name": None}
    await hw.db.canned.add(seller_id=None, name="привет", body="Здравствуйте!",
                           file_kind=None, file_id=None, **common)  # fmt: skip
    await hw.db.canned.add(seller_id=None, name="доставка", body="Заказ {заказ} уже в пути.",
                           file_kind=None, file_id=None, **common)  # fmt: skip
    await hw.db.canned.add(seller_id=seller.id, name="фото", body="Вот как выглядит товар",
                           file_kind="photo", file_id="ph-1", **common)  # fmt: skip
    # Vera has written in the group before: the bot knows her there
    await hw.db.agents.set_member(
        workspace_id=workspace.id,
        agent_id=(
            await hw.db.agents.upsert(tg_user_id=VERA.id, display_name="Вера", username="vera")
        ).id,
        role="agent",
        can_send=True,
    )
    return seller


async def test_a_few_letters_list_the_matching_templates(hw: HandlerWorld) -> None:
    await scene(hw)
    answer = await inline_query(hw, VERA, "дост")
    assert result_titles(answer) == ["доставка"]
    [article] = answer.results
    assert isinstance(article, InlineQueryResultArticle)
    assert article.input_message_content.message_text == "Заказ {заказ} уже в пути."  # type: ignore[union-attr]
    assert answer.is_personal is True

    everything = await inline_query(hw, VERA, "")
    assert sorted(result_titles(everything)) == ["доставка", "привет", "фото"]
    by_text = await inline_query(hw, VERA, "выглядит")  # the text matches too
    [photo] = by_text.results
    assert isinstance(photo, InlineQueryResultCachedPhoto)
    assert (photo.photo_file_id, photo.caption) == ("ph-1", "Вот как выглядит товар")


async def test_several_names_offer_them_together_first(hw: HandlerWorld) -> None:
    await scene(hw)
    answer = await inline_query(hw, VERA, "привет доставка")
    first = answer.results[0]
    assert isinstance(first, InlineQueryResultArticle)
    assert first.title == plain_text("canned.inline.together", "ru", names="привет + доставка")
    assert first.input_message_content.message_text == (  # type: ignore[union-attr]
        "Здравствуйте!\n\nЗаказ {заказ} уже в пути."
    )


async def test_a_query_starting_with_slashes_inserts_a_note(hw: HandlerWorld) -> None:
    await scene(hw)
    answer = await inline_query(hw, VERA, "//прив")
    [note] = answer.results
    assert isinstance(note, InlineQueryResultArticle)
    assert note.input_message_content.message_text == "// Здравствуйте!"  # type: ignore[union-attr]


async def test_someone_who_may_not_answer_gets_no_templates_but_a_reason(
    hw: HandlerWorld,
) -> None:
    await scene(hw)
    answer = await inline_query(hw, GLEB, "привет")  # never met in the group
    assert answer.results == []
    assert answer.button is not None
    assert answer.button.text == plain_text("canned.inline.not_allowed", "ru")
    assert answer.button.start_parameter == "templates"

    workspace = await hw.db.workspaces.get_by_chat(tg_chat_id=-1001000000001)
    vera = await hw.db.agents.get_by_tg_user(tg_user_id=VERA.id)
    await hw.db.agents.set_can_reply(workspace_id=workspace.id, agent_id=vera.id, can_reply=False)
    forbidden = await inline_query(hw, VERA, "привет")  # an admin forbade her answers
    assert forbidden.results == []
    assert forbidden.button is not None


async def test_no_match_says_so(hw: HandlerWorld) -> None:
    await scene(hw)
    answer = await inline_query(hw, BORIS, "возврат")
    assert answer.results == []
    assert answer.button is not None
    assert answer.button.text == plain_text("canned.inline.nothing", "ru")


async def test_the_button_opens_an_explanation_in_private(hw: HandlerWorld) -> None:
    requests = await hw.say(GLEB, "/start templates")
    assert any(getattr(r, "text", None) == plain_text("canned.start", "ru") for r in requests)
