"""Regenerate tests/golden/corpus.golden and broken_policies.golden from what jixiao says now.

    python tests/golden/regen_results.py            rewrite both files
    python tests/golden/regen_results.py --check    exit 1 when a file differs, write nothing

The test (tests/test_results_golden.py) compares; it never regenerates. After regenerating, read
the diff line by line: a golden file is only worth what its review was worth.
"""

from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from results_golden import GOLDENS


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="show differences, write nothing")
    args = parser.parse_args()
    status = 0
    for path, compute in GOLDENS.items():
        new = compute()
        old = path.read_text(encoding="utf-8") if path.exists() else ""
        if new == old:
            continue
        status = 1
        diff = difflib.unified_diff(
            old.splitlines(True), new.splitlines(True), str(path), "now", n=0
        )
        sys.stdout.writelines(list(diff)[:400])
        if not args.check:
            path.write_text(new, encoding="utf-8")
    return status if args.check else 0


if __name__ == "__main__":
    raise SystemExit(main())
