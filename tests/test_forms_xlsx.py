"""Reading Excel workbooks built here, cell by cell, the way real forms are laid out."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from jixiao import score_form
from jixiao.errors import FormError
from jixiao.forms import Form, read_form, read_forms

openpyxl = pytest.importorskip("openpyxl")

Row = Sequence[Any]


def build(
    path: Path,
    sheets: dict[str, Sequence[Row]],
    *,
    merges: dict[str, Sequence[str]] | None = None,
    formats: dict[str, dict[str, str]] | None = None,
) -> Path:
    """A workbook with the given rows (None = empty cell), merged ranges and number formats."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None:
                    ws.cell(row=r, column=c, value=value)
        for rng in (merges or {}).get(name, ()):
            ws.merge_cells(rng)
        for coord, fmt in (formats or {}).get(name, {}).items():
            ws[coord].number_format = fmt
    wb.save(path)
    return path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_unchanged(path: Path) -> Form:
    before = digest(path)
    form = read_form(path)
    assert digest(path) == before
    return form


# A standard-layout form as a person builds it: column A left blank, a blank row inside the
# budget block, a header broken over lines, merged 一级/二级 cells, float noise, a fraction
# percentage, numbers stored as text.
STANDARD: list[Row] = [
    [None, "项目支出绩效自评表"],
    [None, "（2023年度）"],
    [None, "项目名称", "法治培训服务"],
    [None, "主管部门", "北京市应急管理局", None, None, "实施单位", "北京市应急管理局机关"],
    [
        None,
        "项目资金\n（万元）",
        None,
        "年初预算数",
        "全年预算数\n（A）",
        "全年执行数（B）",
        "分值",
        "执行率",
        "得分",
    ],
    [None, None, "年度资金总额", 66.2, 66.2, 64.25299999999999, 10, 0.9706, 9.710000000000001],
    [None, None, "其中：当年财政拨款", 66.2, 66.2, 64.253, "—", "—", "—"],
    [],
    [None, None, "上年结转资金", "-", "-", "-", "-", "-", "-"],
    [None, "年\n度\n总\n体\n目\n标", "预期目标", None, None, None, "实际完成情况"],
    [None, None, "全年会前学法不少于4次。", None, None, None, "全年会前学法4次。"],
    [
        None,
        "绩效\n指标",
        "一级指标",
        "二级指标",
        "三级指标",
        "年度指标值（A）",
        "实际完成值（B）",
        "分 值",
        "得分",
        "偏差原因分析及\n改进措施",
    ],
    [
        None,
        None,
        "产出指标（50分）",
        "数量指标",
        "执法资格培训参训人数",
        "≥45人",
        "45人",
        "5.00",
        "5",
    ],
    [
        None,
        None,
        None,
        None,
        "会前学法、法治讲座培训次数",
        "≥6次",
        "6次",
        10.000000000000002,
        9.999999999999998,
    ],
    [],
    [None, None, None, "质量指标", "执法资格培训通过率", "≥90%", 1, 0.0900000762939453, "0.09"],
    [
        None,
        None,
        "满意度指标",
        "服务对象满意度指标",
        "满意度",
        "≥80%",
        "78%",
        10,
        9.75,
        "部分学员对\n课程安排不满意，\n下一步将调整课时。",
    ],
    [None, "总分：", None, None, None, None, None, 100, 95.71000000000001],
]
STANDARD_MERGES = [
    "B1:J1",
    "B2:J2",
    "C3:J3",
    "C4:E4",
    "G4:J4",
    "B5:B9",
    "B10:B11",
    "C10:F10",
    "G10:J10",
    "C11:F11",
    "G11:J11",
    "B12:B17",
    "C13:C16",
    "D13:D14",
    "B18:G18",
]


def standard_book(path: Path) -> Path:
    return build(
        path,
        {"自评表": STANDARD},
        merges={"自评表": STANDARD_MERGES},
        formats={"自评表": {"H6": "0.00%", "G16": "0%"}},
    )


