"""The report renderings called directly: terminal (rich), Markdown, JSON, Excel, and the audit page."""

from __future__ import annotations

import hashlib
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

import jixiao
from jixiao.evaluate import BUILTIN_CODES, FormResult
from jixiao.policy import load_policy, shipped_policies
from jixiao.report import (
    BatchEntry,
    ReportError,
    markdown_report,
    to_json,
    to_jsonl,
    write_annotated_workbook,
    write_results_workbook,
)
from jixiao.report._common import cell_ref, fmt_score, fmt_weight, grade_text
from jixiao.report.terminal import (
    form_table,
    render_explain,
    render_findings,
    render_form,
    render_summary,
)

ROOT = Path(__file__).resolve().parent.parent
SEED_XLSX = ROOT / "examples" / "seed.xlsx"


def form(**changes: Any) -> dict[str, Any]:
    rows = [
        {
            "level1": "产出指标",
            "level2": "数量指标",
            "name": "培训人数",
            "target": "≥45人",
            "actual": "40人",
            "weight": 50,
            "score": 50,
            "reason": "",
        },
        {
            "level1": "效益指标",
            "level2": "社会效益指标",
            "name": "培训效果 | 满意",
            "target": "定性 效果明显",
            "actual": "达成年度指标",
            "weight": 30,
            "score": 30,
        },
        {
            "level1": "满意度指标",
            "level2": "服务对象满意度指标",
            "name": "满意度",
            "target": "≥90%",
            "actual": "95%",
            "weight": 10,
            "score": 10,
        },
    ]
    data: dict[str, Any] = {
        "project": "测试项目",
        "year": 2023,
        "department": "测试局",
        "budget": {"annual": "100", "executed": "95", "weight": 10, "score": "9.5"},
        "indicators": rows,
        "total": "99.5",
    }
    data.update(changes)
    return data


@pytest.fixture(scope="module")
def result() -> FormResult:
    return jixiao.score_form(form())


def render(fn: Any, result: FormResult, lang: str = "zh", width: int = 140) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, force_terminal=False, color_system=None)
    fn(console, result, lang)
    return buffer.getvalue()


def test_terminal_form_table(result: FormResult) -> None:
    out = render(render_form, result)
    assert "培训人数" in out
    assert "≥45人" in out and "40人" in out
    assert "44.44" in out  # 50 × 40/45
    assert "SCORE_MISMATCH" in out
    assert "小计 产出指标" in out
    assert "复核总分 93.94（自评 99.50）" in out
    assert "\x1b[" not in out  # no colour without a terminal


def test_terminal_cells_are_not_markup(result: FormResult) -> None:
    # 得分区间 "[80%, 100%]" and other brackets must print as written, not vanish as rich markup
    out = render(render_explain, result)
    assert re.search(r"\[\d+\.\d\d, \d+\.\d\d\]", out)


def test_terminal_compact_table_on_narrow_console(result: FormResult) -> None:
    wide = form_table(result, "zh", width=140)
    narrow = form_table(result, "zh", width=80)
    assert len(narrow.columns) < len(wide.columns)
    out = render(render_form, result, width=80)
    lines = [line.strip() for line in out.splitlines()]
    assert "产出指标" in lines and "数量指标" in lines  # the levels become heading rows


def test_terminal_english(result: FormResult) -> None:
    out = render(render_form, result, "en")
    assert "Computed total 93.94 (claimed 99.50)" in out
    assert "Grade 优 (excellent)" in out
    assert "claimed 50, computed 44.44" in out


def test_terminal_findings_and_explain(result: FormResult) -> None:
    out = render(render_findings, result)
    assert "错误" in out and "SCORE_MISMATCH" in out and "indicators[0].score" in out
    out = render(render_explain, result)
    assert "实际完成40人，目标≥45人（含本数），完成率88.89%" in out
    assert "weight * actual / target" in out


