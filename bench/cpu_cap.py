"""A CPU cap per bot process for ``bench/load.py --instance-cpus``: a Linux cgroup with a
CFS quota, what ``cpus: 0.25`` does for a container in compose.

Why: showing that two instances carry more than one needs a load one instance cannot keep
up with. On a small machine the instances, PostgreSQL and the emulators share two CPUs, so
an uncapped instance is never the bottleneck before the machine is; capping each instance
makes each one the scarce resource, as one instance per machine would be, and leaves what
the database and the emulators need. The kernel throttles a capped process exactly as it
would in a container: for the rest of each 100 ms period once its quota is spent.

Both cgroup layouts are handled: v2 (``cpu.max``) and v1 (``cpu/cpu.cfs_quota_us``). Without
either, or without the right to create a group, :func:`open_cap` says so and why.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

PERIOD_US = 100_000
_ROOT = Path("/sys/fs/cgroup")


class CapUnavailable(RuntimeError):
    """No writable cgroup CPU controller here (not Linux, not root, or no cpu controller)."""


class CpuCap:
    """One cgroup: processes moved into it share ``cpus`` CPUs while the cap is on."""

    def __init__(self, folder: Path, *, v2: bool, cpus: float) -> None:
        self._folder = folder
        self._v2 = v2
        self._cpus = cpus

    @property
    def cpus(self) -> float:
        return self._cpus

    def add(self, pid: int) -> None:
        (self._folder / "cgroup.procs").write_text(f"{pid}\n")

    def on(self) -> None:
        self._write(int(self._cpus * PERIOD_US))

    def off(self) -> None:
        self._write(None)

    def _write(self, quota_us: int | None) -> None:
        if self._v2:
            value = f"{quota_us if quota_us is not None else 'max'} {PERIOD_US}"
            (self._folder / "cpu.max").write_text(value)
        else:
            (self._folder / "cpu.cfs_period_us").write_text(str(PERIOD_US))
            (self._folder / "cpu.cfs_quota_us").write_text(
                str(quota_us if quota_us is not None else -1)
            )

    def remove(self) -> None:
        """Delete the group (its processes must have exited or been moved)."""
        with contextlib.suppress(OSError):
            self.off()
        with contextlib.suppress(OSError):
            self._folder.rmdir()


def _controller() -> tuple[Path, bool]:
    controllers = _ROOT / "cgroup.controllers"
    if controllers.exists():
        if "cpu" not in controllers.read_text().split():
            raise CapUnavailable("cgroup v2 is mounted without the cpu controller")
        return _ROOT, True
    v1 = _ROOT / "cpu"
    if (v1 / "cpu.cfs_quota_us").exists():
        return v1, False
    raise CapUnavailable(f"no cgroup cpu controller under {_ROOT}")


def open_cap(name: str, cpus: float) -> CpuCap:
    """A new cgroup named ``name`` capped to ``cpus`` once :meth:`CpuCap.on` is called."""
    if cpus <= 0:
        raise ValueError("cpus must be positive")
    try:
        root, v2 = _controller()
        folder = root / f"{name}-{os.getpid()}"
        folder.mkdir(exist_ok=True)
    except OSError as exc:
        raise CapUnavailable(f"cannot create a cgroup ({exc.strerror}); run as root") from exc
    cap = CpuCap(folder, v2=v2, cpus=cpus)
    cap.off()
    return cap
