"""score_rows's choice of path per chunk: the shared outcomes (memo) or the columnar plan.

    python benchmarks/bench_chunk_path.py                 # 1,000,000 realistic, 50,000 mostly distinct
    python benchmarks/bench_chunk_path.py --rows 200000 --md-rows 50000 --repeat 2
    python benchmarks/bench_chunk_path.py --quick         # a smoke run for CI

``jixiao.score_rows`` reads its input in chunks and scores each chunk either through the shared
outcomes or through the columnar plan, whichever the last chunk scored through the shared outcomes
says is faster (``jixiao.evaluate.forms.chunk_path``). This measures, under central, the three
ways on the same rows: ``choosing`` (the default), ``memo-only`` (no plan) and ``plan-only``
(never the shared outcomes), on realistic rows (``benchmarks/rows.py``: ``rows``) and on mostly
distinct ones (``mostly_distinct``). Each run is a fresh child process (cold caches, every score
read) and runs are interleaved; compare ratios from one invocation, not absolute numbers.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PATHS = ("choosing", "memo-only", "plan-only")


def _child(data: str, n: int, path: str) -> None:
    sys.path.insert(0, str(HERE))
    import rows

    import jixiao
    import jixiao.evaluate.forms as forms

    stream = list(rows.mostly_distinct(n, seed=1) if data == "md" else rows.rows(n, seed=1))
    if path == "memo-only":
        forms.plan_of = lambda policy: None  # type: ignore[assignment]
    elif path == "plan-only":
        forms.MEMO_HIT_SHARE = 9.0  # never reached: the plan scores every chunk
        forms.PROBE_EVERY = 10**12
    policy = jixiao.load_policy("central")
    start = time.perf_counter()
    scored = sum(r.score is not None for r in jixiao.score_rows(stream, policy))
    took = time.perf_counter() - start
    print(f"{n / took:.0f} {scored}")


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
                counts.add(out[1])
        # the three paths must score the same rows (the results themselves are compared in tests)
        assert len(counts) == 1, counts
        best = {p: max(v) for p, v in got.items()}
        line = ", ".join(f"{p} {best[p]:,.0f} rows/s" for p in PATHS)
        print(f"{data} ({n:,} rows): {line}")
        print(
            f"  choosing / memo-only {best['choosing'] / best['memo-only']:.2f}x, "
            f"choosing / plan-only {best['choosing'] / best['plan-only']:.2f}x"
        )


if __name__ == "__main__":
    main()
