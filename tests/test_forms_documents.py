"""Every layout the .xlsx reader supports, read from old .xls, Word .docx and PDF: the same forms,
and every location names the right cell (checked by reading that cell back from the file)."""

from __future__ import annotations

import re
import shutil
import sys
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import jixiao
from jixiao.errors import FormError
from jixiao.forms import Form, read_form, read_forms

openpyxl = pytest.importorskip("openpyxl")
pytest.importorskip("xlrd")
pytest.importorskip("xlwt")
docx = pytest.importorskip("docx")
pdfplumber = pytest.importorskip("pdfplumber")
pytest.importorskip("reportlab")

from convert_formats import xlsx_to_docx, xlsx_to_ods, xlsx_to_pdf, xlsx_to_xls  # noqa: E402
from test_forms_xlsx import SICHUAN, STANDARD, STANDARD_MERGES, Row, build  # noqa: E402

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _layouts(tmp: Path) -> dict[str, Path]:
    """One workbook per layout the .xlsx reader supports."""
    other: list[Row] = [
        ["项目名称", "第二个项目"],
        ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"],
        ["产出指标", "数量指标", "培训人数", "≥10人", "12人", 50, 50],
        ["总分", None, None, None, None, 100, 100],
    ]
    yunnan: list[Row] = [
        [
            "一级指标",
            "二级指标",
            "三级指标",
            "年度指标值",
            None,
            None,
            "实际完成值",
            "分值",
            "得分",
        ],
        [None, None, None, "指标性质", "指标值", "度量单位", None, None, None],
        ["產出指標", "數量指標", "覆盖人数", "≥", 100, "人", "120人", 50, 50],
        [None, None, "完成率", "=", 100, "%", "100%", 40, 40],
    ]
    repeated: list[Row] = [
        ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"],
        ["产出指标", "数量指标", "甲", "≥1", "1", 20, 20],
        ["产出指标", "数量指标", "乙", "≥1", "1", None, None],
        ["产出指标", "小计", None, None, None, 20, 20],
        ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"],
        ["效益指标", None, "丙", "≥1", "1", 10, 10],
    ]
    glued: list[Row] = [
        ["项目名称：法治培训", None, None, None, None],
        ["name", "target", "actual", "weight", "score"],
        ["人数", "≥10人", "10人", 90, 90],
        ["总分：90", None, None, None, None],
    ]
    return {
        "seed": EXAMPLES / "seed.xlsx",
        "sichuan_split": EXAMPLES / "sichuan_split.xlsx",
        "standard": build(
            tmp / "standard.xlsx",
            {"自评表": STANDARD},
            merges={"自评表": STANDARD_MERGES},
            formats={"自评表": {"H6": "0.00%", "G16": "0%"}},
        ),
        "split": build(
            tmp / "sichuan.xlsx",
            {"S": SICHUAN},
            merges={"S": ["A1:K1", "A6:A9", "A10:A13", "B11:B12", "I7:K7", "B14:H14"]},
            formats={"S": {"H12": "0%"}},
        ),
        "two_sheets": build(
            tmp / "two.xlsx",
            {"项目一": STANDARD, "项目二": other},
            merges={"项目一": STANDARD_MERGES},
            formats={"项目一": {"H6": "0.00%"}},
        ),
        "two_header_rows": build(
            tmp / "yn.xlsx", {"S": yunnan}, merges={"S": ["D1:F1", "A1:A2", "A3:A4", "B3:B4"]}
        ),
        "repeated_header": build(tmp / "r.xlsx", {"S": repeated}, merges={"S": ["F2:F3", "G2:G3"]}),
        "glued": build(tmp / "g.xlsx", {"S": glued}),
    }


LAYOUTS = [
    "seed",
    "sichuan_split",
    "standard",
    "split",
    "two_sheets",
    "two_header_rows",
    "repeated_header",
    "glued",
]


@pytest.fixture(scope="module")
def layouts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return _layouts(tmp_path_factory.mktemp("layouts"))


def locations(form: Form) -> Iterator[tuple[str, str, str]]:
    """(field, location, the value read) for every located value of a form."""
    for ind in form.indicators:
        for key in ("name", "actual", "weight", "score", "reason", "nature", "unit"):
            if key in ind.cells:
                value = getattr(ind, key, None)
                yield key, ind.cells[key], "" if value is None else str(value)
    if form.budget is not None:
        for key in ("initial", "annual", "executed", "weight", "score", "rate"):
            if key in form.budget.cells:
                yield f"budget.{key}", form.budget.cells[key], str(getattr(form.budget, key))
    if form.total is not None:
        yield "total", form.total_where, str(form.total)


