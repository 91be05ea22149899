"""A real bot process between in-process emulators, and the means to kill it mid-call.

The emulators run in the caller's event loop on loopback ports; the bot runs as
``python -m bot`` in a session of its own with its embedded PostgreSQL under a private
``DATA_DIR``. :meth:`BotProcess.kill9` is a power cut: SIGKILL to the bot's process group
and to every postgres process serving that data directory, so the next start has to
recover the database from its WAL. The world is bootstrapped the way a new user does it:
``/setup`` in the forum group, ``/add_seller`` in private by an ``ADMIN_IDS`` owner.

Every wait is on an observable event (a call reaching an emulator, a post appearing) with
a generous deadline: PostgreSQL start-up and the aiogram import take seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import socket
import sys
from collections import Counter
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sandbox.ozon import OzonEmulator
from sandbox.telegram import TelegramEmulator, User
from tests.faults.zygote import ForkedProcess, Zygote
from tests.support.markets import (
    OZON_API_KEY,
    OZON_CLIENT_ID,
    OZON_SHOP,
    Market,
    OzonMarket,
    open_market,
)

#: The Ozon shop of the Ozon-only cases (and of the webhook world, which builds its own).
CLIENT_ID, API_KEY, SHOP = OZON_CLIENT_ID, OZON_API_KEY, OZON_SHOP
TOKEN = "123456789:AAFaultHarnessEmulatorToken_abcdefgh"
FULL_RIGHTS = {"can_manage_topics": True, "can_delete_messages": True, "can_pin_messages": True}
REPO_ROOT = Path(__file__).resolve().parents[2]
#: Start-up (embedded PostgreSQL, WAL recovery after a kill, aiogram import) on a busy box.
START_SECONDS = 120.0
#: The shape of a PNG Telegram takes as a photo; distinct tails make parts tell apart.
PNG_HEAD = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"


def png(tag: str) -> bytes:
    """A small "image" whose bytes name it, so a post can be traced back to its part."""
    return PNG_HEAD + tag.encode() + b"\x00" * 256


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def wait_until(condition: Callable[[], bool], seconds: float, what: str) -> None:
    """Poll a predicate over emulator state (it lives in plain objects, not events)."""
    try:
        async with asyncio.timeout(seconds):
            while not condition():  # noqa: ASYNC110 - state changes come from another process
                await asyncio.sleep(0.05)
    except TimeoutError:
        raise AssertionError(f"timed out after {seconds:.0f} s waiting for {what}") from None


def _processes() -> dict[int, tuple[int, str, str]]:
    """Every live process: pid → (parent pid, state, command line)."""
    found: dict[int, tuple[int, str, str]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            raw = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        state, ppid = stat[stat.rindex(")") + 2 :].split()[:2]  # after "pid (comm) "
        if state != "Z":  # a zombie has ended; only its parent has not noticed yet
            found[int(entry.name)] = (
                int(ppid),
                state,
                raw.replace(b"\0", b" ").decode(errors="replace"),
            )
    return found


def postgres_pids(data_dir: Path) -> list[int]:
    """The embedded PostgreSQL serving ``data_dir``: its postmaster (whose command line
    names the folder; it runs in a session of its own) and the backends it forked, which
    outlive a killed postmaster for a moment and would keep a new one from starting."""
    processes = _processes()
    needle = str(data_dir)
    masters = {
        pid for pid, (_, _, cmd) in processes.items() if "postgres" in cmd and needle in cmd
    }
    backends = {pid for pid, (ppid, _, _) in processes.items() if ppid in masters}
    return sorted(masters | backends)


class BotProcess:
    """``python -m bot`` with its own process group; its output is appended to ``bot.log``.

    With a :class:`~tests.faults.zygote.Zygote` the process is forked from the pre-imported
    bot (seconds sooner, the same process otherwise); without one it is started cold."""

    def __init__(
        self, data_dir: Path, env: dict[str, str], *, zygote: Zygote | None = None
    ) -> None:
        self.data_dir = data_dir
        self.env = env
        self.zygote = zygote
        self.log_path = data_dir / "bot.log"
        self.proc: asyncio.subprocess.Process | ForkedProcess | None = None
        self.kills = 0
        self.starts = 0

    async def start(self) -> None:
        if self.proc is not None and self.proc.returncode is None:
            raise RuntimeError("the bot is already running")
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            log.write(f"\n===== start {self.starts + 1} =====\n".encode())
            if self.zygote is None:
                self.proc = await asyncio.create_subprocess_exec(
                    sys.executable,
                    "-m",
                    "bot",
                    cwd=REPO_ROOT,
                    env=self.env,
                    stdin=asyncio.subprocess.DEVNULL,
                    stdout=log,
                    stderr=log,
                    start_new_session=True,
                )
        if self.zygote is not None:
            self.proc = await self.zygote.spawn(env=self.env, cwd=REPO_ROOT, log=self.log_path)
        self.starts += 1

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.returncode is None

    def log_tail(self, lines: int = 40) -> str:
        if not self.log_path.exists():
            return "(no log)"
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    async def kill9(self) -> None:
        """Power cut: the bot's whole process group and its database, no chance to clean up."""
        if self.proc is not None and self.proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            await self.proc.wait()
        self.kills += 1
        await self._end_postgres(signal.SIGKILL)

    async def stop(self) -> None:
        """Graceful stop (SIGTERM, then SIGKILL after a while); no database left behind."""
        if self.proc is not None and self.proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                await asyncio.wait_for(self.proc.wait(), 30)
            except TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                await self.proc.wait()
        await self._end_postgres(signal.SIGTERM)
        await self._end_postgres(signal.SIGKILL)

    async def _end_postgres(self, signum: signal.Signals) -> None:
        pids = postgres_pids(self.data_dir)
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signum)

        def gone() -> bool:  # reaped, not just dead: pgserver takes a zombie for a server
            return not any(Path(f"/proc/{pid}").exists() for pid in pids)

        with contextlib.suppress(AssertionError):  # SIGTERM may be slow: SIGKILL follows
            await wait_until(gone, 15, "postgres to exit")


