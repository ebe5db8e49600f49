"""The form model: one 项目支出绩效自评表 as read from any source (JSON, CSV, Excel, a dict).

Cell texts stay as written (``target``/``actual`` are parsed by the scorer, so a bad cell becomes a
finding for its row, not an exception). Numbers the unit claimed (weights, scores, totals, budget
amounts) are Decimals. ``where`` records where each thing came from — ``indicators[3].target`` for
JSON, ``row 5`` for CSV, ``Sheet1!E12`` for Excel — so findings can point at it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

import attrs

from jixiao import catalog
from jixiao.errors import FormError
from jixiao.i18n import Msg
from jixiao.limits import LimitError, check_cell_text, check_digits
from jixiao.limits import current as current_limits

__all__ = [
    "Budget",
    "BudgetRow",
    "Form",
    "Indicator",
    "ReadNote",
    "decimal_from_float",
    "to_decimal",
]

_PLACEHOLDERS = {"", "-", "—", "－", "/", "／", "无", "一", "--", "——"}


def to_decimal(
    value: Any, *, where: str, source: str | None = None, percent: bool = False
) -> Decimal | None:
    """A claimed number from JSON/CSV/Excel as a Decimal; None for a blank or placeholder.

    Accepts ints, decimal strings, ``"1,234.5"``, full-width digits, a trailing ``万元``/``元``/``万``
    /``分`` or ``%`` (kept on the percent scale) and floats (see :func:`decimal_from_float`: the
    shortest repr, with binary noise such as ``0.0900000762939453`` rounded away).

    >>> to_decimal("215,457.6", where="budget.executed")
    Decimal('215457.6')
    """
    if value is None or isinstance(value, bool):
        if isinstance(value, bool):
            raise FormError(
                Msg(f"应为数字，实际为布尔值 {value!r}", f"expected a number, got {value!r}"),
                source=source,
                where=where,
            )
        return None
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise FormError(
                Msg(f"应为有限数字，实际为 {value}", f"expected a finite number, got {value}"),
                source=source,
                where=where,
            )
        check_digits(value, source=source, where=where)
        return value
    if isinstance(value, int):
        number = Decimal(value)
        check_digits(number, source=source, where=where)
        return number
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise FormError(
                Msg(f"应为数字，实际为 {value!r}", f"expected a finite number, got {value!r}"),
                source=source,
                where=where,
            )
        number = decimal_from_float(value)
        check_digits(number, source=source, where=where)
        return number
    if isinstance(value, str):
        check_cell_text(value, source=source, where=where)
        text = value.strip().translate(_FULLWIDTH)
        if text in _PLACEHOLDERS:
            return None
        if _NUMBER_TEXT.match(value) is None:
            _check_surrogates(value, where=where, source=source)
            if "," in text or "，" in text:
                raise FormError(
                    Msg(
                        f"千分位逗号位置不对，无法确定数值：「{value}」；应写作 1,234.5 或 1234.5",
                        f"garbled thousands separators: {value!r}; write 1,234.5 or 1234.5",
                    ),
                    source=source,
                    where=where,
                )
            raise FormError(
                Msg(
                    f"应为数字，实际为「{value}」",
                    f"expected a number such as 9.71, got {value!r}",
                ),
                source=source,
                where=where,
            )
        text = text.replace(" ", "").replace("\u3000", "").replace("，", "").replace(",", "")
        for suffix in ("万元", "元", "万", "分"):
            if text.endswith(suffix):
                text = text[: -len(suffix)]
                break
        if text.endswith("%"):
            text = text[:-1]
        try:
            number = Decimal(text)
        except InvalidOperation:
            if _NUMBER_TEXT.match(value) is not None:  # well formed: an exponent out of reach
                m = re.search(r"[eE]([+\-]?)0*([0-9]+)", text)
                shown = f"E{m.group(1)}{m.group(2)}" if m else text[:40]
                raise LimitError("digits", shown, source=source, where=where) from None
            raise FormError(
                Msg(
                    f"应为数字，实际为「{value}」",
                    f"expected a number such as 9.71, got {value!r}",
                ),
                source=source,
                where=where,
            ) from None
        if not number.is_finite():
            raise FormError(
                Msg(f"应为有限数字，实际为「{value}」", f"expected a finite number, got {value!r}"),
                source=source,
                where=where,
            )
        check_digits(number, source=source, where=where)
        return number
    raise FormError(
        Msg(f"应为数字，实际为{_kind(value)}", f"expected a number, got {_kind_en(value)}"),
        source=source,
        where=where,
    )


# The numbers the JSON Schema accepts ($defs.number in form.schema.json): one pattern, so the
# reader and the schema agree on every string.
_NUMBER_TEXT = re.compile(
    r"^\s*[+\-－]?([0-9０-９]{1,3}([,，][0-9０-９]{3})+([.．][0-9０-９]*)?|[0-9０-９][0-9０-９ 　]*"
    r"([.．][0-9０-９]*)?|[.．][0-9０-９]+)([eE][+\-]?[0-9]+)?\s*(万元|元|万|分|%|％)?\s*$"
)
_SURROGATE = re.compile("[\ud800-\udfff]")


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return f"布尔值 {value!r}"
    if isinstance(value, (list, tuple)):
        return "列表"
    if isinstance(value, Mapping):
        return "对象"
    return f" {type(value).__name__}"


def _kind_en(value: Any) -> str:
    if isinstance(value, bool):
        return f"the boolean {value!r}"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, Mapping):
        return "an object"
    return f"a {type(value).__name__}"


def _check_surrogates(text: str, *, where: str, source: str | None) -> None:
    m = _SURROGATE.search(text)
    if m is not None:
        raise FormError(
            Msg(
                f"文本中有无效的 Unicode 字符（孤立代理 \\u{ord(m.group(0)):04x}，"
                f"第 {m.start() + 1} 个字符），无法读取",
                f"the text holds a lone surrogate \\u{ord(m.group(0)):04x} at character "
                f"{m.start() + 1}: not valid Unicode",
            ),
            source=source,
            where=where,
        )


def text_field(value: Any, *, where: str, source: str | None = None) -> str:
    """A cell's text from JSON or a dict: a string (or a number, written as text); None is "".

    A list, an object or a boolean where text belongs is a FormError naming the field, as is a
    lone surrogate or a text over the ``cell_chars`` limit."""
    if type(value) is str:
        text = value
    elif value is None:
        return ""
    elif isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        if isinstance(value, float) and not math.isfinite(value):
            raise FormError(
                Msg(
                    f"应为文本或有限数字，实际为 {value!r}",
                    f"expected text or a finite number, got {value!r}",
                ),
                source=source,
                where=where,
            )
        return _text(value)
    elif isinstance(value, str):
        text = str(value)
    else:
        raise FormError(
            Msg(f"应为文本，实际为{_kind(value)}", f"expected text, got {_kind_en(value)}"),
            source=source,
            where=where,
        )
    check_cell_text(text, source=source, where=where)
    if not text.isprintable():
        _check_surrogates(text, where=where, source=source)
    return text.strip()


# A float whose shortest repr is this long was not typed by a person: it is binary noise from a
# computation or a float32 round trip (0.0900000762939453, 64.25299999999999).
_TYPED_DIGITS = 12
_NOISE = Decimal("0.000001")
_MAX_PLACES = 6


def decimal_from_float(value: float) -> Decimal:
    """The number a person most plausibly typed, for a float read from a spreadsheet.

    A float whose shortest repr has at most 12 significant digits is taken exactly as that repr
    (``64.253``, ``0.9706``). A longer one is binary noise: it is rounded to the fewest decimal
    places (0 to 6) that move it by at most 0.000001; if none does, the shortest repr is kept.

    >>> decimal_from_float(0.0900000762939453), decimal_from_float(0.1 + 0.2)
    (Decimal('0.09'), Decimal('0.3'))
    >>> decimal_from_float(64.253), decimal_from_float(5.0)
    (Decimal('64.253'), Decimal('5.0'))
    """
    exact = Decimal(repr(value))
    if len(exact.as_tuple().digits) <= _TYPED_DIGITS:
        return exact
    if abs(exact) >= 10**15:  # no room for decimal noise at this size
        return exact
    for places in range(_MAX_PLACES + 1):
        rounded = exact.quantize(Decimal(1).scaleb(-places))
        if abs(rounded - exact) <= _NOISE:
            return rounded
    return exact


_FULLWIDTH = {ord(c): ord(c) - 0xFEE0 for c in "０１２３４５６７８９．％－，"}


# A number with thousands separators: one to three digits, then groups of exactly three.
# ``7,00.0,77``, ``1,2,3`` and ``7,00`` are garbled, not numbers (never guessed at).
def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


_text = cell_text


def _text_fast(value: Any) -> str:
    return value.strip() if type(value) is str else _text(value)


# Weight and score cells repeat a few hundred spellings ("5", "10", "2.5", 8): their Decimals are
# kept (Decimals are immutable). Only exact str and int cells, so 5, 5.0 and True stay apart.
_NUMBERS: dict[str | int, Decimal | None] = {}
_NUMBERS_MAX = 4096


def _number(value: Any, where: str, source: str | None) -> Decimal | None:
    t = type(value)
    if t is str or t is int:
        try:
            return _NUMBERS[value]
        except KeyError:
            number = to_decimal(value, where=where, source=source)
            if len(_NUMBERS) >= _NUMBERS_MAX:
                _NUMBERS.clear()
            _NUMBERS[value] = number
            return number
    return to_decimal(value, where=where, source=source)


_YEAR = re.compile(r"^\s*([0-9]+)\s*(年度|年)?\s*$")


def _raw(value: Any) -> str:
    """A cell's text as written, for an unreadable-cell finding (never longer than 200 chars)."""
    if isinstance(value, int) and value.bit_length() > 13_000:  # str() refuses 4300+ digits
        return f"<{value.bit_length() * 3 // 10}+ 位数字 digits>"
    if isinstance(value, Decimal) and len(value.as_tuple().digits) > 200:
        return f"{value:.6e}"
    text = value if isinstance(value, str) else _text(value)
    return text if len(text) <= 200 else text[:200] + "…"


