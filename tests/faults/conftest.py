"""Fault tests: a real bot process, killed with -9 inside the windows where it can break."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from .harness import REPO_ROOT, FaultWorld, open_fault_world
from .zygote import Zygote


@pytest.fixture(params=["ozon"])
def marketplace(request: pytest.FixtureRequest) -> str:
    """The marketplaces the fault tests run against (more join as their emulators do)."""
    return str(request.param)


@pytest.fixture(scope="session")
async def zygote() -> AsyncIterator[Zygote]:
    """The bot imported once for the session; each start forks it (tests/faults/zygote.py)."""
    spawner = Zygote(REPO_ROOT)
    await spawner.start()
    yield spawner
    await spawner.close()


@pytest.fixture
async def fw(tmp_path: Path, marketplace: str, zygote: Zygote) -> AsyncIterator[FaultWorld]:
    # Polled, not pushed: with pushes arriving, push pacing (rightly) slows polling to a
    # safety net, and these tests count polls to know a cycle has passed.
    async with open_fault_world(
        tmp_path / "data", marketplace, ozon_push=False, zygote=zygote
    ) as world:
        yield world
