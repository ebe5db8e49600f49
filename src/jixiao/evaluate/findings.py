"""Audit findings, the built-in finding codes, arithmetic steps and number formatting."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs

from jixiao import catalog
from jixiao.decimals import in_context
from jixiao.errors import FormError
from jixiao.forms.cells import money_unit, to_decimal
from jixiao.i18n import Msg
from jixiao.policy.compiler import Ctx
from jixiao.policy.model import CompiledRule, Policy
from jixiao.targets.ast import Range
from jixiao.units import Unit

# code: (severity, 中文说明, English description)
# The codes live in jixiao.catalog (add new ones there); this name is kept for callers.
BUILTIN_CODES = catalog.BUILTIN_CODES

# The codes whose presence on a row makes it unverified, and those whose severity a policy may
# set: properties of the codes in jixiao.catalog (``unverifying``, ``settable``).
UNVERIFYING_CODES: frozenset[str] = catalog.UNVERIFYING_CODES
SEVERITY_SETTABLE: frozenset[str] = catalog.SEVERITY_SETTABLE

# How a score may be reached for the row to count as verified: a formula over the cells, or a
# tier read from the actual's words, status, date, scale position or its echo of the target.
# ``claimed`` (the tier the claimed score lies in) and ``unscored`` never verify a row.
VERIFIED_BASES: frozenset[str] = frozenset(
    {"formula", "words", "status", "deadline", "echo", "scale"}
)


SEVERITIES = catalog.SEVERITIES


def fmt_decimal(value: Decimal | None) -> str | None:
    if value is None:
        return None
    text = format(value, "f")
    return text


_fmt = fmt_decimal


def quantize_shown(value: Decimal, quantum: Decimal) -> Decimal:
    """*value* rounded to *quantum* for display; unchanged when that needs more than Decimal's
    28 digits (a claimed score of 1e40 is shown as written rather than failing the report)."""
    try:
        return value.quantize(quantum)
    except ArithmeticError:
        return value


_q = quantize_shown


def plain_number(value: Decimal | None) -> str:
    """A weight or number for a sentence: ``10`` rather than ``10.00``."""
    if value is None:
        return "—"
    if value == value.to_integral_value():
        return format(_q(value, Decimal(1)), "f")
    return format(value.normalize(), "f")


_plain = plain_number


@attrs.frozen(slots=True)
class Finding:
    """One thing the audit found: a stable code, a severity, where, and a message in both languages."""

    code: str
    severity: str
    zh: str
    en: str
    where: str = ""
    rule: str | None = None
    row: int | None = None
    name: str = ""

    @in_context
    def message(self, lang: str = "zh") -> str:
        return self.en if lang == "en" else self.zh

    def label(self, lang: str = "zh") -> str:
        """The row as a person names it: ``第3行「执法资格培训通过率」`` (``row 3 "…"`` in English);
        ``""`` for a finding on the form or the budget."""
        if self.row is None:
            return ""
        if lang == "en":
            return f'row {self.row} "{self.name}"' if self.name else f"row {self.row}"
        return f"第{self.row}行「{self.name}」" if self.name else f"第{self.row}行"

    @in_context
    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        out: dict[str, Any] = {
            "code": self.code,
            "severity": self.severity,
            "message": self.message(lang),
            "where": self.where,
        }
        if self.row is not None:
            out["row"] = self.row
            out["name"] = self.name
            out["label"] = self.label(lang)
        if self.rule:
            out["rule"] = self.rule
        return out


def finding(
    code: str,
    where: str,
    /,
    *,
    variant: str = "",
    severity: str | None = None,
    rule_at: str | None = None,
    **fields: object,
) -> Finding:
    """The built-in finding *code* at *where*: its message is the catalog's template for
    *variant* (``""`` the usual situation) with *fields* filled in, its severity the catalog's
    unless *severity* is given (a policy's ``severity`` line, a reason a rule requires).

    >>> finding("TOTAL_MISMATCH", "total", claimed="100", computed="99.09").message("en")
    'claimed total 100, computed total 99.09'
    """
    text = catalog.message(code, variant, **fields)
    return finding_of(code, text, where, severity=severity, rule_at=rule_at)


def finding_of(
    code: str,
    text: Msg,
    where: str,
    *,
    severity: str | None = None,
    rule_at: str | None = None,
) -> Finding:
    """The built-in finding *code* with a message already made from the catalog (a form
    reader's note, the policy chosen) or written by a policy's author (``unscored "…"``)."""
    return Finding(
        code, severity or catalog.CATALOG[code].severity, text.zh, text.en, where, rule_at
    )


def builtin_finding(
    code: str, zh: str, en: str, where: str, severity: str | None = None
) -> Finding:
    """A built-in finding with its text given (kept for callers; jixiao raises its own findings
    with :func:`finding`, whose text comes from the catalog)."""
    return finding_of(code, Msg(zh, en), where, severity=severity)


def with_severities(severities: Mapping[str, str], findings: list[Finding]) -> list[Finding]:
    """*findings* with the policy's ``severity CODE level`` lines applied to built-in codes."""
    if not severities:
        return findings
    return [
        Finding(f.code, severities[f.code], f.zh, f.en, f.where, f.rule, f.row, f.name)
        if f.rule is None and f.code in severities and f.severity != severities[f.code]
        else f
        for f in findings
    ]


# What a person calls each number cell of a form, for unreadable-cell findings.
CELL_LABELS: dict[str, tuple[str, str]] = {
    "weight": ("分值", "weight"),
    "score": ("得分", "score"),
    "total": ("总分", "total"),
    "year": ("年度", "year"),
    "initial": ("年初预算数", "initial budget"),
    "annual": ("全年预算数", "annual budget"),
    "executed": ("全年执行数", "executed amount"),
    "rate": ("执行率", "execution rate"),
    "name": ("三级指标", "indicator name"),
    "target": ("年度指标值", "target"),
    "actual": ("实际完成值", "actual"),
    "reason": ("偏差原因分析及改进措施", "reason"),
}


def policy_word(policy: Policy | None, name: str) -> Msg:
    """A rule, tier or grade name of *policy* as a message field: the name, and its English
    label under ``en`` when the policy gives one (:meth:`Policy.label`)."""
    return Msg(name, policy.label(name, "en") if policy is not None else name)


def rule_title(rule: CompiledRule) -> Msg:
    """A rule's name as a message field (its English label under ``en``, when it has one)."""
    return Msg(rule.name, rule.title("en"))


def cell_label(field: str) -> Msg:
    """What a person calls the cell *field* (:data:`CELL_LABELS`; the field itself if unknown)."""
    zh, en = CELL_LABELS.get(field, (field, field))
    return Msg(zh, en)


def _reads(raw: str) -> bool:
    try:
        return to_decimal(raw, where="") is not None
    except FormError:
        return False


def unreadable_cell(field: str, raw: str, where: str) -> Finding:
    """The UNREADABLE_CELL error for a number cell that holds *raw*: what it says, where, and
    what would be valid."""
    if field == "year":
        variant = "year"
    elif raw.startswith("="):
        variant = "formula"
    elif "," in raw or "，" in raw:
        variant = "separators"
    elif money_unit(raw) is not None and _reads(raw):
        variant = "unit"  # a number in 元 among amounts in 万元 (odd_units)
    else:
        variant = ""
    return finding("UNREADABLE_CELL", where, variant=variant, label=cell_label(field), raw=raw)


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


def fresh_copy(value: Any) -> Any:
    """A copy of a cached JSON-ready value, so a caller may change what to_dict returns."""
    if type(value) is dict:
        return {k: _fresh(v) for k, v in value.items()}
    if type(value) is list:
        return [_fresh(v) for v in value]
    return value


_fresh = fresh_copy


QUANTITY_REFS = frozenset({"actual", "target", "target.value", "target.low", "target.high"})

_QUANTITY_REFS = QUANTITY_REFS


def display_unit(ctx: Ctx) -> Unit | None:
    """The unit the target cell is written in (or, for a bare target, the actual's)."""
    for node in (ctx.target, ctx.actual):
        q = node.low_quantity if isinstance(node, Range) else getattr(node, "quantity", None)
        if q is not None and q.unit is not None:
            unit: Unit = q.unit
            return unit
    return None


_display_unit = display_unit


def value_text(v: Any) -> str:
    """A value for the trace: exact Decimals are shown in full, long expansions to 12 places."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, Decimal):
        exponent = v.as_tuple().exponent
        if isinstance(exponent, int) and exponent < -12:
            v = _q(v, Decimal("1e-12"))
        return format(v.normalize(), "f")
    return str(v)


_value_text = value_text


def format_template(template: str, fields: Mapping[str, str]) -> str:
    try:
        return template.format_map(fields)  # str.format's own parser, in C
    except (KeyError, IndexError, ValueError):  # pragma: no cover - templates are checked at load
        return template


_format = format_template