def test_standard_layout_values(tmp_path: Path) -> None:
    form = read_unchanged(standard_book(tmp_path / "standard.xlsx"))
    assert (form.project, form.year) == ("法治培训服务", 2023)
    assert (form.department, form.implementer) == ("北京市应急管理局", "北京市应急管理局机关")
    assert form.goals == {"expected": "全年会前学法不少于4次。", "actual": "全年会前学法4次。"}
    budget = form.budget
    assert budget is not None
    assert (budget.initial, budget.annual, budget.executed) == (
        Decimal("66.2"),
        Decimal("66.2"),
        Decimal("64.253"),
    )
    assert budget.rate == Decimal("97.06") and str(budget.rate) == "97.06"
    assert (budget.weight, budget.score) == (Decimal(10), Decimal("9.71"))
    assert [(r.name, r.executed) for r in budget.rows] == [
        ("当年财政拨款", Decimal("64.253")),
        ("上年结转资金", None),
    ]
    rows = [
        (i.level1, i.level2, i.name, i.target, i.actual, i.weight, i.score, i.reason)
        for i in form.indicators
    ]
    assert rows == [
        (
            "产出指标",
            "数量指标",
            "执法资格培训参训人数",
            "≥45人",
            "45人",
            Decimal(5),
            Decimal(5),
            "",
        ),
        ("产出指标", "数量指标", "会前学法、法治讲座培训次数", "≥6次", "6次", 10, 10, ""),
        (
            "产出指标",
            "质量指标",
            "执法资格培训通过率",
            "≥90%",
            "100%",
            Decimal("0.09"),
            Decimal("0.09"),
            "",
        ),
        (
            "满意度指标",
            "服务对象满意度指标",
            "满意度",
            "≥80%",
            "78%",
            10,
            Decimal("9.75"),
            "部分学员对课程安排不满意，下一步将调整课时。",
        ),
    ]
    assert str(form.indicators[2].weight) == "0.09"
    assert form.total == Decimal("95.71") and str(form.total) == "95.71"


def test_standard_layout_locations(tmp_path: Path) -> None:
    path = standard_book(tmp_path / "standard.xlsx")
    form = read_form(path)
    assert form.source == str(path)
    first = form.indicators[0]
    assert first.where == "自评表!E13"  # its own 三级指标 cell, not a merged level cell
    assert first.cells["target"] == "自评表!F13"
    assert first.cells["actual"] == "自评表!G13"
    assert first.cells["weight"] == "自评表!H13"
    assert first.cells["score"] == "自评表!I13"
    assert first.cells["reason"] == "自评表!J13"
    assert first.cell("score") == "自评表!I13"
    # a merged 二级指标 points at the top-left of its range
    assert form.indicators[1].cells["level2"] == "自评表!D13"
    assert form.indicators[2].where == "自评表!E16"  # the blank row 15 is skipped
    assert form.total_where == "自评表!I18"
    assert form.budget is not None
    assert form.budget.where == "自评表!C6"
    assert form.budget.cells["rate"] == "自评表!H6"
    assert form.budget.cells["executed"] == "自评表!F6"
    assert form.budget.rows[1].where == "自评表!C9"


def test_date_and_quoted_sheet_names(tmp_path: Path) -> None:
    rows: list[Row] = [
        ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"],
        ["产出指标", "时效指标", "完成时间", "2023年12月底前", dt.datetime(2023, 10, 31), 5, 5],
    ]
    form = read_form(build(tmp_path / "d.xlsx", {"Sheet 1": rows}))
    assert form.indicators[0].actual == "2023年10月31日"
    assert form.indicators[0].where == "'Sheet 1'!C2"


