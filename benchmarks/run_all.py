"""Run every benchmark in this folder, one after the other (``make bench``).

    python benchmarks/run_all.py            # the full sizes each script documents
    python benchmarks/run_all.py --quick    # small sizes: a smoke run of a minute or two

A benchmark whose optional dependency is missing (rule-engine, dask) is reported and skipped.
"""

from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

NEEDS: dict[str, tuple[str, ...]] = {
    "bench_throughput.py": ("rule_engine",),
    "bench_dask.py": ("dask", "distributed", "pandas"),
    "bench_verify.py": ("hypothesis",),
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="small sizes")
    ns = ap.parse_args()
    failed = []
    for script in sorted(HERE.glob("bench_*.py")):
        missing = [m for m in NEEDS.get(script.name, ()) if importlib.util.find_spec(m) is None]
        print(f"\n=== {script.name}", flush=True)
        if missing:
            print(f"skipped: needs {', '.join(missing)}")
            continue
        args = ["--quick"] if ns.quick else []
        if subprocess.run([sys.executable, str(script), *args], check=False).returncode:
            failed.append(script.name)
    if failed:
        sys.exit(f"failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
