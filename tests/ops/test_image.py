"""The image: its HEALTHCHECK asks /healthz, compose turns the endpoint on and passes the
database password as a part the bot encodes, and the image builds where Docker exists."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
from pathlib import Path

import pytest
from aiohttp import web

from bot.ops.probe import probe
from bot.serving import bound_port, start_site

ROOT = Path(__file__).resolve().parents[2]


def test_the_dockerfile_health_check_runs_the_probe() -> None:
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert "HEALTHCHECK" in text and '"bot.ops.probe"' in text


def test_compose_turns_health_on_and_builds_the_database_url_in_the_app() -> None:
    text = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    bot = text.split("\n  bot:\n", 1)[1]
    assert "METRICS_PORT: ${METRICS_PORT:-9100}" in bot
    assert "DB_PASSWORD: ${POSTGRES_PASSWORD" in bot
    assert 'DATABASE_URL: ""' in bot and "@db:5432" not in bot  # no password in a URL


async def test_the_probe_reads_healthz_and_fails_on_503() -> None:
    answers = [web.json_response({"status": "ok", "problems": []})]

    async def healthz(request: web.Request) -> web.Response:
        return answers[-1]

    app = web.Application()
    app.router.add_get("/healthz", healthz)
    runner = await start_site(app, "127.0.0.1", 0)
    try:
        port = str(bound_port(runner))
        assert (await asyncio.to_thread(probe, port))[0] == 0
        answers.append(
            web.json_response(
                {"status": "failing", "problems": ["telegram-delivery: not running"]}, status=503
            )
        )
        code, message = await asyncio.to_thread(probe, port)
        assert code == 1 and "telegram-delivery: not running" in message
    finally:
        await runner.cleanup()
    code, message = await asyncio.to_thread(probe, port)
    assert code == 1 and message.startswith("no answer")


def test_the_image_builds() -> None:
    docker = shutil.which("docker")
    if docker is None:
        pytest.skip("docker is not installed here: the image is built where Docker is available")
    daemon = subprocess.run([docker, "info"], capture_output=True, timeout=60, check=False)
    if daemon.returncode != 0:
        pytest.skip("docker is installed but its daemon is not running: no image build here")
    tag = "agentiq-chat-center:test"
    subprocess.run([docker, "build", "-t", tag, str(ROOT)], check=True, timeout=1800)
    result = subprocess.run(
        [docker, "run", "--rm", tag, "python", "-m", "bot.ops.probe"],
        check=True, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert "METRICS_PORT is off" in result.stdout
