"""Three bot processes on one database share the work, and one of them dies with kill -9.

One embedded PostgreSQL (the test session's), three ``python -m bot`` processes with the
same ``DATABASE_URL``, the Telegram emulator enforcing the real per-group budget (20 a
minute) and counting its 429s. Two groups, three shops, buyers writing in six chats and
agents answering. The first process started leads (it long-polls Telegram and runs the
periodic work); it is killed while an agent's reply it claimed is held at Ozon, i.e. with a
claim in flight, and its roles, leases and claims must move to the other two.

Asserted: every buyer message posted, at most one extra copy (the one Telegram call that may
have been in flight at the kill: Telegram has no idempotency key, see README); every reply
at Ozon exactly once, in the agent's order per chat; no two processes ever polling one shop
at the same time (from their logs: a lease is logged after it is taken and its end before
it is released); no 429 and never more than 20 units in any minute in either group.
"""

from __future__ import annotations

import asyncio
import itertools
import re
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import asyncpg
import pytest
from cryptography.fernet import Fernet

from sandbox.ozon import OzonEmulator
from sandbox.telegram import TelegramEmulator, User
from tests.faults.harness import (
    FULL_RIGHTS,
    START_SECONDS,
    TOKEN,
    BotProcess,
    bot_env,
    extra_copies,
    free_port,
    wait_until,
)
from tests.faults.zygote import Zygote

SEND = "/v1/chat/send/message"
GROUP_LIMIT = 20
WINDOW = 60.0
#: (Client-Id, Api-Key, shop name, index of its group)
SHOPS = [
    ("777301", "ozon-multi-key-0000000001", "Обувь", 0),
    ("777302", "ozon-multi-key-0000000002", "Сумки", 0),
    ("777303", "ozon-multi-key-0000000003", "Шапки", 1),
]
CHATS_PER_SHOP = 2
_LOG_TIME = r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3})"
_LEASE = re.compile(
    _LOG_TIME + r" DEBUG bot\.sync\.runner: poll lease seller=(\d+) (taken|released)"
)
_INSTANCE = re.compile(r"Instance (\w+) receiving Telegram updates")


@dataclass
class Chat:
    client_id: str
    chat_id: str
    group: int
    agent: User
    first: str
    thread: int | None = None


@dataclass
class Multi:
    tg: TelegramEmulator
    ozon: OzonEmulator
    bots: list[BotProcess]
    groups: list[int]
    owners: list[User]
    agents: list[User]

    def instance_id(self, bot: BotProcess) -> str | None:
        found = _INSTANCE.findall(bot.log_path.read_text(errors="replace"))
        return found[-1] if found else None

    def private_answers(self, user: User) -> int:
        try:
            return len(self.tg.bot_messages(user.id))
        except ValueError:  # no private chat with the bot yet
            return 0

    def pick_button(self, user: User, after: int, title: str) -> tuple[int, str] | None:
        """(message id, callback data) of the button naming ``title`` in the bot's newest
        private question since ``after`` messages."""
        if self.private_answers(user) <= after:
            return None
        for message in reversed(self.tg.bot_messages(user.id)[after:]):
            for row in message.get("reply_markup", {}).get("inline_keyboard", []):
                for button in row:
                    if title in button["text"] and "callback_data" in button:
                        return int(message["message_id"]), str(button["callback_data"])
        return None

    def posts(self, group: int) -> list[str]:
        return [
            str(m.get("text") or m.get("caption") or "")
            for m in self.tg.bot_messages(group)
            if "text" in m or "caption" in m
        ]

    def copies(self, group: int, needle: str) -> int:
        return sum(1 for body in self.posts(group) if needle in body)

    def thread_of(self, group: int, needle: str) -> int | None:
        for message in self.tg.bot_messages(group):
            if needle in str(message.get("text") or "") and message.get("message_thread_id"):
                return int(message["message_thread_id"])
        return None

    def sent(self, client_id: str, chat_id: str) -> list[str]:
        return [r.text for r in self.ozon.state.sent_by_seller(client_id, chat_id) if r.text]

    async def wait(self, condition: Callable[[], bool], what: str, seconds: float = 120) -> None:
        def alive_and(condition: Callable[[], bool] = condition) -> bool:
            for bot in self.bots:
                if bot.starts and bot.kills == 0 and not bot.alive:
                    raise AssertionError(f"a bot exited:\n{bot.log_tail()}")
            return condition()

        try:
            await wait_until(alive_and, seconds, what)
        except AssertionError as error:
            tails = "\n".join(f"--- {b.data_dir.name} ---\n{b.log_tail(15)}" for b in self.bots)
            raise AssertionError(f"{error}\n{tails}") from None


