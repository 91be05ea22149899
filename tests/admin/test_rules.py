"""The admin rules as plain functions: group checks, the one-line command, progress pacing."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from pydantic import SecretStr

from bot.admin.connecting import Connection, Outcome
from bot.admin.onboarding import (
    ProgressEditor,
    SellerDraft,
    Usage,
    clean_name,
    looks_like_key,
    parse_one_line,
    valid_client_id,
)
from bot.admin.setup import GroupFacts, assess, render_problems
from bot.admin.setup_replies import connection_reply
from bot.sync.poller import PollReport
from bot.texts import text
from tests.support.texts import has, says

ALL = {"can_manage_topics": True, "can_delete_messages": True, "can_pin_messages": True}
RIGHTS = ("can_manage_topics", "can_delete_messages", "can_pin_messages")


@pytest.mark.parametrize(
    ("facts", "problems"),
    [
        (GroupFacts("supergroup", True, "administrator", ALL), ()),
        (GroupFacts("supergroup", True, "creator", {}), ()),
        (GroupFacts("supergroup", False, "administrator", ALL), ("not_forum",)),
        (GroupFacts("group", False, "administrator", ALL), ("not_forum",)),
        (GroupFacts("supergroup", True, "member", {}), ("not_admin", *RIGHTS)),
        (
            GroupFacts("supergroup", True, "administrator", {**ALL, "can_pin_messages": False}),
            ("can_pin_messages",),
        ),
        (
            GroupFacts("group", False, "member", {}),
            ("not_forum", "not_admin", *RIGHTS),
        ),
    ],
)
def test_assess_lists_what_to_fix_in_order(facts: GroupFacts, problems: tuple[str, ...]) -> None:
    report = assess(facts)
    assert report.problems == problems
    assert report.ready is (problems == ())


def test_the_report_says_how_to_fix_each_problem() -> None:
    report = assess(GroupFacts("supergroup", False, "administrator", {"can_manage_topics": True}))
    fixes = render_problems(report, "ru")
    assert has(fixes, says("setup.fix.not_forum"))
    rights = [
        says(f"setup.right.{r}").template for r in ("can_delete_messages", "can_pin_messages")
    ]
    assert ", ".join(rights) in fixes
    assert not has(fixes, says("setup.right.can_manage_topics"))
    workspace: Any = SimpleNamespace(title="Поддержка")
    missing = Connection(Outcome.MISSING, workspace, report)
    body, keyboard = connection_reply(missing, "en", bot_username="bot")
    assert has(body, says("setup.missing", "en"))
    assert keyboard is not None
    assert has(keyboard[0][0]["text"], says("onboarding.button.recheck", "en"))
    ready = assess(GroupFacts("supergroup", True, "administrator", ALL))
    body, keyboard = connection_reply(Connection(Outcome.BOUND, workspace, ready), "ru",
                                      bot_username="bot")  # fmt: skip
    assert has(body, says("setup.ready")) and keyboard is not None
    assert keyboard[0][0]["url"] == "https://t.me/bot?start=add_seller"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("/add_seller", None),
        ("/add_seller@agentiq_bot", None),
        ("/add_seller kaspi 1 key-123456789", Usage("add.usage.marketplaces")),
        ("/add_seller ym 1 key-123456789", Usage("add.usage.token.ym")),
        (
            "/add_seller ym ACMA:key-123456789 Кабинет",
            SellerDraft("ym", "", SecretStr("ACMA:key-123456789"), "Кабинет"),
        ),
        (
            "/add_seller wb wb.token-123456789",
            SellerDraft("wildberries", "", SecretStr("wb.token-123456789"), "Wildberries"),
        ),
        (
            "/add_seller WB wb.token-123456789  Обувь  на WB",
            SellerDraft("wildberries", "", SecretStr("wb.token-123456789"), "Обувь на WB"),
        ),
        ("/add_seller wb", Usage("add.usage.token")),
        ("/add_seller ozon 123", Usage("add.usage")),
        ("/add_seller ozon 123 short", Usage("add.usage")),
        ("/add_seller ozon abc key-123456789", Usage("key.bad_client_id")),
        ("/add_seller ozon 0 key-123456789", Usage("key.bad_client_id")),
        (
            "/add_seller ozon 123 key-123456789",
            SellerDraft("ozon", "123", SecretStr("key-123456789"), "Ozon 123"),
        ),
        (
            "/add_seller OZON 123 key-123456789   Обувь  и   сумки ",
            SellerDraft("ozon", "123", SecretStr("key-123456789"), "Обувь и сумки"),
        ),
        (f"/add_seller ozon 123 key-123456789 {'x' * 65}", Usage("add.bad_name")),
    ],
)
def test_parse_one_line(line: str, expected: SellerDraft | Usage | None) -> None:
    assert parse_one_line(line) == expected


def test_a_parsed_key_never_shows_in_its_repr() -> None:
    draft = parse_one_line("/add_seller ozon 123 key-123456789")
    assert isinstance(draft, SellerDraft)
    assert "key-123456789" not in repr(draft) and "key-123456789" not in str(draft)


@pytest.mark.parametrize(
    ("value", "ok"),
    [("123", True), (" 42 ", True), ("0", False), ("-5", False), ("１２", False), ("", False)],
)
def test_valid_client_id(value: str, ok: bool) -> None:
    assert valid_client_id(value) is ok


def test_names_and_key_shapes() -> None:
    assert clean_name("  Обувь\nи сумки ") == "Обувь и сумки"
    assert clean_name("   ") is None and clean_name("x" * 65) is None
    assert looks_like_key("9f0e2c1a-1111-2222-3333-444455556666")
    assert not looks_like_key("two words") and not looks_like_key("short")


async def test_progress_edits_are_paced_and_never_repeat() -> None:
    edits: list[str] = []
    now = [0.0]

    async def edit(value: str) -> None:
        edits.append(value)

    editor = ProgressEditor(edit, locale="ru", shop="<Обувь>", interval=1.0, clock=lambda: now[0])
    await editor.show("start")
    await editor(PollReport(seller_id=1, chats_listed=100, chats_imported=3))  # at once
    now[0] = 0.5
    await editor(PollReport(seller_id=1, chats_listed=200, chats_imported=5))  # too soon
    now[0] = 1.6
    await editor(PollReport(seller_id=1, chats_listed=300, chats_imported=7))
    await editor.show("done")
    await editor.show("done")
    assert edits == [
        "start",
        text("add.progress", "ru", shop="<Обувь>", found=100, imported=3),
        text("add.progress", "ru", shop="<Обувь>", found=300, imported=7),
        "done",
    ]
