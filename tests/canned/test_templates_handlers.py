"""/templates one update at a time (tests.support.handlers): admins add, edit and delete
canned replies (with a photo or a PDF), an unknown variable is refused with the known ones,
agents may only read the list, and the list explains inline mode and whether it is on."""

from __future__ import annotations

from typing import Any

from storage.database import Database
from storage.records import CannedReply
from tests.support.handlers import BORIS, GLEB, GROUP_ID, VERA, HandlerWorld
from tests.support.texts import has, said, says
from tests.support.tpl_steps import inline_mode_on, with_file


async def scene(hw: HandlerWorld) -> Any:
    workspace = await hw.bound_group()
    return await hw.add_seller(workspace)


async def answers(hw: HandlerWorld, person: Any, command: str) -> list[str]:
    """``person`` sends ``command`` in the group; the texts of the queued answers."""
    await hw.say(person, command, GROUP_ID)
    return [r.text for r in await hw.deliver() if hasattr(r, "text") and r.text]


async def templates(db: Database) -> list[CannedReply]:
    workspace = await db.workspaces.get_by_chat(tg_chat_id=GROUP_ID)
    return await db.canned.list_for(workspace_ids=[workspace.id])


async def test_an_admin_adds_a_group_wide_template_and_it_is_listed(hw: HandlerWorld) -> None:
    await scene(hw)
    said_ = await answers(hw, BORIS, "/templates add привет Здравствуйте! Ваш заказ {заказ}.")
    assert said(said_, says("canned.added", name="привет"))
    [saved] = await templates(hw.db)
    assert (saved.name, saved.body, saved.seller_id) == (
        "привет",
        "Здравствуйте! Ваш заказ {заказ}.",
        None,
    )
    [audit] = await hw.db.audit.list_recent(workspace_id=saved.workspace_id)
    assert audit.action == "canned.add"

    listing = await answers(hw, VERA, "/templates")  # an agent reads the list
    assert said(listing, says("canned.title", n=1))
    assert said(listing, "привет")
    assert said(listing, says("canned.usage"))
    assert not said(listing, says("canned.admin_help"))  # the changes are for admins


async def test_a_shop_template_with_a_photo_and_one_with_a_pdf(hw: HandlerWorld) -> None:
    seller = await scene(hw)
    await hw.feed("message", with_file(hw, BORIS, "/templates обувь add фото Вот фото",
                                       "photo", file_id="ph-1"))  # fmt: skip
    await hw.feed("message", with_file(hw, BORIS, "/templates add прайс Наш прайс: {ссылка}",
                                       "document", file_id="pdf-1"))  # fmt: skip
    said_ = [r.text for r in await hw.deliver() if hasattr(r, "text")]
    assert said(said_, says("canned.added", name="фото"))
    assert said(said_, says("canned.added", name="прайс"))
    by_name = {t.name: t for t in await templates(hw.db)}
    assert (by_name["фото"].seller_id, by_name["фото"].file_kind, by_name["фото"].file_id) == (
        seller.id,
        "photo",
        "ph-1",
    )
    pdf = by_name["прайс"]
    assert (pdf.seller_id, pdf.file_kind, pdf.file_id, pdf.file_name) == (
        None,
        "document",
        "pdf-1",
        "price.pdf",
    )


async def test_a_file_that_is_neither_a_photo_nor_a_pdf_is_refused(hw: HandlerWorld) -> None:
    await scene(hw)
    await hw.feed("message", with_file(hw, BORIS, "/templates add док Документ", "document",
                                       name="notes.docx", mime="application/msword"))  # fmt: skip
    said_ = [r.text for r in await hw.deliver() if hasattr(r, "text")]
    assert said(said_, says("canned.error.file_type"))
    assert await templates(hw.db) == []