def test_summary_lists_failures(result: FormResult) -> None:
    entries = [BatchEntry("a.json", result), BatchEntry("b.json", None, "b.json: 坏了")]
    buffer = io.StringIO()
    render_summary(Console(file=buffer, width=140), entries, "zh")
    out = buffer.getvalue()
    assert "测试项目" in out and "读取失败" in out and "b.json" in out
    assert "1 张表已评分，1 个文件读取失败" in out


def test_markdown(result: FormResult) -> None:
    text = markdown_report(result)
    assert text.startswith("# 项目支出绩效自评复核报告\n")
    assert "## 测试项目（2023年度）" in text
    assert "| 主管部门 | 测试局 |" in text
    assert (
        "| 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 自评得分 | 复核得分 |"
        in text
    )
    assert "培训效果 \\| 满意" in text  # a pipe inside a cell is escaped
    assert "执行率 95.00%，复核得分 **9.50**" in text
    assert "复核总分 **93.94**（满分 100，自评 99.50），等级 **优**" in text
    assert "- **错误** `SCORE_MISMATCH`（第1行「培训人数」 indicators[0].score）：" in text
    rows = [line for line in text.splitlines() if line.startswith("| 产出指标 |")]
    assert rows and rows[0].count(" | ") == 10  # eleven cells, 核实 among them
    assert "| ✓ 已核实 |" in rows[0] or "| ? 未核实 |" in rows[0]
    assert "已核实 " in text and "来自未核实的行" in text  # the summary counts


def test_markdown_english_and_several_forms(result: FormResult) -> None:
    other = jixiao.score_form(form(project="第二个项目"))
    text = markdown_report([result, other], "en", failures=[BatchEntry("x.csv", None, "bad")])
    assert text.startswith("# Performance self-evaluation review")
    assert "## Summary" in text
    assert "| Form | File | Claimed total | Computed total | Grade | Errors | Warnings |" in text
    assert "## 第二个项目 (2023)" in text
    assert "Computed total **93.94** of 100 (claimed 99.50); grade **优 (excellent)**." in text
    assert "- `x.csv`: bad" in text


def test_json(result: FormResult) -> None:
    one = json.loads(to_json(result))
    assert one["total"] == "93.94"
    assert one == result.to_dict()
    several = json.loads(to_json([result, result], "en"))
    assert isinstance(several, list) and len(several) == 2
    lines = list(to_jsonl([result, result]))
    assert len(lines) == 2 and all("\n" not in line for line in lines)
    assert json.loads(lines[0])["grade"] == "优"


def test_results_workbook(tmp_path: Path, result: FormResult) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    out = write_results_workbook([result], tmp_path / "r.xlsx", "en")
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Summary", "测试项目", "Review results"]
    summary = list(wb["Summary"].iter_rows(values_only=True))
    assert summary[1][:5] == ("测试项目", None, 99.5, 93.94, "优 (excellent)")
    table = list(wb["测试项目"].iter_rows(values_only=True))
    assert table[0][:8] == (
        "Level 1",
        "Level 2",
        "Indicator",
        "Target",
        "Actual",
        "Weight",
        "Claimed",
        "Computed",
    )
    assert any(row[2] == "培训人数" and row[7] == pytest.approx(44.44) for row in table)


def test_results_workbook_refuses_an_input(tmp_path: Path, result: FormResult) -> None:
    src = tmp_path / "in.xlsx"
    src.write_bytes(b"not really")
    with pytest.raises(ReportError):
        write_results_workbook([result], src, protect=[src])
    assert src.read_bytes() == b"not really"
    with pytest.raises(ReportError):
        write_results_workbook([result], tmp_path / "out.csv")


