"""Workbooks as people format them: number formats, hidden sheets, header variants, formulas
with and without saved results, and the annotated copy keeping what the source showed."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import jixiao
from jixiao.errors import FormError
from jixiao.forms import read_form, read_forms
from jixiao.forms._numfmt import NumberFormat

openpyxl = pytest.importorskip("openpyxl")

Row = Sequence[Any]
HEADER = [
    "一级指标",
    "二级指标",
    "三级指标",
    "年度指标值",
    "实际完成值",
    "分值",
    "得分",
    "偏差原因",
]


def book(
    path: Path,
    sheets: dict[str, Sequence[Row]],
    *,
    formats: dict[str, dict[str, str]] | None = None,
    states: dict[str, str] | None = None,
) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None:
                    ws.cell(row=r, column=c, value=value)
        for coord, fmt in (formats or {}).get(name, {}).items():
            ws[coord].number_format = fmt
        ws.sheet_state = (states or {}).get(name, "visible")
    wb.save(path)
    return path


def with_saved_results(path: Path, results: dict[str, str]) -> Path:
    """Write the result Excel would have saved next to each formula (openpyxl cannot)."""
    src = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename.startswith("xl/worksheets/sheet"):
                text = content.decode("utf-8")
                for ref, value in results.items():
                    text = re.sub(
                        rf'(<c r="{ref}"[^>]*><f>[^<]*</f>)<v\s*/?>(?:</v>)?',
                        rf"\g<1><v>{value}</v>",
                        text,
                    )
                content = text.encode("utf-8")
            dst.writestr(info, content)
    path.write_bytes(out.getvalue())
    return path


# ----------------------------------------------------------------------------- number formats


@pytest.mark.parametrize(
    ("code", "stored", "shown", "percent"),
    [
        ("General", "64.253", "64.253", False),
        ("0", "4.6", "5", False),
        ("0.00", "64.253", "64.25", False),
        ("0%", "0.98", "98", True),
        ("0.00%", "0.903333", "90.33", True),
        ('0"%"', "98", "98", False),
        ("0\\%", "98", "98", False),
        ('0.00"%"', "90.33", "90.33", False),
        ("#,##0.00", "1234.567", "1234.57", False),
        ("#,##0,", "12345", "12", False),
        ("[Red]0.00%", "0.5", "50", True),
        ('_-* #,##0.00_-;-* #,##0.00_-;_-* "-"??_-;_-@_-', "3.456", "3.46", False),
        ("0.00%;-0.00%", "-0.125", "-12.50", False),
        ("0.00####", "89.974", "89.974", False),
        ("0.00", "5", "5", False),  # nothing rounded away: stays 5, not 5.00
    ],
)
def test_number_format_display(code: str, stored: str, shown: str, percent: bool) -> None:
    spec = NumberFormat.parse(code)
    assert spec.display(Decimal(stored)) == Decimal(shown)
    assert spec.percent is percent or code.startswith("0.00%;")


def test_date_formats_are_dates() -> None:
    for code in ("yyyy/m/d", 'yyyy"年"m"月"d"日"', "[$-804]yyyy年m月d日", "[h]:mm", "m/d/yy"):
        assert NumberFormat.parse(code).is_date, code
    for code in ("0.00", '0"天"', "General", "@"):
        assert not NumberFormat.parse(code).is_date, code


def test_every_format_family_reads_as_excel_shows_it(tmp_path: Path) -> None:
    rows: list[Row] = [
        HEADER,
        ["产出指标", "数量指标", "General", "≥60", 64.25299999999999, 10, 10, None],
        [None, None, "整数", "≥5", 4.6, 10, 10, None],
        [None, None, "两位小数", "≥60", 64.253, 10, 10, None],
        [None, None, "百分比", "≥95%", 0.98, 10, 10, None],
        [None, None, "两位百分比", "≥90%", 0.903333, 10, 10, None],
        [None, None, "引号百分号", "≥95%", 98, 10, 10, None],
        [None, None, "转义百分号", "≥95%", 98, 10, 10, None],
        [None, None, "引号两位百分号", "≥90%", 90.33, 10, 10, None],
        [None, None, "千分位", "≥1200元", 1234.567, 5, 5, None],
        [None, None, "文本数字", "≥90", "98", 5, 5, None],
        [None, "时效指标", "完成时间", "2023年12月31日前", 45260, 10, 10, None],
        ["总分", None, None, None, None, 100, 100, None],
    ]
    formats = {
        "E3": "0",
        "E4": "0.00",
        "E5": "0%",
        "E6": "0.00%",
        "E7": '0"%"',
        "E8": "0\\%",
        "E9": '0.00"%"',
        "E10": "#,##0.00",
        "E11": "@",
        "E12": "yyyy/m/d",
    }
    form = read_form(book(tmp_path / "fmt.xlsx", {"表": rows}, formats={"表": formats}))
    actual = {i.name: i.actual for i in form.indicators}
    assert actual == {
        "General": "64.253",
        "整数": "5",
        "两位小数": "64.25",
        "百分比": "98%",
        "两位百分比": "90.33%",
        "引号百分号": "98",
        "转义百分号": "98",
        "引号两位百分号": "90.33",
        "千分位": "1234.57",
        "文本数字": "98",
        "完成时间": "2023年11月30日",
    }
    result = jixiao.score_form(form)
    codes = {f.code for f in result.findings}
    assert "OVERACHIEVED" not in codes and "UNIT_MISMATCH" not in codes


def test_literal_percent_rate_is_not_scaled(tmp_path: Path) -> None:
    """执行率 90.33 formatted 0.00"%" (shown 90.33%) is 90.33%, not 9033%."""
    rows: list[Row] = [
        ["项目名称", "测试"],
        [None, "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
        ["年度资金总额", 100, 100, 90.33, 10, 90.33, 9.03],
        HEADER,
        ["产出指标", "数量指标", "人数", "≥45人", "45人", 90, 90, None],
    ]
    path = book(tmp_path / "rate.xlsx", {"表": rows}, formats={"表": {"F3": '0.00"%"'}})
    form = read_form(path)
    assert form.budget is not None and form.budget.rate == Decimal("90.33")
    codes = {f.code for f in jixiao.score_form(form).findings}
    assert "RATE_MISPRINTED" not in codes
    # the same number as a real percent format would be 9033%: misprinted
    path = book(tmp_path / "rate2.xlsx", {"表": rows}, formats={"表": {"F3": "0.00%"}})
    codes = {f.code for f in jixiao.score_form(read_form(path)).findings}
    assert "RATE_MISPRINTED" in codes


# ----------------------------------------------------------------------------- hidden sheets

GOOD: list[Row] = [HEADER, ["产出指标", "数量指标", "人数", "≥45人", "45人", 100, 100, None]]
# a draft whose row has a weight and a score but no indicator: a structural error, not a finding
BROKEN: list[Row] = [HEADER, ["产出指标", "数量指标", None, None, None, 10, 10, None]]


def test_hidden_sheets_are_skipped_with_a_note(tmp_path: Path) -> None:
    path = book(
        tmp_path / "h.xlsx",
        {"正式": GOOD, "旧稿": BROKEN, "备份": GOOD},
        states={"旧稿": "hidden", "备份": "veryHidden"},
    )
    forms = read_forms(path)
    assert len(forms) == 1 and forms[0].source == str(path)
    notes = {n.where: n for n in forms[0].notes}
    assert set(notes) == {"旧稿", "备份"}
    assert "隐藏" in notes["旧稿"].zh and "深度隐藏" in notes["备份"].zh
    assert "--include-hidden" in notes["备份"].en and "very hidden" in notes["备份"].en
    result = jixiao.score_form(forms[0])
    skipped = [f for f in result.findings if f.code == "SHEET_SKIPPED"]
    assert {f.where for f in skipped} == {"旧稿", "备份"}
    assert all(f.severity == "info" for f in skipped)
    # the switch reads them (and the draft's bad cell then fails the read, naming it)
    with pytest.raises(FormError) as info:
        read_forms(path, include_hidden=True)
    assert info.value.where == "旧稿!A2"
    path = book(tmp_path / "h2.xlsx", {"正式": GOOD, "备份": GOOD}, states={"备份": "hidden"})
    both = read_forms(path, include_hidden=True)
    assert [f.source for f in both] == [f"{path}#正式", f"{path}#备份"]
    assert all(not f.notes for f in both)


def test_only_hidden_forms_say_so(tmp_path: Path) -> None:
    path = book(tmp_path / "h.xlsx", {"说明": [["见隐藏表"]], "表": GOOD}, states={"表": "hidden"})
    with pytest.raises(FormError) as info:
        read_forms(path)
    assert "--include-hidden" in info.value.message and "表" in info.value.message


def test_cli_include_hidden_and_check_passes_on_clean_visible_forms(tmp_path: Path) -> None:
    from jixiao.cli.app import cli

    full: list[Row] = [
        HEADER,
        ["产出指标", "数量指标", "人数", "≥45人", "45人", 90, 90, None],
        ["总分", None, None, None, None, 90, 90],
    ]
    path = book(tmp_path / "h.xlsx", {"正式": full, "旧稿": BROKEN}, states={"旧稿": "hidden"})
    runner = CliRunner()
    res = runner.invoke(cli, ["check", str(path), "--json"])
    assert res.exit_code in (0, 1), res.output
    assert "SHEET_SKIPPED" in res.output and "旧稿" in res.output
    res = runner.invoke(cli, ["check", str(path), "--include-hidden"])
    assert res.exit_code == 1 and "旧稿!A2" in res.output


# ----------------------------------------------------------------------------- headers


def test_header_variants_of_real_templates(tmp_path: Path) -> None:
    rows: list[Row] = [
        [
            "一级 指标",
            "二级\n指标",
            "指标名称（三级指标）",
            "指标值（A）",
            "全年实际值（B）",
            "分值（权重）",
            "自评得分（50分）",
            "未完成原因及拟采取的改进措施",
        ],
        ["产出指标（50分）", "数量指标", "人数", "≥45人", "45人", 50, 50, None],
    ]
    form = read_form(book(tmp_path / "v.xlsx", {"S": rows}))
    ind = form.indicators[0]
    assert (ind.level1, ind.name, ind.target, ind.actual) == ("产出指标", "人数", "≥45人", "45人")
    assert ind.weight == 50 and ind.score == 50
    assert ind.cells["reason"] == "S!H2"
    for target, actual, weight in (
        ("年度目标值", "实际值", "权重"),
        ("年初设定指标值", "年度实际完成值", "标准分值"),
        ("年初指标值", "年终完成值", "分值"),
    ):
        rows[0][3:6] = [target, actual, weight]
        ind = read_form(book(tmp_path / "w.xlsx", {"S": rows})).indicators[0]
        assert (ind.target, ind.actual, ind.weight) == ("≥45人", "45人", 50), rows[0]


# ----------------------------------------------------------------------------- formulas


def test_formula_results_kept_and_computed(tmp_path: Path) -> None:
    rows: list[Row] = [
        [None, "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
        ["年度资金总额", 100, 100, 90, 10, "=D2/C2", "=ROUND(E2*F2,2)"],
        HEADER,
        ["产出指标", "数量指标", "人数", "≥45人", "45人", 90, "=MIN(F4,90)", None],
        ["总分", None, None, None, None, "=F4+E2", "=SUM(G4:G4)+G2"],
    ]
    formats = {"F2": "0.00%"}
    path = book(tmp_path / "f.xlsx", {"S": rows}, formats={"S": formats})
    computed = read_form(path)
    assert computed.budget is not None
    assert (computed.budget.rate, computed.budget.score) == (Decimal(90), Decimal(9))
    assert computed.indicators[0].score == 90 and computed.total == 99
    assert sorted(n.where for n in computed.notes) == ["S!F2", "S!F5", "S!G2", "S!G4", "S!G5"]
    assert all(n.code == "FORMULA_COMPUTED" for n in computed.notes)
    result = jixiao.score_form(computed)
    assert result.total == Decimal("99.00")
    assert {f.code for f in result.findings if f.severity == "info"} >= {"FORMULA_COMPUTED"}
    # with the results Excel saved, those are read, and no note is needed
    saved = with_saved_results(path, {"F2": "0.9", "G2": "9", "G4": "90", "F5": "100", "G5": "99"})
    form = read_form(saved)
    assert form == computed and not form.notes


def test_annotated_copy_keeps_saved_results(tmp_path: Path) -> None:
    from jixiao.report.xlsx_out import write_annotated_workbook

    rows: list[Row] = [
        [None, "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
        ["年度资金总额", 100, 100, 90, 10, "=D2/C2", "=ROUND(E2*F2,2)"],
        HEADER,
        ["产出指标", "数量指标", "人数", "≥45人", "40人", 90, "=ROUND(F4*40/45,2)", "人员变动"],
        ["总分", None, None, None, None, "=F4+E2", "=SUM(G4:G4)+G2"],
    ]
    path = book(tmp_path / "src.xlsx", {"S": rows}, formats={"S": {"F2": "0.00%"}})
    with_saved_results(path, {"F2": "0.9", "G2": "9", "G4": "80", "F5": "100", "G5": "89"})
    before = path.read_bytes()
    form = read_form(path)
    result = jixiao.score_form(form)
    out = write_annotated_workbook(result, path, tmp_path / "out.xlsx")
    assert path.read_bytes() == before
    shown = openpyxl.load_workbook(out, data_only=True)["S"]
    assert [shown[c].value for c in ("F2", "G2", "G4", "F5", "G5")] == [0.9, 9, 80, 100, 89]
    kept = openpyxl.load_workbook(out)["S"]
    assert kept["G4"].value == "=ROUND(F4*40/45,2)"  # the formula itself is kept too
    again = read_form(out)
    assert again == form and not again.notes
    rescored = jixiao.score_form(again)
    assert rescored.total == result.total
    assert [(f.code, f.where) for f in rescored.findings] == [
        (f.code, f.where) for f in result.findings
    ]


# ----------------------------------------------------------------------------- batches


def test_folder_batch_lists_every_skipped_file(tmp_path: Path) -> None:
    from jixiao.cli.app import cli

    folder = tmp_path / "forms"
    folder.mkdir()
    book(folder / "a.xlsx", {"S": GOOD})
    (folder / "notes.txt").write_text("x", encoding="utf-8")
    (folder / "~$a.xlsx").write_bytes(b"lock")
    (folder / "scan.png").write_bytes(b"\x89PNG")
    res = CliRunner().invoke(cli, ["score", str(folder)])
    err = res.stderr if hasattr(res, "stderr") else res.output
    for name, why in (("notes.txt", ".txt"), ("~$a.xlsx", "锁定文件"), ("scan.png", ".png")):
        line = next(x for x in err.splitlines() if name in x)
        assert "跳过" in line and why in line, line
    assert "a.xlsx" in res.output
    res = CliRunner().invoke(cli, ["score", str(folder), "--lang", "en"])
    err = res.stderr if hasattr(res, "stderr") else res.output
    for name, why in (("notes.txt", ".txt"), ("~$a.xlsx", "lock file"), ("scan.png", ".png")):
        line = next(x for x in err.splitlines() if name in x)
        assert "skipped" in line and why in line and "跳过" not in line, line


def test_date_serial_in_a_deadline_column(tmp_path: Path) -> None:
    rows: list[Row] = [
        HEADER,
        ["产出指标", "时效指标", "完成时间", 45291, 45260, 100, 100, None],
    ]
    fmts = {"D2": 'yyyy"年"m"月"d"日"', "E2": "yyyy/m/d"}
    form = read_form(book(tmp_path / "d.xlsx", {"S": rows}, formats={"S": fmts}))
    ind = form.indicators[0]
    assert (ind.target, ind.actual) == ("2023年12月31日", "2023年11月30日")
    assert dt.date(1899, 12, 30) + dt.timedelta(days=45291) == dt.date(2023, 12, 31)


# ----------------------------------------------------------------------------- parallel batches


def test_parallel_batch_gives_the_same_output_in_the_same_order(tmp_path: Path) -> None:
    from jixiao.cli.app import cli

    folder = tmp_path / "forms"
    folder.mkdir()
    seed = Path(__file__).resolve().parents[1] / "examples" / "seed.xlsx"
    for i in range(6):
        (folder / f"{i:02d}-seed.xlsx").write_bytes(seed.read_bytes())
    book(folder / "03-bad.xlsx", {"S": BROKEN})  # an unreadable file in the middle
    runner = CliRunner()
    serial = runner.invoke(cli, ["check", str(folder), "--json", "-j", "1"])
    parallel = runner.invoke(cli, ["check", str(folder), "--json", "-j", "2"])
    assert serial.exit_code == parallel.exit_code == 1
    assert parallel.stdout == serial.stdout
    sources = re.findall(r'"source": "([^"]+)"', parallel.stdout)
    assert [Path(s).name for s in sources] == [f"{i:02d}-seed.xlsx" for i in range(6)]
    assert "03-bad.xlsx" in parallel.stderr and "没有三级指标" in parallel.stderr


def test_score_files_in_workers_keeps_input_order(tmp_path: Path) -> None:
    from jixiao.cli.app import score_files

    files = []
    for i, weight in enumerate((90, 80, 70, 60)):
        rows = [HEADER, ["产出指标", "数量指标", f"指标{i}", "≥45人", "45人", weight, weight]]
        files.append(book(tmp_path / f"{i}.xlsx", {"S": rows}))
    policy = jixiao.load_policy("central")
    serial = score_files(files, policy, progress=False, jobs=1)
    parallel = score_files(files, policy, progress=False, jobs=2)
    assert [e.source for e in parallel] == [str(f) for f in files]
    assert [e.result.to_dict() for e in parallel if e.result] == [
        e.result.to_dict() for e in serial if e.result
    ]