def _sheet_tables(path: Path) -> dict[str, int]:
    wb = openpyxl.load_workbook(path)
    visible = [ws.title for ws in wb.worksheets if ws.sheet_state == "visible"]
    return {title: i for i, title in enumerate(visible, start=1)}


def _excel_to_docx_loc(where: str, tables: dict[str, int]) -> str:
    sheet, ref = where.rsplit("!", 1)
    sheet = sheet.strip("'")
    m = re.fullmatch(r"([A-Z]+)(\d+)", ref)
    assert m is not None
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    return f"表{tables[sheet]} 第{m.group(2)}行 第{col}列"


@pytest.mark.parametrize("layout", LAYOUTS)
def test_xls_reads_every_layout_to_the_same_form(
    layout: str, layouts: dict[str, Path], tmp_path: Path
) -> None:
    src = layouts[layout]
    expected = read_forms(src)
    xls = xlsx_to_xls(src, tmp_path / f"{layout}.xls")
    got = read_forms(xls)
    assert got == expected
    for a, b in zip(expected, got, strict=True):
        assert list(locations(a)) == list(locations(b))  # every location: the same cell names
        assert [i.where for i in a.indicators] == [i.where for i in b.indicators]
        assert (a.source or "").replace(str(src), "") == (b.source or "").replace(str(xls), "")


@pytest.mark.parametrize("layout", LAYOUTS)
def test_ods_reads_every_layout_to_the_same_form(
    layout: str, layouts: dict[str, Path], tmp_path: Path
) -> None:
    pytest.importorskip("python_calamine")
    src = layouts[layout]
    expected = read_forms(src)
    path = xlsx_to_ods(src, tmp_path / f"{layout}.ods")
    got = read_forms(path)
    assert got == expected  # percentage cells too (office:value-type="percentage")
    for a, b in zip(expected, got, strict=True):
        assert list(locations(a)) == list(locations(b))


@pytest.mark.parametrize("layout", LAYOUTS)
def test_docx_reads_every_layout_to_the_same_form(
    layout: str, layouts: dict[str, Path], tmp_path: Path
) -> None:
    src = layouts[layout]
    expected = read_forms(src)
    path = xlsx_to_docx(src, tmp_path / f"{layout}.docx")
    got = read_forms(path)
    assert got == expected
    tables = _sheet_tables(src)
    document = docx.Document(str(path))
    for a, b in zip(expected, got, strict=True):
        want = [(k, _excel_to_docx_loc(w, tables), v) for k, w, v in locations(a)]
        assert list(locations(b)) == want
        for _key, where, value in want:  # the named cell holds the value read
            m = re.fullmatch(r"表(\d+) 第(\d+)行 第(\d+)列", where)
            assert m is not None
            t, r, c = (int(g) for g in m.groups())
            text = document.tables[t - 1].cell(r - 1, c - 1).text
            if value and value != "None":
                assert _same(text, value), (where, text, value)


def _same(text: str, value: str) -> bool:
    flat = re.sub(r"\s+", "", text)
    if re.sub(r"\s+", "", value) == flat:
        return True
    try:
        shown = Decimal(flat.rstrip("%").replace(",", "") or "x")
    except ArithmeticError:
        shown = None
    if shown is None:
        return re.sub(r"\s+", "", value) in flat
    return shown == Decimal(value)


def _pdf_cell(pdf: Any, where: str) -> str:
    m = re.fullmatch(r"第(\d+)页 表(\d+) 第(\d+)行 第(\d+)列", where)
    assert m is not None, where
    p, t, r, c = (int(g) for g in m.groups())
    table = pdf.pages[p - 1].find_tables()[t - 1]
    return str(table.extract()[r - 1][c - 1] or "")


@pytest.mark.parametrize("layout", LAYOUTS)
def test_pdf_reads_every_layout_to_the_same_form(
    layout: str, layouts: dict[str, Path], tmp_path: Path
) -> None:
    src = layouts[layout]
    expected = read_forms(src)
    path = xlsx_to_pdf(src, tmp_path / f"{layout}.pdf")
    got = read_forms(path)
    assert got == expected
    with pdfplumber.open(path) as pdf:
        for form in got:
            for _key, where, value in locations(form):
                if value and value != "None":
                    assert _same(_pdf_cell(pdf, where), value), (where, value)


@pytest.mark.parametrize(
    "convert", [xlsx_to_xls, xlsx_to_docx, xlsx_to_pdf], ids=["xls", "docx", "pdf"]
)
def test_seed_scores_95_71_in_every_format(convert: Callable[..., Path], tmp_path: Path) -> None:
    suffix = {"xlsx_to_xls": ".xls", "xlsx_to_docx": ".docx", "xlsx_to_pdf": ".pdf"}
    path = convert(EXAMPLES / "seed.xlsx", tmp_path / f"seed{suffix[convert.__name__]}")
    form = read_form(path)
    assert form == read_form(EXAMPLES / "seed.json")
    result = jixiao.score_form(form)
    assert result.total == Decimal("95.71") and result.grade == "优"


