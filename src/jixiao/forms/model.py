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
from decimal import Decimal
from typing import Any

import attrs

from jixiao import catalog
from jixiao.errors import FormError
from jixiao.forms.cells import (
    cached_number,
    cell_text,
    decimal_from_float,
    odd_units,
    text_field,
    to_decimal,
    value_kind,
    value_kind_en,
)
from jixiao.i18n import Msg
from jixiao.limits import current as current_limits

__all__ = [
    "Budget",
    "BudgetRow",
    "Form",
    "Indicator",
    "ReadNote",
    "cell_text",
    "decimal_from_float",
    "text_field",
    "to_decimal",
]

_YEAR = re.compile(r"^\s*([0-9]+)\s*(年度|年)?\s*$")


def _raw(value: Any) -> str:
    """A cell's text as written, for an unreadable-cell finding (never longer than 200 chars)."""
    if isinstance(value, int) and value.bit_length() > 13_000:  # str() refuses 4300+ digits
        return f"<{value.bit_length() * 3 // 10}+ 位数字 digits>"
    if isinstance(value, Decimal) and len(value.as_tuple().digits) > 200:
        return f"{value:.6e}"
    text = value if isinstance(value, str) else cell_text(value)
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
            return cached_number(value, where, source)
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


#: The amount cells of the 项目资金 table (年初预算数, 全年预算数, 全年执行数).
_MONEY = ("initial", "annual", "executed")


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
        raw_rows = d.get("rows")
        if raw_rows is None:
            raw_rows = ()
        if not isinstance(raw_rows, list | tuple):
            raise FormError(
                Msg(
                    f"其中行应为列表，实际为{value_kind(raw_rows)}",
                    f"budget rows must be a list, got {value_kind_en(raw_rows)}",
                ),
                source=source,
                where=f"{where}.rows",
            )
        # an amount in 元 among amounts in 万元 (642530元): stripped of its unit it would read
        # 10,000 times too large; such a cell is reported, not read
        odd = set(
            odd_units(
                [((None, k), d.get(k)) for k in _MONEY]
                + [
                    ((i, k), r.get(k))
                    for i, r in enumerate(raw_rows)
                    if isinstance(r, Mapping)
                    for k in _MONEY
                ]
            )
        )

        def num(key: str, *, percent: bool = False) -> Decimal | None:
            if (None, key) in odd:
                bad.append((key, _raw(d.get(key))))
                return None
            return _readable(d.get(key), key, f"{where}.{key}", source, bad)

        rows = []
        for i, r in enumerate(raw_rows):
            rw = f"{where}.rows[{i}]"
            if not isinstance(r, Mapping):
                raise FormError(
                    Msg("其中行应为对象", "a budget sub-row must be an object"),
                    source=source,
                    where=rw,
                )
            rbad: list[tuple[str, str]] = []
            amounts: dict[str, Decimal | None] = {}
            for k in _MONEY:
                if (i, k) in odd:
                    rbad.append((k, _raw(r.get(k))))
                    amounts[k] = None
                else:
                    amounts[k] = _readable(r.get(k), k, f"{rw}.{k}", source, rbad)
            rows.append(
                BudgetRow(
                    name=text_field(r.get("name"), where=f"{rw}.name", source=source),
                    initial=amounts["initial"],
                    annual=amounts["annual"],
                    executed=amounts["executed"],
                    where=rw,
                    unreadable=tuple(rbad),
                    cells={k: f"{rw}.{k}" for k in _MONEY},
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
                    f"goals 应为对象，实际为{value_kind(goals)}",
                    f"goals must be an object, got {value_kind_en(goals)}",
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
