"""Regenerate the expected column of tests/golden/targets.golden and messy.golden from the parser.

    python tests/golden/regen.py            rewrite expectations in place (comments kept)
    python tests/golden/regen.py --check    exit 1 and show the differences, write nothing
    python tests/golden/regen.py --collect  also append corpus/seed cells missing from the file

The test (tests/test_targets_golden.py) compares; it never regenerates. After regenerating,
read the diff line by line: a golden file is only worth what its review was worth.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from targets_golden import (
    GOLDEN,
    GOLDENS,
    Record,
    compute,
    corpus_cells,
    format_record,
    read,
    seed_cells,
)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--check", action="store_true", help="only report differences")
    ap.add_argument("--collect", action="store_true", help="append missing corpus/seed cells")
    args = ap.parse_args(argv)
    changed = 0
    for path in GOLDENS:
        changed += _regen(path, args.check, args.collect and path == GOLDEN)
    if args.check:
        return 1 if changed else 0
    print(f"{changed} record(s) changed")
    return 0


def _regen(path: Path, check: bool, collect: bool) -> int:
    lines = read(path)
    out: list[str] = []
    seen: set[tuple[str, str]] = set()
    changed = 0
    for number, raw, record in lines:
        if record is None:
            out.append(raw)
            continue
        seen.add(record.key)
        expected = compute(record.mode, record.cell)
        if expected != record.expected:
            changed += 1
            print(f"{path.name}:{number}: {record.mode} {record.cell!r}")
            print(f"  - {record.expected}")
            print(f"  + {expected}")
        out.append(format_record(Record(record.mode, record.cell, expected)))

    if collect:
        missing = [r for r in corpus_cells() + seed_cells() if r.key not in seen]
        unique: dict[tuple[str, str], Record] = {r.key: r for r in missing}
        if unique:
            out.append("")
            out.append("# == collected (review and move into the right section) ==")
            for record in unique.values():
                out.append(format_record(Record(record.mode, record.cell, compute(*record.key))))
                changed += 1

    if not check:
        path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return changed


if __name__ == "__main__":
    raise SystemExit(main())
