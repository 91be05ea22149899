"""A Wildberries shop's failure notices name Wildberries and the WB portal, never Ozon: the
chat-failure notice in General, the first-sync failure summary, Telegram's refusals."""

from __future__ import annotations

import pytest

from bot.admin.onboarding import FirstSync, summary_text
from bot.sync.chat_failures import REPORT_AFTER, ChatFailures
from bot.sync.poller import PollReport
from bot.texts import TEXTS, for_marketplace, text
from connectors.errors import BadRequest
from connectors.marketplace.messages import ChatInfo
from storage.database import Database
from tests.storage.factories import make_seller, make_workspace
from tests.support.texts import has, says


async def _general_notices(db: Database) -> list[str]:
    rows = await db.pool.fetch(
        "SELECT payload FROM tg_outbox WHERE kind = 'notice' AND chat_id IS NULL ORDER BY id"
    )
    return [row["payload"]["text"] for row in rows]


@pytest.mark.parametrize("locale", ["ru", "en"])
async def test_a_wb_chats_failure_notice_names_wildberries(db: Database, locale: str) -> None:
    workspace = await make_workspace(db, locale=locale)
    seller = await make_seller(
        db, workspace, marketplace="wildberries", client_id="wb-seller", name="Обувь WB"
    )
    failures = ChatFailures(db=db)
    summary = ChatInfo(chat_id="1:abc-wb-chat")
    for _ in range(REPORT_AFTER):
        await failures.record(seller, summary, BadRequest("invalid chat"))

    [notice] = await _general_notices(db)
    assert "Wildberries" in notice
    assert "Ozon" not in notice
    assert "1:abc-wb-chat" in notice  # no topic yet: named by WB's chat id
    expected_why = text("sync.why.bad_request.wildberries", locale)
    assert expected_why in notice


async def test_an_ozon_chats_failure_notice_keeps_the_ozon_wording(db: Database) -> None:
    workspace = await make_workspace(db)
    seller = await make_seller(db, workspace)  # Ozon
    failures = ChatFailures(db=db)
    for _ in range(REPORT_AFTER):
        await failures.record(seller, ChatInfo(chat_id="ozon-chat-1"), BadRequest("bad"))

    [notice] = await _general_notices(db)
    assert has(notice, says("sync.chat_failing")) and "Wildberries" not in notice


@pytest.mark.parametrize("locale", ["ru", "en"])
@pytest.mark.parametrize("error", ["network", "auth_failed"])
def test_a_wb_first_sync_failure_summary_names_wildberries(locale: str, error: str) -> None:
    shown = summary_text(
        FirstSync(report=None, error=error), locale, shop="Обувь", group="Поддержка",
        marketplace="wildberries",
    )  # fmt: skip
    assert "Wildberries" in shown and "Ozon" not in shown
    ozon = summary_text(
        FirstSync(report=None, error=error), locale, shop="Обувь", group="Поддержка",
        marketplace="ozon",
    )  # fmt: skip
    assert "Ozon" in ozon


@pytest.mark.parametrize(
    "key", ["sync.chat_failing", "sync.chat_name.id", "sync.why.bad_request",
            "sync.why.malformed", "outbox.refused.message", "outbox.refused.file",
            "add.sync_failed.network"],
)  # fmt: skip
def test_every_ozon_worded_failure_text_has_a_wb_variant(key: str) -> None:
    wb_key = for_marketplace(key, "wildberries")
    assert wb_key == f"{key}.wildberries"
    for locale in ("ru", "en"):
        assert "Ozon" in TEXTS[key][locale]
        assert "Ozon" not in TEXTS[wb_key][locale] and "Wildberries" in TEXTS[wb_key][locale]


@pytest.mark.parametrize("locale", ["ru", "en"])
def test_a_first_sync_summary_states_the_marketplaces_own_reply_window(locale: str) -> None:
    """Ozon mirrors the last 48 hours, Wildberries the last 10 days: the summary says which."""
    report = PollReport(seller_id=1, chats_listed=5, chats_imported=2, chats_remembered=3)
    wb = summary_text(FirstSync(report=report, error=None), locale, shop="Обувь",
                      group="Поддержка", marketplace="wildberries")  # fmt: skip
    ozon = summary_text(FirstSync(report=report, error=None), locale, shop="Обувь",
                        group="Поддержка", marketplace="ozon")  # fmt: skip
    assert has(wb, says("add.summary.wildberries", locale)) and "48" not in wb
    assert has(ozon, says("add.summary", locale))