@pytest.fixture
async def multi(tmp_path: Path, migrated_dsn: str, zygote: Zygote) -> AsyncIterator[Multi]:
    async with (
        OzonEmulator(port=0, rate_limit_rps=0) as ozon,
        TelegramEmulator(port=0, group_limit=(GROUP_LIMIT, WINDOW), global_limit=(30, 1.0)) as tg,
    ):
        tg.create_bot(token=TOKEN, username="agentiq_multi_bot")
        owners = [tg.create_user(first_name=f"Владелец{i}", username=f"own{i}") for i in (1, 2)]
        agents = [tg.create_user(first_name=f"Агент{i}", username=f"agent{i}") for i in (1, 2)]
        groups = [
            tg.create_group(
                title=f"Поддержка {i + 1}", is_forum=True, members=[owners[i].id, agents[i].id],
                admins=[owners[i].id], bot_rights=FULL_RIGHTS, owner=owners[i].id,
            ).id
            for i in (0, 1)
        ]  # fmt: skip
        push_ports = [free_port() for _ in range(3)]
        for n, (client_id, key, name, _) in enumerate(SHOPS):
            ozon.state.add_seller(client_id, key, name=name)
            ozon.state.set_push_url(client_id, f"http://127.0.0.1:{push_ports[n]}/ozon/push")
        fernet = Fernet.generate_key().decode()
        bots = []
        for n in range(3):
            data_dir = tmp_path / f"bot{n}"
            env = bot_env(tg, ozon, data_dir, owners[0].id, push_ports[n])
            env.update(
                {
                    "DATABASE_URL": migrated_dsn,
                    "FERNET_KEYS": fernet,
                    "ADMIN_IDS": f"{owners[0].id},{owners[1].id}",
                    "LOG_LEVEL": "DEBUG",  # the poll-lease lines the overlap check reads
                }
            )
            bots.append(BotProcess(data_dir, env, zygote=zygote))
        world = Multi(tg, ozon, bots, groups, owners, agents)
        try:
            yield world
        finally:
            await asyncio.gather(*(bot.stop() for bot in bots))


async def start(multi: Multi) -> None:
    """The first process alone, until it long-polls (it leads), then the other two."""
    first, *others = multi.bots
    await first.start()
    await multi.wait(lambda: any(m == "getUpdates" for m, _ in multi.tg.calls), "getUpdates",
                     START_SECONDS)  # fmt: skip
    for bot in others:
        await bot.start()
    await multi.wait(lambda: all(multi.instance_id(b) for b in multi.bots), "all three up",
                     START_SECONDS)  # fmt: skip
    assert "took the telegram-intake role" in first.log_path.read_text()


async def bootstrap(multi: Multi) -> None:
    tg = multi.tg
    for owner, group in zip(multi.owners, multi.groups, strict=True):
        tg.user_sends(owner.id, group, "/setup")
    await multi.wait(lambda: all(tg.bot_messages(g) for g in multi.groups), "/setup answers")
    titles = [tg.state.chat(g).title for g in multi.groups]
    for client_id, key, name, group in SHOPS:
        owner = multi.owners[group]
        before = multi.private_answers(owner)
        tg.user_sends(owner.id, owner.id, f"/add_seller ozon {client_id} {key} {name}")
        # owners (ADMIN_IDS) see both groups: the bot asks which one, with a button each
        await multi.wait(lambda o=owner, b=before: multi.pick_button(o, b, "") is not None,
                         f"the group question for {name}")  # fmt: skip
        question, data = multi.pick_button(owner, before, titles[group]) or (0, "")
        tg.press_button(owner.id, owner.id, question, data)

    # Onboarding answers in private (progress edits, summaries) are sent by the handlers,
    # not the outbox, so they are outside the shared budget: let them end before the load.
    def private_quiet() -> bool:
        private = [t for t, chat, _ in tg.unit_log if chat > 0]
        return len(private) >= len(SHOPS) and time.monotonic() - max(private) > 2

    for client_id, *_ in SHOPS:
        listed = (client_id, "/v3/chat/list")
        answers = [m.get("text") for o in multi.owners for m in tg.bot_messages(o.id)]
        await multi.wait(
            lambda k=listed: multi.ozon.calls[k] > 0, f"first poll of {client_id} ({answers})"
        )
    await multi.wait(private_quiet, "the onboarding answers to end")


