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
    "row_status",
    "severity_text",
    "t",
    "verification_line",
]

LABELS: dict[str, tuple[str, str]] = {
    "level1": ("一级指标", "Level 1"),
    "level2": ("二级指标", "Level 2"),
    "level3": ("三级指标", "Indicator"),
    "target": ("年度指标值", "Target"),
    "actual": ("实际完成值", "Actual"),
    "weight": ("分值", "Weight"),
    "claimed": ("自评得分", "Claimed"),
    "computed": ("复核得分", "Computed"),
    "rule": ("规则", "Rule"),
    "check": ("复核", "Check"),
    "verified": ("核实", "Verified"),
    "verified_yes": ("✓ 已核实", "✓ verified"),
    "verified_no": ("? 未核实", "? unverified"),
    "partial": ("部分合计", "partial"),
    "unverified_points": ("未核实分数", "Unverified points"),
    "budget": ("预算执行率", "Budget execution"),
    "rate": ("执行率", "Rate"),
    "subtotal": ("小计", "Subtotal"),
    "total": ("总分", "Total"),
    "claimed_total": ("自评总分", "Claimed total"),
    "computed_total": ("复核总分", "Computed total"),
    "grade": ("等级", "Grade"),
    "findings": ("复核发现", "Findings"),
    "no_findings": ("未发现问题", "No findings"),
    "code": ("代码", "Code"),
    "severity": ("级别", "Severity"),
    "where": ("位置", "Location"),
    "message": ("说明", "Message"),
    "form": ("表单", "Form"),
    "file": ("文件", "File"),
    "errors": ("错误", "Errors"),
    "warnings": ("警告", "Warnings"),
    "infos": ("提示", "Info"),
    "policy": ("评分策略", "Policy"),
    "project": ("项目名称", "Project"),
    "department": ("主管部门", "Department"),
    "implementer": ("实施单位", "Implementer"),
    "year": ("年度", "Year"),
    "source": ("来源文件", "Source"),
    "explanation": ("得分说明", "Explanation"),
    "steps": ("计算步骤", "Steps"),
    "report_title": ("项目支出绩效自评复核报告", "Performance self-evaluation review"),
    "summary": ("汇总", "Summary"),
    "unreadable": ("读取失败", "unreadable"),
    "sections": ("一级指标小计", "Section subtotals"),
    "indicators": ("绩效指标", "Indicators"),
    "budget_line": ("预算执行", "Budget execution"),
    "totals": ("总分与等级", "Total and grade"),
    "results_sheet": ("复核结果", "Review results"),
    "review_notes": ("复核发现", "Review notes"),
    "how_to_read": ("如何阅读", "How to read"),
    "kind": ("类型", "Kind"),
    "op": ("比较符", "Op"),
    "value": ("数值", "Value"),
    "unit": ("单位", "Unit"),
    "canonical": ("规范写法", "Canonical text"),
    "cell": ("单元格", "Cell"),
    "forms_scored": ("张表已评分", "form(s) scored"),
    "files_failed": ("个文件读取失败", "file(s) could not be read"),
}

SEVERITY_ORDER = SEVERITIES
_SEVERITY: dict[str, tuple[str, str]] = {
    "error": ("错误", "error"),
    "warning": ("警告", "warning"),
    "info": ("提示", "info"),
}
_GRADE_EN = {"优": "excellent", "良": "good", "中": "fair", "差": "poor"}


def t(key: str, lang: str = "zh") -> str:
    """A heading in the chosen language (``zh`` by default)."""
    zh, en = LABELS[key]
    return en if lang == "en" else zh


def severity_text(severity: str, lang: str = "zh") -> str:
    zh, en = _SEVERITY.get(severity, (severity, severity))
    return en if lang == "en" else zh


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


def verification_line(result: FormResult, lang: str = "zh") -> str:
    """``已核实 13/15 行；未核实 2 行，总分中 6.00 分依赖未核实的自评`` for every report's summary."""
    v = result.verification()
    n, ok, bad, points = v["rows"], v["verified"], v["unverified"], v["unverified_points"]
    if lang == "en":
        text = f"Verified {ok}/{n} rows; {bad} unverified, {points} points of the total rest on unverified claims"
        if not v["budget_verified"]:
            text += " (budget execution unverified)"
        if result.partial:
            text += "; the total is partial and no grade is given"
        return text
    text = f"已核实 {ok}/{n} 行；未核实 {bad} 行，总分中 {points} 分依赖未核实的自评"
    if not v["budget_verified"]:
        text += "（预算执行未核实）"
    if result.partial:
        text += "；总分仅为部分合计，不评定等级"
    return text


def finding_place(f: Finding, lang: str = "zh", name: str = "") -> str:
    """Where a finding is, as a person reads it: ``第3行「执法资格培训通过率」 indicators[2].score``."""
    label = f.label(lang)
    if not label and name:
        label = f"「{name}」" if lang != "en" else f'"{name}"'
    return f"{label} {f.where}".strip() if label else f.where


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
