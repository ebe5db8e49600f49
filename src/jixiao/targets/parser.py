"""Parsing 年度指标值 (target) and 实际完成值 (actual) cells into AST nodes.

One LALR parser with a contextual lexer is built lazily from ``grammar/target.lark`` and kept;
the transformer runs inline, so no parse tree is built. Results are cached (the nodes are frozen
and hashable), so a form that repeats a cell pays for it once.

This module holds the entry points and their caches; the work is split by job among private
modules: :mod:`~jixiao.targets._builder` (the transformer, the Lark parser, one cell),
:mod:`~jixiao.targets._pieces` (bounds, ranges, dates), :mod:`~jixiao.targets._signals` (what
those pass between them), :mod:`~jixiao.targets._recovery` (errors from Lark) and
:mod:`~jixiao.targets._actuals` (reading an actual against its target).

>>> parse_target("≥45人").to_dict()
{'kind': 'comparison', 'op': '>=', 'value': '45', 'unit': '人', 'inclusive': True}
>>> parse_actual("50", parse_target("≥50个")).render()
'50个'
"""

from __future__ import annotations

import re
import sys
import threading
from decimal import Decimal
from typing import Any

from jixiao.cache import MISSING, ByteLRU, CacheInfo
from jixiao.decimals import in_context
from jixiao.errors import TargetSyntaxError
from jixiao.targets import lexicon as lx
from jixiao.targets._actuals import PERCENT_UNIT, as_actual, mode_of, reading_of
from jixiao.targets._builder import parse_cell, parse_lark, prose_node
from jixiao.targets._recovery import DIGIT_RUN, VALID_NUMBER
from jixiao.targets.ast import (
    Actual,
    Qualitative,
    Quantity,
    Range,
    Target,
)
from jixiao.targets.fast import fast_parse
from jixiao.targets.normalize import normalize
from jixiao.units import Unit

__all__ = [
    "cache_clear",
    "cache_info",
    "cache_resize",
    "parse_actual",
    "parse_actual_uncached",
    "parse_target",
    "parse_target_uncached",
    "reading_of",
]


def implied_unit(target: Target | None) -> Unit | None:
    """The unit a target lends to a bare number in its actual (``≥50个`` → 个)."""
    if target is None:
        return None
    quantity = target.quantity
    return quantity.unit if quantity is not None else None


@in_context
def parse_target_uncached(text: str) -> Target:
    """:func:`parse_target` without the cache (for benchmarks and one-off cells)."""
    return parse_cell(text)


@in_context
def parse_actual_uncached(text: str, target: Target | None = None) -> Actual:
    """:func:`parse_actual` without the cache."""
    mode = mode_of(target)
    try:
        node = parse_cell(text)
    except TargetSyntaxError:
        sentence = _sentence(text, mode)
        if sentence is None:
            raise
        return as_actual(sentence, implied_unit(target), mode)
    return as_actual(node, implied_unit(target), mode)


#: What the parse caches may hold, in bytes (as :mod:`jixiao.cache` charges them): targets, and
#: actuals given their target (its unit and reading mode). Change with :func:`cache_resize`.
TARGET_CACHE_BYTES = 16 * 2**20
ACTUAL_CACHE_BYTES = 32 * 2**20
# the node, its quantity, number and span, and the cache's own entry, around the cell's text
_ENTRY_BYTES = 600


def _cell_bytes(text: str) -> int:
    # the text is kept twice: as the key and (for prose) inside the node
    return 2 * sys.getsizeof(text) + _ENTRY_BYTES


def _actual_bytes(key: tuple[Unit | int | None, str | None, str]) -> int:
    return 2 * sys.getsizeof(key[2]) + _ENTRY_BYTES