def _readable(
    value: Any,
    field: str,
    where: str,
    source: str | None,
    bad: list[tuple[str, str]],
    *,
    cached: bool = False,
) -> Decimal | None:
    """The cell as a Decimal; a cell that is not a number is recorded in *bad* as
    ``(field, text as written)`` and read as None, so the rest of the form is still read."""
    try:
        if cached:
            return _number(value, where, source)
        return to_decimal(value, where=where, source=source)
    except FormError:  # a number over the digits limit too: that cell, not the whole file
        bad.append((field, _raw(value)))
        return None


@attrs.frozen(slots=True)
class Indicator:
    """One 三级指标 row: its place in the hierarchy, the target and actual cells as written, the
    weight (分值/权重), the score the unit claimed (得分, None if blank) and the 偏差原因.

    ``unreadable`` lists the number cells (``weight``, ``score``) that hold something other than a
    number, as ``(field, text as written)``: the field reads as None and scoring reports an
    ``UNREADABLE_CELL`` error on that cell instead of refusing the form."""

    name: str
    target: str
    actual: str
    weight: Decimal | None
    score: Decimal | None = None
    reason: str = ""
    level1: str = ""
    level2: str = ""
    where: str = attrs.field(default="", eq=False)
    cells: Mapping[str, str] = attrs.field(factory=dict, eq=False, repr=False, hash=False)
    unreadable: tuple[tuple[str, str], ...] = ()

    def cell(self, field: str) -> str:
        """Where one field of this row came from (``Sheet1!E12``), else the row's location."""
        return self.cells.get(field) or (f"{self.where}.{field}" if self.where else field)

    def to_dict(self) -> dict[str, Any]:
        bad = dict(self.unreadable)
        return {
            "level1": self.level1,
            "level2": self.level2,
            "name": self.name,
            "target": self.target,
            "actual": self.actual,
            "weight": bad.get("weight", _dec(self.weight)),
            "score": bad.get("score", _dec(self.score)),
            "reason": self.reason,
        }

    @classmethod
    def from_dict(
        cls, d: Mapping[str, Any], *, where: str = "", source: str | None = None
    ) -> Indicator:
        if not isinstance(d, Mapping):
            raise FormError(
                Msg("指标行应为对象", "an indicator row must be an object"),
                source=source,
                where=where,
            )
        if "target" not in d or "actual" not in d or "weight" not in d:
            missing = [k for k in ("target", "actual", "weight") if k not in d]
            raise FormError(
                Msg(
                    f"指标行缺少字段 {'、'.join(missing)}（target、actual、weight 均为必填）",
                    f"missing required field(s) {', '.join(missing)} (target, actual and weight "
                    f"are required)",
                ),
                source=source,
                where=where,
            )
        prefix = f"{where}." if where else ""
        get = d.get
        weight = get("weight")
        score = get("score")
        bad: list[tuple[str, str]] = []
        return cls(
            text_field(get("name"), where=f"{prefix}name", source=source),
            text_field(get("target"), where=f"{prefix}target", source=source),
            text_field(get("actual"), where=f"{prefix}actual", source=source),
            _readable(weight, "weight", f"{prefix}weight", source, bad, cached=True),
            None
            if score is None
            else _readable(score, "score", f"{prefix}score", source, bad, cached=True),
            text_field(get("reason"), where=f"{prefix}reason", source=source),
            text_field(get("level1"), where=f"{prefix}level1", source=source),
            text_field(get("level2"), where=f"{prefix}level2", source=source),
            where,
            {
                "target": f"{prefix}target",
                "actual": f"{prefix}actual",
                "weight": f"{prefix}weight",
                "score": f"{prefix}score",
                "reason": f"{prefix}reason",
            },
            tuple(bad),
        )


