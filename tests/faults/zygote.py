"""A pre-imported ``python -m bot`` for the fault tests: one process imports the bot once,
then forks a fresh bot process per start.

Importing the bot costs about five seconds of CPU (aiogram builds its pydantic models at
import), and the fault tests start a bot some sixty times, each start's test waiting for
the import before anything can happen. A forked child is still a real process of its own:
its own session and process group (so ``kill -9`` of the group is the power cut it was),
its own environment, working folder, log and embedded PostgreSQL; it runs the same
``bot/__main__.py`` through :mod:`runpy`. Only the imported modules are shared, copied on
write. The cold path (``sys.executable -m bot``) stays covered by ``tests/bot/test_cli.py``
and ``tests/bot/test_startup_failures.py``.

Run as ``python -m tests.faults.zygote``: it reads one JSON request per line on stdin
(``{"env": {...}, "cwd": "...", "log": "..."}``), answers ``{"pid": n}``, and reports
``{"exited": pid, "code": c}`` when a child ends (``c`` negative for a signal, as asyncio's
``returncode``). It forks only from its single thread, before any event loop exists.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import json
import os
import select
import signal
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: What ``bot/__main__.py`` imports (not itself: runpy runs it fresh; pgserver is imported late,
#: in the child, as the product does).
PRELOAD = ("bot.app", "bot.runtime", "bot.errors", "bot.logging_setup", "bot.settings")
READY = "ready"


# ----------------------------------------------------------------- the forking server


def _child(request: dict[str, Any], closing: list[int]) -> None:
    """In the fork: become a fresh ``python -m bot`` and never return."""
    code = 1
    try:
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        for fd in closing:
            os.close(fd)
        os.setsid()
        null = os.open(os.devnull, os.O_RDONLY)
        log = os.open(request["log"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        os.dup2(null, 0)
        os.dup2(log, 1)
        os.dup2(log, 2)
        os.close(null)
        os.close(log)
        for stream in (sys.stdout, sys.stderr):
            stream.reconfigure(write_through=True)  # as PYTHONUNBUFFERED=1 would
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        import random  # noqa: PLC0415 - reseeded per child, not shared with the siblings

        random.seed()
        import runpy  # noqa: PLC0415

        try:
            runpy.run_module("bot", run_name="__main__", alter_sys=True)
            code = 0
        except SystemExit as exc:
            if exc.code is None or isinstance(exc.code, int):
                code = exc.code or 0
            else:
                sys.stderr.write(f"{exc.code}\n")
                code = 1
    except BaseException:  # what the interpreter would print for an uncaught exception
        import traceback  # noqa: PLC0415

        traceback.print_exc()
        code = 1
    finally:
        with contextlib.suppress(BaseException):
            import atexit  # noqa: PLC0415

            atexit._run_exitfuncs()  # logging.shutdown and friends, as a normal exit runs
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)


def _say(message: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def _reap() -> None:
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        _say({"exited": pid, "code": os.waitstatus_to_exitcode(status)})


def serve() -> None:
    for name in PRELOAD:
        importlib.import_module(name)
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    stdin = sys.stdin.fileno()
    pending = b""
    _say({"ready": READY})
    while True:
        try:
            ready, _, _ = select.select([stdin, wake_r], [], [])
        except InterruptedError:
            continue
        if wake_r in ready:
            os.read(wake_r, 4096)
        _reap()
        if stdin not in ready:
            continue
        chunk = os.read(stdin, 65536)
        if not chunk:
            return  # the tests are done
        pending += chunk
        while b"\n" in pending:
            line, pending = pending.split(b"\n", 1)
            request = json.loads(line)
            sys.stdout.flush()
            pid = os.fork()
            if pid == 0:
                _child(request, [wake_r, wake_w])
            _say({"pid": pid})


# ----------------------------------------------------------------- the tests' side


@dataclass
class ForkedProcess:
    """What the harness needs of a process: its pid, its exit code once ended, a wait."""

    pid: int
    returncode: int | None = None
    _ended: asyncio.Event = field(default_factory=asyncio.Event)

    def ended(self, code: int) -> None:
        self.returncode = code
        self._ended.set()

    async def wait(self) -> int:
        await self._ended.wait()
        assert self.returncode is not None
        return self.returncode


class Zygote:
    """The tests' handle on the forking server (one per test session)."""

    def __init__(self, repo_root: Path) -> None:
        self._repo_root = repo_root
        self._proc: asyncio.subprocess.Process | None = None
        self._reader: asyncio.Task[None] | None = None
        self._spawned: asyncio.Queue[int] = asyncio.Queue()
        self._children: dict[int, ForkedProcess] = {}
        self._early: dict[int, int] = {}
        self._lock = asyncio.Lock()

    async def start(self) -> None:
        self._proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tests.faults.zygote",
            cwd=self._repo_root,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        assert self._proc.stdout is not None
        first = json.loads(await asyncio.wait_for(self._proc.stdout.readline(), 120))
        if first != {"ready": READY}:
            raise RuntimeError(f"the zygote did not start: {first!r}")
        self._reader = asyncio.create_task(self._read(), name="zygote-reader")

    async def _read(self) -> None:
        assert self._proc is not None and self._proc.stdout is not None
        while line := await self._proc.stdout.readline():
            message = json.loads(line)
            if "pid" in message:
                self._spawned.put_nowait(int(message["pid"]))
                continue
            pid, code = int(message["exited"]), int(message["code"])
            child = self._children.pop(pid, None)
            if child is None:
                self._early[pid] = code  # ended before spawn() took its pid
            else:
                child.ended(code)

    async def spawn(self, *, env: dict[str, str], cwd: Path, log: Path) -> ForkedProcess:
        assert self._proc is not None and self._proc.stdin is not None
        if self._reader is None or self._reader.done():
            raise RuntimeError("the zygote is gone")
        async with self._lock:  # one request at a time: answers come back in order
            request = {"env": env, "cwd": str(cwd), "log": str(log)}
            self._proc.stdin.write(json.dumps(request).encode() + b"\n")
            await self._proc.stdin.drain()
            pid = await asyncio.wait_for(self._spawned.get(), 30)
            child = ForkedProcess(pid)
            if pid in self._early:
                child.ended(self._early.pop(pid))
            else:
                self._children[pid] = child
            return child

    async def close(self) -> None:
        if self._proc is None:
            return
        assert self._proc.stdin is not None
        self._proc.stdin.close()
        try:
            await asyncio.wait_for(self._proc.wait(), 10)
        except TimeoutError:
            self._proc.kill()
            await self._proc.wait()
        if self._reader is not None:
            await self._reader
        self._proc = None


if __name__ == "__main__":
    serve()