def test_text_that_starts_with_equals_is_not_a_formula(tmp_path: Path) -> None:
    path = tmp_path / "eq.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["三级指标", "年度指标值", "实际完成值", "分值"])
    ws.append(["覆盖率", "=100%", "100%", 10])
    ws["B2"].data_type = "s"
    wb.save(path)
    assert read_form(path).indicators[0].target == "=100%"


# --------------------------------------------------------------------------------------------
# the split-column layout


SICHUAN: list[Row] = [
    ["部门预算项目支出绩效自评表(2023年度)"],
    ["项目名称", None, "51092324T000010263357-2023年全县安可替代补助资金项目"],
    [
        "主管部门",
        None,
        "大英县司法局部门",
        None,
        None,
        None,
        "实施单位 (盖章)",
        None,
        "大英县司法局",
    ],
    ["项目基本情况", None, "项目年度目标", None, None, None, "年度目标完成情况"],
    [None, None, "根据要求购买安可设备。", None, None, None, "完成"],
    [
        "预算执行情况(10分)",
        "年度预算数(万元)",
        "年初预算",
        "调整后预算数",
        "预算执行数",
        "预算执行率",
        "权重",
        "得分",
        "原因",
    ],
    [None, "总额", 0, 3.36, 3.36, "100.00%", 10, 10, "1.预算执行率=预算执行数/调整后预算数"],
    [None, "其中:财政资金", 0, 3.36, 3.36, "100.00%", "/", "/"],
    [None, "财政专户管理资金", "0.00", "0.00", "0.00", "0.00%", "/", "/"],
    [
        "绩效指标(90分)",
        "一级指标",
        "二级指标",
        "三级指标",
        "指标性质",
        "指标值",
        "度量单位",
        "完成值",
        "权重",
        "得分",
        "未完成原因分析",
    ],
    [
        None,
        "产出指标",
        "质量指标",
        "完成安可产品购买并按要求支付资金",
        "=",
        100,
        "%",
        "100",
        45,
        45,
    ],
    [None, None, "时效指标", "资金支付及时率", "≥", "95", "%", 0.96, 20, 20],
    [None, "效益指标", "社会效益指标", "图书馆管理机制健全性", "定性", "好坏", None, "好", 25, 25],
    [None, "合计", None, None, None, None, None, None, 100, 100],
    ["评价结论", "根据财政局资金下达的管理办法，将资金支付给项目施工方。"],
    ["存在问题", "无"],
    ["项目负责人：查小兵", None, None, None, "财务负责人：唐勇"],
]


def test_split_layout(tmp_path: Path) -> None:
    path = build(
        tmp_path / "sichuan.xlsx",
        {"510000_0013zp": SICHUAN},
        merges={"510000_0013zp": ["A1:K1", "A6:A9", "A10:A13", "B11:B12", "I7:K7", "B14:H14"]},
        formats={"510000_0013zp": {"H12": "0%"}},
    )
    form = read_unchanged(path)
    assert form.project == "51092324T000010263357-2023年全县安可替代补助资金项目"
    assert (form.year, form.department, form.implementer) == (
        2023,
        "大英县司法局部门",
        "大英县司法局",
    )
    assert form.goals == {"expected": "根据要求购买安可设备。", "actual": "完成"}
    targets = [(i.level1, i.name, i.target, i.actual) for i in form.indicators]
    assert targets == [
        ("产出指标", "完成安可产品购买并按要求支付资金", "= 100 %", "100"),
        ("产出指标", "资金支付及时率", "≥ 95 %", "96%"),
        ("效益指标", "图书馆管理机制健全性", "定性 好坏", "好"),
    ]
    assert [i.weight for i in form.indicators] == [45, 20, 25]
    assert form.total == 100 and form.total_where == "'510000_0013zp'!J14"
    budget = form.budget
    assert budget is not None
    assert (budget.initial, budget.annual, budget.executed, budget.rate) == (
        0,
        Decimal("3.36"),
        Decimal("3.36"),
        100,
    )
    assert budget.reason == "1.预算执行率=预算执行数/调整后预算数"
    assert [r.name for r in budget.rows] == ["财政资金", "财政专户管理资金"]
    first = form.indicators[0]
    assert first.cells["target"] == "'510000_0013zp'!F11"
    assert first.cells["nature"] == "'510000_0013zp'!E11"
    assert first.cells["unit"] == "'510000_0013zp'!G11"
    assert first.cells["weight"] == "'510000_0013zp'!I11"


