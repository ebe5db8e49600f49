"""CPU time of ``jixiao policy verify`` (``check_policy``) per shipped policy at default settings.

    python benchmarks/bench_verify.py                    # every shipped policy, 200 examples
    python benchmarks/bench_verify.py --quick            # central only, 10 examples

Goal (issue 13): under 30 s of CPU per policy at the default settings on the project's 2-core
machine. Reported as CPU seconds (``time.process_time``: the machine is shared, wall time is
not the run's own) and as a ratio to an anchor measured in the same run: scoring 20,000 distinct
indicator rows with central, every rule run again (``score_indicator_uncached``).
"""

from __future__ import annotations

import argparse
import time
from decimal import Decimal

import jixiao
from jixiao.evaluate import score_indicator_uncached
from jixiao.forms.model import Indicator
from jixiao.testing import PROPERTIES, check_policy


def anchor() -> float:
    policy = jixiao.load_policy("central")
    rows = [
        Indicator(name="指标", target=f"≥{n}人", actual=f"{n - 1}人", weight=Decimal(10))
        for n in range(2, 20002)
    ]
    start = time.process_time()
    for row in rows:
        score_indicator_uncached(policy, row)
    return time.process_time() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="central only, 10 examples")
    ap.add_argument("--max-examples", type=int, default=None)
    ns = ap.parse_args()
    names = ["central"] if ns.quick else list(jixiao.shipped_policies())
    examples = ns.max_examples or (10 if ns.quick else 200)
    base = anchor()
    print(f"anchor: 20000 uncached indicator rows = {base:.2f} s CPU")
    print(f"{len(PROPERTIES)} properties, max_examples={examples}")
    for name in names:
        start = time.process_time()
        report = check_policy(name, max_examples=examples)
        cpu = time.process_time() - start
        status = "ok" if report.ok else "BROKEN " + ",".join(report.broken)
        print(f"{name:16s} {cpu:6.1f} s CPU  = {cpu / base:6.1f} × anchor  {status}")


if __name__ == "__main__":
    main()
