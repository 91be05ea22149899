"""Run a module under cProfile with a CPU clock: ``python bench/cpu_profile.py OUT -m MODULE``.

``python -m cProfile`` times with the wall clock, so a bot that waits on the network shows
its waits (epoll) rather than where its CPU goes; a load run asks the second question.
"""

from __future__ import annotations

import cProfile
import runpy
import sys
import time


def main() -> None:
    if len(sys.argv) < 4 or sys.argv[2] != "-m":
        raise SystemExit("usage: cpu_profile.py OUT -m MODULE [ARGS...]")
    out, module = sys.argv[1], sys.argv[3]
    sys.argv = [module, *sys.argv[4:]]
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    try:
        runpy.run_module(module, run_name="__main__", alter_sys=True)
    finally:
        profiler.disable()
        profiler.dump_stats(out)


if __name__ == "__main__":
    main()
