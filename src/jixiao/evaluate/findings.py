"""Audit findings, the built-in finding codes, arithmetic steps and number formatting."""

from __future__ import annotations

import string
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs

from jixiao import catalog
from jixiao._decimal import in_context
from jixiao.policy.compiler import Ctx
from jixiao.targets.ast import Range
from jixiao.units import Unit

# code: (severity, 中文说明, English description)
# The codes live in jixiao.catalog (add new ones there); this name is kept for callers.
BUILTIN_CODES = catalog.BUILTIN_CODES


SEVERITIES = catalog.SEVERITIES


def _fmt(value: Decimal | None) -> str | None:
    if value is None:
        return None
    text = format(value, "f")
    return text


def _q(value: Decimal, quantum: Decimal) -> Decimal:
    """*value* rounded to *quantum* for display; unchanged when that needs more than Decimal's
    28 digits (a claimed score of 1e40 is shown as written rather than failing the report)."""
    try:
        return value.quantize(quantum)
    except ArithmeticError:
        return value


def _plain(value: Decimal | None) -> str:
    """A weight or number for a sentence: ``10`` rather than ``10.00``."""
    if value is None:
        return "—"
    if value == value.to_integral_value():
        return format(_q(value, Decimal(1)), "f")
    return format(value.normalize(), "f")


@attrs.frozen(slots=True)
class Finding:
    """One thing the audit found: a stable code, a severity, where, and a message in both languages."""

    code: str
    severity: str
    zh: str
    en: str
    where: str = ""
    rule: str | None = None

    @in_context
    def message(self, lang: str = "zh") -> str:
        return self.en if lang == "en" else self.zh

    @in_context
    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        out: dict[str, Any] = {
            "code": self.code,
            "severity": self.severity,
            "message": self.message(lang),
            "where": self.where,
        }
        if self.rule:
            out["rule"] = self.rule
        return out


def _builtin(code: str, zh: str, en: str, where: str, severity: str | None = None) -> Finding:
    return Finding(code, severity or BUILTIN_CODES[code][0], zh, en, where)


@attrs.frozen(slots=True)
class Step:
    """One step of the arithmetic: the formula as written, the values it used, its result."""

    label: str
    formula: str
    values: tuple[tuple[str, str], ...]
    result: str
    rounded: str | None = None

    @in_context
    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "step": self.label,
            "formula": self.formula,
            "values": dict(self.values),
            "result": self.result,
        }
        if self.rounded is not None:
            out["rounded"] = self.rounded
        return out


def _fresh(value: Any) -> Any:
    """A copy of a cached JSON-ready value, so a caller may change what to_dict returns."""
    if type(value) is dict:
        return {k: _fresh(v) for k, v in value.items()}
    if type(value) is list:
        return [_fresh(v) for v in value]
    return value


_QUANTITY_REFS = frozenset({"actual", "target", "target.value", "target.low", "target.high"})


def _display_unit(ctx: Ctx) -> Unit | None:
    """The unit the target cell is written in (or, for a bare target, the actual's)."""
    for node in (ctx.target, ctx.actual):
        q = node.low_quantity if isinstance(node, Range) else getattr(node, "quantity", None)
        if q is not None and q.unit is not None:
            unit: Unit = q.unit
            return unit
    return None


def _value_text(v: Any) -> str:
    """A value for the trace: exact Decimals are shown in full, long expansions to 12 places."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, Decimal):
        exponent = v.as_tuple().exponent
        if isinstance(exponent, int) and exponent < -12:
            v = _q(v, Decimal("1e-12"))
        return format(v.normalize(), "f")
    return str(v)


def _format(template: str, fields: Mapping[str, str]) -> str:
    try:
        return string.Formatter().vformat(template, (), dict(fields))
    except (KeyError, IndexError, ValueError):  # pragma: no cover - templates are checked at load
        return template


_stronger = catalog.stronger