@dataclass
class FaultWorld:
    """The emulators, the bot process, and the people of the forum group.

    ``market`` is the marketplace under test (Ozon unless told); the Ozon helpers
    (``buyer_writes``, ``ozon_texts``…) stay for the Ozon-only cases."""

    tg: TelegramEmulator
    ozon: OzonEmulator
    bot: BotProcess
    owner: User
    agent: User
    group_id: int
    market: Market | None = None
    #: Whether bootstrap pastes the Ozon shop's push URL at Ozon. A pushed shop is polled
    #: only as a safety net (every few minutes), so ``polls_pass`` then waits in vain.
    ozon_push: bool = True
    #: Index into ``tg.calls`` where the current bot run began.
    run_started_at: int = 0
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.market is None:
            self.market = OzonMarket(self.ozon)

    @property
    def spine(self) -> Market:
        """The marketplace under test (never None after construction)."""
        assert self.market is not None
        return self.market

    @property
    def marketplace(self) -> str:
        return self.spine.name

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        """Start the bot and wait until it polls Telegram (it is then ready for updates)."""
        self.run_started_at = len(self.tg.calls)
        await self.bot.start()
        await self._wait_alive(
            lambda: any(m == "getUpdates" for m, _ in self.tg.calls[self.run_started_at :]),
            START_SECONDS,
            "the bot's first getUpdates",
        )

    async def kill9(self) -> None:
        await self.bot.kill9()

    async def restart(self) -> None:
        """After a kill: start again and wait until it polls Telegram."""
        await self.start()

    async def crash_and_restart(self) -> None:
        await self.kill9()
        await self.restart()

    async def _wait_alive(self, condition: Callable[[], bool], seconds: float, what: str) -> None:
        def done() -> bool:
            if not self.bot.alive:
                raise AssertionError(f"the bot exited while waiting for {what}:\n"
                                     f"{self.bot.log_tail()}")  # fmt: skip
            return condition()

        try:
            await wait_until(done, seconds, what)
        except AssertionError as error:
            if "timed out" in str(error):
                raise AssertionError(f"{error}\n--- bot.log ---\n{self.bot.log_tail()}") from None
            raise

    async def wait(self, condition: Callable[[], bool], what: str, seconds: float = 60) -> None:
        """Wait for an outcome of the running bot (fails fast, with its log, if it died)."""
        await self._wait_alive(condition, seconds, what)

    async def settle(self, condition: Callable[[], bool], seconds: float = 60) -> bool:
        """Give the bot up to ``seconds`` to reach ``condition``; whether it did (a test then
        asserts the exact outcome, which says more than a timeout)."""
        try:
            await self.wait(condition, "settling", seconds)
        except AssertionError as error:
            if "timed out" not in str(error):
                raise
            return False
        return True

    async def polls_pass(self, count: int = 2, seconds: float = 60) -> None:
        """Until ``count`` more whole polls ran at the marketplace under test, so whatever
        changed there before now has been read and ingested. Polls are counted by their
        chat-list calls (Ozon lists twice: unread, then all; WB reads its events once; YM
        lists the active statuses once); an idle poll reads no history."""
        market = self.spine
        # +1: a poll under way may be half done
        target = market.poll_calls() + market.calls_per_poll * count + 1
        await self.wait(lambda: market.poll_calls() >= target, f"{count} more polls", seconds)

    async def bootstrap(self) -> None:
        """/setup in the group and /add_seller in private, as a new owner does them."""
        self.tg.user_sends(self.owner.id, self.group_id, "/setup")
        await self.wait(lambda: bool(self.tg.bot_messages(self.group_id)), "the /setup answer")
        market = self.spine
        self.tg.user_sends(self.owner.id, self.owner.id, market.add_seller_command())
        answered = "the /add_seller answer"
        await self.wait(lambda: bool(self.tg.bot_messages(self.owner.id)), answered)
        await self.wait(lambda: market.poll_calls() > 0, f"the first {market.name} poll")
        if market.name == "ozon" and self.ozon_push:
            await self.paste_push_url()

    async def paste_push_url(self) -> None:
        """The owner opens the shop's secret push URL in /sellers and enters it at Ozon."""
        self.tg.user_sends(self.owner.id, self.owner.id, "/sellers")
        for label in (SHOP, "push"):
            found: list[dict[str, Any]] = []

            def offered(label: str = label, found: list[dict[str, Any]] = found) -> bool:
                found[:] = [m for m in self.tg.bot_messages(self.owner.id)
                            if any(label in b["text"] for b in _buttons(m))]  # fmt: skip
                return bool(found)

            await self.wait(offered, f"the {label!r} button in /sellers")
            message = found[-1]
            [data] = [b["callback_data"] for b in _buttons(message) if label in b["text"]]
            self.tg.press_button(self.owner.id, self.owner.id, message["message_id"], data)
        paths: list[str] = []

        def shown() -> bool:
            paths[:] = re.findall(r"/ozon/push/[A-Za-z0-9_-]+", " ".join(
                m.get("text", "") for m in self.tg.bot_messages(self.owner.id)))  # fmt: skip
            return bool(paths)

        await self.wait(shown, "the push URL")
        port = self.bot.env["OZON_PUSH_PORT"]
        self.ozon.state.set_push_url(CLIENT_ID, f"http://127.0.0.1:{port}{paths[-1]}")

    # ------------------------------------------------------------------ buyers

    def buyer_writes(self, **kwargs: Any) -> tuple[str, str]:
        kwargs.setdefault("order_number", "47873153-0052")
        return self.ozon.state.buyer_writes(CLIENT_ID, **kwargs)

    def posts(self, thread_id: int | None = None) -> list[dict[str, Any]]:
        """What the bot posted in the group (topic service messages excluded)."""
        return [
            m
            for m in self.tg.bot_messages(self.group_id, thread_id)
            if "text" in m or "photo" in m or "document" in m
        ]

    @staticmethod
    def body(message: dict[str, Any]) -> str:
        return str(message.get("text") or message.get("caption") or "")

    def posts_with(self, needle: str) -> list[dict[str, Any]]:
        return [m for m in self.posts() if needle in self.body(m)]

    def posts_of_file(self, data: bytes) -> list[dict[str, Any]]:
        """Posts carrying these exact bytes, as a photo or as a document."""
        found = []
        for message in self.posts():
            if "photo" in message:
                file_id = message["photo"][-1]["file_id"]
            elif "document" in message:
                file_id = message["document"]["file_id"]
            else:
                continue
            if self.tg.file_bytes(file_id) == data:
                found.append(message)
        return found

    def thread_of(self, needle: str) -> int | None:
        for message in self.posts_with(needle):
            thread = message.get("message_thread_id")
            if thread is not None:
                return int(thread)
        return None

    async def topic_for(self, needle: str, seconds: float = 60) -> int:
        """The topic a buyer text was posted in (waits for the post)."""
        await self.wait(lambda: self.thread_of(needle) is not None, f"a post with {needle!r}",
                        seconds)  # fmt: skip
        thread = self.thread_of(needle)
        assert thread is not None
        return thread

    def topic_names(self) -> Counter[str]:
        return Counter(t.name for t in self.tg.topics(self.group_id) if not t.deleted)

    # ------------------------------------------------------------------ agents

    def agent_replies(
        self,
        thread_id: int,
        text: str | None = None,
        *,
        photo: bytes | None = None,
        document: tuple[str, bytes] | None = None,
        caption: str | None = None,
    ) -> dict[str, Any]:
        return self.tg.user_sends(
            self.agent.id,
            self.group_id,
            text,
            photo=photo,
            document=document,
            caption=caption,
            thread_id=thread_id,
        )

    def sent_to_ozon(self, chat_id: str | None = None) -> list[Any]:
        return self.ozon.state.sent_by_seller(CLIENT_ID, chat_id)

    def ozon_texts(self, chat_id: str | None = None) -> list[str]:
        return [r.text for r in self.sent_to_ozon(chat_id) if r.text]

    def ozon_files(self, chat_id: str | None = None) -> list[Any]:
        return [r for r in self.sent_to_ozon(chat_id) if r.file_name]