async def test_an_unknown_variable_is_refused_with_the_known_ones(hw: HandlerWorld) -> None:
    await scene(hw)
    said_ = await answers(hw, BORIS, "/templates add привет Ваш {закз} в пути")
    assert said(said_, says("canned.error.unknown_variable", names="{закз}"))
    assert said(said_, "{заказ}")  # the list of known ones
    assert await templates(hw.db) == []


async def test_an_admin_edits_and_deletes(hw: HandlerWorld) -> None:
    await scene(hw)
    await answers(hw, BORIS, "/templates add привет Здравствуйте!")
    [saved] = await templates(hw.db)
    said_ = await answers(hw, BORIS, f"/templates edit {saved.id} Добрый день, {{имя}}!")
    assert said(said_, says("canned.updated", id=saved.id))
    [edited] = await templates(hw.db)
    assert edited.body == "Добрый день, {имя}!"

    await hw.feed("message", with_file(hw, BORIS, f"/templates edit {saved.id}", "photo",
                                       file_id="ph-2"))  # fmt: skip
    await hw.deliver()
    [with_photo] = await templates(hw.db)
    assert (with_photo.body, with_photo.file_id) == ("Добрый день, {имя}!", "ph-2")  # text kept

    said_ = await answers(hw, BORIS, f"/templates del {saved.id}")
    assert said(said_, says("canned.deleted", id=saved.id))
    assert await templates(hw.db) == []
    said_ = await answers(hw, BORIS, f"/templates del {saved.id}")
    assert said(said_, says("canned.error.not_found", id=saved.id))


async def test_a_second_template_of_the_same_name_is_refused(hw: HandlerWorld) -> None:
    await scene(hw)
    await answers(hw, BORIS, "/templates add привет Здравствуйте!")
    said_ = await answers(hw, BORIS, "/templates add Привет Добрый день!")
    assert said(said_, says("canned.error.exists", name="Привет"))


async def test_an_agent_and_a_stranger_may_not_change_templates(hw: HandlerWorld) -> None:
    await scene(hw)
    said_ = await answers(hw, VERA, "/templates add привет Здравствуйте!")
    assert said(said_, says("admin_only"))
    hw.in_group(GLEB, "left")
    said_ = await answers(hw, GLEB, "/templates")
    assert said(said_, says("canned.start"))  # told who sees them, not silence
    assert await templates(hw.db) == []


async def test_the_list_says_to_switch_inline_mode_on_while_it_is_off(hw: HandlerWorld) -> None:
    await scene(hw)
    said_ = await answers(hw, BORIS, "/templates")
    assert said(said_, says("canned.inline_off", bot="@agentiq_test_bot"))
    assert said(said_, says("canned.admin_help"))


async def test_the_list_does_not_ask_for_inline_mode_once_it_is_on(hw: HandlerWorld) -> None:
    await scene(hw)
    inline_mode_on(hw)
    said_ = await answers(hw, BORIS, "/templates")
    assert said(said_, says("canned.usage", bot="@agentiq_test_bot"))
    assert not said(said_, says("canned.inline_off"))


async def test_in_private_the_answer_comes_at_once(hw: HandlerWorld) -> None:
    await scene(hw)
    requests = await hw.say(BORIS, "/templates add привет Здравствуйте!")
    assert any(has(getattr(r, "text", None), says("canned.added")) for r in requests)


async def test_russian_command_words_work_too(hw: HandlerWorld) -> None:
    await scene(hw)
    said_ = await answers(hw, BORIS, "/templates добавить спасибо Спасибо за покупку!")
    assert said(said_, says("canned.added", name="спасибо"))
    [saved] = await templates(hw.db)
    await answers(hw, BORIS, f"/templates изменить {saved.id} Спасибо, {{имя}}!")
    assert (await hw.db.canned.get(canned_id=saved.id)).body == "Спасибо, {имя}!"
    said_ = await answers(hw, BORIS, f"/templates удалить {saved.id}")
    assert said(said_, says("canned.deleted", id=saved.id))
