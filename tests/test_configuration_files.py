"""The operator-facing files stay in step with the settings the program really reads."""

from __future__ import annotations

import re
from pathlib import Path

from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
SETTING_NAMES = {name.upper() for name in Settings.model_fields}


def test_env_example_documents_every_setting() -> None:
    text = (ROOT / ".env.example").read_text(encoding="utf-8")
    documented = set(re.findall(r"^([A-Z_]+)=", text, flags=re.MULTILINE))
    assert documented >= SETTING_NAMES, SETTING_NAMES - documented
    assert documented - SETTING_NAMES == {"POSTGRES_PASSWORD"}


def test_compose_passes_every_setting_to_the_bot() -> None:
    text = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    bot_section = text.split("\n  bot:\n", 1)[1].split("\nvolumes:", 1)[0]
    passed = set(re.findall(r"^      ([A-Z_]+):", bot_section, flags=re.MULTILINE))
    assert passed == SETTING_NAMES
    assert "postgres:16" in text and "healthcheck" in text and "service_healthy" in text


def test_ci_runs_the_readme_test_command() -> None:
    ci_command = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()[-1]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_commands = re.findall(r"^```(?:bash|sh)?\n(.+?)\n```", readme, flags=re.M | re.S)[:2]
    assert ci_command in first_commands[1], (ci_command, first_commands)
    assert "tasks.py run" in first_commands[0]
