"""Reading CSV forms: header names in English and Chinese, encodings, the blocks above the
table, and every error with its file, row and column."""

from __future__ import annotations

import hashlib
from decimal import Decimal
from pathlib import Path

import pytest

from jixiao import score_form
from jixiao.errors import FormError
from jixiao.forms import Form, read_form, read_forms

FIXTURES = Path(__file__).parent / "fixtures" / "forms"


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def read_unchanged(path: Path) -> Form:
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    form = read_form(path)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    return form


ENGLISH = """level1,level2,name,target,actual,weight,score,reason
产出指标,数量指标,执法资格培训参训人数,≥45人,45人,5,5,
,,会前学法、法治讲座培训次数,≥6次,6次,10,10,
,质量指标,执法资格培训通过率,≥90%,100%,5,5,
效益指标,社会效益指标,专兼职法制员培训,定性全市应急管理系统法制人员业务能力和水平,有效提高,5,3,项目效益仍有提升空间。
"""


def test_english_header_and_fill_down(tmp_path: Path) -> None:
    form = read_unchanged(write(tmp_path / "en.csv", ENGLISH))
    assert [(i.level1, i.level2, i.name) for i in form.indicators] == [
        ("产出指标", "数量指标", "执法资格培训参训人数"),
        ("产出指标", "数量指标", "会前学法、法治讲座培训次数"),
        ("产出指标", "质量指标", "执法资格培训通过率"),
        ("效益指标", "社会效益指标", "专兼职法制员培训"),
    ]
    last = form.indicators[-1]
    assert (last.weight, last.score, last.reason) == (
        Decimal(5),
        Decimal(3),
        "项目效益仍有提升空间。",
    )
    assert form.budget is None and form.total is None
    assert last.where == "row 5"
    assert last.cells["score"] == "row 5, col 7"
    assert last.cell("reason") == "row 5, col 8"


CHINESE = """# 法治培训服务 2023（以 # 开头的行是注释）
项目名称,法治培训服务
年度,2023年
主管部门,北京市应急管理局
实施单位,北京市应急管理局机关

项目资金（万元）,年初预算数,全年预算数（A）,全年执行数（B）,分值,执行率,得分
年度资金总额,66.200000,66.200000,"64.253",10.00,0.9706,9.71
其中：当年财政拨款,66.2,66.2,64.253,—,—,—
上年结转资金,-,-,-,-,-,-

预期目标,实际完成情况
"全年会前学法不少于4次，
法治讲座不少于2次。",全年会前学法4次。

一级指标, 二级指标 ,三级指标,年度指标值（A）,实际完成值 (B),分 值,自评得分,"偏差原因分析及
改进措施"
产出指标,数量指标,执法资格培训参训人数,≥45人,45人,5.00,5.00,
成本指标,经济成本指标,费用,≤64.253万元,64.253万元,10.00,10.00,
总分,,,,,100.00,95.71,
"""


def test_chinese_headers_and_blocks(tmp_path: Path) -> None:
    form = read_unchanged(write(tmp_path / "zh.csv", CHINESE, "utf-8-sig"))
    assert (form.project, form.year, form.department) == ("法治培训服务", 2023, "北京市应急管理局")
    assert form.goals == {
        "expected": "全年会前学法不少于4次，法治讲座不少于2次。",
        "actual": "全年会前学法4次。",
    }
    budget = form.budget
    assert budget is not None
    assert (budget.annual, budget.executed, budget.rate, budget.score) == (
        Decimal("66.2"),
        Decimal("64.253"),
        Decimal("97.06"),
        Decimal("9.71"),
    )
    assert [(r.name, r.annual) for r in budget.rows] == [
        ("当年财政拨款", Decimal("66.2")),
        ("上年结转资金", None),
    ]
    assert budget.where == "row 8" and budget.cells["rate"] == "row 8, col 6"
    assert [i.name for i in form.indicators] == ["执法资格培训参训人数", "费用"]
    assert form.indicators[1].level1 == "成本指标"
    assert form.total == Decimal("95.71") and form.total_where == "row 18, col 7"


