"""The typed AST of a 年度指标值 (target) or 实际完成值 (actual) cell.

Nodes are frozen, slotted attrs classes. Source spans are kept but are not part of equality, so
``parse_target("≥ 45 人") == parse_target("不少于45人")``. Every node renders to a canonical text
(:meth:`render`) that parses back to an equal node, and to a JSON-ready dict (:meth:`to_dict`)
whose documented keys never change.
"""

from __future__ import annotations

import calendar
from decimal import Decimal
from typing import Any, ClassVar, Literal, get_args

import attrs

from jixiao.errors import UnitMismatchError
from jixiao.units import DIMENSIONLESS, Unit

__all__ = [
    "ACTUAL_KINDS",
    "NUMERIC_KINDS",
    "OPS",
    "TARGET_KINDS",
    "Actual",
    "Amount",
    "Approx",
    "Comparison",
    "Deadline",
    "DeadlineRelation",
    "Empty",
    "Node",
    "Op",
    "Outcome",
    "OutcomeStatus",
    "Qualitative",
    "Quantity",
    "Range",
    "Target",
    "dec_str",
]

Op = Literal[">=", ">", "<=", "<", "="]
OPS: tuple[Op, ...] = (">=", ">", "<=", "<", "=")
_OP_GLYPH: dict[str, str] = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "=": "="}
Span = tuple[int, int]


def dec_str(value: Decimal) -> str:
    """A Decimal as plain digits, never in exponent form (``Decimal('1E+4')`` → ``'10000'``)."""
    text = format(value, "f")
    return text


def _span() -> Any:
    return attrs.field(default=None, eq=False, repr=False, kw_only=True)


@attrs.frozen(slots=True)
class Quantity:
    """A number in a unit (``None`` when no unit is written). Compares exactly across a dimension.

    >>> from jixiao.units import lookup_unit
    >>> Quantity(Decimal("64.253"), lookup_unit("万元")) == Quantity(Decimal("642530"), lookup_unit("元"))
    False
    >>> Quantity(Decimal("64.253"), lookup_unit("万元")).compare(Quantity(Decimal("642530"), lookup_unit("元")))
    0
    """

    value: Decimal
    unit: Unit | None = None

    @property
    def dimension(self) -> str:
        return self.unit.dimension if self.unit is not None else DIMENSIONLESS

    @property
    def base(self) -> Decimal:
        """The value in the dimension's base unit (元, 米, 亩, or a plain fraction for %)."""
        return self.value * self.unit.factor if self.unit is not None else self.value

    def check_dimension(self, other: Quantity) -> None:
        if self.dimension != other.dimension:
            raise UnitMismatchError(
                self.unit.symbol if self.unit else "（无单位）",
                other.unit.symbol if other.unit else "（无单位）",
            )

    def compare(self, other: Quantity) -> int:
        """-1, 0 or 1, exactly; raises :class:`UnitMismatchError` across dimensions."""
        self.check_dimension(other)
        a, b = self.base, other.base
        return (a > b) - (a < b)

    def in_unit_of(self, other: Quantity) -> Decimal:
        """This quantity's value expressed in *other*'s unit (same dimension required)."""
        self.check_dimension(other)
        factor = other.unit.factor if other.unit is not None else Decimal(1)
        return self.base / factor

    def with_unit(self, unit: Unit | None) -> Quantity:
        return Quantity(self.value, unit)

    def render(self) -> str:
        return dec_str(self.value) + (self.unit.symbol if self.unit is not None else "")

    def to_dict(self) -> dict[str, Any]:
        return {"value": dec_str(self.value), "unit": self.unit.symbol if self.unit else None}


@attrs.frozen(slots=True)
class Node:
    """Base of every cell node."""

    kind: ClassVar[str] = "node"

    def render(self) -> str:  # pragma: no cover - every subclass overrides
        raise NotImplementedError

    def to_dict(self) -> dict[str, Any]:  # pragma: no cover - every subclass overrides
        raise NotImplementedError

    @property
    def quantity(self) -> Quantity | None:
        """The number this cell states, if any (the bound of a comparison, the amount …)."""
        return None