Span = tuple[datetime, datetime, str]


def lease_intervals(
    multi: Multi, killed: BotProcess, killed_at: datetime
) -> dict[int, list[Span]]:
    """Per seller: (start, end, process) of every poll lease, from the processes' logs."""
    intervals: dict[int, list[Span]] = defaultdict(list)
    for bot in multi.bots:
        open_at: dict[int, datetime] = {}
        for stamp, seller, what in _LEASE.findall(bot.log_path.read_text(errors="replace")):
            at = datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S,%f")  # noqa: DTZ007 - local, as killed_at
            if what == "taken":
                open_at[int(seller)] = at
            elif int(seller) in open_at:
                intervals[int(seller)].append((open_at.pop(int(seller)), at, bot.data_dir.name))
        if bot is killed:  # its polls under way ended with it
            for seller, began in open_at.items():
                intervals[seller].append((began, killed_at, bot.data_dir.name))
    return intervals


def busiest_minute(log: list[tuple[float, int, str]], group: int) -> int:
    times = sorted(t for t, chat, _ in log if chat == group)
    worst = low = 0
    for high, at in enumerate(times):
        while times[low] <= at - WINDOW:
            low += 1
        worst = max(worst, high - low + 1)
    return worst


async def test_three_instances_share_the_work_and_survive_a_kill(multi: Multi) -> None:
    await start(multi)
    await bootstrap(multi)
    tg, ozon = multi.tg, multi.ozon
    buyer_texts: list[tuple[int, str]] = []
    replies: dict[str, list[str]] = defaultdict(list)

    def buyers_write(wave: int, chats: list[Chat]) -> None:
        for chat in chats:
            body = f"Вопрос {chat.chat_id}-{wave}"
            ozon.state.buyer_writes(chat.client_id, text=body, chat_id=chat.chat_id)
            buyer_texts.append((chat.group, body))

    def agent_replies(chat: Chat, tag: str) -> None:
        assert chat.thread is not None
        # No chat id in the text: a UUID's digit runs read as a phone number, and the
        # guardrails then hold the reply for the agent's confirmation (as they should).
        body = f"Ответ ч{chats.index(chat)}-{tag}"
        replies[chat.chat_id].append(body)
        tg.user_sends(chat.agent.id, multi.groups[chat.group], body, thread_id=chat.thread)

    chats: list[Chat] = []
    for client_id, _, _, group in SHOPS:
        for n in range(CHATS_PER_SHOP):
            body = f"Здравствуйте {client_id}-{n}"
            chat_id, _ = ozon.state.buyer_writes(client_id, text=body, order_number=f"1-{n}")
            chats.append(Chat(client_id, chat_id, group, multi.agents[group], first=body))
            buyer_texts.append((group, body))
    for chat in chats:
        await multi.wait(
            lambda c=chat: multi.thread_of(multi.groups[c.group], c.first) is not None,
            "a topic for every chat",
        )
        chat.thread = multi.thread_of(multi.groups[chat.group], chat.first)
    for chat in chats:
        agent_replies(chat, "1")
    buyers_write(1, chats)

    # Kill the leader while an agent's reply it has claimed is held at Ozon (applied there,
    # its answer withheld): it dies holding a claim and both roles.
    leader, *survivors = multi.bots
    leader_id = multi.instance_id(leader)
    killed_holding = False
    for attempt in range(12):
        held = ozon.state.add_fault("hold", count=1, path=SEND)
        agent_replies(chats[attempt % len(chats)], f"2.{attempt}")
        await held.wait_held(120)
        holder = await held_reply_claimant(multi, leader)
        if holder == leader_id:
            killed_holding = True
            break
        held.release()
    buyers_write(2, chats)  # buyers keep writing through the kill
    killed_at = datetime.now()  # noqa: DTZ005 - compared with the logs' local times
    await leader.kill9()
    held.release()
    assert killed_holding, "the leader never claimed a held reply in 12 tries"

    await multi.wait(
        lambda: any("took the telegram-intake role" in b.log_path.read_text() for b in survivors),
        "a survivor taking over Telegram intake",
        60,
    )
    for chat in chats:
        agent_replies(chat, "3")  # only a new poller can bring these in
    buyers_write(3, chats)

    def all_delivered() -> bool:
        posted = all(multi.copies(multi.groups[g], body) >= 1 for g, body in buyer_texts)
        sent = all(len(multi.sent(c.client_id, c.chat_id)) >= len(replies[c.chat_id])
                   for c in chats)  # fmt: skip
        return posted and sent

    try:
        await multi.wait(all_delivered, "every message and reply delivered", 300)
    except AssertionError as error:
        missing_posts = [b for g, b in buyer_texts if multi.copies(multi.groups[g], b) == 0]
        missing_replies = {
            c.chat_id: [r for r in replies[c.chat_id]
                        if r not in multi.sent(c.client_id, c.chat_id)]
            for c in chats
        }  # fmt: skip
        queues = await queue_rows(survivors[0])
        raise AssertionError(
            f"{error}\nbuyer texts not posted: {missing_posts}\n"
            f"replies not at Ozon: {missing_replies}\nqueues: {queues}"
        ) from None
    await asyncio.sleep(3)  # anything doubled would show by now

    # buyers → topics: each once, but for the one Telegram call the kill may have cut
    extra = sum(multi.copies(multi.groups[g], body) - 1 for g, body in buyer_texts)
    assert extra <= 1, [(b, multi.copies(multi.groups[g], b)) for g, b in buyer_texts]
    # agents → Ozon: once each, in order, the held one too (verified, not resent)
    for chat in chats:
        got = multi.sent(chat.client_id, chat.chat_id)
        assert got == replies[chat.chat_id], f"chat {chat.chat_id}: {got}"
        assert extra_copies(got) == 0
    # each shop polled by one process at a time
    intervals = lease_intervals(multi, leader, killed_at)
    assert len(intervals) == len(SHOPS)
    for seller, spans in intervals.items():
        spans.sort()
        for (_, end, who), (start_next, _, who_next) in itertools.pairwise(spans):
            assert start_next >= end, f"seller {seller}: {who} and {who_next} overlapped"
        assert len({who for _, _, who in spans}) >= 2, f"seller {seller} polled by one only"
    # the group budget held across the three processes
    units = {g: [(round(t, 2), m) for t, c, m in tg.unit_log if c == g] for g in multi.groups}
    before_refusals = [
        [(round(t - at, 2), chat, method) for t, chat, method in tg.unit_log if at - 1 < t <= at]
        for at, _, _ in tg.limits.refusals
    ]
    assert sum(tg.limits.refused.values()) == 0, (tg.limits.refusals, before_refusals)
    for group in multi.groups:
        assert busiest_minute(tg.unit_log, group) <= GROUP_LIMIT, units[group]
    # no 409 storm at the hand-over
    conflicts = sum(b.log_path.read_text().count("getUpdates conflicted") for b in survivors)
    assert conflicts <= 2


