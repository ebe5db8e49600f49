"""A Markdown report to paste into a 自评报告: header, indicator table, budget, totals, findings.

Headings are Chinese by default and English with ``lang="en"``; the form's own texts (indicator
names, targets) stay as written.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from jixiao.decimals import in_context
from jixiao.escape import markdown_text
from jixiao.i18n import Msg, heading, section_label
from jixiao.report._common import (
    BatchEntry,
    as_results,
    check_mark,
    finding_place,
    fmt_rate,
    fmt_score,
    fmt_weight,
    form_label,
    grade_text,
    policy_title,
    rule_name,
    severity_text,
    t,
    verification_line,
)

if TYPE_CHECKING:
    from jixiao.evaluate import FormResult, IndicatorResult

__all__ = ["markdown_report"]

_BY_RULE = Msg("（规则：{rule}）", " (rule {rule})")
_YEAR = Msg("（{year}年度）", " ({year})")
_BUDGET_LINE = Msg(
    "执行率 {rate}，复核得分 **{score}**（自评 {claimed}，分值 {weight}）。",
    "Execution rate {rate}; computed score **{score}** (claimed {claimed}, weight {weight}).",
)
_TOTAL_LINE = Msg(
    "复核总分 **{total}**（满分 {full}，自评 {claimed}），等级 **{grade}**。",
    "Computed total **{total}** of {full} (claimed {claimed}); grade **{grade}**.",
)
_STOP = Msg("。", ".")
_PLACE = Msg("（{place}）", " ({place})")
_COLON = Msg("：", ": ")
#: The heading over the files that could not be read.
_UNREADABLE = Msg(heading("unreadable", "zh"), heading("unreadable", "en").capitalize())


class Md(str):
    """Markdown jixiao wrote itself (``**9.71**``): put in the report as it is."""


def _cell(text: object) -> str:
    """Text shown as written: HTML, links, emphasis, pipes and headings escaped, line breaks as
    ``<br>`` (see :func:`jixiao.escape.markdown_text`); :class:`Md` is jixiao's own markup."""
    if isinstance(text, Md):
        return str(text)
    return markdown_text("" if text is None else str(text))


def _code(code: str) -> str:
    """A finding code in backticks (codes are identifiers; anything else is escaped text)."""
    return f"`{code}`" if re.fullmatch(r"[A-Za-z0-9_.]+", code) else _cell(code)


def _code_span(text: str) -> str:
    """A file name as inline code when it can be one (no backtick, no control character)."""
    if "`" in text or not text.isprintable():
        return _cell(text)
    return f"`{text}`"


def _table(head: Sequence[str], rows: Sequence[Sequence[object]], align: str = "") -> list[str]:
    out = ["| " + " | ".join(_cell(h) for h in head) + " |"]
    marks = [
        ("---:" if a == "r" else ":---:" if a == "c" else "---") for a in align.ljust(len(head))
    ]
    out.append("| " + " | ".join(marks) + " |")
    for row in rows:
        out.append("| " + " | ".join(_cell(c) for c in row) + " |")
    return out


def _explained(r: IndicatorResult, lang: str) -> str:
    text = r.explanation(lang)
    if r.rule is None:
        return text
    return text + _BY_RULE.text(lang, rule=rule_name(r, lang))