# ----------------------------------------------------------------------------- .xls specifics


def test_xls_number_formats_and_hidden_sheets(tmp_path: Path) -> None:
    header = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"]
    rows: list[Row] = [
        header,
        ["产出指标", "数量指标", "百分比", "≥95%", 0.98, 10, 10],
        [None, None, "引号百分号", "≥95%", 98, 10, 10],
        [None, None, "两位百分比", "≥90%", 0.903333, 10, 10],
        [None, None, "两位小数", "≥60", 64.253, 10, 9.996],
    ]
    fmts = {"E2": "0%", "E3": '0"%"', "E4": "0.00%", "E5": "0.00", "G5": "0.00"}
    src = tmp_path / "f.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "表"
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is not None:
                ws.cell(row=r, column=c, value=value)
    for ref, fmt in fmts.items():
        ws[ref].number_format = fmt
    draft = wb.create_sheet("旧稿")
    draft.append(header)
    draft.append(["产出指标", "数量指标", None, None, None, 10, 10])  # no indicator: an error
    draft.sheet_state = "hidden"
    wb.save(src)
    xls = xlsx_to_xls(src, tmp_path / "f.xls")
    form = read_form(xls)
    assert [i.actual for i in form.indicators] == ["98%", "98", "90.33%", "64.25"]
    assert form.indicators[3].score == Decimal("10.00")
    assert [n.where for n in form.notes] == ["旧稿"] and form == read_form(src)
    with pytest.raises(FormError) as info:
        read_forms(xls, include_hidden=True)
    assert info.value.where == "旧稿!A2"


def test_et_is_read_like_xls_or_xlsx(tmp_path: Path) -> None:
    seed = read_form(EXAMPLES / "seed.json")
    old = xlsx_to_xls(EXAMPLES / "seed.xlsx", tmp_path / "seed.xls")
    shutil.copy(old, tmp_path / "old.et")
    shutil.copy(EXAMPLES / "seed.xlsx", tmp_path / "new.et")
    assert read_form(tmp_path / "old.et") == seed == read_form(tmp_path / "new.et")


def test_bad_xls_files(tmp_path: Path) -> None:
    fake = tmp_path / "fake.xls"
    fake.write_text("not a workbook", encoding="utf-8")
    with pytest.raises(FormError, match=r"不是有效的 \.xls") as info:
        read_form(fake)
    assert info.value.source == str(fake)
    renamed = tmp_path / "renamed.xls"
    shutil.copy(EXAMPLES / "seed.xlsx", renamed)
    with pytest.raises(FormError, match=r"\.xlsx"):
        read_form(renamed)


# ----------------------------------------------------------------------------- Word specifics