@attrs.frozen(slots=True)
class BudgetRow:
    """A 其中 sub-row of the 项目资金 table (当年财政拨款, 上年结转资金, 其他资金)."""

    name: str
    initial: Decimal | None = None
    annual: Decimal | None = None
    executed: Decimal | None = None
    where: str = attrs.field(default="", eq=False)
    unreadable: tuple[tuple[str, str], ...] = ()
    cells: Mapping[str, str] = attrs.field(factory=dict, eq=False, repr=False, hash=False)

    def cell(self, field: str) -> str:
        return self.cells.get(field) or f"{self.where}.{field}"


@attrs.frozen(slots=True)
class Budget:
    """The 年度资金总额 row: 年初预算数, 全年预算数 (A), 全年执行数 (B), the weight (分值), the
    printed 执行率 (percent, as written), the claimed score, and the 其中 rows. ``unreadable``
    lists the cells that are not numbers (``(field, text)``; see :class:`Indicator`)."""

    initial: Decimal | None = None
    annual: Decimal | None = None
    executed: Decimal | None = None
    weight: Decimal | None = None
    score: Decimal | None = None
    rate: Decimal | None = None
    reason: str = ""
    rows: tuple[BudgetRow, ...] = ()
    where: str = attrs.field(default="budget", eq=False)
    cells: Mapping[str, str] = attrs.field(factory=dict, eq=False, repr=False, hash=False)
    unreadable: tuple[tuple[str, str], ...] = ()

    def cell(self, field: str) -> str:
        return self.cells.get(field) or f"{self.where}.{field}"

    def to_dict(self) -> dict[str, Any]:
        bad = dict(self.unreadable)
        out: dict[str, Any] = {
            k: bad.get(k, _dec(getattr(self, k)))
            for k in ("initial", "annual", "executed", "weight", "score", "rate")
        }
        if self.reason:
            out["reason"] = self.reason
        if self.rows:
            out["rows"] = []
            for r in self.rows:
                rbad = dict(r.unreadable)
                row: dict[str, Any] = {"name": r.name}
                row.update(
                    {k: rbad.get(k, _dec(getattr(r, k))) for k in ("initial", "annual", "executed")}
                )
                out["rows"].append(row)
        return out

    @classmethod
    def from_dict(
        cls, d: Mapping[str, Any], *, where: str = "budget", source: str | None = None
    ) -> Budget:
        if not isinstance(d, Mapping):
            raise FormError(
                Msg("预算应为对象", "budget must be an object"), source=source, where=where
            )

        bad: list[tuple[str, str]] = []

        def num(key: str, *, percent: bool = False) -> Decimal | None:
            return _readable(d.get(key), key, f"{where}.{key}", source, bad)

        rows = []
        raw_rows = d.get("rows")
        if raw_rows is None:
            raw_rows = ()
        if not isinstance(raw_rows, list | tuple):
            raise FormError(
                Msg(
                    f"其中行应为列表，实际为{_kind(raw_rows)}",
                    f"budget rows must be a list, got {_kind_en(raw_rows)}",
                ),
                source=source,
                where=f"{where}.rows",
            )
        for i, r in enumerate(raw_rows):
            rw = f"{where}.rows[{i}]"
            if not isinstance(r, Mapping):
                raise FormError(
                    Msg("其中行应为对象", "a budget sub-row must be an object"),
                    source=source,
                    where=rw,
                )
            rbad: list[tuple[str, str]] = []
            rows.append(
                BudgetRow(
                    name=text_field(r.get("name"), where=f"{rw}.name", source=source),
                    initial=_readable(r.get("initial"), "initial", f"{rw}.initial", source, rbad),
                    annual=_readable(r.get("annual"), "annual", f"{rw}.annual", source, rbad),
                    executed=_readable(
                        r.get("executed"), "executed", f"{rw}.executed", source, rbad
                    ),
                    where=rw,
                    unreadable=tuple(rbad),
                    cells={k: f"{rw}.{k}" for k in ("initial", "annual", "executed")},
                )
            )
        return cls(
            initial=num("initial"),
            annual=num("annual"),
            executed=num("executed"),
            weight=num("weight"),
            score=num("score"),
            rate=num("rate", percent=True),
            reason=text_field(d.get("reason"), where=f"{where}.reason", source=source),
            rows=tuple(rows),
            where=where,
            cells={
                k: f"{where}.{k}"
                for k in ("initial", "annual", "executed", "weight", "score", "rate", "reason")
            },
            unreadable=tuple(bad),
        )