@attrs.frozen(slots=True)
class Comparison(Node):
    """``≥45人``, ``不超过64.253万元``, ``60%及以上``: a bound with a comparator.

    ``op`` says whether the bound is included (《民法典》第1259条: 以上/以下/以内 include the number;
    超过/不满/高于/低于 exclude it). ``label`` is text written before the bound (``合格率``) and
    ``note`` text written after it (``覆盖``); both are kept for rendering. ``reading`` and
    ``candidates`` say how an actual's quantity was read (see :data:`Reading`).
    """

    kind: ClassVar[str] = "comparison"
    op: Op
    amount: Quantity
    label: str | None = None
    note: str | None = None
    reading: Reading | None = None
    candidates: tuple[Quantity, ...] = ()
    span: Span | None = _span()

    @property
    def value(self) -> Decimal:
        return self.amount.value

    @property
    def unit(self) -> Unit | None:
        return self.amount.unit

    @property
    def inclusive(self) -> bool:
        return self.op in (">=", "<=", "=")

    @property
    def quantity(self) -> Quantity:
        return self.amount

    def render(self) -> str:
        return (self.label or "") + _OP_GLYPH[self.op] + self.amount.render() + (self.note or "")

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "op": self.op, **self.amount.to_dict()}
        out["inclusive"] = self.inclusive
        if self.label:
            out["label"] = self.label
        if self.note:
            out["note"] = self.note
        _reading_dict(out, self.reading, self.candidates)
        return out


#: How an actual's quantity was read, when not simply as written:
#:
#: - ``extracted``: the one quantity comparable with the target in a longer text (``40人（含补训3
#:   人）``, ``40人，部分学员因疫情未能参训``); the words around it are the ``label`` and ``note``
#:   (for a date under a deadline target, the ``prefix`` and ``suffix``);
#: - ``chosen``: one of several comparable quantities (``计划50人，实际40人``), the one written
#:   after 实际/完成; all of them are in ``candidates``;
#: - ``fraction``: a bare number in [0, 1] under a percent target, read as a fraction
#:   (``0.95`` under ``≥90%`` → 95%);
#: - ``fraction_or_percent``: the same under a small percent target (a bound ≤ 10%), where the
#:   number may as well be a percent (``1`` under ``≥1%``): the value is as written, both readings
#:   are in ``candidates``, and the row is not scored.
Reading = Literal["extracted", "chosen", "fraction", "fraction_or_percent"]


def _reading_dict(
    out: dict[str, Any], reading: str | None, candidates: tuple[Quantity, ...]
) -> None:
    if reading:
        out["reading"] = reading
    if candidates:
        out["candidates"] = [q.to_dict() for q in candidates]


Approx = Literal["about", "near", "over", "under"]


@attrs.frozen(slots=True)
class Amount(Node):
    """A quantity with no comparator: ``100%``, ``45人``, ``550万粒``; in actuals also
    approximations (``约45人`` / ``45人左右`` → ``about``, ``将近100人`` / ``接近100%`` → ``near``:
    close to the number and short of it, ``200余人`` → ``over``, ``不到200人`` → ``under``)."""

    kind: ClassVar[str] = "quantity"
    amount: Quantity
    approx: Approx | None = None
    label: str | None = None
    note: str | None = None
    reading: Reading | None = None
    candidates: tuple[Quantity, ...] = ()
    span: Span | None = _span()

    @property
    def value(self) -> Decimal:
        return self.amount.value

    @property
    def unit(self) -> Unit | None:
        return self.amount.unit

    @property
    def quantity(self) -> Quantity:
        return self.amount

    def render(self) -> str:
        if self.approx == "over":
            # 200余人: the 余 goes between number and unit
            body = dec_str(self.amount.value) + "余" + (self.unit.symbol if self.unit else "")
        elif self.approx == "about":
            body = "约" + self.amount.render()
        elif self.approx == "near":
            body = "近" + self.amount.render()
        elif self.approx == "under":
            body = "不到" + self.amount.render()
        else:
            body = self.amount.render()
        return (self.label or "") + body + (self.note or "")

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, **self.amount.to_dict()}
        if self.approx:
            out["approx"] = self.approx
        if self.label:
            out["label"] = self.label
        if self.note:
            out["note"] = self.note
        _reading_dict(out, self.reading, self.candidates)
        return out


