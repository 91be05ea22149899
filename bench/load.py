"""Load: ten times Phase 2 (1,000 sellers in 100 groups, 500,000 buyer messages a day)
through one and then two bot processes on one PostgreSQL, with the real limits.

    .venv/bin/python bench/load.py [--minutes 10] [--compression 2] [--quick] [--profile]

Each phase (1 instance, then 2) gets a fresh embedded PostgreSQL, seeded directly (groups
bound, sellers saved with encrypted keys: onboarding is not what is measured), the Telegram
and Ozon emulators in this process, and ``python -m bot`` processes with one
``DATABASE_URL``. Buyers write to Ozon at the day's mean rate times ``--compression``
(a third of the messages open a new chat, which costs a topic); agents answer half of the
posted messages a second after they appear. Then the run drains (everything arrives or
``--drain`` seconds pass). The bare-client floor is measured during the window against the
same emulators: the bot's calls, at its rate and in its mix, one at a time.

Time compression: messages arrive ``--compression`` times faster than the real day's mean
(default 2×: 11.6 buyer messages/s; 10 minutes replay 20 minutes of the day). The Telegram
limits stay real (20 units/min per group, 30/s bot-wide) because at ≤ 2× they do not bind:
a buyer message costs about 2.1 units (its post, a third of a topic, half a receipt, the
SLA and draft edits), so 2× needs 24 units/s bot-wide and 14 a minute per group. At 3×
(36 units/s) Telegram's 30/s per bot is the ceiling for any design: a run there measured
12.5 messages/s sustained and the queue growing, whatever the instances. Above 2× use
``--scale-limits`` (then only the emulator's limits scale, so it shows whether the bot's
fixed budget becomes the bottleneck). Ozon keeps its per-seller
limit (``--ozon-rps``). Polls are not compressed: every seller is polled every
``--poll-interval`` seconds (60, the default), so the idle polling of 1,000 sellers is the
real cost.

Printed, side by side: messages/s, p50/p95/p99 marketplace → topic (also split into the
poll delay, write → first served by Ozon, and the bot's part, served → posted) and agent →
marketplace, CPU ms per buyer message (bot, PostgreSQL), peak RSS per instance, queue depth
samples, lost/doubled, the floor (httpx, aiohttp) and our CPU ÷ floor, against the targets.
Exit code 1 if anything was lost or doubled. Nothing here is asserted on time.

Scaling: two instances can only show that they carry more than one at a load one instance
cannot keep up with. ``--instance-cpus 0.2`` caps each bot process to that much CPU during
the load window (a cgroup, like ``cpus:`` in compose; see ``bench/cpu_cap.py``), so each
instance is the scarce resource even on a two-CPU machine; start-up and the drain run
uncapped, so the backlog still arrives and lost/doubled still count (a capped single
instance's backlog may need ``--drain 400``). With the cap, offer more
than two capped instances carry (``--compression 2``) and compare messages/s sustained.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import signal
import sys
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cryptography.fernet import Fernet
from pydantic import SecretStr

from bench.cpu_cap import CapUnavailable, CpuCap, open_cap
from sandbox.ozon import OzonEmulator
from sandbox.telegram import TelegramEmulator
from storage.database import Database
from storage.embedded import EmbeddedPostgres
from storage.migrate import apply_migrations
from storage.pool import create_pool
from storage.vault import Vault

REPO_ROOT = Path(__file__).resolve().parents[1]
TOKEN = "123456789:EmulatorOnlyLoadBench"
FULL_RIGHTS = {"can_manage_topics": True, "can_delete_messages": True, "can_pin_messages": True}
DAY_MESSAGES = 500_000
DAY_SECONDS = 86_400
NEW_CHAT_SHARE = 1 / 3
REPLY_SHARE = 0.5
REPLY_AFTER = 1.0
CLK_TCK = os.sysconf("SC_CLK_TCK")
BUYER_TAG = re.compile(r"L#(\d+)\b")
AGENT_TAG = re.compile(r"R#(\d+)\b")
TARGET_P95 = 2.0
TARGET_RSS_MB = 300
TARGET_RATIO = 3.0
TARGET_SCALING = 1.7
#: Posted inside the window as a share of offered above which an instance "kept up".
KEPT_UP = 0.95


# ------------------------------------------------------------------ /proc


def cpu_seconds(pid: int, *, children: bool = False) -> float:
    """utime + stime (with ``children``: plus reaped children's) of one process."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    ticks = int(fields[11]) + int(fields[12])
    if children:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / CLK_TCK


def status_kb(pid: int, key: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def postgres_cpu(pgdata: Path) -> float:
    """The server's CPU: the postmaster (with its reaped backends) plus live children."""
    needle, total = str(pgdata), 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if needle in cmdline and "postgres" in cmdline:  # the postmaster names its data dir
            total += cpu_seconds(int(entry.name), children=True)
            for child in Path("/proc").iterdir():
                if child.name.isdigit():
                    with contextlib.suppress(OSError, ValueError, IndexError):
                        stat = (child / "stat").read_text().rsplit(")", 1)[1].split()
                        if int(stat[1]) == int(entry.name):
                            total += cpu_seconds(int(child.name))
    return total


# ------------------------------------------------------------------ the world


@dataclass
class Shop:
    client_id: str
    api_key: str
    group: int
    agent: int
    chats: list[str] = field(default_factory=list)


@dataclass
class Trace:
    """What the emulators saw, by tag, in this process's monotonic time."""

    written: dict[int, float] = field(default_factory=dict)
    served: dict[int, float] = field(default_factory=dict)
    posted: Counter[int] = field(default_factory=Counter)
    posted_at: dict[int, float] = field(default_factory=dict)
    chat_of: dict[int, tuple[Shop, str]] = field(default_factory=dict)
    thread_of: dict[tuple[int, str], int] = field(default_factory=dict)
    replies_asked: dict[int, float] = field(default_factory=dict)
    replied: Counter[int] = field(default_factory=Counter)
    replied_at: dict[int, float] = field(default_factory=dict)
    reply_due: list[tuple[float, int]] = field(default_factory=list)


def hook_emulators(tg: TelegramEmulator, ozon: OzonEmulator, trace: Trace, bot_id: int,
                   rng: random.Random) -> None:  # fmt: skip
    """Timestamps at the emulators' state: a post's arrival, a reply's arrival at Ozon, the
    first time Ozon served a buyer message to a poll."""
    state = tg.state
    post = state.post

    def traced_post(chat: Any, sender_id: int | None, content: dict[str, Any],
                    **kwargs: Any) -> Any:  # fmt: skip
        message = post(chat, sender_id, content, **kwargs)
        if sender_id == bot_id:
            body = str(content.get("text") or content.get("caption") or "")
            now = time.monotonic()
            for raw in BUYER_TAG.findall(body):
                tag = int(raw)
                trace.posted[tag] += 1
                if tag not in trace.posted_at:
                    trace.posted_at[tag] = now
                    thread = kwargs.get("thread_id")
                    if tag in trace.chat_of and thread is not None:
                        _, chat_id = trace.chat_of[tag]
                        trace.thread_of[(chat.id, chat_id)] = int(thread)
                        if rng.random() < REPLY_SHARE:
                            trace.reply_due.append((now + REPLY_AFTER, tag))
        return message

    state.post = traced_post  # type: ignore[method-assign]

    history = ozon.state.history

    def traced_history(client_id: str, chat_id: str, **kwargs: Any) -> Any:
        found = history(client_id, chat_id, **kwargs)
        now = time.monotonic()
        for message in found[1]:
            for raw in BUYER_TAG.findall(message.text or ""):
                trace.served.setdefault(int(raw), now)
        return found

    ozon.state.history = traced_history  # type: ignore[method-assign]

    send = ozon.state.send_message

    def traced_send(client_id: str, chat_id: str, text: str) -> str:
        message_id = send(client_id, chat_id, text)
        now = time.monotonic()
        for raw in AGENT_TAG.findall(text):
            trace.replied[int(raw)] += 1
            trace.replied_at.setdefault(int(raw), now)
        return message_id

    ozon.state.send_message = traced_send  # type: ignore[method-assign]


@dataclass
class Instance:
    proc: asyncio.subprocess.Process
    log: Path
    peak_rss_kb: int = 0
    cpu_start: float = 0.0
    cpu_end: float = 0.0
    cap: CpuCap | None = None


async def start_instance(env: dict[str, str], folder: Path, *, profile: Path | None,
                         cpus: float | None) -> Instance:  # fmt: skip
    await asyncio.to_thread(folder.mkdir, parents=True, exist_ok=True)
    log = folder / "bot.log"
    prefix = [str(REPO_ROOT / "bench" / "cpu_profile.py"), str(profile)] if profile else []
    with log.open("ab") as out:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, *prefix, "-m", "bot", cwd=REPO_ROOT,
            env={**env, "DATA_DIR": str(folder)}, stdin=asyncio.subprocess.DEVNULL,
            stdout=out, stderr=out, start_new_session=True,
        )  # fmt: skip
    instance = Instance(proc=proc, log=log)
    if cpus is not None:
        instance.cap = open_cap(f"agentiq-load-{proc.pid}", cpus)
        instance.cap.add(proc.pid)
    return instance


async def stop_instance(instance: Instance) -> None:
    if instance.proc.returncode is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(instance.proc.pid, signal.SIGTERM)
    try:
        await asyncio.wait_for(instance.proc.wait(), 60)
    except TimeoutError:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(instance.proc.pid, signal.SIGKILL)
        await instance.proc.wait()
    if instance.cap is not None:
        instance.cap.remove()


@contextlib.asynccontextmanager
async def database(folder: Path) -> AsyncIterator[tuple[Database, str, Path]]:
    embedded = EmbeddedPostgres(folder)
    dsn = await embedded.start_app_database()
    try:
        pool = await create_pool(dsn, max_size=4)
        try:
            async with pool.acquire() as conn:
                await apply_migrations(conn)
            yield Database(pool), dsn, embedded.pgdata
        finally:
            await pool.close()
    finally:
        await embedded.stop()


async def seed(db: Database, tg: TelegramEmulator, ozon: OzonEmulator, vault: Vault,
               args: argparse.Namespace) -> list[Shop]:  # fmt: skip
    shops: list[Shop] = []
    per_group = args.sellers // args.groups
    for g in range(args.groups):
        agent = tg.create_user(first_name=f"Агент{g}", username=f"agent{g}")
        group = tg.create_group(
            title=f"Поддержка {g}", is_forum=True, members=[agent.id], admins=[agent.id],
            bot_rights=FULL_RIGHTS,
        )  # fmt: skip
        workspace = await db.workspaces.bind(
            tg_chat_id=group.id, title=f"Поддержка {g}", bound_by_tg_user_id=agent.id
        )
        for s in range(per_group):
            client_id = str(900_000 + g * per_group + s)
            key = f"load-key-{client_id}-abcdefghijklmnop"
            ozon.state.add_seller(client_id, key, name=f"Shop {client_id}")
            await db.sellers.create(
                workspace_id=workspace.id, marketplace="ozon", name=f"Shop {client_id}",
                client_id=client_id, api_key_encrypted=vault.encrypt(SecretStr(key)),
            )  # fmt: skip
            shops.append(Shop(client_id, key, group.id, agent.id))
    return shops


# ------------------------------------------------------------------ one phase


@dataclass
class Phase:
    instances: int
    offered: int = 0
    seconds: float = 0.0
    posted_in_window: int = 0
    topic: list[float] = field(default_factory=list)
    poll_delay: list[float] = field(default_factory=list)
    bot_part: list[float] = field(default_factory=list)
    reply: list[float] = field(default_factory=list)
    lost_buyer: int = 0
    doubled_buyer: int = 0
    replies_asked: int = 0
    lost_reply: int = 0
    doubled_reply: int = 0
    bot_cpu: float = 0.0
    pg_cpu: float = 0.0
    peak_rss_mb: list[float] = field(default_factory=list)
    queue_samples: list[str] = field(default_factory=list)
    ozon_calls: int = 0
    telegram_calls: int = 0
    telegram_429: int = 0
    floor_ms: dict[str, float] = field(default_factory=dict)
    floor_runs: dict[str, list[float]] = field(default_factory=dict)  # per third of a run
    floor_rate: float = 0.0
    floor_ozon_share: float = 0.7
    settled: bool = True

    @property
    def messages(self) -> int:
        return self.offered

    def cpu_ms_per_message(self, seconds: float) -> float:
        return 1000 * seconds / max(1, self.offered)

    def floor_per_message(self, client: str) -> float:
        calls = self.ozon_calls + self.telegram_calls
        return self.floor_ms.get(client, 0.0) * calls / max(1, self.offered)


async def queue_depth(db: Database) -> str:
    row = await db.pool.fetchrow(
        """
        SELECT (SELECT count(*) FROM tg_updates WHERE status = 'pending') AS updates,
               (SELECT count(*) FROM tg_outbox WHERE status = 'pending') AS outbox,
               (SELECT count(*) FROM reply_outbox
                 WHERE status IN ('pending', 'sending', 'unverified')) AS replies
        """
    )
    assert row is not None
    return f"tg_out {row['outbox']} replies {row['replies']} updates {row['updates']}"


def bot_env(tg: TelegramEmulator, ozon: OzonEmulator, dsn: str, fernet: str,
            args: argparse.Namespace) -> dict[str, str]:  # fmt: skip
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("OZON", "TELEGRAM", "LLM", "DATABASE", "BOT_", "FERNET", "DRAFT",
                               "WB_", "WEBHOOK", "METRICS", "DB_"))
    }  # fmt: skip
    env.update(
        {
            "BOT_TOKEN": TOKEN,
            "TELEGRAM_API_URL": tg.base_url,
            "OZON_API_URL": ozon.base_url,
            "DATABASE_URL": dsn,
            "FERNET_KEYS": fernet,
            "ADMIN_IDS": "1",
            "POLL_INTERVAL_SECONDS": str(args.poll_interval),
            "DRAFTS_ENABLED": "false",
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


#: The floors measured during the window, one after the other, each for a quarter of it.
FLOOR_CLIENTS = ("httpx", "aiohttp")
#: For reference only: httpx making the calls back to back, after the drain, as the floor
#: was measured before (it batches wake-ups the bot's pace never offers).
BACK_TO_BACK = "httpx back to back, after (reference)"
BACK_TO_BACK_SECONDS = 15.0
FLOORS = (*FLOOR_CLIENTS, BACK_TO_BACK)
FLOOR_SELLERS = 50


@dataclass(frozen=True)
class FloorTargets:
    """Where the floor's calls go: Ozon sellers and a group the bot does not serve, so its
    calls are told apart from the bot's (and never counted as the bot's work)."""

    sellers: list[tuple[str, str]]
    group: int

    def client_ids(self) -> set[str]:
        return {client_id for client_id, _ in self.sellers}


def floor_targets(tg: TelegramEmulator, ozon: OzonEmulator) -> FloorTargets:
    sellers = []
    for n in range(FLOOR_SELLERS):
        client_id, key = str(800_000 + n), f"floor-key-{n}-abcdefghijklmnop"
        ozon.state.add_seller(client_id, key, name=f"Floor {n}")
        sellers.append((client_id, key))
    group = tg.create_group("Floor", is_forum=True, bot_rights=FULL_RIGHTS)
    return FloorTargets(sellers, group.id)


def bot_calls(tg: TelegramEmulator, ozon: OzonEmulator, floor: FloorTargets) -> tuple[int, int]:
    """(Ozon, Bot API) calls made so far by the bot, not by the floor."""
    floor_ids = floor.client_ids()
    ozon_calls = sum(n for (client_id, _), n in ozon.calls.items() if client_id not in floor_ids)
    group = str(floor.group)
    tg_calls = sum(1 for _, params in tg.calls if str(params.get("chat_id")) != group)
    return ozon_calls, tg_calls


async def floors_in_window(phase: Phase, *, tg: TelegramEmulator, ozon: OzonEmulator,
                           floor: FloorTargets, args: argparse.Namespace) -> None:  # fmt: skip
    """A quarter into the window, each bare client makes the calls the bot is making, at
    the rate and in the mix it has made them so far, for a quarter of the window: our CPU
    and the floor's are measured in the same minutes (see ``bench/load_floor.py``)."""
    before = bot_calls(tg, ozon, floor)
    started = time.monotonic()
    quarter = args.seconds / 4
    await asyncio.sleep(quarter)
    (ozon_now, tg_now), (ozon_then, tg_then) = bot_calls(tg, ozon, floor), before
    ozon_calls, tg_calls = ozon_now - ozon_then, tg_now - tg_then
    calls = max(1, ozon_calls + tg_calls)
    rate = max(1.0, calls / (time.monotonic() - started))
    phase.floor_rate, phase.floor_ozon_share = rate, ozon_calls / calls
    for client in FLOOR_CLIENTS:
        await run_floor(phase, client, client, rate=rate, seconds=quarter, tg=tg, ozon=ozon,
                        floor=floor)  # fmt: skip


async def run_floor(phase: Phase, name: str, client: str, *, rate: float, seconds: float,
                    tg: TelegramEmulator, ozon: OzonEmulator,
                    floor: FloorTargets) -> None:  # fmt: skip
    command = [
        sys.executable, str(REPO_ROOT / "bench" / "load_floor.py"), "--client", client,
        "--ozon", ozon.base_url, "--telegram", tg.base_url, "--token", TOKEN,
        "--group", str(floor.group), "--rate", f"{rate:.2f}",
        "--ozon-share", f"{phase.floor_ozon_share:.3f}", "--seconds", f"{seconds:.1f}",
        "--sellers", ",".join(f"{c}:{k}" for c, k in floor.sellers),
    ]  # fmt: skip
    process = await asyncio.create_subprocess_exec(
        *command, stdout=asyncio.subprocess.PIPE, cwd=REPO_ROOT
    )
    out, _ = await process.communicate()
    result = json.loads(out.decode().strip().splitlines()[-1])
    phase.floor_ms[name] = float(result["cpu_ms_per_call"])
    phase.floor_runs[name] = [float(ms) for ms in result["segments"]]


def offered_rate(args: argparse.Namespace) -> float:
    """Buyer messages a second: 500 a day per seller (ten times Phase 2), compressed."""
    return DAY_MESSAGES * args.sellers / 1000 / DAY_SECONDS * args.compression


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def drive(trace: Trace, *, tg: TelegramEmulator, ozon: OzonEmulator, shops: list[Shop],
                args: argparse.Namespace, rng: random.Random,
                sample: Callable[[], Any]) -> int:  # fmt: skip
    """Buyers write at the compressed rate for ``args.seconds``; due agent replies are sent."""
    seconds = args.seconds
    rate = offered_rate(args)
    started = time.monotonic()
    written, seq = 0, 0
    next_sample = started
    every = seconds / max(1, args.samples - 1)
    while True:
        now = time.monotonic()
        if now >= next_sample:
            sample()
            next_sample += every
        if now - started >= seconds:
            break
        due = int((now - started) * rate) - written
        for _ in range(max(0, due)):
            shop = rng.choice(shops)
            seq += 1
            chat_id = None if not shop.chats or rng.random() < NEW_CHAT_SHARE else rng.choice(
                shop.chats)  # fmt: skip
            chat_id, _ = ozon.state.buyer_writes(
                shop.client_id, text=f"L#{seq} вопрос про заказ", chat_id=chat_id
            )
            if chat_id not in shop.chats:
                shop.chats.append(chat_id)
            trace.written[seq] = time.monotonic()
            trace.chat_of[seq] = (shop, chat_id)
            written += 1
        send_due_replies(trace, tg)
        await asyncio.sleep(0.05)
    return written


def send_due_replies(trace: Trace, tg: TelegramEmulator) -> None:
    now = time.monotonic()
    keep: list[tuple[float, int]] = []
    for due, tag in trace.reply_due:
        if due > now:
            keep.append((due, tag))
            continue
        shop, chat_id = trace.chat_of[tag]
        thread = trace.thread_of.get((shop.group, chat_id))
        if thread is None:
            continue
        tg.user_sends(shop.agent, shop.group, f"R#{tag} ответ", thread_id=thread)
        trace.replies_asked[tag] = time.monotonic()
    trace.reply_due = keep


async def run_phase(instances: int, args: argparse.Namespace, root: Path) -> Phase:
    phase = Phase(instances=instances)
    rng = random.Random(args.seed)
    trace = Trace()
    fernet = Fernet.generate_key().decode()
    vault = Vault([SecretStr(fernet)])
    async with (
        database(root / f"pg{instances}") as (db, dsn, pgdata),
        OzonEmulator(port=0, rate_limit_rps=args.ozon_rps) as ozon,
        TelegramEmulator(
            port=0, group_limit=(args.group_limit, 60.0), global_limit=(args.global_limit, 1.0)
        ) as tg,  # fmt: skip
    ):
        bot_user = tg.create_bot(token=TOKEN, username="agentiq_load_bot")
        shops = await seed(db, tg, ozon, vault, args)
        floor = floor_targets(tg, ozon)
        hook_emulators(tg, ozon, trace, bot_user.id, rng)
        env = bot_env(tg, ozon, dsn, fernet, args)
        bots = []
        for n in range(instances):
            profile = root / f"profile{instances}-{n}.prof" if args.profile and n == 0 else None
            bots.append(await start_instance(env, root / f"bot{instances}-{n}", profile=profile,
                                             cpus=args.instance_cpus))  # fmt: skip
        try:
            await first_polls(bots, ozon, shops, args)
            await asyncio.sleep(args.warmup)
            ozon_before, tg_before = bot_calls(tg, ozon, floor)
            pg_before = postgres_cpu(pgdata)
            for bot in bots:
                bot.cpu_start = cpu_seconds(bot.proc.pid)
            await load_and_drain(phase, trace, db=db, tg=tg, ozon=ozon, shops=shops, bots=bots,
                                 floor=floor, args=args, rng=rng)  # fmt: skip
            phase.pg_cpu = postgres_cpu(pgdata) - pg_before
            for bot in bots:
                bot.cpu_end = cpu_seconds(bot.proc.pid)
                bot.peak_rss_kb = status_kb(bot.proc.pid, "VmHWM")
            phase.bot_cpu = sum(b.cpu_end - b.cpu_start for b in bots)
            phase.peak_rss_mb = [b.peak_rss_kb / 1024 for b in bots]
            ozon_after, tg_after = bot_calls(tg, ozon, floor)
            phase.ozon_calls, phase.telegram_calls = ozon_after - ozon_before, tg_after - tg_before
        finally:
            for bot in bots:
                await stop_instance(bot)
        phase.telegram_429 = len([v for v in tg.violations if "429" in str(v)])
        await run_floor(phase, BACK_TO_BACK, "httpx", rate=0, seconds=BACK_TO_BACK_SECONDS,
                        tg=tg, ozon=ozon, floor=floor)  # fmt: skip
    collect(phase, trace)
    return phase


async def first_polls(bots: list[Instance], ozon: OzonEmulator, shops: list[Shop],
                      args: argparse.Namespace) -> None:  # fmt: skip
    print(f"  {len(bots)} instance(s): waiting for every seller's first poll …", flush=True)
    every = {s.client_id for s in shops}
    async with asyncio.timeout(args.startup):
        while not every <= {c for c, _ in ozon.calls}:
            for bot in bots:
                if bot.proc.returncode is not None:
                    raise RuntimeError(f"a bot exited; see {bot.log}")
            await asyncio.sleep(0.5)


async def load_and_drain(phase: Phase, trace: Trace, *, db: Database, tg: TelegramEmulator,
                         ozon: OzonEmulator, shops: list[Shop], bots: list[Instance],
                         floor: FloorTargets, args: argparse.Namespace,
                         rng: random.Random) -> None:  # fmt: skip
    started = time.monotonic()

    async def take_sample() -> None:
        depth = await queue_depth(db)
        rss = "/".join(f"{status_kb(b.proc.pid, 'VmRSS') // 1024}" for b in bots)
        elapsed = time.monotonic() - started
        phase.queue_samples.append(f"t={elapsed:4.0f}s {depth} rss {rss} MB")

    samples: list[asyncio.Task[None]] = []
    print(f"  {len(bots)} instance(s): load for {args.seconds:.0f} s …", flush=True)
    caps = [b.cap for b in bots if b.cap is not None]
    for cap in caps:  # only the window is capped: start-up and drain run free
        cap.on()
    floors = asyncio.create_task(floors_in_window(phase, tg=tg, ozon=ozon, floor=floor,
                                                  args=args))  # fmt: skip
    try:
        phase.offered = await drive(
            trace, tg=tg, ozon=ozon, shops=shops, args=args, rng=rng,
            sample=lambda: samples.append(asyncio.create_task(take_sample())),
        )  # fmt: skip
    finally:
        for cap in caps:
            cap.off()
    await floors
    window_end = time.monotonic()
    phase.posted_in_window = sum(1 for t in trace.posted_at.values() if t <= window_end)
    deadline = window_end + args.drain
    phase.settled = False
    while time.monotonic() < deadline:
        send_due_replies(trace, tg)
        posted = len(trace.posted_at) >= phase.offered
        replied = all(tag in trace.replied_at for tag in trace.replies_asked)
        if posted and replied and not trace.reply_due:
            phase.settled = True
            break
        await asyncio.sleep(0.2)
    phase.seconds = time.monotonic() - started
    await asyncio.gather(*samples)
    phase.queue_samples.append(f"drained {await queue_depth(db)}")


def collect(phase: Phase, trace: Trace) -> None:
    for tag, at in trace.written.items():
        if tag not in trace.posted_at:
            phase.lost_buyer += 1
            continue
        phase.topic.append(trace.posted_at[tag] - at)
        if tag in trace.served:
            phase.poll_delay.append(trace.served[tag] - at)
            phase.bot_part.append(trace.posted_at[tag] - trace.served[tag])
    phase.doubled_buyer = sum(n - 1 for n in trace.posted.values() if n > 1)
    phase.replies_asked = len(trace.replies_asked)
    for tag, at in trace.replies_asked.items():
        if tag not in trace.replied_at:
            phase.lost_reply += 1
        else:
            phase.reply.append(trace.replied_at[tag] - at)
    phase.doubled_reply = sum(n - 1 for n in trace.replied.values() if n > 1)


# ------------------------------------------------------------------ report


def report(phases: list[Phase], args: argparse.Namespace) -> dict[str, Any]:
    rate = offered_rate(args)
    print()
    print(f"Scale: {args.sellers} sellers in {args.groups} groups, "
          f"{DAY_MESSAGES * args.sellers // 1000:,} buyer messages/day; compression "
          f"{args.compression:g}× → offered {rate:.1f} buyer msg/s for {args.seconds:.0f} s "
          f"(= {args.seconds * args.compression / 60:.0f} min of the day); agents answer "
          f"{REPLY_SHARE:.0%}; polls every {args.poll_interval} s; "
          f"Telegram limits {args.group_limit}/min per group, {args.global_limit}/s bot-wide; "
          f"Ozon {args.ozon_rps} rps per seller"
          + (f"; each instance capped to {args.instance_cpus:g} CPU during the window"
             if args.instance_cpus else ""))  # fmt: skip
    rows: list[tuple[str, Callable[[Phase], str]]] = [
        ("buyer messages offered", lambda p: f"{p.offered}"),
        ("msgs/s sustained (posted in window)", lambda p: per_second(p, args)),
        ("mp→topic p50/p95/p99 s", lambda p: triple(p.topic)),
        ("  poll delay (write→served) p50/p95/p99", lambda p: triple(p.poll_delay)),
        ("  bot part (served→posted) p50/p95/p99", lambda p: triple(p.bot_part)),
        ("agent→mp p50/p95/p99 s", lambda p: triple(p.reply)),
        ("bot CPU ms / buyer msg", lambda p: f"{p.cpu_ms_per_message(p.bot_cpu):.2f}"),
        ("PostgreSQL CPU ms / buyer msg", lambda p: f"{p.cpu_ms_per_message(p.pg_cpu):.2f}"),
        ("peak RSS MB per instance", lambda p: "/".join(f"{m:.0f}" for m in p.peak_rss_mb)),
        ("Ozon calls / Bot API calls", lambda p: f"{p.ozon_calls}/{p.telegram_calls}"),
        ("floor: calls/s paced (the bot's rate)", lambda p: f"{p.floor_rate:.1f}"),
        *((f"floor {name} ms/call (thirds)", floor_column(name)) for name in FLOORS),
        *((f"floor {name} ms / buyer msg", floor_per_message_column(name))
          for name in FLOORS),
        *((f"bot CPU ÷ floor ({name})", ratio_column(name)) for name in FLOORS),
        ("lost buyer/reply", lambda p: f"{p.lost_buyer}/{p.lost_reply}"),
        ("doubled buyer/reply", lambda p: f"{p.doubled_buyer}/{p.doubled_reply}"),
        ("replies sent by agents", lambda p: f"{p.replies_asked}"),
        ("Telegram 429 violations", lambda p: f"{p.telegram_429}"),
        ("settled", lambda p: "yes" if p.settled else "NO"),
    ]  # fmt: skip
    width = max(len(name) for name, _ in rows) + 2
    print("".ljust(width) + "".join(f"{p.instances} instance(s)".ljust(26) for p in phases))
    for name, cell in rows:
        print(name.ljust(width) + "".join(cell(p).ljust(26) for p in phases))
    for p in phases:
        print(f"queue depth over time, {p.instances} instance(s):")
        for line in p.queue_samples:
            print(f"    {line}")
    print("targets:")
    for p in phases:
        p95 = percentile(p.bot_part, 0.95)
        rss = max(p.peak_rss_mb, default=0)
        print(f"  {p.instances} inst: p95 over the poll delay {p95:.2f} s (≤ {TARGET_P95}) "
              f"{ok(p95 <= TARGET_P95)}; RSS {rss:.0f} MB (≤ {TARGET_RSS_MB}) "
              f"{ok(rss <= TARGET_RSS_MB)}; CPU ÷ floor(httpx) {ratio(p, 'httpx')} "
              f"(≤ {TARGET_RATIO}) {ok(ratio_value(p, 'httpx') <= TARGET_RATIO)}")  # fmt: skip
    if len(phases) == 2:
        one, two = phases
        carried = two.posted_in_window / max(1, one.posted_in_window)
        share_one = one.posted_in_window / max(1, one.offered)
        share_two = two.posted_in_window / max(1, two.offered)
        print(f"  two instances carry {carried:.2f}× one (≥ {TARGET_SCALING}) "
              f"{ok(carried >= TARGET_SCALING)}"
              + (" — one instance kept up with the offered load, so this is ≈1 by "
                 "construction; saturate it with --instance-cpus" if share_one >= KEPT_UP else
                 f" — one instance carried {share_one:.0%} of the offered load, "
                 f"two {share_two:.0%}"))  # fmt: skip
    return {
        "compression": args.compression,
        "phases": [
            {
                "instances": p.instances, "offered": p.offered,
                "messages_per_second": p.posted_in_window / args.seconds,
                "topic_p50_p95_p99": [percentile(p.topic, q) for q in (0.5, 0.95, 0.99)],
                "reply_p50_p95_p99": [percentile(p.reply, q) for q in (0.5, 0.95, 0.99)],
                "bot_cpu_ms_per_message": p.cpu_ms_per_message(p.bot_cpu),
                "postgres_cpu_ms_per_message": p.cpu_ms_per_message(p.pg_cpu),
                "peak_rss_mb": p.peak_rss_mb, "queue_samples": p.queue_samples,
                "lost": p.lost_buyer + p.lost_reply,
                "doubled": p.doubled_buyer + p.doubled_reply,
                "floor_ms_per_call": p.floor_ms, "floor_runs": p.floor_runs,
                "floor_calls_per_second": p.floor_rate,
                "ratio_to_floor": {c: ratio_value(p, c) for c in p.floor_ms},
                "settled": p.settled,
            }
            for p in phases
        ],
    }  # fmt: skip


def per_second(phase: Phase, args: argparse.Namespace) -> str:
    return f"{phase.posted_in_window / args.seconds:.2f}"


def triple(values: list[float]) -> str:
    return "/".join(f"{percentile(values, q):.2f}" for q in (0.5, 0.95, 0.99))


def floor_column(name: str) -> Callable[[Phase], str]:
    return lambda p: floor_cell(p, name)


def floor_per_message_column(name: str) -> Callable[[Phase], str]:
    return lambda p: f"{p.floor_per_message(name):.2f}"


def ratio_column(name: str) -> Callable[[Phase], str]:
    return lambda p: ratio(p, name)


def floor_cell(phase: Phase, client: str) -> str:
    runs = ",".join(f"{ms:.2f}" for ms in phase.floor_runs.get(client, []))
    return f"{phase.floor_ms.get(client, 0):.3f} ({runs})"


def ratio_value(phase: Phase, client: str) -> float:
    floor_ms = phase.floor_per_message(client)
    return phase.cpu_ms_per_message(phase.bot_cpu) / floor_ms if floor_ms else float("inf")


def ratio(phase: Phase, client: str) -> str:
    return f"{ratio_value(phase, client):.1f}"


def ok(passed: bool) -> str:
    return "ok" if passed else "MISSED"


async def main_async(args: argparse.Namespace) -> int:
    if args.instance_cpus is not None:
        try:
            open_cap("agentiq-load-probe", args.instance_cpus).remove()
        except CapUnavailable as exc:
            print(f"--instance-cpus needs a writable cgroup CPU controller: {exc}")
            return 2
    phases: list[Phase] = []
    with tempfile.TemporaryDirectory(prefix="agentiq-load-") as folder:
        for instances in args.instances:
            phases.append(await run_phase(instances, args, Path(folder)))
            report(phases[-1:], args)  # each phase's figures as soon as it ends
        if args.profile:
            show_profile(Path(folder))
    print("\n===== side by side =====")
    summary = report(phases, args)
    if args.json:
        await asyncio.to_thread(Path(args.json).write_text, json.dumps(summary, indent=2))
    bad = any(p["lost"] or p["doubled"] for p in summary["phases"])
    return 1 if bad else 0


def show_profile(folder: Path) -> None:
    import pstats  # noqa: PLC0415

    for path in sorted(folder.glob("profile*.prof")):
        if path.exists():
            print(f"\nprofile {path.name} (CPU time; top 25 by own time):")
            pstats.Stats(str(path)).sort_stats("tottime").print_stats(25)
            # Start-up (pydantic building aiogram's models) dominates own time in a short
            # run; the project's own functions by cumulative time show the steady state.
            print(f"\nprofile {path.name} (the project's functions, top 40 by cumulative):")
            stats = pstats.Stats(str(path)).sort_stats("cumulative")
            stats.print_stats(r"/(bot|connectors|storage)/", 40)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0, help="load time per phase")
    parser.add_argument("--compression", type=float, default=2.0)
    parser.add_argument("--sellers", type=int, default=1000)
    parser.add_argument("--groups", type=int, default=100)
    parser.add_argument("--poll-interval", type=int, default=60)
    parser.add_argument("--ozon-rps", type=int, default=50, help="Ozon limit per Client-Id")
    parser.add_argument("--scale-limits", action="store_true",
                        help="scale the emulator's Telegram limits too")  # fmt: skip
    parser.add_argument("--instances", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--drain", type=float, default=180.0)
    parser.add_argument("--warmup", type=float, default=5.0)
    parser.add_argument("--startup", type=float, default=300.0)
    parser.add_argument("--samples", type=int, default=6, help="queue depth samples per phase")
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--instance-cpus", type=float, default=None,
                        help="cap each bot instance to this many CPUs during the load window "
                        "(a cgroup, as compose's cpus:), so one instance saturates")  # fmt: skip
    parser.add_argument("--profile", action="store_true", help="cProfile the first instance")
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--quick", action="store_true",
                        help="smoke scale: 20 sellers, 4 groups, 20 s per phase, 6×")  # fmt: skip
    args = parser.parse_args(argv)
    if args.quick:
        args.sellers, args.groups, args.minutes, args.compression = 20, 4, 1 / 3, 6.0
        args.drain, args.samples, args.warmup = 90.0, 3, 1.0
        args.poll_interval = 5
    args.seconds = args.minutes * 60
    scale = args.compression if args.scale_limits else 1.0
    args.group_limit = int(20 * scale)
    args.global_limit = int(30 * scale)
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    return asyncio.run(main_async(args))


if __name__ == "__main__":
    raise SystemExit(main())
