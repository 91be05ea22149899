"""Soak: kill -9 of the bot and its database at a random moment of a mixed burst, N rounds.

    .venv/bin/python bench/soak.py [--rounds 50] [--chats 3] [--seed 1] [--settle 90]

Each round, buyers write to several chats (text and photos, new chats in the first round)
and agents reply in the topics (text, photos, documents); at a random moment within the
burst the bot's process group and its embedded PostgreSQL are killed, the bot restarts and
the round settles (everything arrived, or ``--settle`` seconds passed). Per round and in
total it prints, in each direction (buyer → Telegram, agent → Ozon): lost, doubled (extra
copies) and reordered (pairs of one chat out of order), the kills, and the duplicates the
Telegram window allows (one per kill: the call in flight). Not part of the test command;
bounded by rounds and timeouts, it stops by itself. Exit code 1 if any loss, any duplicate
toward Ozon, any reordering, or Telegram duplicates above the allowance was seen.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.faults.harness import FaultWorld, first_seen, open_fault_world, png


@dataclass
class Tally:
    """Outcome counts of one direction."""

    lost: int = 0
    doubled: int = 0
    reordered: int = 0

    def add(self, other: Tally) -> None:
        self.lost += other.lost
        self.doubled += other.doubled
        self.reordered += other.reordered

    def __str__(self) -> str:
        return f"lost {self.lost} doubled {self.doubled} reordered {self.reordered}"


@dataclass
class RoundResult:
    to_telegram: Tally = field(default_factory=Tally)
    to_ozon: Tally = field(default_factory=Tally)
    kills: int = 0
    allowed_tg_dup: int = 0
    seconds: float = 0.0
    settled: bool = True


def inversions(order: list[int]) -> int:
    return sum(1 for i, a in enumerate(order) for b in order[i + 1 :] if a > b)


def tally(written: list[str], received: list[str]) -> Tally:
    """Compare what one chat wrote (in order) with what arrived (in arrival order)."""
    ours = [item for item in received if item in written]
    seen = first_seen(ours)
    return Tally(
        lost=len(set(written) - set(seen)),
        doubled=len(ours) - len(seen),
        reordered=inversions([written.index(item) for item in seen]),
    )


class Soak:
    """One long-lived world; each round a burst, one kill, a restart, a settle."""

    def __init__(self, fw: FaultWorld, chats: int, rng: random.Random, settle: float) -> None:
        self.fw = fw
        self.chats = chats
        self.rng = rng
        self.settle_seconds = settle
        self.chat_ids: list[str] = []
        self.threads: dict[str, int] = {}

    async def open_chats(self) -> None:
        for n in range(self.chats):
            marker = f"soak chat {n} opens"
            chat_id, _ = self.fw.buyer_writes(text=marker, order_number=f"5000{n}-0001")
            self.chat_ids.append(chat_id)
        for n, chat_id in enumerate(self.chat_ids):
            self.threads[chat_id] = await self.fw.topic_for(f"soak chat {n} opens", 120)

    def buyer_items(self, message: dict[str, object]) -> list[str]:
        """Soak markers a Telegram post carries (its text, or the tag of its file)."""
        body = self.fw.body(message)
        items = [word for word in body.split() if word.startswith("b#")]
        for kind in ("photo", "document"):
            if kind in message:
                media = message[kind]
                file_id = media[-1]["file_id"] if kind == "photo" else media["file_id"]  # type: ignore[index]
                data = self.fw.tg.file_bytes(str(file_id))
                if data.startswith(b"\x89PNG") and b"b#" in data:
                    items.append(data[data.index(b"b#") :].split(b"\x00")[0].decode())
        return items

    def ozon_items(self, chat_id: str) -> list[str]:
        items: list[str] = []
        for record in self.fw.sent_to_ozon(chat_id):
            if record.text and record.text.startswith("a#"):
                items.append(record.text)
            elif record.file_bytes and b"a#" in record.file_bytes:
                tail = record.file_bytes[record.file_bytes.index(b"a#") :]
                items.append(tail.split(b"\x00")[0].split(b" ")[0].decode())
        return items

    async def round(self, number: int) -> RoundResult:
        fw, rng = self.fw, self.rng
        started = time.monotonic()
        buyer: dict[str, list[str]] = {c: [] for c in self.chat_ids}
        agent: dict[str, list[str]] = {c: [] for c in self.chat_ids}
        steps: list[tuple[str, str, str]] = []
        for chat_id in self.chat_ids:
            for k in range(rng.randint(1, 3)):
                steps.append(("buyer", chat_id, f"b#{number}.{chat_id[:4]}.{k}"))
            for k in range(rng.randint(1, 3)):
                steps.append(("agent", chat_id, f"a#{number}.{chat_id[:4]}.{k}"))
        kill_at = rng.uniform(0.0, 2.5)
        killer = asyncio.create_task(self._kill_after(kill_at))
        for role, chat_id, tag in steps:
            kind = rng.choice(["text", "text", "photo", "document"])
            if role == "buyer":
                buyer[chat_id].append(tag)
                if kind == "photo":
                    fw.buyer_writes(image=png(tag), chat_id=chat_id)
                else:
                    fw.buyer_writes(text=f"{tag} вопрос", chat_id=chat_id)
            else:
                agent[chat_id].append(tag)
                thread = self.threads[chat_id]
                if kind == "photo":
                    fw.agent_replies(thread, photo=png(tag))
                elif kind == "document":
                    fw.agent_replies(thread, document=(f"{tag}.pdf", tag.encode() + b" pdf"))
                else:
                    fw.agent_replies(thread, tag)
            await asyncio.sleep(rng.uniform(0.0, 0.3))
        await killer
        result = RoundResult(kills=1, allowed_tg_dup=1)

        def arrived() -> bool:
            posted = {i for m in fw.posts() for i in self.buyer_items(m)}
            at_ozon = {i for c in self.chat_ids for i in self.ozon_items(c)}
            return all(t in posted for ts in buyer.values() for t in ts) and all(
                t in at_ozon for ts in agent.values() for t in ts
            )

        result.settled = await fw.settle(arrived, self.settle_seconds)
        for chat_id in self.chat_ids:
            posts = [i for m in fw.posts(self.threads[chat_id]) for i in self.buyer_items(m)]
            result.to_telegram.add(tally(buyer[chat_id], posts))
            result.to_ozon.add(tally(agent[chat_id], self.ozon_items(chat_id)))
        result.seconds = time.monotonic() - started
        return result

    async def _kill_after(self, delay: float) -> None:
        await asyncio.sleep(delay)
        await self.fw.kill9()
        await self.fw.restart()


async def run(args: argparse.Namespace) -> int:
    rng = random.Random(args.seed)
    totals = RoundResult(kills=0, allowed_tg_dup=0)
    with tempfile.TemporaryDirectory(prefix="soak-") as tmp:
        async with open_fault_world(Path(tmp) / "data") as fw:
            soak = Soak(fw, args.chats, rng, args.settle)
            await soak.open_chats()
            for number in range(1, args.rounds + 1):
                result = await soak.round(number)
                totals.to_telegram.add(result.to_telegram)
                totals.to_ozon.add(result.to_ozon)
                totals.kills += result.kills
                totals.allowed_tg_dup += result.allowed_tg_dup
                totals.settled = totals.settled and result.settled
                print(
                    f"round {number:3d}: buyer→Telegram {result.to_telegram} | "
                    f"agent→Ozon {result.to_ozon} | kills {result.kills}, Telegram dup "
                    f"allowed {result.allowed_tg_dup} | "
                    f"{'settled' if result.settled else 'NOT settled'} in {result.seconds:.1f} s",
                    flush=True,
                )
            violations = len(fw.tg.violations)
    print(
        f"TOTAL {args.rounds} rounds: buyer→Telegram {totals.to_telegram} | "
        f"agent→Ozon {totals.to_ozon} | kills {totals.kills}, Telegram dup allowed "
        f"{totals.allowed_tg_dup} | Bot API violations {violations}"
    )
    bad = (
        totals.to_telegram.lost
        or totals.to_telegram.reordered
        or totals.to_telegram.doubled > totals.allowed_tg_dup
        or totals.to_ozon.lost
        or totals.to_ozon.doubled
        or totals.to_ozon.reordered
    )
    return 1 if bad else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--chats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--settle", type=float, default=90.0, help="seconds per round at most")
    args = parser.parse_args()
    return asyncio.run(run(args))


if __name__ == "__main__":
    raise SystemExit(main())