def test_two_header_rows_and_traditional_characters(tmp_path: Path) -> None:
    """Yunnan's form: 年度指標值 spans 指標性質 / 指標值 / 度量單位 in a second header row."""
    rows: list[Row] = [
        ["2020年度項目支出績效自評表"],
        ["項目名稱", "2020年省級自然資源衛片執法補助經費"],
        ["主管部門", "麗江市自然資源和規劃局", None, "實施單位", "麗江市古城區自然資源局"],
        [
            "項目資金 (萬元)",
            None,
            "年初預算數",
            "全年預算數",
            "全年執行數",
            "分值",
            "執行率",
            "得分",
        ],
        [None, "年度資金總額", 7.29, 7.29, 7.29, 10, "100%", 10],
        [
            "績效指標",
            None,
            None,
            "年度指標值",
            None,
            None,
            "實際完成值",
            "分值",
            "得分",
            "偏差原因分析及改進措施",
        ],
        ["一級\n指標", "二級指標", "三級指標", "指標性質", "指標值", "度量單位"],
        ["產出指標", "數量指標", "衛片執法補助經費", "﹦", 72890, "元", 72890, 10, 9],
        [None, "質量指標", "項目驗收合格率", "﹦", 100, "%", 100, 20, 19],
    ]
    merges = ["A4:A5", "A6:C6", "D6:F6", "G6:G7", "H6:H7", "I6:I7", "J6:J7", "A8:A9"]
    form = read_form(build(tmp_path / "yn.xlsx", {"Sheet1": rows}, merges={"Sheet1": merges}))
    assert form.year == 2020 and form.department == "麗江市自然資源和規劃局"
    assert [(i.level1, i.level2, i.target, i.actual, i.score) for i in form.indicators] == [
        ("產出指標", "數量指標", "﹦ 72890 元", "72890", 9),
        ("產出指標", "質量指標", "﹦ 100 %", "100", 19),
    ]
    assert form.budget is not None and form.budget.rate == 100


def test_merged_target_header_without_sub_header(tmp_path: Path) -> None:
    rows: list[Row] = [
        ["三级指标", "指标值", None, None, "完成值", "权重"],
        ["覆盖率", "≥", 95, "%", 96, 10],
    ]
    form = read_form(build(tmp_path / "m.xlsx", {"S": rows}, merges={"S": ["B1:D1"]}))
    assert form.indicators[0].target == "≥ 95 %"


# --------------------------------------------------------------------------------------------
# several forms, odd rows


def test_two_forms_on_two_sheets(tmp_path: Path) -> None:
    other: list[Row] = [
        ["项目名称", "第二个项目"],
        ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"],
        ["产出指标", "数量指标", "培训人数", "≥10人", "12人", 50, 50],
        ["总分", None, None, None, None, 100, 100],
    ]
    notes: list[Row] = [["填报说明"], ["本工作簿包含两个项目。"]]
    path = build(
        tmp_path / "two.xlsx",
        {"说明": notes, "项目一": STANDARD, "项目二": other},
        merges={"项目一": STANDARD_MERGES},
        formats={"项目一": {"H6": "0.00%"}},
    )
    forms = read_forms(path)
    assert [f.project for f in forms] == ["法治培训服务", "第二个项目"]
    assert [f.source for f in forms] == [f"{path}#项目一", f"{path}#项目二"]
    assert forms[1].indicators[0].where == "项目二!C3"
    with pytest.raises(FormError) as info:
        read_form(path)
    message = str(info.value)
    assert str(path) in message and "项目一" in message and "项目二" in message
    assert "read_forms" in message