def _form_section(result: FormResult, lang: str, level: int) -> list[str]:
    h = "#" * level
    places = result.policy.places
    form = result.form
    p = result.policy
    out: list[str] = []
    title = _cell(form_label(result))
    if form.year:
        title += _YEAR.text(lang, year=form.year)
    out.append(f"{h} {title}")
    out.append("")
    meta: list[tuple[str, object]] = [
        (t("project", lang), form.project or "—"),
        (t("department", lang), form.department or "—"),
    ]
    if form.implementer:
        meta.append((t("implementer", lang), form.implementer))
    meta.append((t("year", lang), form.year if form.year is not None else "—"))
    meta.append((t("policy", lang), f"{p.name} {p.version} — {policy_title(p, lang)}"))
    if form.source:
        meta.append((t("source", lang), form.source))
    out += _table(["", ""], meta)
    out.append("")

    b = result.budget
    out.append(f"{h}# {t('budget_line', lang)}")
    out.append("")
    out.append(
        _BUDGET_LINE.text(
            lang,
            rate=fmt_rate(b.rate),
            score=fmt_score(b.score, places),
            claimed=fmt_score(b.claimed, places),
            weight=fmt_weight(b.weight),
        )
    )
    out.append("")
    out.append(f"> {_cell(b.explanation(lang))}")
    out.append("")

    out.append(f"{h}# {t('indicators', lang)}")
    out.append("")
    head = [
        t(k, lang)
        for k in (
            "level1",
            "level2",
            "level3",
            "target",
            "actual",
            "weight",
            "claimed",
            "computed",
            "check",
            "verified",
            "explanation",
        )
    ]
    rows: list[list[object]] = []
    inds = form.indicators
    same = len(inds) == len(result.indicators)
    for i, r in enumerate(result.indicators):
        target = inds[i].target if same else (r.target.render() if r.target else "")
        actual = inds[i].actual if same else (r.actual.render() if r.actual else "")
        rows.append(
            [
                r.level1,
                r.level2,
                r.name,
                target,
                actual,
                fmt_weight(r.weight),
                fmt_score(r.claimed, places),
                Md(f"**{fmt_score(r.score, places)}**"),
                check_mark(r.findings, r.verified),
                t("verified_yes" if r.verified else "verified_no", lang),
                _explained(r, lang),
            ]
        )
    out += _table(head, rows, "lllllrrrccl")
    out.append("")

    if result.sections:
        out.append(f"{h}# {t('sections', lang)}")
        out.append("")
        sec_rows = [
            [
                section_label(s.name, lang),
                fmt_weight(s.weight),
                fmt_score(s.claimed, places),
                fmt_score(s.score, places),
            ]
            for s in result.sections
        ]
        out += _table(
            [t("level1", lang), t("weight", lang), t("claimed", lang), t("computed", lang)],
            sec_rows,
            "lrrr",
        )
        out.append("")

    out.append(f"{h}# {t('totals', lang)}")
    out.append("")
    weight_total = b.weight + sum((r.weight or Decimal(0) for r in result.indicators), Decimal(0))
    total = fmt_score(result.total, places)
    claimed = fmt_score(result.claimed_total, places)
    grade = grade_text(result.grade, lang, result.policy)
    out.append(
        _TOTAL_LINE.text(
            lang, total=total, full=fmt_weight(weight_total), claimed=claimed, grade=grade
        )
    )
    out.append("")
    out.append(verification_line(result, lang) + _STOP.text(lang))
    out.append("")

    out.append(f"{h}# {t('findings', lang)}")
    out.append("")
    findings = result.findings
    if not findings:
        out.append(t("no_findings", lang) + _STOP.text(lang))
    for f in findings:
        place = _cell(finding_place(f, lang))
        where = _PLACE.text(lang, place=place) if f.where else ""
        out.append(
            f"- **{severity_text(f.severity, lang)}** {_code(f.code)}"
            f"{where}{_COLON.text(lang)}{_cell(f.message(lang))}"
        )
    out.append("")
    return out


@in_context
def markdown_report(
    results: FormResult | Sequence[FormResult],
    lang: str = "zh",
    *,
    failures: Sequence[BatchEntry] = (),
) -> str:
    """The whole report as Markdown text; several forms get a summary table first.

    *failures* are input files that could not be read; they are listed at the end.
    """
    items = as_results(results)
    out: list[str] = []
    if len(items) == 1 and not failures:
        out.append(f"# {t('report_title', lang)}")
        out.append("")
        out += _form_section(items[0], lang, 2)
        return "\n".join(out).rstrip() + "\n"
    out.append(f"# {t('report_title', lang)}")
    out.append("")
    out.append(f"## {t('summary', lang)}")
    out.append("")
    rows: list[list[object]] = []
    for r in items:
        places = r.policy.places
        rows.append(
            [
                form_label(r),
                r.form.source or "",
                fmt_score(r.claimed_total, places),
                fmt_score(r.total, places),
                grade_text(r.grade, lang, r.policy),
                r.count("error"),
                r.count("warning"),
                f"{r.verified_rows}/{len(r.indicators)}",
                fmt_score(r.unverified_points, places),
            ]
        )
    for e in failures:
        rows.append([t("unreadable", lang), e.source, "—", "—", "—", 1, 0, "—", "—"])
    out += _table(
        [
            t("form", lang),
            t("file", lang),
            t("claimed_total", lang),
            t("computed_total", lang),
            t("grade", lang),
            t("errors", lang),
            t("warnings", lang),
            t("verified", lang),
            t("unverified_points", lang),
        ],
        rows,
        "llrrcrrcr",
    )
    out.append("")
    for r in items:
        out += _form_section(r, lang, 2)
    if failures:
        out.append(f"## {_UNREADABLE.text(lang)}")
        out.append("")
        for e in failures:
            out.append(f"- {_code_span(e.source)}{_COLON.text(lang)}{_cell(e.error or '')}")
        out.append("")
    return "\n".join(out).rstrip() + "\n"
