"""The golden file of the target-cell language: tests/golden/targets.golden.

Each record is parsed from text and compared with the AST (``to_dict()``) or the error
(offset, length, expected words, hint) written in the file. Regenerate with
``python tests/golden/regen.py`` and review the diff; this test only compares.
"""

from __future__ import annotations

import pytest

from targets_golden import (
    CORPUS,
    GOLDEN,
    MESSY,
    Record,
    compute,
    corpus_cells,
    read,
    seed_cells,
)

LINES = read(GOLDEN)
RECORDS: list[tuple[int, Record]] = [(n, r) for n, _, r in LINES if r is not None]
MESSY_RECORDS: list[tuple[int, Record]] = [(n, r) for n, _, r in read(MESSY) if r is not None]


@pytest.mark.parametrize("record", [r for _, r in RECORDS], ids=[f"line{n}" for n, _ in RECORDS])
def test_golden(record: Record) -> None:
    assert compute(record.mode, record.cell) == record.expected, (record.mode, record.cell)


@pytest.mark.parametrize(
    "record", [r for _, r in MESSY_RECORDS], ids=[f"messy{n}" for n, _ in MESSY_RECORDS]
)
def test_messy_golden(record: Record) -> None:
    assert compute(record.mode, record.cell) == record.expected, (record.mode, record.cell)


def test_messy_golden_is_large_and_unique() -> None:
    actuals = [r for _, r in MESSY_RECORDS if r.mode.startswith("actual")]
    targets = [r for _, r in MESSY_RECORDS if r.mode == "target"]
    assert len(actuals) >= 200 and len(targets) >= 100
    keys = [r.key for _, r in MESSY_RECORDS]
    assert len(keys) == len(set(keys)), "a cell is listed twice in the same mode"
    # every way of reading an actual is shown, and damaged cells stay errors
    readings = {'"reading":"extracted"', '"reading":"chosen"', '"reading":"fraction"'}
    readings |= {'"reading":"fraction_or_percent"', '"candidates"', '"approx"', "!error "}
    for mark in readings:
        assert any(mark in r.expected for r in actuals), mark


def test_golden_is_large_and_unique() -> None:
    assert len(RECORDS) >= 300
    keys = [r.key for _, r in RECORDS]
    assert len(keys) == len(set(keys)), "a cell is listed twice in the same mode"


def test_golden_has_errors_for_damaged_cells() -> None:
    errors = [r for _, r in RECORDS if r.expected.startswith("!error ")]
    assert len(errors) >= 25


def test_golden_covers_the_seed_form() -> None:
    keys = {r.key for _, r in RECORDS}
    missing = [r.key for r in seed_cells() if r.key not in keys]
    assert not missing


def test_golden_covers_the_corpus() -> None:
    if not (CORPUS / "indicators.jsonl").is_file():
        pytest.skip(f"the shared corpus is not beside the checkout (looked in {CORPUS})")
    keys = {r.key for _, r in RECORDS}
    missing = [r.key for r in corpus_cells() if r.key not in keys]
    assert not missing, "run python tests/golden/regen.py --collect"