def test_docx_several_tables_paragraphs_and_merges(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("项目支出绩效自评表（2023年度）")
    document.add_paragraph("项目名称：法治培训服务")
    budget = document.add_table(rows=2, cols=6)
    for c, text in enumerate(["", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率"]):
        budget.cell(0, c).text = text
    for c, text in enumerate(["年度资金总额", "100", "100", "90", "10", "90%"]):
        budget.cell(1, c).text = text
    document.add_paragraph("绩效指标完成情况如下：")
    table = document.add_table(rows=5, cols=7)
    head = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"]
    for c, text in enumerate(head):
        table.cell(0, c).text = text
    body = [
        ["产出指标", "数量指标", "培训人数", "≥45人", "45人", "30", "30"],
        [None, None, "培训次数", "≥6次", "6次", "30", "30"],
        [None, "质量指标", "通过率", "≥90%", "100%", "30", "30"],
    ]
    for r, line in enumerate(body, start=1):
        for c, text in enumerate(line):
            if text is not None:
                table.cell(r, c).text = text
    table.cell(1, 0).merge(table.cell(3, 0))  # 一级指标 merged down three rows
    table.cell(1, 1).merge(table.cell(2, 1))  # 二级指标 merged down two rows
    table.cell(4, 0).merge(table.cell(4, 4))  # 总分 merged across five columns
    table.cell(4, 0).text = "总分"
    table.cell(4, 5).text = "90"
    table.cell(4, 6).text = "90"
    path = tmp_path / "report.docx"
    document.save(str(path))
    form = read_form(path)
    assert (form.project, form.year, form.total) == ("法治培训服务", 2023, 90)
    assert form.budget is not None and (form.budget.annual, form.budget.rate) == (100, 90)
    assert [(i.level1, i.level2, i.name) for i in form.indicators] == [
        ("产出指标", "数量指标", "培训人数"),
        ("产出指标", "数量指标", "培训次数"),
        ("产出指标", "质量指标", "通过率"),
    ]
    second = form.indicators[1]
    assert second.where == "表2 第3行 第3列"  # the row is located at its 三级指标 cell
    assert second.cells["level1"] == "表2 第2行 第1列"  # merged: the top-left cell
    assert second.cells["weight"] == "表2 第3行 第6列"
    assert form.total_where == "表2 第5行 第7列"
    assert form.budget.cells["rate"] == "表1 第2行 第6列"
    assert jixiao.score_form(form).total == Decimal("99.00")


def test_docx_errors(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("没有表格的报告")
    path = tmp_path / "empty.docx"
    document.save(str(path))
    with pytest.raises(FormError, match="没有表格"):
        read_form(path)
    old = tmp_path / "old.docx"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64)
    with pytest.raises(FormError, match=r"\.doc"):
        read_form(old)
    table = docx.Document()
    grid = table.add_table(rows=2, cols=4)
    for c, text in enumerate(["三级指标", "年度指标值", "实际完成值", "分值"]):
        grid.cell(0, c).text = text
    for c, text in enumerate(["", "", "", "5"]):  # a weight on a row with no indicator
        grid.cell(1, c).text = text
    bad = tmp_path / "bad.docx"
    table.save(str(bad))
    with pytest.raises(FormError) as info:
        read_form(bad)
    assert info.value.where == "表1 第2行 第1列" and "no indicator name" in info.value.message_text(
        "en"
    )


# ----------------------------------------------------------------------------- PDF specifics


def test_pdf_table_across_pages_with_repeated_header(tmp_path: Path) -> None:
    head = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"]
    rows: list[Row] = [head]
    for i in range(1, 61):
        rows.append(["产出指标", "数量指标", f"指标{i}", "≥10人", "10人", 1.5, 1.5])
    rows.append(["总分", None, None, None, None, 90, 90])
    src = build(tmp_path / "long.xlsx", {"S": rows})
    path = xlsx_to_pdf(src, tmp_path / "long.pdf", repeat_header_rows=1)
    with pdfplumber.open(path) as pdf:
        pages = len(pdf.pages)
        headers = sum(
            1
            for p in pdf.pages
            for t in p.find_tables()
            if (t.extract()[0] or [""])[0] == "一级指标"
        )
    assert pages >= 2 and headers == pages  # the header is repeated on every page
    form = read_form(path)
    assert form == read_form(src)
    assert len(form.indicators) == 60 and form.total == 90
    assert form.indicators[0].where.startswith("第1页 表1 第2行")
    last = form.indicators[-1]
    assert last.where.startswith(f"第{pages}页 ") and last.name == "指标60"
    with pdfplumber.open(path) as pdf:
        assert _pdf_cell(pdf, last.cells["name"]) == "指标60"


def test_scanned_pdf_is_refused(tmp_path: Path) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    path = tmp_path / "scan.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    for _ in range(2):  # pages with only drawings, as a scanner's images are
        c.rect(50, 50, 400, 600, fill=1)
        c.showPage()
    c.save()
    with pytest.raises(FormError) as info:
        read_form(path)
    assert "扫描件" in info.value.message and "without a text layer" in info.value.message_text(
        "en"
    )
    assert info.value.where == "第1-2页"


def test_pdf_without_ruled_table_and_not_a_pdf(tmp_path: Path) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    path = tmp_path / "text.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont("STSong-Light", 12)
    c.drawString(50, 700, "绩效自评报告：本项目没有表格。")
    c.save()
    with pytest.raises(FormError, match="没有找到带表格线的表格"):
        read_form(path)
    fake = tmp_path / "fake.pdf"
    fake.write_text("hello", encoding="utf-8")
    with pytest.raises(FormError, match="不是有效的 PDF"):
        read_form(fake)


# ----------------------------------------------------------------------------- extras


@pytest.mark.parametrize(
    ("module", "suffix", "extra"),
    [("xlrd", ".xls", "xls"), ("docx", ".docx", "docx"), ("pdfplumber", ".pdf", "pdf")],
)
def test_missing_extra_gives_a_one_line_hint(
    module: str, suffix: str, extra: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    convert = {".xls": xlsx_to_xls, ".docx": xlsx_to_docx, ".pdf": xlsx_to_pdf}[suffix]
    path = convert(EXAMPLES / "seed.xlsx", tmp_path / f"seed{suffix}")
    monkeypatch.setitem(sys.modules, module, None)
    with pytest.raises(FormError) as info:
        read_form(path)
    assert f"pip install 'jixiao[{extra}]'" in str(info.value)
    assert "\n" not in str(info.value)
