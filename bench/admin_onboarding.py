"""Onboarding benchmark: connect a seller with many chats through the real bot and both
emulators (in process, over loopback), then list many sellers with /sellers.

    .venv/bin/python bench/admin_onboarding.py [--chats 5000] [--sellers 50]

Prints: seconds from the one-line /add_seller to the summary, the Ozon calls of the first
sync, how many times the one progress message was edited, the chats found and imported;
then the seconds /sellers takes to answer for ``--sellers`` sellers and the length of that
message. Nothing is asserted: figures vary with the machine.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from datetime import timedelta

from cryptography.fernet import Fernet
from pydantic import SecretStr
from scratch_db import scratch_database

from bot.app import assemble, build_bot
from bot.settings import Settings
from connectors.ozon.client import OzonClient
from sandbox.ozon import OzonEmulator
from sandbox.telegram import TelegramEmulator
from storage.database import Database
from storage.vault import Vault

TOKEN = "123456789:EmulatorOnlyBenchToken"
CLIENT_ID = "900001"
API_KEY = "bench-onboarding-key-0123456789"
RIGHTS = {"can_manage_topics": True, "can_delete_messages": True, "can_pin_messages": True}


async def wait_for(check: object, seconds: float = 600.0) -> float:
    """Seconds until ``check()`` is true (polled every 20 ms)."""
    started = time.perf_counter()
    async with asyncio.timeout(seconds):
        while not check():  # type: ignore[operator]  # noqa: ASYNC110 - emulator state
            await asyncio.sleep(0.02)
    return time.perf_counter() - started


async def run(db: Database, args: argparse.Namespace) -> None:
    async with OzonEmulator(port=0) as ozon, TelegramEmulator(port=0) as tg:
        ozon.state.add_seller(CLIENT_ID, API_KEY, name="Bench")
        ozon.state.seed_chats(CLIENT_ID, args.chats, age=timedelta(days=60))
        tg.create_bot(token=TOKEN, username="bench_bot")
        admin = tg.create_user(first_name="Admin", username="admin")
        group = tg.create_group("Bench", is_forum=True, admins=[admin.id], bot_rights=RIGHTS)
        workspace = await db.workspaces.bind(
            tg_chat_id=group.id, title="Bench", bound_by_tg_user_id=admin.id
        )
        vault = Vault([SecretStr(Fernet.generate_key().decode())])
        settings = Settings(
            bot_token=TOKEN,
            telegram_api_url=tg.base_url,
            ozon_api_url=ozon.base_url,
            poll_interval_seconds=3600,
            admin_ids=frozenset({admin.id}),
        )
        bot = build_bot(TOKEN, tg.base_url)
        async with OzonClient(base_url=ozon.base_url) as client:
            app = assemble(settings, db=db, vault=vault, ozon=client, bot=bot)
            await app.updates.start()
            try:
                await wait_for(lambda: any(m == "getUpdates" for m, _ in tg.calls), 30)
                tg.user_sends(admin.id, admin.id, "/start")
                await wait_for(lambda: bool(tg.bot_messages(admin.id)), 30)

                def summary() -> list[dict[str, object]]:
                    return [
                        m for m in tg.bot_messages(admin.id)
                        if "работает в группе" in str(m.get("text", ""))
                    ]  # fmt: skip

                calls_before = client.calls.for_account(CLIENT_ID).total()
                tg.user_sends(admin.id, admin.id, f"/add_seller ozon {CLIENT_ID} {API_KEY}")
                onboard = await wait_for(lambda: bool(summary()))
                [done] = summary()
                edits = len(done["edit_history"])  # type: ignore[arg-type]
                print(f"chats seeded            {args.chats}")
                print(f"add_seller → summary    {onboard:.2f} s")
                calls = client.calls.for_account(CLIENT_ID).total() - calls_before
                print(f"ozon calls (first sync) {calls}")
                print(f"progress message edits  {edits}")
                print(f"summary                 {str(done['text']).splitlines()[1]}")

                for number in range(args.sellers - 1):
                    await db.sellers.create(
                        workspace_id=workspace.id, marketplace="ozon", name=f"Shop {number}",
                        client_id=str(910000 + number),
                        api_key_encrypted=vault.encrypt(SecretStr(API_KEY)),
                    )  # fmt: skip
                before = len(tg.bot_messages(admin.id))
                tg.user_sends(admin.id, admin.id, "/sellers")
                listed = await wait_for(lambda: len(tg.bot_messages(admin.id)) > before, 60)
                listing = tg.bot_messages(admin.id)[-1]
                print(f"/sellers ({args.sellers} sellers)  {listed:.3f} s, "
                      f"{len(str(listing['text']))} characters")  # fmt: skip
                print(f"spec violations         {len(tg.violations)}")
            finally:
                await app.updates.stop()
                await bot.session.close()


async def main(args: argparse.Namespace) -> None:
    async with scratch_database(max_size=20) as db:
        await run(db, args)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chats", type=int, default=5000)
    parser.add_argument("--sellers", type=int, default=50)
    asyncio.run(main(parser.parse_args()))
