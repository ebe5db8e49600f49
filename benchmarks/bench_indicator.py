"""Latency of scoring one indicator whose cells have been seen before.

    python benchmarks/bench_indicator.py
    python benchmarks/bench_indicator.py --number 5000 --repeat 31
    python benchmarks/bench_indicator.py --quick     # small sizes: a smoke run for CI

Target (issue 3): at most 10 µs median on the project's 2-core machine. Four cases, each
after one warm-up call, so the cells are in the parse cache:

* ``policy.score(dict)`` — the outcome is shared (the same cells were scored before): the
  common case in a batch, and what ``jixiao.score_rows`` does for each repeated row;
* ``score_indicator(policy, Indicator)`` — the same from an :class:`~jixiao.Indicator` with cell
  locations (as ``score_form`` does), findings re-located to this row;
* ``score_indicator_uncached(policy, Indicator)`` — parsed cells from the cache, but every rule
  run again: the cost of an outcome not seen before, parsing aside;
* ``score_indicator_uncached(policy, dict)`` — the same plus building the Indicator.

The row is a missed target with a deduction, a reason to audit and a claimed score: the rule
finds the positive-indicator rule after four others, computes a proportional score, checks
three findings and the reason.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import timeit
from collections.abc import Callable
from typing import Any

import jixiao
from jixiao.evaluate import score_indicator, score_indicator_uncached
from jixiao.forms.model import Indicator

ROW: dict[str, Any] = {
    "level1": "产出指标",
    "level2": "数量指标",
    "name": "执法资格培训参训人数",
    "target": "≥45人",
    "actual": "40人",
    "weight": 10,
    "score": "8.89",
    "reason": "因疫情影响部分培训延期，下一步将加强计划管理",
}


def measure(fn: Callable[[], Any], number: int, repeat: int) -> tuple[float, float, float]:
    fn()
    times = [t / number * 1e6 for t in timeit.repeat(fn, number=number, repeat=repeat)]
    return statistics.median(times), min(times), max(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--policy", default="central")
    ap.add_argument("--number", type=int, default=2000, help="calls per timing")
    ap.add_argument("--repeat", type=int, default=21, help="timings (the median is reported)")
    ap.add_argument("--quick", action="store_true", help="small sizes (a smoke run for CI)")
    ns = ap.parse_args()
    if ns.quick:
        ns.number, ns.repeat = 500, 7

    policy = jixiao.load_policy(ns.policy)
    ind = Indicator.from_dict(ROW, where="indicators[0]")
    result = policy.score(ROW)
    print(
        f"python {platform.python_version()}; policy {ns.policy}; row {ROW['target']} / "
        f"{ROW['actual']} / {ROW['weight']}: score {result.score}, "
        f"findings {[f.code for f in result.findings]}"
    )
    cases: list[tuple[str, Callable[[], Any]]] = [
        ("policy.score(dict), outcome shared", lambda: policy.score(ROW)),
        ("score_indicator(Indicator), shared", lambda: score_indicator(policy, ind)),
        ("score_indicator_uncached(Indicator)", lambda: score_indicator_uncached(policy, ind)),
        ("score_indicator_uncached(dict)", lambda: score_indicator_uncached(policy, ROW)),
    ]
    for label, fn in cases:
        med, lo, hi = measure(fn, ns.number, ns.repeat)
        print(f"{label:<40} median {med:6.2f} µs   (min {lo:.2f}, max {hi:.2f})")


if __name__ == "__main__":
    main()