@attrs.frozen(slots=True)
class Range(Node):
    """``90%-100%``, ``3～5次``, ``18—54周岁``: both ends included unless written otherwise."""

    kind: ClassVar[str] = "range"
    low: Decimal
    high: Decimal
    unit: Unit | None = None
    low_inclusive: bool = True
    high_inclusive: bool = True
    label: str | None = None
    note: str | None = None
    span: Span | None = _span()

    @property
    def low_quantity(self) -> Quantity:
        return Quantity(self.low, self.unit)

    @property
    def high_quantity(self) -> Quantity:
        return Quantity(self.high, self.unit)

    @property
    def quantity(self) -> Quantity:
        return self.low_quantity

    def render(self) -> str:
        unit = self.unit.symbol if self.unit else ""
        return f"{self.label or ''}{dec_str(self.low)}-{dec_str(self.high)}{unit}{self.note or ''}"

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "kind": self.kind,
            "low": dec_str(self.low),
            "high": dec_str(self.high),
            "unit": self.unit.symbol if self.unit else None,
        }
        if self.label:
            out["label"] = self.label
        if self.note:
            out["note"] = self.note
        return out


DeadlineRelation = Literal["by", "before", "at"]


@attrs.frozen(slots=True)
class Deadline(Node):
    """A date or deadline: ``2023年12月底前``, ``12月31日前``, ``9月前``, ``2023年12月``.

    ``relation`` is ``by`` (on or before the date: 底前, 日前, 之前 after a full date; 9月内;
    不晚于/截至 …; a period), ``before`` (strictly before: ``9月前`` is before September;
    早于12月31日) or ``at`` (a date with no 前, as written in a target like ``2023年12月`` or an
    actual like ``2023年10月``). ``end_of_month`` records 底/末; :attr:`day` then reports the
    month's last day. ``start`` holds the first date of a period (``2021.1.1-12.31``), ``goal`` a
    quantity fused with the deadline (``11月底完成100%``), ``prefix``/``suffix`` the words around
    the date (``均在`` … ``完成``). ``year_offset`` is 1 for a year written relative to the budget
    year (``次年1月``, ``下一年度3月底前``, ``翌年``); ``year`` is then None. ``reading`` is
    ``extracted`` for the one date of an actual's sentence (``于2023年11月完成，比计划提前``).
    """

    kind: ClassVar[str] = "deadline"
    year: int | None = None
    month: int | None = None
    written_day: int | None = None
    end_of_month: bool = False
    relation: DeadlineRelation = "by"
    year_offset: int = 0
    start: tuple[int | None, int | None, int | None] | None = None
    goal: Comparison | Amount | None = None
    prefix: str | None = None
    suffix: str | None = None
    reading: Reading | None = None
    span: Span | None = _span()

    @property
    def day(self) -> int | None:
        if self.written_day is not None:
            return self.written_day
        if self.end_of_month and self.month is not None:
            return calendar.monthrange(self.year or 2001, self.month)[1]
        return None

    @property
    def quantity(self) -> Quantity | None:
        return self.goal.quantity if self.goal is not None else None

    def sort_key(self) -> tuple[int, int, int]:
        """A comparable (month, day) position in the year; unknown day → end of the month."""
        month = self.month or 12
        day = self.day or calendar.monthrange(self.year or 2001, month)[1]
        return (self.year or self.year_offset, month, day)

    def render(self) -> str:
        """Canonical text: ``2023年12月底前``, ``9月前``, ``9月内`` (by the end of September),
        ``早于12月31日`` (strictly before a day), ``2021年1月1日-12月31日`` (a period)."""
        parts = [self.prefix or ""]
        if self.start is not None:
            sy, sm, sd = self.start
            parts.append(_date_text(sy, sm, sd, False))
            parts.append("-")
            year = self.year if self.year != sy else None
            end = _date_text(year, self.month, self.written_day, self.end_of_month)
            parts.append(("次年" if self.year_offset else "") + end)
        else:
            date = _date_text(self.year, self.month, self.written_day, self.end_of_month)
            if self.year_offset:
                date = "次年" + date
            precise = self.written_day is not None or self.end_of_month
            if self.relation == "before" and precise:
                parts.append("早于" + date)
            else:
                parts.append(date)
                if self.relation == "by":
                    parts.append("前" if precise else "内")
                elif self.relation == "before":
                    parts.append("前")
        if self.goal is not None:
            # a goal with words of its own (可完成100人) renders them in place of 完成
            parts.append(("" if self.goal.label else "完成") + self.goal.render())
        parts.append(self.suffix or "")
        return "".join(parts)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "kind": self.kind,
            "year": self.year,
            "month": self.month,
            "day": self.day,
            "relation": self.relation,
        }
        if self.year_offset:
            out["year_offset"] = self.year_offset
        if self.end_of_month:
            out["end_of_month"] = True
        if self.start is not None:
            out["start"] = {"year": self.start[0], "month": self.start[1], "day": self.start[2]}
        if self.goal is not None:
            out["goal"] = self.goal.to_dict()
        if self.prefix:
            out["prefix"] = self.prefix
        if self.suffix:
            out["suffix"] = self.suffix
        if self.reading:
            out["reading"] = self.reading
        return out


