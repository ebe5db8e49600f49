"""Formulas saved without a computed value: evaluating the simple ones over the form's own cells.

A workbook written by a program (or saved by a viewer that does not recalculate) can hold
``=D6/C6`` in a cell with no saved result. Excel would show the result; so does jixiao when the
formula is *simple arithmetic over cells of the same sheet*: numbers, cell references and ranges
of this sheet, ``+ - * / ^ %``, parentheses and the functions in :data:`ALLOWED_FUNCTIONS`.
Anything else (another sheet or workbook, names, text, any other function) is not evaluated and
the cell stays unreadable, with the reason.

The check is done on the formula's text *before* any library sees it; the arithmetic is then
done by the ``formulas`` library (the ``xlsx`` extra), which never runs Python code from the file.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

import attrs

from jixiao.forms.model import decimal_from_float

__all__ = ["ALLOWED_FUNCTIONS", "Outcome", "evaluate_formulas"]

Coord = tuple[int, int]

ALLOWED_FUNCTIONS = frozenset(
    {"SUM", "MIN", "MAX", "ROUND", "ROUNDUP", "ROUNDDOWN", "AVERAGE", "ABS", "PRODUCT", "INT"}
)
_MAX_FORMULA = 1000  # characters: longer formulas are not "simple"
_REF = r"\$?[A-Za-z]{1,3}\$?[0-9]{1,7}"
_TOKEN = re.compile(
    rf"\s*(?:(?P<range>{_REF}:{_REF})|(?P<func>[A-Za-z][A-Za-z0-9.]*)\s*\(|(?P<ref>{_REF})"
    r"|(?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)|(?P<op>[-+*/^%(),]))"
)


@attrs.frozen(slots=True)
class Outcome:
    """The result of one formula: a value, or why it was not evaluated."""

    value: Decimal | None
    why_zh: str = ""
    why_en: str = ""


def _col(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def _coord(ref: str) -> Coord:
    m = re.fullmatch(r"\$?([A-Za-z]{1,3})\$?([0-9]+)", ref)
    assert m is not None
    return int(m.group(2)), _col(m.group(1))


def _references(formula: str) -> list[Coord] | Outcome:
    """The cells a simple formula reads, or why it is not simple."""
    body = formula[1:] if formula.startswith("=") else formula
    if len(body) > _MAX_FORMULA:
        return Outcome(None, "公式过长", "the formula is too long")
    refs: list[Coord] = []
    pos = 0
    while pos < len(body):
        if body[pos:].strip() == "":
            break
        m = _TOKEN.match(body, pos)
        if m is None or m.end() == pos:
            bad = body[pos:].strip()[:1]
            if bad == "!":
                return Outcome(None, "引用了其他工作表", "it refers to another sheet")
            if bad == "[":
                return Outcome(None, "引用了其他工作簿", "it refers to another workbook")
            if bad == '"':
                return Outcome(None, "含有文本", "it holds text")
            return Outcome(
                None, f"含有不支持的内容「{bad}」", f"it holds {bad!r}, which is not arithmetic"
            )
        if m.group("func"):
            name = m.group("func").upper()
            if name not in ALLOWED_FUNCTIONS:
                return Outcome(
                    None,
                    f"使用了函数 {name}（只计算 {'、'.join(sorted(ALLOWED_FUNCTIONS))}）",
                    f"it uses {name} (only {', '.join(sorted(ALLOWED_FUNCTIONS))} are computed)",
                )
        elif m.group("range"):
            first, last = (_coord(p) for p in m.group("range").split(":"))
            rows = range(min(first[0], last[0]), max(first[0], last[0]) + 1)
            cols = range(min(first[1], last[1]), max(first[1], last[1]) + 1)
            if len(rows) * len(cols) > 10_000:
                return Outcome(None, "引用的区域过大", "the range it reads is too large")
            refs.extend((r, c) for r in rows for c in cols)
        elif m.group("ref"):
            refs.append(_coord(m.group("ref")))
        pos = m.end()
    return refs


def _library() -> Any:
    try:
        import formulas
        import numpy
        import schedula
    except ImportError:
        return None
    return formulas, numpy, schedula


def evaluate_formulas(
    formulas: Mapping[Coord, str], value_of: Callable[[Coord], object]
) -> dict[Coord, Outcome]:
    """Evaluate every formula in *formulas* (cell → text, no saved result) that is simple.

    *value_of* gives the stored value of any other cell (None when empty). A formula that reads
    another unsaved formula is evaluated after it; a cycle, an error value (``#DIV/0!``) or a
    non-number result leaves the cell unevaluated with the reason.
    """
    out: dict[Coord, Outcome] = {}
    lib = _library()
    if lib is None:
        return {
            c: Outcome(
                None,
                "未安装公式计算库，请安装：pip install 'jixiao[xlsx]'",
                "the formula library is not installed: pip install 'jixiao[xlsx]'",
            )
            for c in formulas
        }
    lib_formulas, np, sh = lib
    parser = lib_formulas.Parser()
    visiting: set[Coord] = set()

    def raw(coord: Coord) -> object:
        if coord in formulas:
            result = evaluate(coord)
            return float(result.value) if result.value is not None else _Failed
        value = value_of(coord)
        if value is None:
            return sh.EMPTY
        if isinstance(value, Decimal):
            return float(value)
        return value

    def evaluate(coord: Coord) -> Outcome:
        if coord in out:
            return out[coord]
        if coord in visiting:
            return Outcome(None, "公式循环引用", "the formula refers to itself")
        visiting.add(coord)
        try:
            out[coord] = _evaluate_one(coord)
        finally:
            visiting.discard(coord)
        return out[coord]

    def _evaluate_one(coord: Coord) -> Outcome:
        text = formulas[coord]
        refs = _references(text)
        if isinstance(refs, Outcome):
            return refs
        for ref in refs:
            if raw(ref) is _Failed:
                return Outcome(
                    None,
                    "引用的单元格也无法计算",
                    "a cell it reads cannot be computed either",
                )
        try:
            func = parser.ast(text if text.startswith("=") else "=" + text)[1].compile()
            args = []
            for name in func.inputs:
                if ":" in name:
                    first, last = (_coord(p) for p in name.split(":"))
                    rows = range(min(first[0], last[0]), max(first[0], last[0]) + 1)
                    cols = range(min(first[1], last[1]), max(first[1], last[1]) + 1)
                    args.append(np.array([[raw((r, c)) for c in cols] for r in rows], dtype=object))
                else:
                    args.append(raw(_coord(name)))
            result = func(*args)
        except Exception as exc:  # the library's own errors for a formula it cannot handle
            return Outcome(
                None, f"无法计算（{type(exc).__name__}）", f"cannot compute ({type(exc).__name__})"
            )
        value: object = result
        while hasattr(value, "ravel") and getattr(value, "size", 0) == 1:
            value = value.ravel()[0]
        if isinstance(value, np.generic):
            value = value.item()
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return Outcome(
                None, f"计算结果不是数字（{value}）", f"the result is not a number ({value})"
            )
        if value != value or value in (float("inf"), float("-inf")):
            return Outcome(None, "计算结果不是有限数字", "the result is not a finite number")
        return Outcome(decimal_from_float(float(value)))

    for coord in formulas:
        try:
            evaluate(coord)
        except RecursionError:
            out[coord] = Outcome(None, "公式引用链过长", "the chain of formulas is too long")
            visiting.clear()
    return out


class _FailedType:
    pass


_Failed = _FailedType()
