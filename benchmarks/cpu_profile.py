"""python -m benchmarks.cpu_profile OUT -m MODULE ARGS...: run a module under cProfile, CPU time.

cProfile with ``time.process_time`` as its clock: on a shared, busy host a wall-clock sampler
(pyinstrument) charges the time the process waits for a core to whatever it was doing, a
CPU clock does not. Deterministic profiling slows small calls down, so read the shares, not
the rate. The stats are written to OUT at exit (the worker stops on SIGTERM);
``python -m pstats OUT`` reads them.
"""

from __future__ import annotations

import atexit
import cProfile
import runpy
import sys
import time


def main() -> None:
    out, flag, module, *rest = sys.argv[1:]
    if flag != "-m":
        raise SystemExit(__doc__)
    profile = cProfile.Profile(time.process_time)

    def stop() -> None:
        profile.disable()
        profile.dump_stats(out)

    atexit.register(stop)
    sys.argv = [module, *rest]
    profile.enable()
    runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
