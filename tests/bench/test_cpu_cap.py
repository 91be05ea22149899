"""``bench/cpu_cap.py`` writes the quota the kernel expects in both cgroup layouts, and
lifts it again (the load window is capped, the drain is not)."""

from __future__ import annotations

from pathlib import Path

from bench.cpu_cap import CpuCap


def test_v2_writes_cpu_max_and_lifts_it(tmp_path: Path) -> None:
    cap = CpuCap(tmp_path, v2=True, cpus=0.25)
    cap.on()
    assert (tmp_path / "cpu.max").read_text() == "25000 100000"
    cap.off()
    assert (tmp_path / "cpu.max").read_text() == "max 100000"


def test_v1_writes_the_cfs_quota_and_lifts_it(tmp_path: Path) -> None:
    cap = CpuCap(tmp_path, v2=False, cpus=1.5)
    cap.on()
    assert (tmp_path / "cpu.cfs_period_us").read_text() == "100000"
    assert (tmp_path / "cpu.cfs_quota_us").read_text() == "150000"
    cap.off()
    assert (tmp_path / "cpu.cfs_quota_us").read_text() == "-1"


def test_a_process_is_added_by_its_pid(tmp_path: Path) -> None:
    CpuCap(tmp_path, v2=True, cpus=1).add(4242)
    assert (tmp_path / "cgroup.procs").read_text() == "4242\n"
