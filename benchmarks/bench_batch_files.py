"""A folder of workbooks read and scored in worker processes (``jixiao check FOLDER -j N``).

Writes N copies of the seed form as .xlsx files (each with a different project name and claimed
score, so no two are the same file), then times :func:`jixiao.cli.app.score_files` with 1 worker
(the anchor) and with ``--jobs`` workers, and reports the speed-up as a ratio to the 1-worker run
of the same process. Worker start-up (an interpreter, jixiao, the policy) is included: it is
part of what a user waits for.

    python benchmarks/bench_batch_files.py                  # 2,000 workbooks, 2 workers
    python benchmarks/bench_batch_files.py --quick          # 40 workbooks (CI): asserts only results

Nothing here asserts a time: the quick run checks that both runs give the same results.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

import attrs

import jixiao
from jixiao.cli.app import score_files
from jixiao.forms import write_xlsx

ROOT = Path(__file__).resolve().parents[1]


def make_folder(folder: Path, count: int) -> list[Path]:
    seed = jixiao.read_form(ROOT / "examples" / "seed.json")
    files = []
    for i in range(count):
        form = attrs.evolve(seed, project=f"{seed.project}（{i}）", total=Decimal(90 + i % 10))
        path = folder / f"{i:05d}.xlsx"
        write_xlsx(form, path)
        files.append(path)
    return files


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--files", type=int, default=2000, help="workbooks in the folder")
    ap.add_argument("--jobs", type=int, default=2, help="worker processes to compare with 1")
    ap.add_argument("--quick", action="store_true", help="CI's smoke run: 40 workbooks")
    ns = ap.parse_args(argv)
    if ns.quick:
        ns.files = 40
    policy = jixiao.load_policy("central")
    with tempfile.TemporaryDirectory() as tmp:
        files = make_folder(Path(tmp), ns.files)
        timings: dict[int, float] = {}
        outputs = {}
        for jobs in (1, ns.jobs):
            start = time.perf_counter()
            entries = score_files(files, policy, progress=False, jobs=jobs)
            timings[jobs] = time.perf_counter() - start
            outputs[jobs] = [
                (e.source, e.result.to_dict() if e.result else e.error) for e in entries
            ]
    if outputs[1] != outputs[ns.jobs]:
        print("FAIL: the parallel run gave different results", file=sys.stderr)
        return 1
    anchor = timings[1]
    print(f"{ns.files} workbooks, central policy")
    print(f"  1 worker : {anchor:8.2f} s  ({anchor / ns.files * 1000:6.1f} ms per workbook)  1.00x")
    par = timings[ns.jobs]
    print(
        f"  {ns.jobs} workers: {par:8.2f} s  ({par / ns.files * 1000:6.1f} ms per workbook)  "
        f"{anchor / par:.2f}x faster than 1 worker"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