@pytest.mark.parametrize("rate", ["97.06", "97.06%", "0.9706", "９７．０６％"])
def test_budget_rate_spellings(tmp_path: Path, rate: str) -> None:
    text = (
        "项目资金,全年预算数,全年执行数,执行率\n"
        f"年度资金总额,66.2,64.253,{rate}\n"
        "三级指标,年度指标值,实际完成值,分值\n"
        "人数,≥1人,1人,90\n"
    )
    budget = read_form(write(tmp_path / "rate.csv", text)).budget
    assert budget is not None and budget.rate == Decimal("97.06")


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("utf-8", ","), ("utf-8-sig", ","), ("gb18030", ","), ("utf-16", "\t"), ("utf-8", "\t")],
)
def test_encodings_and_delimiters(tmp_path: Path, encoding: str, delimiter: str) -> None:
    text = CHINESE.replace(",", delimiter) if delimiter != "," else CHINESE
    form = read_form(write(tmp_path / "enc.csv", text, encoding))
    assert form.project == "法治培训服务" and len(form.indicators) == 2


def test_gb18030_fixture() -> None:
    form = read_unchanged(FIXTURES / "gbk_export.csv")
    assert form.indicators[0].name == "执法资格培训参训人数"
    assert form.budget is not None and form.budget.executed == Decimal("215457.6")


def test_numbers_with_separators_and_units(tmp_path: Path) -> None:
    text = (
        "项目资金,年初预算数,全年预算数,全年执行数\n"
        '年度资金总额,"250,000.00",259.45万元,"215,457.6"\n'
        "三级指标,年度指标值,实际完成值,分值,得分\n"
        "人数,≥1人,1人,90分,８９．５\n"
    )
    form = read_form(write(tmp_path / "n.csv", text))
    assert form.budget is not None
    assert (form.budget.initial, form.budget.annual, form.budget.executed) == (
        Decimal("250000.00"),
        Decimal("259.45"),
        Decimal("215457.6"),
    )
    assert (form.indicators[0].weight, form.indicators[0].score) == (90, Decimal("89.5"))


def test_two_forms_in_one_csv(tmp_path: Path) -> None:
    one = "项目名称,甲\n三级指标,年度指标值,实际完成值,分值\n人数,≥1人,1人,90\n"
    two = "项目名称,乙\n三级指标,年度指标值,实际完成值,分值\n次数,≥1次,1次,90\n"
    path = write(tmp_path / "two.csv", one + "\n" + two)
    forms = read_forms(path)
    assert [f.project for f in forms] == ["甲", "乙"]
    assert [f.source for f in forms] == [f"{path}#row 3", f"{path}#row 7"]
    with pytest.raises(FormError, match="read_forms"):
        read_form(path)


# --------------------------------------------------------------------------------------------
# errors: file + row + column + what was expected


def test_not_a_form() -> None:
    path = FIXTURES / "not_a_form.csv"
    with pytest.raises(FormError) as info:
        read_form(path)
    err = info.value
    assert err.source == str(path) and err.where == "rows 1-4"
    assert "不是绩效自评表" in err.message and "not a form" in err.message_text("en")
    assert "level1,level2,name,target,actual,weight,score,reason" in err.message_text("en")
    assert "一级指标,二级指标,三级指标,年度指标值" in err.message


def test_missing_column() -> None:
    with pytest.raises(FormError) as info:
        read_form(FIXTURES / "missing_actual.csv")
    err = info.value
    assert err.where == "row 3, col 1"
    assert "实际完成值" in err.message and "actual" in err.message_text("en")


def test_bad_number() -> None:
    # a weight cell that is not a number is a finding on that cell, never a refused form
    form = read_form(FIXTURES / "bad_weight.csv")
    bad = [i for i in form.indicators if i.unreadable]
    assert [i.unreadable for i in bad] == [(("weight", "十分"),)]
    (f,) = [f for f in score_form(form).findings if f.code == "UNREADABLE_CELL"]
    assert f.where == "row 3, col 6" and f.severity == "error"
    assert "「分值」应为数字" in f.zh and "十分" in f.zh


def test_undecodable(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes("三级指标,年度指标值\n".encode() + b"\xff\xfe\xff\n")
    with pytest.raises(FormError) as info:
        read_form(path)
    assert info.value.where == "line 2" and "GB18030" in info.value.message


def test_empty_file(tmp_path: Path) -> None:
    with pytest.raises(FormError) as info:
        read_form(write(tmp_path / "empty.csv", ""))
    assert info.value.where == "empty file"
