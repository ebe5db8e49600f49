"""The entry points' cold path gives the node every other path gives, and keeps the accounting.

``parse_actual`` answers a cell the fast path reads without entering jixiao's decimal context
and without the target cache (the cell is read again rather than kept twice); these tests check
that the answer is still, field by field and span by span, what ``parse_actual_uncached`` and
Lark give — cold, warm, under every kind of target and under a caller's hostile decimal context —
and that both caches stay within their byte budgets, charging every entry at least what it keeps.
"""

from __future__ import annotations

import decimal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.test_targets_fast import (
    DEADLINEISH,
    EXTENDED_SHAPES,
    EXTENDEDISH,
    SIMPLE,
    SIMPLEISH,
    deep,
)

from jixiao import targets
from jixiao.cache import text_bytes
from jixiao.decimals import jixiao_context
from jixiao.errors import TargetSyntaxError
from jixiao.targets import Target, parse_actual, parse_actual_uncached, parse_target
from jixiao.targets._actuals import as_actual, reading_of
from jixiao.targets._builder import parse_lark
from jixiao.targets.fast import fast_parse
from jixiao.targets.parser import _ENTRY_BYTES, parse_target_uncached
from jixiao.units import Unit

PROPS = settings(
    max_examples=250,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

# one target of every reading: numeric with a unit, bare numeric, percent read as a fraction,
# percent read either way (a bound ≤ 10%), a percent range, a date, prose, none
TARGETS: list[str | None] = [
    "≥45人",
    "≤64.253万元",
    "100",
    "≥90%",
    "≤5%",
    "90%-100%",
    "2023年12月底前",
    "效果明显",
    None,
]
FRACTIONS = st.builds(
    lambda lead, digits, unit: f"{lead}0.{digits}{unit}",
    st.sampled_from(["", "≥", "不少于", "<"]),
    st.integers(0, 10**12).map(str),
    st.sampled_from(["", "", "%", "人"]),
)
SERIALS = st.integers(9_990, 100_010).map(str)  # Excel date serials under a date target


def outcome(read: Callable[..., Any], *args: Any) -> Any:
    try:
        return deep(read(*args))
    except TargetSyntaxError as err:
        return ("error", err.message, err.offset)


def lark_actual(text: str, target: Target | None) -> Any:
    """The reference: the cell read by the grammar, then against its target."""

    def read() -> Any:
        with jixiao_context():
            return as_actual(parse_lark(text), *reading_of(target))

    return outcome(read)


@contextmanager
def hostile_context() -> Iterator[None]:
    """A caller's context that would change any number computed in it."""
    with decimal.localcontext() as ctx:
        ctx.prec = 3
        ctx.rounding = decimal.ROUND_DOWN
        ctx.traps[decimal.Inexact] = True
        ctx.traps[decimal.Rounded] = True
        yield


def check_cell(text: str) -> None:
    for target_text in TARGETS:
        targets.cache_clear()
        target = parse_target(target_text) if target_text is not None else None
        cold = outcome(parse_actual, text, target)
        uncached = outcome(parse_actual_uncached, text, target)
        assert cold == uncached, (text, target_text)
        if fast_parse(text) is not None:
            # the fast path took it: the grammar reads it the same (the rest is Lark already)
            assert cold == lark_actual(text, target), (text, target_text)
        if cold[0] != "error":
            first = parse_actual(text, target)
            assert parse_actual(text, target) is first  # warm: the entry the cold read kept
        targets.cache_clear()
        with hostile_context():
            assert outcome(parse_actual, text, target) == cold, (text, target_text)
    targets.cache_clear()
    assert outcome(parse_target, text) == outcome(parse_target_uncached, text)


@PROPS
@given(
    st.one_of(
        SIMPLE,
        SIMPLEISH,
        EXTENDED_SHAPES,
        EXTENDEDISH,
        DEADLINEISH,
        FRACTIONS,
        SERIALS,
        st.text(max_size=12),
    )
)
def test_cold_warm_uncached_and_lark_agree(text: str) -> None:
    check_cell(text)


def test_the_readings_that_compute_stay_exact_under_a_callers_context() -> None:
    """A fraction under a percent target is computed (0.95123456789 → 95.123456789%), an
    Excel serial under a date target becomes a date, a long number keeps every digit: the same
    under a caller's three-digit context as in jixiao's."""
    cells = ["0.95123456789", "≥0.987654321", "1", "0.05", "45291", "12345.678901234567", "95.5%"]
    for cell in cells:
        check_cell(cell)
    targets.cache_clear()
    with hostile_context():
        fraction = parse_actual("0.95123456789", parse_target("≥90%"))
        serial = parse_actual("45291", parse_target("2023年12月底前"))
    assert fraction.to_dict()["value"] == "95.123456789" and fraction.to_dict()["unit"] == "%"
    assert serial.to_dict()["kind"] == "deadline" and serial.render() == "2023年12月31日"


def test_fast_actuals_are_kept_once_and_charged_what_they_keep() -> None:
    targets.cache_clear()
    people = parse_target("≥45人")
    before = targets.cache_info()["target"]
    cells = [f"{i}.{i % 97:02d}人" for i in range(300)] + [f"不少于{i}" for i in range(300)]
    assert all(fast_parse(c) is not None for c in cells)
    for cell in cells:
        assert deep(parse_actual(cell, people)) == deep(parse_actual_uncached(cell, people))
    info = targets.cache_info()
    # read by the fast path: not kept in the target cache as well
    assert info["target"] == before
    assert info["actual"].currsize == info["actual"].misses == len(cells)
    # each entry is charged its text twice and the fixed overhead of the node, as any other
    assert info["actual"].bytes == sum(2 * text_bytes(c) + _ENTRY_BYTES for c in cells)
    for cell in cells:
        assert parse_actual(cell, people) is parse_actual(cell, people)
    assert targets.cache_info()["actual"].hits == 2 * len(cells)


def test_a_cell_lark_reads_is_parsed_once_for_every_target() -> None:
    """An outcome word (or any cell the fast path leaves to Lark) under many targets: one entry
    in the target cache, then one actual for every unit and reading."""
    targets.cache_clear()
    under = [parse_target(t) for t in ("≥45人", "≤5万元", "≥90%", "≤5%", "12月底前", "好")]
    before = targets.cache_info()["target"]
    for cell in ("已完成", "约47.23人（含）"):
        for target in under:
            assert deep(parse_actual(cell, target)) == deep(parse_actual_uncached(cell, target))
    after = targets.cache_info()
    assert after["target"].misses == before.misses + 2
    assert after["target"].currsize == before.currsize + 2
    assert after["actual"].currsize == 2 * len(under)


def test_cold_paths_stay_within_their_budgets() -> None:
    try:
        targets.cache_resize(20_000, 30_000)
        targets.cache_clear()
        people = parse_target("≥45人")
        for i in range(2_000):
            cell = f"{i}.{i % 89:02d}人"
            assert deep(parse_actual(cell, people)) == deep(parse_actual_uncached(cell, people))
            assert deep(parse_target("≤" + cell)) == deep(parse_target_uncached("≤" + cell))
        info = targets.cache_info()
        assert info["target"].bytes <= 20_000 and info["actual"].bytes <= 30_000
        assert 0 < info["target"].currsize < 2_000 and 0 < info["actual"].currsize < 2_000
        targets.cache_resize(0, 0)  # off: every answer is still the parser's
        assert deep(parse_actual("47.23", people)) == deep(parse_actual_uncached("47.23", people))
        assert targets.cache_info()["actual"].currsize == 0
    finally:
        targets.cache_resize(targets.parser.TARGET_CACHE_BYTES, targets.parser.ACTUAL_CACHE_BYTES)
        targets.cache_clear()


def test_a_target_with_no_number_is_compared_in_jixiaos_context() -> None:
    """A hand-built percent target whose bound is NaN: reading an actual against it compares
    the bound, which signals in jixiao's context whatever the caller's traps (as it always
    did), and a well-formed one is read the same in any context."""
    percent = parse_target("≥90%")
    assert isinstance(percent, targets.Comparison)
    broken = targets.Comparison(">=", targets.Quantity(decimal.Decimal("NaN"), percent.unit))
    span = targets.Range(decimal.Decimal("NaN"), decimal.Decimal(100), percent.unit)
    for target in (broken, span):
        targets.cache_clear()
        with decimal.localcontext() as ctx:
            ctx.traps[decimal.InvalidOperation] = False
            try:
                parse_actual("0.5", target)
            except decimal.InvalidOperation:
                pass
            else:
                raise AssertionError("a NaN bound was compared outside jixiao's context")
    check_cell("0.5")


def test_the_actual_cache_tells_units_apart_by_equality(monkeypatch: pytest.MonkeyPatch) -> None:
    """The actual cache keys a unit by a small number: equal units (not the same object) share
    entries, units with the same symbol but another dimension do not, and past the cap on
    numbered units a unit stands for itself — every answer still the parser's."""
    targets.cache_clear()
    people = parse_target("≥45人")
    unit = people.quantity.unit if people.quantity is not None else None
    assert unit is not None
    twin = Unit(unit.symbol, unit.dimension, unit.factor, unit.known)
    other = Unit(unit.symbol, "count:其他", unit.factor, False)
    assert twin == unit and twin is not unit and other != unit

    def under(u: Unit) -> Target:
        return targets.Comparison(">=", targets.Quantity(decimal.Decimal(45), u))

    first = parse_actual("47", people)
    assert parse_actual("47", under(twin)) is first
    apart = parse_actual("47", under(other))
    assert apart is not first and apart.to_dict()["unit"] == unit.symbol
    assert apart.quantity is not None and apart.quantity.unit == other
    monkeypatch.setattr(targets.parser, "_UNIT_IDS_CAP", len(targets.parser._UNIT_IDS))
    for i in range(3):
        odd = Unit(f"瓢{i}", f"count:瓢{i}", decimal.Decimal(1), False)
        read = parse_actual("47.5", under(odd))
        assert read.quantity is not None and read.quantity.unit == odd
        assert (
            parse_actual("47.5", under(Unit(odd.symbol, odd.dimension, odd.factor, False))) is read
        )
    assert deep(parse_actual("47", under(other))) == deep(apart)