@pytest.mark.skipif(not SEED_XLSX.exists(), reason="examples/seed.xlsx not written yet")
def test_annotated_workbook_marks_the_claimed_score(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    src = tmp_path / "seed.xlsx"
    wb = openpyxl.load_workbook(SEED_XLSX)
    ws = wb.worksheets[0]
    seed = jixiao.read_form(SEED_XLSX)
    # change the claimed score of the first indicator row to a wrong one
    score_cell = seed.indicators[0].cells["score"].split("!")[1]
    ws[score_cell] = 4
    wb.save(src)
    before = hashlib.sha256(src.read_bytes()).hexdigest()
    r = jixiao.score_form(jixiao.read_form(src))
    assert any(f.code == "SCORE_MISMATCH" for f in r.findings)
    out = write_annotated_workbook(r, src, tmp_path / "out.xlsx")
    assert hashlib.sha256(src.read_bytes()).hexdigest() == before
    marked = openpyxl.load_workbook(out).worksheets[0][score_cell]
    assert marked.value == 4
    assert marked.fill.start_color.rgb.endswith("FFC7CE")
    assert marked.comment is not None and "SCORE_MISMATCH" in marked.comment.text
    with pytest.raises(ReportError):
        write_annotated_workbook(r, src, src)


def test_cell_refs() -> None:
    assert cell_ref("绩效自评表!H13") == ("绩效自评表", "H", 13)
    assert cell_ref("'a ''b'' c'!$C$2") == ("a 'b' c", "C", 2)
    assert cell_ref("indicators[3].score") is None
    assert cell_ref("row 5, col 6") is None


def test_number_formats() -> None:
    from decimal import Decimal

    assert fmt_score(Decimal("5")) == "5.00"
    assert fmt_score(None) == "—"
    assert fmt_weight(Decimal("10.00")) == "10"
    assert fmt_weight(Decimal("2.50")) == "2.5"
    assert grade_text("良", "en") == "良 (good)"
    assert grade_text(None) == "—"


# ----------------------------------------------------------------------------- docs/audit.md


def _all_codes() -> set[str]:
    codes = set(BUILTIN_CODES)
    for name in shipped_policies():
        codes |= load_policy(name).finding_codes()
    return codes


def test_audit_page_lists_every_code() -> None:
    page = (ROOT / "docs" / "audit.md").read_text(encoding="utf-8")
    headings = set(re.findall(r"^### `([A-Z_]+)`", page, flags=re.M))
    missing = _all_codes() - headings
    assert not missing, f"docs/audit.md has no section for {sorted(missing)}"
    table = set(re.findall(r"^\| \[`([A-Z_]+)`\]", page, flags=re.M))
    assert not (_all_codes() - table), "docs/audit.md overview table is incomplete"


def test_audit_page_severities_match_the_code() -> None:
    page = (ROOT / "docs" / "audit.md").read_text(encoding="utf-8")
    for code, (severity, _zh, _en) in BUILTIN_CODES.items():
        section = page.split(f"### `{code}`", 1)[1].split("### ", 1)[0]
        assert "Severity: **" in section
        assert severity in section.split("Severity: **", 1)[1].split("**", 1)[0], code


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_findings_under_a_score_keep_a_hanging_indent(lang: str) -> None:
    """``jixiao score``: a finding whose place and message are longer than the line wraps under
    its own text, never back to column 0, and no line ends in padding."""
    from jixiao.report.terminal import render_form

    seed = Path(__file__).resolve().parents[1] / "examples" / "seed.csv"
    result = jixiao.score_form(jixiao.read_form(seed))
    out = io.StringIO()
    render_form(Console(file=out, width=60, color_system=None), result, lang)
    lines = out.getvalue().splitlines()
    start = next(i for i, x in enumerate(lines) if x.startswith(("复核发现", "Findings")))
    findings = lines[start + 1 :]
    heads = [x for x in findings if x.startswith("  [")]
    assert len(heads) == len(result.findings)
    continued = [x for x in findings if x and not x.startswith("  [")]
    assert continued, "a 60-column terminal wraps some finding"
    # every continuation line starts in one column, right of the longest "  [severity] CODE"
    starts = {len(x) - len(x.lstrip(" ")) for x in continued}
    assert len(starts) == 1, continued
    widest = max(len(re.match(r"  \[[^\]]+\] \S+", x).group(0)) for x in heads)  # type: ignore[union-attr]
    assert starts.pop() >= widest + 2
    assert all(x == x.rstrip() for x in findings), findings
