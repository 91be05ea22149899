"""``bench/load.py --quick`` runs end to end: two bot processes on one database carry a
small replay with nothing lost or doubled, and the report has every figure. Timings are
printed by the benchmark, never asserted here."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
FIELDS = {
    "instances", "offered", "messages_per_second", "topic_p50_p95_p99", "reply_p50_p95_p99",
    "bot_cpu_ms_per_message", "postgres_cpu_ms_per_message", "peak_rss_mb", "queue_samples",
    "lost", "doubled", "floor_ms_per_call", "ratio_to_floor", "settled",
}  # fmt: skip


def test_the_quick_load_run_loses_and_doubles_nothing(tmp_path: Path) -> None:
    figures = tmp_path / "load.json"
    done = subprocess.run(
        [sys.executable, "bench/load.py", "--quick", "--instances", "2", "--json", str(figures)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    summary = json.loads(figures.read_text())
    [phase] = summary["phases"]
    assert phase.keys() >= FIELDS
    assert phase["instances"] == 2 and phase["offered"] > 0
    assert (phase["lost"], phase["doubled"], phase["settled"]) == (0, 0, True)
    assert len(phase["peak_rss_mb"]) == 2 and all(mb > 0 for mb in phase["peak_rss_mb"])
    back_to_back = "httpx back to back, after (reference)"
    assert set(phase["floor_ms_per_call"]) == {"httpx", "aiohttp", back_to_back}
    assert all(ms > 0 for ms in phase["floor_ms_per_call"].values())
    assert "bot CPU ÷ floor (httpx)" in done.stdout and "targets:" in done.stdout
