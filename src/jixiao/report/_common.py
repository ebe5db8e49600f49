"""What every rendering shares: headings in both languages, number formats, batch entries."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

import attrs

from jixiao.catalog import SEVERITIES
from jixiao.decimals import in_context
from jixiao.errors import ReportError
from jixiao.evaluate import FormResult
from jixiao.i18n import HEADINGS, Msg, heading, place_text, tr, word

if TYPE_CHECKING:
    from jixiao.evaluate import Finding, IndicatorResult
    from jixiao.policy.model import Policy

__all__ = [
    "SEVERITY_ORDER",
    "BatchEntry",
    "ReportError",
    "as_results",
    "cell_ref",
    "check_mark",
    "finding_place",
    "fmt_rate",
    "fmt_score",
    "fmt_weight",
    "form_label",
    "grade_text",
    "policy_title",
    "row_status",
    "severity_text",
    "t",
    "verification_line",
]

#: Every report's headings (terminal, Markdown, workbook, workbench): :data:`jixiao.i18n.HEADINGS`.
LABELS = HEADINGS

SEVERITY_ORDER = SEVERITIES
_GRADE_EN = {"优": "excellent", "良": "good", "中": "fair", "差": "poor"}


def t(key: str, lang: str = "zh") -> str:
    """A heading in the chosen language (``zh`` by default): :func:`jixiao.i18n.heading`."""
    return heading(key, lang)


def policy_title(policy: Policy, lang: str = "zh") -> str:
    """The policy author's own title: the English one under ``en`` when the file gives one."""
    return tr((policy.title[0], policy.title[1] or policy.title[0]), lang)


def severity_text(severity: str, lang: str = "zh") -> str:
    """``错误`` / ``error`` …: the severity words of :data:`jixiao.i18n.WORDS`."""
    return word(severity, lang) if severity in SEVERITIES else severity


def grade_text(grade: str | None, lang: str = "zh", policy: Policy | None = None) -> str:
    """``优`` in Chinese, ``优 (excellent)`` in English (the policy's own English label when it
    gives one: ``excellent``); ``—`` when no band applies."""
    if not grade:
        return "—"
    if lang == "en" and policy is not None and grade in policy.labels:
        return str(policy.labels[grade])
    if lang == "en" and grade in _GRADE_EN:
        return f"{grade} ({_GRADE_EN[grade]})"
    return grade


@in_context
def fmt_score(value: Decimal | None, places: int = 2) -> str:
    """A score as printed on the form: ``9.71``, ``5.00``; ``—`` when there is none."""
    if value is None:
        return "—"
    return format(value.quantize(Decimal(1).scaleb(-places)), "f")


@in_context
def fmt_weight(value: Decimal | None) -> str:
    """A weight without trailing zeros: ``10``, ``2.5``."""
    if value is None:
        return "—"
    if value == value.to_integral_value():
        return format(value.quantize(Decimal(1)), "f")
    return format(value.normalize(), "f")


@in_context
def fmt_rate(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:f}%"


def form_label(result: FormResult) -> str:
    """How a form is named in summaries: its project, else its source file."""
    form = result.form
    if form.project:
        return form.project
    return form.source or "—"


def row_status(findings: Iterable[Finding]) -> str:
    """``error`` / ``warning`` / ``ok`` for a row, by its worst finding (info does not count)."""
    severities = {f.severity for f in findings}
    if "error" in severities:
        return "error"
    if "warning" in severities:
        return "warning"
    return "ok"


STATUS_MARK = {"error": "✗", "warning": "!", "ok": "✓"}
#: Put before a row's status mark when its score is not verified from its cells (``?!``, ``?✗``).
UNVERIFIED_MARK = "?"


def check_mark(findings: Iterable[Finding], verified: bool) -> str:
    """A row's mark at a glance: ``✓`` verified and clean, ``!``/``✗`` verified with a warning or
    error, ``?!``/``?✗`` not verified from its cells (such a row always has a warning or error)."""
    mark = STATUS_MARK[row_status(findings)]
    return mark if verified else UNVERIFIED_MARK + (mark if mark != "✓" else "!")


VERIFIED_LINE = Msg(
    "已核实 {ok}/{n} 行；未核实 {bad} 行，总分中 {points} 分来自未核实的行",
    "Verified {ok}/{n} rows; {bad} unverified, {points} points of the total come from unverified "
    "rows",
)
BUDGET_UNVERIFIED = Msg("（预算执行未核实）", " (budget execution unverified)")
PARTIAL_TOTAL = Msg(
    "；总分仅为部分合计，不评定等级", "; the total is partial and no grade is given"
)


def verification_line(result: FormResult, lang: str = "zh") -> str:
    """``已核实 13/15 行；未核实 2 行，总分中 6.00 分来自未核实的行`` for every report's summary."""
    v = result.verification()
    text = VERIFIED_LINE.text(
        lang, ok=v["verified"], n=v["rows"], bad=v["unverified"], points=v["unverified_points"]
    )
    if not v["budget_verified"]:
        text += BUDGET_UNVERIFIED.text(lang)
    if result.partial:
        text += PARTIAL_TOTAL.text(lang)
    return text


def finding_place(f: Finding, lang: str = "zh", name: str = "") -> str:
    """Where a finding is, as a person reads it: ``第3行「执法资格培训通过率」 indicators[2].score``."""
    label = f.label(lang)
    if not label and name:
        label = f"「{name}」" if lang != "en" else f'"{name}"'
    where = place_text(f.where, lang)
    return f"{label} {where}".strip() if label else where


def rule_name(r: IndicatorResult, lang: str = "zh") -> str:
    """The rule's name, in English under ``en`` when the policy labels it."""
    return r.rule.title(lang) if r.rule is not None else "—"


@attrs.frozen
class BatchEntry:
    """One input file's outcome in a batch: a scored form, or the reason the file failed."""

    source: str
    result: FormResult | None = None
    error: str | None = None

    @property
    def failed(self) -> bool:
        return self.result is None


def as_results(results: FormResult | Sequence[FormResult]) -> list[FormResult]:
    if isinstance(results, FormResult):
        return [results]
    return list(results)


_CELL = re.compile(r"^(?:'((?:[^']|'')+)'|([^'!][^!]*))!\$?([A-Za-z]{1,3})\$?(\d+)$")


def cell_ref(where: str) -> tuple[str, str, int] | None:
    """``Sheet!G12`` / ``'My sheet'!G12`` → (sheet, column letters, row); None otherwise.

    >>> cell_ref("绩效自评表!H13"), cell_ref("'a b'!C2"), cell_ref("indicators[3].score")
    (('绩效自评表', 'H', 13), ('a b', 'C', 2), None)
    """
    m = _CELL.match(where.strip())
    if m is None:
        return None
    sheet = m.group(1).replace("''", "'") if m.group(1) is not None else m.group(2)
    return sheet, m.group(3).upper(), int(m.group(4))