def test_two_forms_on_one_sheet(tmp_path: Path) -> None:
    one: list[Row] = [
        ["项目支出绩效自评表（2022年度）"],
        ["项目名称", "甲项目"],
        ["三级指标", "年度指标值", "实际完成值", "分值", "得分"],
        ["人数", "≥10人", "10人", 90, 90],
        ["总分", None, None, 100, 95],
        [],
        ["项目支出绩效自评表（2023年度）"],
        ["项目名称", "乙项目"],
        ["三级指标", "年度指标值", "实际完成值", "分值", "得分"],
        ["次数", "≥2次", "2次", 90, 90],
    ]
    path = build(tmp_path / "stack.xlsx", {"S": one})
    forms = read_forms(path)
    assert [(f.project, f.year, f.total) for f in forms] == [
        ("甲项目", 2022, 95),
        ("乙项目", 2023, None),
    ]
    assert [f.source for f in forms] == [f"{path}#S!A4", f"{path}#S!A10"]


def test_repeated_header_subtotals_and_group_weights(tmp_path: Path) -> None:
    rows: list[Row] = [
        ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"],
        ["产出指标", "数量指标", "甲", "≥1", "1", 20, 20],
        ["产出指标", "数量指标", "乙", "≥1", "1", None, None],
        ["产出指标", "小计", None, None, None, 20, 20],
        ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"],
        ["效益指标", None, "丙", "≥1", "1", 10, 10],
    ]
    # 甲 and 乙 share one weight merged over both rows (Hubei's group score)
    form = read_form(build(tmp_path / "r.xlsx", {"S": rows}, merges={"S": ["F2:F3", "G2:G3"]}))
    assert [(i.name, i.weight, i.level2) for i in form.indicators] == [
        ("甲", 20, "数量指标"),
        ("乙", None, "数量指标"),
        ("丙", 10, ""),
    ]


def test_notes_below_the_table_end_it(tmp_path: Path) -> None:
    rows: list[Row] = [
        ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"],
        ["产出指标", "数量指标", "人数", "≥1人", "1人", 100, 100],
        [],
        [None, None, "注：本表金额单位为万元。"],
        [None, None, "甲", "≥1人", "1人", 5, 5],
    ]
    form = read_form(build(tmp_path / "note.xlsx", {"S": rows}))
    assert [i.name for i in form.indicators] == ["人数"]


def test_glued_labels_and_header_only_english(tmp_path: Path) -> None:
    rows: list[Row] = [
        ["项目名称：社区矫正经费"],
        ["year", 2024],
        ["Level1", "Level2", "Name", "Target", "Actual", "Weight", "Score", "Reason"],
        ["产出指标", "数量指标", "集中教育次数", "≥12次", "12次", 100, 100, None],
        ["总分：100"],
    ]
    form = read_form(build(tmp_path / "g.xlsx", {"S": rows}))
    assert (form.project, form.year, form.total) == ("社区矫正经费", 2024, 100)
    assert form.total_where == "S!A5"


# --------------------------------------------------------------------------------------------
# errors


def test_not_a_form(tmp_path: Path) -> None:
    path = build(tmp_path / "budget.xlsx", {"预算": [["科目", "金额"], ["办公费", 3]], "空": []})
    before = digest(path)
    with pytest.raises(FormError) as info:
        read_form(path)
    message = str(info.value)
    assert str(path) in message and "预算!A1:B2" in message and "空" in message
    assert "未找到绩效指标表头" in message
    assert "no worksheet has an indicator header" in info.value.render("en")
    assert digest(path) == before