def bot_env(
    tg: TelegramEmulator, ozon: OzonEmulator, data_dir: Path, owner_id: int, push_port: int
) -> dict[str, str]:
    """The bot's environment: nothing inherited that could point it elsewhere."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(
            ("OZON", "WB_", "YM_", "TELEGRAM", "LLM", "DATABASE", "BOT_", "FERNET", "DRAFT")
        )
    }
    env.update(
        {
            "BOT_TOKEN": TOKEN,
            "TELEGRAM_API_URL": tg.base_url,
            "OZON_API_URL": ozon.base_url,
            "ADMIN_IDS": str(owner_id),
            "DATA_DIR": str(data_dir),
            "POLL_INTERVAL_SECONDS": "5",
            "OZON_PUSH_PORT": str(push_port),
            "OZON_PUSH_HOST": "127.0.0.1",
            "OZON_PUSH_ALLOWED_NETWORKS": "127.0.0.0/8",
            "DRAFTS_ENABLED": "false",
            "LOG_LEVEL": "INFO",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


@contextlib.asynccontextmanager
async def open_fault_world(
    data_dir: Path,
    marketplace: str = "ozon",
    *,
    ozon_push: bool = True,
    zygote: Zygote | None = None,
) -> AsyncIterator[FaultWorld]:
    """Emulators, a forum group with an owner and an agent, a bootstrapped running bot
    with one seller on ``marketplace`` (``ozon``, ``wildberries`` or ``ym``)."""
    async with (
        OzonEmulator(port=0, rate_limit_rps=0) as ozon,
        open_market(marketplace, ozon) as market,
        TelegramEmulator(port=0, group_limit=(10_000, 60.0), global_limit=(10_000, 1.0)) as tg,
    ):
        push_port = free_port()  # Ozon learns the URL (with its token) in bootstrap()
        tg.create_bot(token=TOKEN, username="agentiq_faults_bot")
        owner = tg.create_user(first_name="Олег", username="owner")
        agent = tg.create_user(first_name="Анна", username="anna")
        group = tg.create_group(
            title="Поддержка", is_forum=True, members=[owner.id, agent.id], admins=[owner.id],
            bot_rights=FULL_RIGHTS, owner=owner.id,
        )  # fmt: skip
        env = bot_env(tg, ozon, data_dir, owner.id, push_port)
        env.update(market.env())
        process = BotProcess(data_dir, env, zygote=zygote)
        world = FaultWorld(tg, ozon, process, owner, agent, group.id, market, ozon_push)
        try:
            await world.start()
            await world.bootstrap()
            yield world
        finally:
            await process.stop()


def first_seen(items: list[str]) -> list[str]:
    """Each item once, at its first position (order as the receiver saw it)."""
    seen: list[str] = []
    for item in items:
        if item not in seen:
            seen.append(item)
    return seen


def extra_copies(items: list[str]) -> int:
    return len(items) - len(set(items))


def _buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return [button for row in rows for button in row]
