"""The harness itself: the bot comes up, is bootstrapped, mirrors, survives a kill -9."""

from __future__ import annotations

from .harness import FaultWorld, postgres_pids


async def test_bootstrap_mirror_reply_and_kill9_restart(fw: FaultWorld) -> None:
    assert postgres_pids(fw.bot.data_dir), "the embedded database runs under DATA_DIR"
    chat_id, _ = fw.buyer_writes(text="Харнесс: где мой заказ?")
    thread = await fw.topic_for("Харнесс: где мой заказ?")
    await fw.kill9()
    assert not fw.bot.alive and postgres_pids(fw.bot.data_dir) == []
    await fw.restart()
    fw.agent_replies(thread, "Харнесс: уже едет")
    await fw.wait(lambda: "Харнесс: уже едет" in fw.ozon_texts(chat_id), "the reply at Ozon")
    assert fw.ozon_texts(chat_id) == ["Харнесс: уже едет"]
    assert fw.tg.violations == []