# charged by their keys: an entry is its node alone (see ByteLRU)
_targets: ByteLRU[str, Target] = ByteLRU(TARGET_CACHE_BYTES, sizer=_cell_bytes)
_actuals: ByteLRU[tuple[Unit | int | None, str | None, str], Actual] = ByteLRU(
    ACTUAL_CACHE_BYTES, sizer=_actual_bytes
)
# cells the grammar cannot read, with the arguments of the error it gave (a damaged cell comes
# back on every row of its indicator, under every target: reading it again costs a failed parse
# and its recovery each time); an eighth of the target cache's budget
_unreadable: ByteLRU[str, dict[str, Any]] = ByteLRU(TARGET_CACHE_BYTES // 8, sizer=_cell_bytes)

# The entry points look their caches up outside jixiao's decimal context, and a cell the fast
# path reads is read outside it too: neither does arithmetic (a Decimal made from a string is
# exact in any context; the rest is comparisons and new nodes). Only what can compute enters
# the context: Lark, and the readings of an actual in _actuals (a sentence's quantity, a
# fraction under a percent target).


def _target_cached(text: str) -> Target:
    node = _targets.get(text)
    if node is MISSING:
        node = fast_parse(text) if isinstance(text, str) else None
        if node is None:
            node = _target_read(text)
        _targets.put(text, node)
    return node


def _lark(text: str) -> Target:
    """A cell the fast path does not take, read by the grammar (parse_cell: what is not text
    is refused). A text the grammar cannot read raises the same error every time, read once."""
    if not isinstance(text, str):
        return parse_cell(text)
    failed = _unreadable.get(text)
    if failed is not MISSING:  # raised afresh, equal in every field
        raise TargetSyntaxError(**failed)
    try:
        return parse_lark(text)
    except TargetSyntaxError as err:
        if type(err) is TargetSyntaxError:
            _unreadable.put(text, err.arguments())  # not the error: the caller may change it
        raise


_target_read = in_context(_lark)


# A small number for each unit an actual cache key names: the key is then a tuple of a number
# and two strings, hashed without calling Unit.__hash__ (twice for a look-up, three times for a
# new entry) and left alone by the garbage collector. Equal units share a number (a dict); past
# the cap a unit stands for itself, so a key is always right and the map stays small.
_UNIT_IDS: dict[Unit | None, int] = {None: 0}
_UNIT_IDS_CAP = 10_000
_UNIT_IDS_LOCK = threading.Lock()


def _unit_id(unit: Unit | None) -> Unit | int | None:
    with _UNIT_IDS_LOCK:
        uid = _UNIT_IDS.get(unit)
        if uid is None:
            if len(_UNIT_IDS) >= _UNIT_IDS_CAP:
                return unit
            uid = _UNIT_IDS[unit] = len(_UNIT_IDS)
    return uid


def _actual_cached(text: str, unit: Unit | None, mode: str | None) -> Actual:
    uid = _UNIT_IDS.get(unit)
    key = (uid if uid is not None else _unit_id(unit), mode, text)
    node = _actuals.get(key)
    if node is not MISSING:
        return node
    node = _actual_fast(text, unit, mode) if isinstance(text, str) else None
    if node is not None:
        # not kept in the target cache: reading the cell again is cheaper than keeping it twice
        _actuals.put(key, node)
        return node
    node = _actual_read(text, unit, mode)
    _actuals.put(key, node)
    return node


def _actual_fast(text: str, unit: Unit | None, mode: str | None) -> Actual | None:
    """``as_actual(fast_parse(text), unit, mode)`` when the fast path reads *text* and the
    reading does no arithmetic (everything but a bare number under a percent target), else
    None."""
    if mode == "numeric" or mode is None:
        return fast_parse(text, unit)  # a bare number takes the target's unit, nothing else
    node = fast_parse(text)
    if node is None:
        return None
    if mode == "date":
        return as_actual(node, unit, mode)  # an Excel serial number becomes its date
    quantity = node.quantity
    if quantity is None or quantity.unit is not None:
        return node  # a percent target reads a written unit, or a date, as it is
    return _as_actual(node, unit, mode)  # a bare number: perhaps a fraction (0.95 → 95%)


@in_context
def _as_actual(node: Target, unit: Unit | None, mode: str | None) -> Actual:
    return as_actual(node, unit, mode)


@in_context
def _actual_read(text: str, unit: Unit | None, mode: str | None) -> Actual:
    """An actual the fast path does not take: the cell read once through the target cache
    (an outcome word under many targets is parsed once), then against the target."""
    try:
        node = _targets.get(text)
        if node is MISSING:
            node = _lark(text)  # in jixiao's context already
            _targets.put(text, node)
    except TargetSyntaxError:
        sentence = _sentence(text, mode)
        if sentence is None:
            raise
        return as_actual(sentence, unit, mode)
    return as_actual(node, unit, mode)


_CLAUSE_PUNCT = re.compile(r"[，,；;。]")


def _sentence(text: str, mode: str | None) -> Qualitative | None:
    """An actual the grammar cannot read, under a numeric target, that is a sentence of
    clauses (2022年40人，2023年45人): prose, so that its quantities are looked for. A cell with
    a junk character or a garbled number, or without clause punctuation, stays an error."""
    norm = normalize(text)
    if (
        mode is None
        or not _CLAUSE_PUNCT.search(norm)
        or any(lx.is_junk(ch) for ch in norm)
        or any(
            "," in m.group() and not VALID_NUMBER.fullmatch(m.group())
            for m in DIGIT_RUN.finditer(norm)
        )
    ):
        return None
    node = prose_node(norm)
    return node if isinstance(node, Qualitative) else None


def parse_target(text: str) -> Target:
    """Parse a 年度指标值 (target) cell.

    Raises :class:`~jixiao.errors.TargetSyntaxError` (a ``ValueError``) for a damaged cell.
    Results are cached by text.

    >>> parse_target("不低于90%") == parse_target("≥ 90 ％")
    True
    >>> parse_target("2023年12月底前").to_dict()["day"]
    31
    """
    return _target_cached(text)


def parse_actual(text: str, target: Target | None = None) -> Actual:
    """Parse a 实际完成值 (actual) cell; *target* lends its unit to a bare number.

    Outcome words (``达成预期指标``, ``基本完成``, ``未开展``) become :class:`Outcome`; a date
    becomes a :class:`Deadline`. Under a numeric target, a sentence is searched for the quantity
    it states (``40人（含补训3人）`` → 40人, the rest kept as the note) and a bare fraction under a
    percent target is read as one (``0.95`` → 95%): see ``reading`` on the node and
    docs/targets.md. Results are cached by text, the target's unit and the reading mode.

    >>> parse_actual("200余人").to_dict()
    {'kind': 'quantity', 'value': '200', 'unit': '人', 'approx': 'over'}
    >>> parse_actual("基本完成").status
    'partial'
    """
    if target is None:
        return _actual_cached(text, None, None)
    quantity = target.quantity
    if quantity is not None and quantity.unit is not PERCENT_UNIT:
        return _actual_cached(text, quantity.unit, "numeric")  # the common case, inlined
    if quantity is None or _finite(target, quantity):
        unit, mode = reading_of(target)  # no number to compare, or finite ones: any context
    else:
        unit, mode = _reading(target)
    return _actual_cached(text, unit, mode)


def _finite(target: Target, quantity: Quantity) -> bool:
    """Whether the numbers :func:`reading_of` compares are finite Decimals (a comparison that
    could signal, with a NaN, is made in jixiao's context)."""
    if isinstance(target, Range):
        low, high = target.low, target.high
        return (
            isinstance(low, Decimal)
            and isinstance(high, Decimal)
            and low.is_finite()
            and high.is_finite()
        )
    value = quantity.value
    return isinstance(value, Decimal) and value.is_finite()


@in_context
def _reading(target: Target) -> tuple[Unit | None, str | None]:
    return reading_of(target)


def cache_clear() -> None:
    """Empty the parse caches."""
    _targets.clear()
    _actuals.clear()
    _unreadable.clear()


def cache_info() -> dict[str, CacheInfo]:
    """Hits, misses, entries and bytes of the two parse caches (``target`` and ``actual``), and
    of the errors kept for cells the grammar cannot read (``unreadable``)."""
    return {"target": _targets.info(), "actual": _actuals.info(), "unreadable": _unreadable.info()}


def cache_resize(target_bytes: int, actual_bytes: int) -> None:
    """Set the byte budgets of the target and the actual cache (0 turns a cache off)."""
    _targets.resize(target_bytes)
    _actuals.resize(actual_bytes)
    _unreadable.resize(target_bytes // 8)