def test_missing_column(tmp_path: Path) -> None:
    rows: list[Row] = [
        [],
        [None, "一级指标", "二级指标", "三级指标", "年度指标值", "分值", "得分"],
        [None, "产出指标", "数量指标", "人数", "≥10人", 5, 5],
    ]
    with pytest.raises(FormError) as info:
        read_form(build(tmp_path / "m.xlsx", {"表1": rows}))
    err = info.value
    assert err.where == "表1!B2"
    assert "实际完成值" in err.message and "lacks the column(s) actual" in err.message_text("en")
    assert str(tmp_path / "m.xlsx") in str(err)


def test_missing_budget_column(tmp_path: Path) -> None:
    rows: list[Row] = [
        ["项目资金", "年初预算数", "全年预算数", "分值", "执行率", "得分"],
        ["年度资金总额", 10, 10, 10, "100%", 10],
        ["三级指标", "年度指标值", "实际完成值", "分值"],
        ["人数", "≥1人", "1人", 90],
    ]
    # the indicators are still read and scored; the budget is an error on its header
    form = read_form(build(tmp_path / "b.xlsx", {"S": rows}))
    assert form.budget is None and len(form.indicators) == 1
    (finding,) = [f for f in score_form(form).findings if f.code == "UNREADABLE_CELL"]
    assert finding.where == "S!B1" and finding.severity == "error"
    assert "全年执行数" in finding.zh


def test_bad_number_names_the_cell(tmp_path: Path) -> None:
    rows: list[Row] = [
        ["三级指标", "年度指标值", "实际完成值", "分值", "得分"],
        ["人数", "≥10人", "10人", "五分", 5],
    ]
    # the form is read; the bad cell is an UNREADABLE_CELL error on that cell when scored
    form = read_form(build(tmp_path / "n.xlsx", {"表1": rows}))
    assert form.indicators[0].weight is None
    assert form.indicators[0].unreadable == (("weight", "五分"),)
    (finding,) = [f for f in score_form(form).findings if f.code == "UNREADABLE_CELL"]
    assert finding.where == "表1!D2" and finding.severity == "error"
    assert "「分值」应为数字" in finding.zh and "五分" in finding.zh
    assert finding.row == 1 and finding.name == "人数"


def test_formula_without_saved_result(tmp_path: Path) -> None:
    # simple arithmetic over the sheet's cells is computed, with an info note per cell
    rows: list[Row] = [
        ["三级指标", "年度指标值", "实际完成值", "分值", "得分", "备注"],
        ["人数", "≥10人", "10人", 90, "=ROUND(D2*5/6,2)", "=1+1"],
        ["总分", None, None, 100, "=SUM(E2:E2)+10"],
    ]
    form = read_form(build(tmp_path / "f.xlsx", {"S": rows}))
    assert form.indicators[0].score == Decimal("75")
    assert form.total == Decimal("85")
    notes = {n.where: n for n in form.notes}
    assert set(notes) == {"S!E2", "S!F2", "S!E3"}
    assert all(n.code == "FORMULA_COMPUTED" for n in form.notes)
    assert "=SUM(E2:E2)+10" in notes["S!E3"].zh and "85" in notes["S!E3"].zh
    # anything else is not computed: each such cell the form uses is an UNREADABLE_CELL finding
    # (every one of them, not only the first), and the rest of the form is still scored
    rows[1][4] = "=VLOOKUP(A2,Sheet2!A:B,2,0)"
    rows[2][4] = "=E2+Other!A1"
    form = read_form(build(tmp_path / "g.xlsx", {"S": rows}))
    assert form.total is None and form.unreadable == (("total", "=E2+Other!A1"),)
    assert form.indicators[0].unreadable == (("score", "=VLOOKUP(A2,Sheet2!A:B,2,0)"),)
    result = score_form(form)
    found = {f.where: f for f in result.findings if f.code == "UNREADABLE_CELL"}
    assert set(found) == {"S!E2", "S!E3"}
    assert "公式" in found["S!E3"].zh and "open and save" in found["S!E3"].en
    assert result.indicators[0].score == Decimal("90.00")  # the rest is still scored


