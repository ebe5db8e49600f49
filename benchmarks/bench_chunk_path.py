"""score_rows's routing per row: the shared outcomes (memo) for rows it holds, the columnar plan
for the others, against memo only and plan only.

    python benchmarks/bench_chunk_path.py                 # 1,000,000 realistic, 50,000 mostly distinct
    python benchmarks/bench_chunk_path.py --rows 200000 --md-rows 50000 --repeat 2
    python benchmarks/bench_chunk_path.py --quick         # a smoke run for CI

``jixiao.score_rows`` reads its input in chunks and routes each row: a row whose outcome the
shared-outcome memo holds is taken from it; a row seen before in the stream (scored by the plan
then) goes to the row evaluator, which puts its outcome in the memo; the chunk's other rows go
together through the columnar plan (see ``jixiao.evaluate.streams._score_rows_routed``). This
measures, under central, three ways on the same rows: ``routing`` (the default), ``memo-only``
(no plan: every row through the memo, a miss scored by the row evaluator) and ``plan-only``
(every chunk wholly through the plan, the rows it does not handle through the memo), on
realistic rows (``benchmarks/rows.py``: ``rows``) and on mostly distinct ones
(``mostly_distinct``). The rows are made into a list before the clock starts. Each run is a
fresh child process (cold caches, every score read) and runs are interleaved; compare ratios
from one invocation, not absolute numbers. Each is reported by the wall clock and by the CPU
time of the scoring process (steadier when other work shares the cores).
"""

from __future__ import annotations

import argparse
import itertools
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
PATHS = ("routing", "memo-only", "plan-only")


def _plan_only(rows: Iterable[Any], policy: Any) -> Iterator[Any]:
    """Every chunk of 1,024 rows through the plan; the rows it hands back through the memo."""
    import jixiao.evaluate.streams as streams
    from jixiao.decimals import jixiao_context
    from jixiao.evaluate.memo import memo_of
    from jixiao.evaluate.plan import plan_of, score_chunk

    plan = plan_of(policy)
    assert plan is not None
    memo = memo_of(policy)
    it = iter(rows)
    i = 0
    with jixiao_context():
        while chunk := list(itertools.islice(it, streams.CHUNK_ROWS)):
            for row, result in zip(chunk, score_chunk(plan, chunk), strict=True):
                yield streams._score_row(policy, memo, row, i) if result is None else result
                i += 1


def _child(data: str, n: int, path: str) -> None:
    sys.path.insert(0, str(HERE))
    import rows

    import jixiao
    import jixiao.evaluate.streams as streams

    stream = list(rows.mostly_distinct(n, seed=1) if data == "md" else rows.rows(n, seed=1))
    if path == "memo-only":
        streams.plan_of = lambda policy: None  # type: ignore[assignment]
    policy = jixiao.load_policy("central")
    jixiao.parse_target("合格率≥45人")  # a cell only Lark reads: build the parser now
    start, cpu = time.perf_counter(), time.process_time()
    results = (
        _plan_only(stream, policy) if path == "plan-only" else jixiao.score_rows(stream, policy)
    )
    scored = sum(r.score is not None for r in results)
    took, cpu = time.perf_counter() - start, time.process_time() - cpu
    print(f"{n / took:.0f} {n / cpu:.0f} {scored}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000, help="realistic rows")
    ap.add_argument("--md-rows", type=int, default=50_000, help="mostly distinct rows")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--quick", action="store_true", help="small sizes, one repeat")
    ap.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    ns = ap.parse_args()
    if ns.child:
        _child(ns.child[0], int(ns.child[1]), ns.child[2])
        return
    if ns.quick:
        ns.rows, ns.md_rows, ns.repeat = 5_000, 2_000, 1
    for data, n in (("realistic", ns.rows), ("md", ns.md_rows)):
        got: dict[str, list[float]] = {p: [] for p in PATHS}
        cpu: dict[str, list[float]] = {p: [] for p in PATHS}
        counts = set()
        for _ in range(ns.repeat):
            for path in PATHS:
                out = subprocess.run(
                    [sys.executable, __file__, "--child", data, str(n), path],
                    check=True,
                    capture_output=True,
                    text=True,
                ).stdout.split()
                got[path].append(float(out[0]))
                cpu[path].append(float(out[1]))
                counts.add(out[2])
        # the three paths must score the same rows (the results themselves are compared in tests)
        assert len(counts) == 1, counts
        for label, rates in (("wall", got), ("cpu", cpu)):
            best = {p: max(v) for p, v in rates.items()}
            line = ", ".join(f"{p} {best[p]:,.0f} rows/s" for p in PATHS)
            print(f"{data} ({n:,} rows), {label} clock: {line}")
            print(
                f"  routing / memo-only {best['routing'] / best['memo-only']:.2f}x, "
                f"routing / plan-only {best['routing'] / best['plan-only']:.2f}x"
            )


if __name__ == "__main__":
    main()