@attrs.frozen(slots=True)
class ReadNote:
    """Something a reader did that the person who checks the form should know: a hidden sheet
    it skipped, a formula it computed because the file had no saved result. The scorer reports
    each as a finding with this code (severity from the catalog) at ``where``."""

    code: str
    zh: str
    en: str
    where: str

    @classmethod
    def of(cls, code: str, where: str, /, *, variant: str = "", **fields: object) -> ReadNote:
        """The note *code* at *where*, its text the catalog's template for *variant* with
        *fields* filled in (:func:`jixiao.catalog.message`)."""
        text = catalog.message(code, variant, **fields)
        return cls(code, text.zh, text.en, where)

    def to_dict(self) -> dict[str, str]:
        return {
            "code": self.code,
            "message_zh": self.zh,
            "message_en": self.en,
            "where": self.where,
        }


@attrs.frozen(slots=True)
class Form:
    """A whole self-evaluation form. ``total`` is the 总分 the unit claimed; ``source`` the file
    (and sheet) it was read from."""

    indicators: tuple[Indicator, ...]
    project: str = ""
    year: int | None = None
    department: str = ""
    implementer: str = ""
    budget: Budget | None = None
    goals: Mapping[str, str] = attrs.field(factory=dict, eq=False, hash=False)
    total: Decimal | None = None
    source: str | None = attrs.field(default=None, eq=False)
    total_where: str = attrs.field(default="total", eq=False)
    grade: str = ""
    notes: tuple[ReadNote, ...] = attrs.field(default=(), eq=False, hash=False)
    # cells of the form itself that are not what they should be: ``("total", text)``,
    # ``("year", text)``; scoring reports each as an UNREADABLE_CELL error
    unreadable: tuple[tuple[str, str], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "project": self.project,
            "year": self.year,
            "department": self.department,
            "implementer": self.implementer,
            "budget": self.budget.to_dict() if self.budget else None,
            "goals": dict(self.goals),
            "indicators": [i.to_dict() for i in self.indicators],
            "total": dict(self.unreadable).get("total", _dec(self.total)),
            **({"grade": self.grade} if self.grade else {}),
            **({"locations": locations} if (locations := self.locations()) else {}),
            **({"notes": [n.to_dict() for n in self.notes]} if self.notes else {}),
        }

    def locations(self) -> dict[str, Any] | None:
        """Where each value came from in the file it was read from (``表1!E13``,
        ``表2 第5行 第4列``, ``第2页 表1 第5行 第4列``): the file, the total, the budget cells and
        every indicator's cells. None for a form read from JSON or built from a dict, whose
        locations are only its own JSON paths."""
        if not any(i.where and not _JSON_PATH.match(i.where) for i in self.indicators):
            return None
        out: dict[str, Any] = {"source": self.source, "total": self.total_where}
        if self.budget is not None:
            out["budget"] = {
                "where": self.budget.where,
                **dict(self.budget.cells),
                **({"rows": [r.where for r in self.budget.rows]} if self.budget.rows else {}),
            }
        out["indicators"] = [{"where": i.where, **dict(i.cells)} for i in self.indicators]
        return out

    @classmethod
    def from_dict(cls, d: Mapping[str, Any], *, source: str | None = None) -> Form:
        """Build a form from the documented JSON shape (see docs/forms.md).

        >>> f = Form.from_dict({"indicators": [{"target": "≥45人", "actual": "45人", "weight": 5}]})
        >>> f.indicators[0].weight
        Decimal('5')
        """
        if not isinstance(d, Mapping):
            raise FormError(
                Msg("表单应为 JSON 对象", "a form must be a JSON object"),
                source=source,
                where="$",
            )
        rows = d.get("indicators")
        if not isinstance(rows, list):
            raise FormError(
                Msg(
                    "缺少 indicators 列表（指标行的列表）",
                    "expected 'indicators': a list of indicator rows",
                ),
                source=source,
                where="indicators",
            )
        bad: list[tuple[str, str]] = []
        year = d.get("year")
        if isinstance(year, (float, Decimal)) and math.isfinite(year) and year == int(year):
            year = int(year)  # 2023.0 is the integer 2023 in JSON
        if isinstance(year, int) and not isinstance(year, bool):
            digits = 10**9 if year.bit_length() > 13_000 else len(str(abs(year)))
            if digits > current_limits().digits:
                bad.append(("year", _raw(year)))  # over the digits limit: an unreadable cell
                year = None
        if isinstance(year, (bool, float, Decimal)):
            year = str(year)  # true / 2023.5 are not years
        if year is not None and not isinstance(year, int):
            text = str(year).strip()
            m = _YEAR.match(text)
            if m is not None and len(m.group(1).lstrip("0")) > current_limits().digits:
                bad.append(("year", _raw(year)))
                year = None
            elif m is not None:
                year = int(m.group(1))
            elif not text:
                year = None
            else:
                bad.append(("year", _raw(year)))  # reported as UNREADABLE_CELL when scored
                year = None
        budget = d.get("budget")
        goals = d.get("goals")
        if goals is None:
            goals = {}
        if not isinstance(goals, Mapping):
            raise FormError(
                Msg(
                    f"goals 应为对象，实际为{_kind(goals)}",
                    f"goals must be an object, got {_kind_en(goals)}",
                ),
                source=source,
                where="goals",
            )
        return cls(
            indicators=tuple(
                Indicator.from_dict(r, where=f"indicators[{i}]", source=source)
                for i, r in enumerate(rows)
            ),
            project=text_field(d.get("project"), where="project", source=source),
            year=year,
            department=text_field(d.get("department"), where="department", source=source),
            implementer=text_field(d.get("implementer"), where="implementer", source=source),
            budget=Budget.from_dict(budget, source=source) if budget is not None else None,
            goals={
                text_field(k, where="goals", source=source): text_field(
                    v, where=f"goals.{k}", source=source
                )
                for k, v in goals.items()
            },
            total=_readable(d.get("total"), "total", "total", source, bad),
            source=source,
            grade=text_field(d.get("grade"), where="grade", source=source),
            unreadable=tuple(bad),
        )


_JSON_PATH = re.compile(r"^indicators\[\d+\]")


def _dec(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")
