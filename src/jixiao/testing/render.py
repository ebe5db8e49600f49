"""Printing counterexamples as the small forms a finance officer would recognise."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from jixiao.errors import display_width
from jixiao.i18n import Msg

__all__ = ["render_example", "table"]

_ROW_HEAD = (
    Msg("年度指标值", "target"),
    Msg("实际完成值", "actual"),
    Msg("分值", "weight"),
    Msg("自评得分", "claimed"),
    Msg("偏差原因", "reason"),
    Msg("得分", "score"),
    Msg("规则", "rule"),
)
_BUDGET_HEAD = (
    Msg("全年预算数", "annual"),
    Msg("全年执行数", "executed"),
    Msg("执行率", "rate"),
    Msg("分值", "weight"),
    Msg("得分", "score"),
    Msg("规则", "rule"),
)
_LABEL_HEAD = (Msg("一级指标", "level1"), Msg("二级指标", "level2"), Msg("指标名称", "name"))
_YES, _NO = Msg("是", "yes"), Msg("否", "no")
_ERROR = Msg("出错", "error")
_TIER_HEAD = (Msg("档次", "tier"), Msg("区间", "band"), Msg("默认", "default"))
_GRADE_HEAD = (Msg("等级", "grade"), Msg("总分区间", "total"))
_GRADED = Msg(
    "    总分 {total} → 评为{got}（应为{want}）", "    total {total} → {got} (expected {want})"
)
_FINDINGS = Msg("发现 ", "findings ")
_REORDERED = Msg("    调换行序后：", "    rows reordered:")
_TOTAL = Msg("    总分 ", "    total ")


def _heads(msgs: Sequence[Msg], lang: str) -> list[str]:
    return [m.text(lang) for m in msgs]


def _pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))


def table(head: Sequence[str], rows: Sequence[Sequence[str]], indent: str = "    ") -> str:
    """Columns aligned on display width (CJK characters take two columns)."""
    widths = [display_width(h) for h in head]
    for row in rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], display_width(cell))
    lines = [indent + "  ".join(_pad(h, w) for h, w in zip(head, widths, strict=True)).rstrip()]
    for row in rows:
        lines.append(
            indent + "  ".join(_pad(c, w) for c, w in zip(row, widths, strict=True)).rstrip()
        )
    return "\n".join(lines)


def _cell(value: Any, lang: str = "zh") -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return (_YES if value else _NO).text(lang)
    return str(value)


def _rule_name(label: Any) -> str:
    """``正向指标 (rules/central.policy:60)`` → ``正向指标`` (the file:line is printed below)."""
    if not isinstance(label, str):
        return "—"
    return label.split(" (", 1)[0]


_PLAIN_NAME = re.compile(r"指标\d+")


def _label_columns(rows: Sequence[Mapping[str, Any]], form: bool) -> list[int]:
    """Which of 一级指标, 二级指标, 指标名称 a reader needs: 一级指标 in a form (sections add up
    there) or when a row is not in the first section, 二级指标 when any row has one, the name
    when any row has one of its own (not 指标1, 指标2 …)."""
    keep = []
    level1 = {str(r.get("level1") or "") for r in rows}
    if form or len(level1) > 1 or level1 - {"产出指标", ""}:
        keep.append(0)
    if any(r.get("level2") for r in rows):
        keep.append(1)
    if any(not _PLAIN_NAME.fullmatch(str(r.get("name") or "指标1")) for r in rows):
        keep.append(2)
    return keep


def _row_table(
    rows: Sequence[Mapping[str, Any]],
    results: Sequence[Mapping[str, Any]],
    lang: str,
    form: bool = False,
) -> str:
    """Indicator rows as a table, led by the 一级指标 / 二级指标 / 指标名称 columns they need."""
    keys = ("level1", "level2", "name")
    keep = _label_columns(rows, form)
    head = [_LABEL_HEAD[i].text(lang) for i in keep] + _heads(_ROW_HEAD, lang)
    body = _indicator_rows(rows, results, lang)
    labelled = [[_cell(r.get(keys[i])) for i in keep] + b for r, b in zip(rows, body, strict=True)]
    return table(head, labelled)


def _indicator_rows(
    rows: Sequence[Mapping[str, Any]], results: Sequence[Mapping[str, Any]], lang: str = "zh"
) -> list[list[str]]:
    out = []
    for i, row in enumerate(rows):
        res = results[i] if i < len(results) else {}
        reason = str(row.get("reason") or "")
        if len(reason) > 8:
            reason = reason[:7] + "…"
        score = res.get("score")
        if res.get("error"):
            score = _ERROR.text(lang)
        out.append(
            [
                _cell(row.get("target"), lang),
                _cell(row.get("actual"), lang),
                _cell(row.get("weight"), lang),
                _cell(row.get("score"), lang),
                _cell(reason, lang),
                _cell(score, lang),
                _rule_name(res.get("rule")),
            ]
        )
    return out


def _budget_rows(
    rows: Sequence[Mapping[str, Any]], results: Sequence[Mapping[str, Any]]
) -> list[list[str]]:
    out = []
    for i, row in enumerate(rows):
        res = results[i] if i < len(results) else {}
        rate = res.get("rate")
        out.append(
            [
                _cell(row.get("annual")),
                _cell(row.get("executed")),
                _cell(f"{rate}%" if rate is not None else None),
                _cell(row.get("weight")),
                _cell(res.get("score")),
                _rule_name(res.get("rule")),
            ]
        )
    return out


def _findings_line(results: Sequence[Mapping[str, Any]], lang: str) -> str | None:
    parts = []
    for i, res in enumerate(results):
        codes = res.get("findings") or []
        if codes:
            parts.append(f"#{i + 1}: " + ", ".join(codes))
    if not parts:
        return None
    return _FINDINGS.text(lang) + "; ".join(parts)


def render_example(example: Mapping[str, Any], outcome: Mapping[str, Any], lang: str) -> str:
    """A counterexample as one or more small tables, with the scores each row obtained."""
    blocks: list[str] = []
    results: Sequence[Mapping[str, Any]] = outcome.get("results") or ()
    if "tier_table" in example:
        t = example["tier_table"]
        blocks.append(
            table(
                _heads(_TIER_HEAD, lang),
                [[b["name"], b["band"], _cell(b.get("default"), lang)] for b in t["tiers"]],
            )
        )
    if "grades" in example:
        blocks.append(
            table(_heads(_GRADE_HEAD, lang), [[g["grade"], g["band"]] for g in example["grades"]])
        )
        if "total" in example:
            got = outcome.get("grade")
            want = outcome.get("expected")
            blocks.append(_GRADED.text(lang, total=example["total"], got=got, want=want))
    if "indicators" in example:
        blocks.append(_row_table(example["indicators"], results, lang))
        line = _findings_line(results, lang)
        if line:
            blocks.append("    " + line)
    if "budgets" in example:
        blocks.append(table(_heads(_BUDGET_HEAD, lang), _budget_rows(example["budgets"], results)))
    if "form" in example:
        blocks.append(_render_form(example["form"], outcome, lang))
        if "permuted" in example:
            blocks.append(_REORDERED.text(lang))
            blocks.append(_render_form(example["permuted"], outcome.get("permuted") or {}, lang))
    return "\n".join(blocks)


def _render_form(form: Mapping[str, Any], outcome: Mapping[str, Any], lang: str) -> str:
    budget = form.get("budget") or {}
    bres = outcome.get("budget") or {}
    parts = [table(_heads(_BUDGET_HEAD, lang), _budget_rows([budget], [bres]))]
    parts.append(
        _row_table(form.get("indicators") or [], outcome.get("results") or [], lang, form=True)
    )
    total = outcome.get("total")
    if total is not None:
        parts.append(_TOTAL.text(lang) + str(total))
    return "\n".join(parts)
