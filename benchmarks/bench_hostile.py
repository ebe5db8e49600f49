"""How fast and how small hostile files are refused (issue 11), as ratios to reading the seed
workbook in the same run.

    python benchmarks/bench_hostile.py              # 5 repeats
    python benchmarks/bench_hostile.py --quick      # one run of each: a smoke run for CI

Each bomb is built small on disk (tests/hostile/build.py), then ``jixiao.read_forms`` is timed on
it (best of the repeats) and its peak traced memory measured (tracemalloc); then each of
``build.HUGE_CELLS`` (cells of ~20,000 characters) is parsed as a target. The anchor is
``read_forms("examples/seed.xlsx")``: a refusal should cost about as much as reading one real
form, whatever the bomb would expand to.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.hostile import build  # noqa: E402

import jixiao  # noqa: E402
from jixiao.targets import parse_target_uncached  # noqa: E402


def _measure(fn: Callable[[], object], repeat: int) -> tuple[float, int]:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        with contextlib.suppress(jixiao.FormError):
            fn()
        best = min(best, time.perf_counter() - start)
    tracemalloc.start()
    with contextlib.suppress(jixiao.FormError):
        fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return best, peak


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--quick", action="store_true", help="one run of each (a smoke run for CI)")
    ns = ap.parse_args()
    if ns.quick:
        ns.repeat = 1
    folder = Path(tempfile.mkdtemp(prefix="jixiao-bench-hostile-"))
    cases: dict[str, Path] = {
        "merge bomb A1:XFD1048576 (data in the corner)": build.merge_bomb(
            folder, "m1.xlsx", corner=True
        ),
        "merge bomb A1:ALL100000 (within rows/columns)": build.merge_bomb(
            folder, "m2.xlsx", corner=True, last="ALL100000"
        ),
        "zip bomb 300 MB, honest headers": build.deflate_bomb(folder, "z1.xlsx", 300, lie=False),
        "zip bomb 50 MB, lying headers": build.deflate_bomb(folder, "z2.xlsx", 50, lie=True),
        "billion laughs": build.billion_laughs(folder, "bl.xlsx"),
        "5 MB cell": build.huge_cell_xlsx(folder, "cell.xlsx", 5_000_000),
    }
    anchor_t, anchor_m = _measure(lambda: jixiao.read_forms(build.SEED_XLSX), ns.repeat)
    print(f"anchor: read_forms(seed.xlsx) {anchor_t * 1000:.1f} ms, peak {anchor_m / 1e6:.1f} MB")
    print(f"{'case':48} {'on disk':>9} {'time/anchor':>12} {'memory/anchor':>14}")
    for name, path in cases.items():
        t, m = _measure(lambda p=path: jixiao.read_forms(p), ns.repeat)  # type: ignore[misc]
        size = path.stat().st_size
        print(f"{name:48} {size / 1024:7.0f}KB {t / anchor_t:12.2f} {m / anchor_m:14.2f}")
    # cells of ~20,000 characters of shapes a parser could backtrack on: each is answered (a
    # node or a TargetSyntaxError) in about the time of reading the seed workbook, not more
    print(f"{'huge target cell (parse, error text)':48} {'chars':>9} {'time/anchor':>12}")
    for text in build.HUGE_CELLS:
        t = _parse_time(text, ns.repeat)
        label = f"{text[:8]!r}… ×{len(text)}"
        print(f"{label:48} {len(text):9d} {t / anchor_t:12.2f}")


def _parse_time(text: str, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        try:
            parse_target_uncached(text)
        except jixiao.TargetSyntaxError as err:
            str(err)
        best = min(best, time.perf_counter() - start)
    return best


if __name__ == "__main__":
    main()