def test_rows_without_indicators(tmp_path: Path) -> None:
    header = ["三级指标", "年度指标值", "实际完成值", "分值", "得分"]
    with pytest.raises(FormError) as info:
        read_form(build(tmp_path / "e.xlsx", {"S": [header, [], ["总分", None, None, 100, 0]]}))
    assert info.value.where == "S!A1" and "没有任何指标行" in info.value.message
    # a weight with nothing to score beside a real row: an error on that row, the form is read
    form = read_form(
        build(tmp_path / "w.xlsx", {"S": [header, ["人数", "1", "1", 5, 5], [None] * 3 + [5]]})
    )
    assert len(form.indicators) == 1
    (finding,) = [f for f in score_form(form).findings if f.code == "UNREADABLE_CELL"]
    assert finding.where == "S!A3" and "no indicator name" in finding.en
    # … and alone, it is no form at all
    with pytest.raises(FormError) as info:
        read_form(build(tmp_path / "o.xlsx", {"S": [header, [None] * 3 + [5]]}))
    assert info.value.where == "S!A2" and "no indicator name" in info.value.message_text("en")


def test_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "fake.xlsx"
    path.write_text("一级指标,二级指标\n", encoding="utf-8")
    with pytest.raises(FormError, match=r"不是有效的 \.xlsx 文件") as info:
        read_form(path)
    assert info.value.source == str(path) and "not a valid .xlsx" in info.value.message_text("en")
    ole = tmp_path / "old.xlsx"
    ole.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    with pytest.raises(FormError, match="加密") as info:
        read_form(ole)
    assert str(info.value).startswith(f"{ole}: ") and ".xls" in info.value.message


def test_openpyxl_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = standard_book(tmp_path / "s.xlsx")
    monkeypatch.setitem(__import__("sys").modules, "openpyxl", None)
    with pytest.raises(FormError) as info:
        read_form(path)
    assert "pip install 'jixiao[xlsx]'" in str(info.value) and str(path) in str(info.value)


def test_an_amount_in_another_unit_is_reported_not_read(tmp_path: Path) -> None:
    """642530元 among amounts in 万元: without its unit it read as 642,530万元, 10,000 times the
    budget, and the budget row was scored 10 of 10 and counted verified."""
    rows = [list(r) for r in STANDARD]
    rows[5][5] = "642530元"
    form = read_unchanged(
        build(tmp_path / "u.xlsx", {"自评表": rows}, merges={"自评表": STANDARD_MERGES})
    )
    assert form.budget is not None and form.budget.executed is None
    assert form.budget.unreadable == (("executed", "642530元"),)
    result = score_form(form)
    (finding,) = [f for f in result.findings if f.code == "UNREADABLE_CELL"]
    assert finding.where == "自评表!F6" and finding.severity == "error"
    assert "642530元" in finding.zh and "万元" in finding.zh and "10,000" in finding.en
    assert result.budget.score is None and not result.budget.verified
    # the same amount in the table's own unit is read as usual
    rows[5][5] = "64.253万元"
    form = read_form(
        build(tmp_path / "w.xlsx", {"自评表": rows}, merges={"自评表": STANDARD_MERGES})
    )
    assert form.budget is not None and form.budget.executed == Decimal("64.253")
    assert not [f for f in score_form(form).findings if f.code == "UNREADABLE_CELL"]


def test_amounts_in_the_unit_the_header_names_are_read(tmp_path: Path) -> None:
    rows = [list(r) for r in STANDARD]
    rows[4][1] = "项目资金\n（元）"
    rows[4][5] = "全年执行数（元）"
    rows[5][3:6] = [662000, 662000, "642530元"]
    rows[6][3:6] = [662000, 662000, 642530]
    form = read_form(
        build(tmp_path / "y.xlsx", {"自评表": rows}, merges={"自评表": STANDARD_MERGES})
    )
    assert form.budget is not None and form.budget.executed == Decimal("642530")
    assert score_form(form).budget.score == Decimal("9.71")