def _date_text(year: int | None, month: int | None, day: int | None, end_of_month: bool) -> str:
    out = f"{year}年" if year is not None else ""
    if month is not None:
        out += f"{month}月"
        if end_of_month:
            out += "底"
        elif day is not None:
            out += f"{day}日"
    return out


@attrs.frozen(slots=True)
class Qualitative(Node):
    """Text that states a goal in words (``效果明显``), kept verbatim. ``declared`` is set when
    the cell carried the ``定性`` marker that extraction glues on; ``scale`` holds a grade scale
    written where a target should be (``优良中低差`` → ``("优","良","中","低","差")``).
    ``candidates`` holds the quantities an actual's text names when there are several comparable
    with the target and no rule picks one (``男20人女20人``): the row is not scored from them."""

    kind: ClassVar[str] = "qualitative"
    text: str
    scale: tuple[str, ...] | None = None
    declared: bool = False
    candidates: tuple[Quantity, ...] = ()
    span: Span | None = _span()

    def render(self) -> str:
        return ("定性" if self.declared else "") + self.text

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "text": self.text}
        if self.scale is not None:
            out["scale"] = list(self.scale)
        if self.declared:
            out["declared"] = True
        if self.candidates:
            out["candidates"] = [q.to_dict() for q in self.candidates]
        return out


OutcomeStatus = Literal["done", "partial", "not_done", "in_progress"]


@attrs.frozen(slots=True)
class Outcome(Node):
    """An actual that reports completion in words: ``达成预期指标``, ``已完成``, ``基本完成``,
    ``未完成``, ``建设中``. The policy's word lists decide the tier; ``status`` is the parser's
    reading of the word."""

    kind: ClassVar[str] = "outcome"
    text: str
    status: OutcomeStatus
    span: Span | None = _span()

    def render(self) -> str:
        return self.text

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "text": self.text, "status": self.status}


@attrs.frozen(slots=True)
class Empty(Node):
    """A blank cell, or one that holds only a placeholder (``/``, ``-``, ``—``, ``一``, ``无``)."""

    kind: ClassVar[str] = "empty"
    text: str = attrs.field(default="", eq=False)
    span: Span | None = _span()

    def render(self) -> str:
        return ""

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind}


Target = Comparison | Amount | Range | Qualitative | Deadline | Empty
Actual = Comparison | Amount | Range | Qualitative | Deadline | Outcome | Empty

#: The kinds of node a 年度指标值 parses to (``node.kind``, ``to_dict()["kind"]``), in one order.
#: The policy language's ``target.kind`` values, the labels of :data:`jixiao.i18n.KINDS` and the
#: generators of :mod:`jixiao.testing` all come from (or are tested against) these.
TARGET_KINDS: tuple[str, ...] = tuple(node.kind for node in get_args(Target))
#: The kinds of node a 实际完成值 parses to: a target's kinds and ``outcome`` (``已完成``).
ACTUAL_KINDS: tuple[str, ...] = tuple(node.kind for node in get_args(Actual))
#: The kinds that state a number to compare against.
NUMERIC_KINDS: tuple[str, ...] = (Comparison.kind, Amount.kind, Range.kind)