async def queue_rows(bot: BotProcess) -> dict[str, list[str]]:
    """What the queues hold, for a failure's message (no texts: statuses and keys)."""
    conn = await asyncpg.connect(bot.env["DATABASE_URL"])
    try:
        updates = await conn.fetch(
            "SELECT update_id, chat_key, status, attempts, claimed_by, not_before, last_error"
            " FROM tg_updates ORDER BY update_id"
        )
        replies = await conn.fetch(
            "SELECT id, chat_id, status, attempts, claimed_by, lease_until, error_code"
            " FROM reply_outbox ORDER BY id"
        )
        topics = await conn.fetch(
            "SELECT id, seller_id, topic_workspace_id, topic_thread_id, topic_closed,"
            " topic_claimed_by"
            " FROM chats ORDER BY id"
        )
        posts = await conn.fetch(
            "SELECT id, chat_id, kind, status, attempts, claimed_by, not_before, last_error"
            " FROM tg_outbox WHERE status <> 'done' ORDER BY id"
        )
    finally:
        await conn.close()
    return {
        "tg_updates": [str(dict(r)) for r in updates],
        "reply_outbox": [str(dict(r)) for r in replies],
        "tg_outbox not done": [str(dict(r)) for r in posts],
        "chats": [str(dict(r)) for r in topics],
    }


async def held_reply_claimant(multi: Multi, bot: BotProcess) -> str | None:
    """The instance holding the claim of the reply at Ozon now (the test reads the DB)."""
    dsn = bot.env["DATABASE_URL"]
    conn = await asyncpg.connect(dsn)
    try:
        value = await conn.fetchval(
            "SELECT claimed_by FROM reply_outbox WHERE lease_until > now() ORDER BY id DESC"
        )
    finally:
        await conn.close()
    return None if value is None else str(value)
