"""The README's run command without a token: the offline demo (``python -m sandbox.demo``),
as a real process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest


def demo_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """No BOT_TOKEN, no Ozon key, an empty folder: what a newcomer has. PYTHONPATH is kept
    so the process runs the code under test (a worktree), not another installed copy."""
    kept = {"PYTHONPATH": os.environ["PYTHONPATH"]} if "PYTHONPATH" in os.environ else {}
    return {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "DATA_DIR": str(tmp_path / "data"),
            **kept, **extra}  # fmt: skip


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        (
            "ru",
            [
                "появилась тема «🔵 Ozon Демо-магазин · Заказ 47873153-0052»",
                "появился черновик ответа",
                "Анна нажимает «✅ Отправить»",
                "покупатель получил ответ: «Здравствуйте! Очень жаль",
                "🟣 Wildberries · покупатель Мария спрашивает о товаре 87654321",
                "появилась вторая тема, со значком WB: «🟣 WB Демо-магазин WB · Мария",
                "https://www.wildberries.ru/catalog/87654321/detail.aspx",
                "агент Анна пишет в этой теме: «Да, 40×30×20 см",
                "покупатель получил ответ (один раз): «Да, 40×30×20 см",
                "🟡 Яндекс Маркет · покупатель Ольга пишет в чат заказа 55012345",
                "появилась третья тема, со значком YM: «🟡 YM Демо-кабинет ЯМ · Заказ 55012345»",
                "агент Анна пишет в этой теме: «Да, перенесли на субботу",
                "Яндекс Маркет · покупатель получил ответ (один раз): «Да, перенесли на субботу",
                "Итого: тем 3,",
                "в Ozon 1, в Wildberries 1, в Яндекс Маркет 1.",
                "BOT_TOKEN",
            ],
        ),
        (
            "en",
            [
                "a topic appeared: «🔵 Ozon Демо-магазин · Order 47873153-0052»",
                "a reply draft appeared",
                "Anna taps «✅ Send»",
                "buyer received the answer: «Здравствуйте! Очень жаль",
                "🟣 Wildberries · buyer Мария asks about product 87654321",
                "a second topic appeared, with the WB badge: «🟣 WB Демо-магазин WB · Мария",
                "https://www.wildberries.ru/catalog/87654321/detail.aspx",
                "agent Anna types in that topic: «Да, 40×30×20 см",
                "the buyer received the answer (once): «Да, 40×30×20 см",
                "🟡 Yandex Market · buyer Ольга writes in the chat of order 55012345",
                "a third topic appeared, with the YM badge: "
                "«🟡 YM Демо-кабинет ЯМ · Order 55012345»",
                "agent Anna types in that topic: «Да, перенесли на субботу",
                "Yandex Market · the buyer received the answer (once): «Да, перенесли на субботу",
                "In all: 3 topic(s),",
                "1 to Ozon, 1 to Wildberries, 1 to Yandex Market.",
                "BOT_TOKEN",
            ],
        ),
    ],
)
def test_the_demo_plays_the_conversation_and_exits_0(
    tmp_path: Path, locale: str, expected: list[str]
) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "sandbox.demo"],
        cwd=tmp_path,
        env=demo_env(tmp_path, LOCALE=locale),
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    for fragment in expected:
        assert fragment in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stderr.strip() == ""  # quiet logs: the transcript is the output
    assert (tmp_path / "data" / "postgres" / "PG_VERSION").exists()


def test_keep_running_stays_up_until_ctrl_c(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "sandbox.demo", "--keep-running"],
        cwd=tmp_path,
        env=demo_env(tmp_path, LOCALE="en"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        lines: list[str] = []
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            lines.append(line)
            if "LLM emulator:" in line:
                break
        assert any("Ctrl+C" in line for line in lines), lines
        [wb_line] = [line for line in lines if "WB emulator:" in line]
        assert "http://127.0.0.1:" in wb_line and "sandbox/wildberries" in wb_line
        [ym_line] = [line for line in lines if "YM emulator:" in line]
        assert "http://127.0.0.1:" in ym_line and "sandbox/yandex_market" in ym_line
        assert process.poll() is None  # still running after the script
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=60) == 0
    finally:
        if process.poll() is None:
            process.kill()
