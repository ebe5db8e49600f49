"""Reading and writing forms as Excel workbooks (.xlsx), through openpyxl (the ``xlsx`` extra).

openpyxl is imported inside the functions, never at module level, so ``import jixiao`` works
without it. The reader opens the file's bytes in memory and never writes to the file.
"""

from __future__ import annotations

import io
import os
import re
import warnings
import zipfile
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from jixiao.errors import FormError
from jixiao.escape import visible
from jixiao.fileio import atomic_write_bytes, unique_sheet_name
from jixiao.forms._book import build_grid, collect_forms, hidden_note
from jixiao.forms._grid import Grid, GridCell, column_letter
from jixiao.forms._layout import find_forms
from jixiao.forms._text import render_number
from jixiao.forms.model import Form, Indicator, ReadNote
from jixiao.i18n import Msg
from jixiao.limits import check_cell_text, open_zip, read_bytes

__all__ = ["Layout", "read_xlsx_forms", "split_target", "write_xlsx"]

Layout = Literal["standard", "split"]

_INSTALL = Msg(
    "读取或写入 .xlsx 需要 openpyxl，请安装：pip install 'jixiao[xlsx]'",
    "reading or writing .xlsx needs openpyxl: pip install 'jixiao[xlsx]'",
)
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _openpyxl(source: str) -> Any:
    try:
        import openpyxl
    except ImportError:
        raise FormError(_INSTALL, source=source) from None
    return openpyxl


# --------------------------------------------------------------------------------------------
# reading


def load_workbook(path: Path, source: str, **options: Any) -> Any:
    """An openpyxl workbook from a file, after the checks of :mod:`jixiao.limits` (file size,
    zip sizes declared and actually decompressed, cells, rows, columns, merged area, no DTD);
    merged ranges are clipped to the data first, so no range is expanded over empty cells.
    openpyxl's warnings (unknown extensions, data validation…) are not printed. Raises
    FormError (LimitError) for anything wrong with the file."""
    openpyxl = _openpyxl(source)
    data = open_zip(read_bytes(path, source), source)
    return _load(openpyxl, data, source, **options)


def _load(openpyxl: Any, data: bytes, source: str, **options: Any) -> Any:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return openpyxl.load_workbook(io.BytesIO(data), **options)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        if data.startswith(_OLE_MAGIC):
            why = Msg(
                "这是旧版 .xls 文件或加密的工作簿，请在 Excel 中另存为未加密的 .xlsx",
                "this is an old .xls file or a password-protected workbook: save it as an "
                "unencrypted .xlsx",
            )
        else:
            why = Msg(
                "不是有效的 .xlsx 文件",
                f"not a valid .xlsx workbook: {type(exc).__name__}: {exc}",
            )
        raise FormError(why, source=source) from None


def _is_formula(cell: Any) -> bool:
    # data_type, not a leading "=": a text cell may well read "=100%"
    return getattr(cell, "data_type", None) == "f"


def _formula_text(value: object) -> str:
    text = getattr(value, "text", value)
    return str(text)


def _sheet_cells(ws: Any) -> dict[tuple[int, int], Any]:
    raw = getattr(ws, "_cells", None)  # only the cells that exist, not the whole used range
    if isinstance(raw, dict):
        return {k: v for k, v in raw.items() if v.value is not None}
    return {(c.row, c.column): c for row in ws.iter_rows() for c in row if c.value is not None}


def _grid(ws: Any, values_ws: Any | None, source: str) -> Grid:
    present = _sheet_cells(ws)
    cells: dict[tuple[int, int], GridCell] = {}
    uncached: dict[tuple[int, int], str] = {}
    for (row, col), cell in present.items():
        value = cell.value
        if isinstance(value, str):
            check_cell_text(value, source=source, where=f"{ws.title}!{column_letter(col)}{row}")
        formula = None
        if _is_formula(cell):
            cached = values_ws.cell(row=row, column=col).value if values_ws is not None else None
            if cached is None:
                formula, value = _formula_text(value), None
                uncached[(row, col)] = formula
            else:
                value = cached
        fmt = cell.number_format
        fmt = str(fmt) if fmt and fmt != "General" else None
        cells[(row, col)] = GridCell(value, (row, col), (row, col), False, formula, fmt)
    merges = [
        ((rng.min_row, rng.min_col), (rng.max_row, rng.max_col)) for rng in ws.merged_cells.ranges
    ]
    return build_grid(source, str(ws.title), cells, merges, uncached)


def read_xlsx_forms(path: Path, source: str, *, include_hidden: bool = False) -> list[Form]:
    """Every form on every visible worksheet (hidden ones too with *include_hidden*).
    ``Form.source`` is the file name, or ``file#sheet`` when the workbook holds several forms.
    Raises FormError when no sheet holds a form."""
    openpyxl = _openpyxl(source)
    data = open_zip(read_bytes(path, source), source)
    wb = _load(openpyxl, data, source, data_only=False)
    sheets = []
    skipped: list[ReadNote] = []
    for ws in wb.worksheets:
        state = str(getattr(ws, "sheet_state", "visible") or "visible")
        if state != "visible" and not include_hidden:
            skipped.append(hidden_note(str(ws.title), state))
        else:
            sheets.append(ws)
    has_formulas = any(_is_formula(c) for ws in sheets for c in _sheet_cells(ws).values())
    values = _load(openpyxl, data, source, data_only=True) if has_formulas else None
    per_sheet: list[tuple[Grid, list[Form]]] = []
    for ws in sheets:
        grid = _grid(ws, values[ws.title] if values is not None else None, source)
        per_sheet.append((grid, find_forms(grid)))
    return collect_forms(source, per_sheet, skipped)


# --------------------------------------------------------------------------------------------
# writing


_SPLIT = re.compile(
    r"\s*(>=|<=|≥|≤|≧|≦|>|<|＞|＜|=|＝|﹦|═)?\s*"
    r"([-+]?\d+(?:,\d{3})*(?:\.\d+)?)\s*(\S*?)\s*"
)


def split_target(target: str) -> tuple[str, str, str]:
    """A target text as the three cells of the split layout: 指标性质, 指标值, 度量单位.

    >>> split_target("≥ 95 %"), split_target("≤64.253万元"), split_target("定性 好坏")
    (('≥', '95', '%'), ('≤', '64.253', '万元'), ('定性', '好坏', ''))
    """
    match = _SPLIT.fullmatch(target)
    if match is not None and match.group(1):
        return match.group(1), match.group(2), match.group(3)
    if target.startswith("定性"):
        return "定性", target[2:].strip(), ""
    return "", target, ""


# Two decimal places shown, and up to six when the number has them: a reader (and jixiao, which
# reads numbers as they are shown) sees 89.974, not 89.97.
_PLACES = "0.00####"
_PERCENT = "0.00####%"


def _cell_number(value: Decimal | None) -> int | float | str:
    if value is None:
        return "—"
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def _value_cell(text: str) -> int | float | str:
    """A plain number as a number cell (as a person would type it), anything else as text."""
    if not re.fullmatch(r"-?\d+(?:\.\d+)?", text) or render_number(Decimal(text)) != text:
        return text
    number = Decimal(text)
    return int(number) if number == number.to_integral_value() else float(number)


class _Sheet:
    """A small helper over an openpyxl worksheet: values, merges and styles in one call."""

    def __init__(self, openpyxl: Any, ws: Any) -> None:
        self.ws = ws
        styles = openpyxl.styles
        side = styles.Side(style="thin", color="000000")
        self.border = styles.Border(left=side, right=side, top=side, bottom=side)
        self.wrap = styles.Alignment(wrap_text=True, vertical="center")
        self.center = styles.Alignment(wrap_text=True, vertical="center", horizontal="center")
        self.bold = styles.Font(bold=True)
        self.title_font = styles.Font(bold=True, size=16)

    def put(
        self,
        row: int,
        col: int,
        value: object,
        *,
        to: tuple[int, int] | None = None,
        center: bool = False,
        bold: bool = False,
        fmt: str | None = None,
    ) -> None:
        cell = self.ws.cell(row=row, column=col)
        cell.value = (visible(value) if isinstance(value, str) else value) if value != "" else None
        if cell.data_type == "f":
            cell.data_type = "s"  # text such as "=100%", never a formula
        cell.alignment = self.center if center else self.wrap
        if bold:
            cell.font = self.bold
        if fmt:
            cell.number_format = fmt
        last = to or (row, col)
        for r in range(row, last[0] + 1):
            for c in range(col, last[1] + 1):
                self.ws.cell(row=r, column=c).border = self.border
        if to is not None and to != (row, col):
            self.ws.merge_cells(start_row=row, start_column=col, end_row=to[0], end_column=to[1])

    def title(self, row: int, text: str, width: int) -> None:
        self.put(row, 1, text, to=(row, width), center=True)
        self.ws.cell(row=row, column=1).font = self.title_font

    def widths(self, widths: Sequence[float]) -> None:
        for i, width in enumerate(widths, start=1):
            self.ws.column_dimensions[column_letter(i)].width = width


def _runs(indicators: Sequence[Indicator], key: Any) -> list[tuple[int, int]]:
    """(first, last) index ranges of consecutive indicators with the same key."""
    runs: list[tuple[int, int]] = []
    for i, ind in enumerate(indicators):
        if runs and key(indicators[runs[-1][0]]) == key(ind):
            runs[-1] = (runs[-1][0], i)
        else:
            runs.append((i, i))
    return runs


def _indicator_table_head(
    s: _Sheet, top: int, heads: tuple[str, ...], inds: Sequence[Indicator]
) -> int:
    """The 绩效指标 header row and the 一级/二级 cells merged down their rows; returns the first
    indicator row."""
    for i, text in enumerate(heads):
        s.put(top, 2 + i, text, center=True, bold=True)
    first = top + 1
    for start, end in _runs(inds, lambda i: i.level1):
        s.put(first + start, 2, inds[start].level1, to=(first + end, 2), center=True)
    for start, end in _runs(inds, lambda i: (i.level1, i.level2)):
        s.put(first + start, 3, inds[start].level2, to=(first + end, 3), center=True)
    return first


def _weights_total(form: Form) -> Decimal:
    total = sum((i.weight for i in form.indicators if i.weight is not None), Decimal(0))
    if form.budget is not None and form.budget.weight is not None:
        total += form.budget.weight
    return total


def _rate_fraction(rate: Decimal | None) -> float | str:
    return "—" if rate is None else float(rate.scaleb(-2))


def _write_standard(s: _Sheet, form: Form) -> None:
    s.widths([8, 12, 14, 24, 22, 22, 9, 9, 24])
    s.title(1, "项目支出绩效自评表", 9)
    s.put(2, 1, f"（{form.year}年度）" if form.year else "", to=(2, 9), center=True)
    s.put(3, 1, "项目名称", to=(3, 2), center=True)
    s.put(3, 3, form.project, to=(3, 9))
    s.put(4, 1, "主管部门", to=(4, 2), center=True)
    s.put(4, 3, form.department, to=(4, 5))
    s.put(4, 6, "实施单位", center=True)
    s.put(4, 7, form.implementer, to=(4, 9))
    row = 5
    budget = form.budget
    if budget is not None:
        s.put(row, 1, "项目资金\n（万元）", to=(row + 1 + len(budget.rows), 1), center=True)
        s.put(row, 2, "", to=(row, 3))
        budget_heads = (
            "年初预算数",
            "全年预算数（A）",
            "全年执行数（B）",
            "分值",
            "执行率",
            "得分",
        )
        for i, text in enumerate(budget_heads):
            s.put(row, 4 + i, text, center=True)
        row += 1
        s.put(row, 2, "年度资金总额", to=(row, 3), center=True)
        for i, value in enumerate((budget.initial, budget.annual, budget.executed)):
            s.put(row, 4 + i, _cell_number(value), fmt="0.000000")
        s.put(row, 7, _cell_number(budget.weight), fmt=_PLACES)
        s.put(row, 8, _rate_fraction(budget.rate), fmt=_PERCENT)
        s.put(row, 9, _cell_number(budget.score), fmt=_PLACES)
        for i, sub in enumerate(budget.rows):
            row += 1
            s.put(row, 2, f"其中：{sub.name}" if i == 0 else sub.name, to=(row, 3))
            for j, value in enumerate((sub.initial, sub.annual, sub.executed)):
                s.put(row, 4 + j, _cell_number(value), fmt="0.000000")
            for j in range(3):
                s.put(row, 7 + j, "—", center=True)
        row += 1
    goals = dict(form.goals)
    if goals:
        s.put(row, 1, "年度\n总体\n目标", to=(row + 1, 1), center=True)
        s.put(row, 2, "预期目标", to=(row, 5), center=True)
        s.put(row, 6, "实际完成情况", to=(row, 9), center=True)
        s.put(row + 1, 2, goals.get("expected", ""), to=(row + 1, 5))
        s.put(row + 1, 6, goals.get("actual", ""), to=(row + 1, 9))
        s.ws.row_dimensions[row + 1].height = 150
        row += 2
    top = row
    inds = form.indicators
    s.put(top, 1, "绩效\n指标", to=(top + len(inds), 1), center=True)
    heads: tuple[str, ...] = ("一级指标", "二级指标", "三级指标", "年度指标值（A）")
    heads += ("实际完成值（B）", "分值", "得分", "偏差原因分析及\n改进措施")
    first = _indicator_table_head(s, top, heads, inds)
    for i, ind in enumerate(inds):
        r = first + i
        s.put(r, 4, ind.name)
        s.put(r, 5, ind.target)
        s.put(r, 6, ind.actual)
        s.put(r, 7, _cell_number(ind.weight), fmt=_PLACES)
        s.put(r, 8, _cell_number(ind.score), fmt=_PLACES)
        s.put(r, 9, ind.reason)
    row = first + len(inds)
    s.put(row, 1, "总分", to=(row, 6), center=True, bold=True)
    s.put(row, 7, _cell_number(_weights_total(form)), fmt=_PLACES)
    s.put(row, 8, _cell_number(form.total) if form.total is not None else "", fmt=_PLACES)
    s.put(row, 9, "")


def _write_split(s: _Sheet, form: Form) -> None:
    s.widths([8, 12, 14, 22, 8, 10, 8, 12, 8, 8, 22])
    year = f"（{form.year}年度）" if form.year else ""
    s.title(1, f"部门预算项目支出绩效自评表{year}", 11)
    s.put(2, 1, "项目名称", to=(2, 2), center=True)
    s.put(2, 3, form.project, to=(2, 11))
    s.put(3, 1, "主管部门", to=(3, 2), center=True)
    s.put(3, 3, form.department, to=(3, 6))
    s.put(3, 7, "实施单位\n（盖章）", to=(3, 8), center=True)
    s.put(3, 9, form.implementer, to=(3, 11))
    row = 4
    goals = dict(form.goals)
    if goals:
        s.put(row, 1, "项目基本情况", to=(row + 1, 2), center=True)
        s.put(row, 3, "项目年度目标", to=(row, 6), center=True)
        s.put(row, 7, "年度目标完成情况", to=(row, 11), center=True)
        s.put(row + 1, 3, goals.get("expected", ""), to=(row + 1, 6))
        s.put(row + 1, 7, goals.get("actual", ""), to=(row + 1, 11))
        row += 2
    budget = form.budget
    if budget is not None:
        weight = _cell_number(budget.weight)
        label = f"预算执行情况\n（{weight}分）" if budget.weight is not None else "预算执行情况"
        s.put(row, 1, label, to=(row + 1 + len(budget.rows), 1), center=True)
        budget_heads: tuple[str, ...] = (
            "年度预算数\n（万元）",
            "年初预算",
            "调整后预算数",
            "预算执行数",
        )
        budget_heads += ("预算执行率", "权重", "得分")
        for i, text in enumerate(budget_heads):
            s.put(row, 2 + i, text, center=True)
        s.put(row, 9, "原因", to=(row, 11), center=True)
        row += 1
        s.put(row, 2, "总额", center=True)
        for i, amount in enumerate((budget.initial, budget.annual, budget.executed)):
            s.put(row, 3 + i, _cell_number(amount), fmt=_PLACES)
        s.put(row, 6, _rate_fraction(budget.rate), fmt=_PERCENT)
        s.put(row, 7, _cell_number(budget.weight))
        s.put(row, 8, _cell_number(budget.score) if budget.score is not None else "")
        s.put(row, 9, budget.reason, to=(row, 11))
        for i, sub in enumerate(budget.rows):
            row += 1
            s.put(row, 2, f"其中：{sub.name}" if i == 0 else sub.name)
            for j, amount in enumerate((sub.initial, sub.annual, sub.executed)):
                s.put(row, 3 + j, _cell_number(amount), fmt=_PLACES)
            s.put(row, 6, "")
            s.put(row, 7, "/", center=True)
            s.put(row, 8, "/", center=True)
            s.put(row, 9, "", to=(row, 11))
        row += 1
    top = row
    inds = form.indicators
    weights = sum((i.weight for i in inds if i.weight is not None), Decimal(0))
    s.put(top, 1, f"绩效指标\n（{_cell_number(weights)}分）", to=(top + len(inds), 1), center=True)
    heads: tuple[str, ...] = ("一级指标", "二级指标", "三级指标", "指标性质", "指标值")
    heads += ("度量单位", "完成值", "权重", "得分", "未完成原因分析")
    first = _indicator_table_head(s, top, heads, inds)
    for i, ind in enumerate(inds):
        r = first + i
        nature, value, unit = split_target(ind.target)
        s.put(r, 4, ind.name)
        s.put(r, 5, nature, center=True)
        s.put(r, 6, _value_cell(value))
        s.put(r, 7, unit, center=True)
        s.put(r, 8, _value_cell(ind.actual) if ind.actual else "")
        s.put(r, 9, _cell_number(ind.weight))
        s.put(r, 10, _cell_number(ind.score) if ind.score is not None else "")
        s.put(r, 11, ind.reason)
    row = first + len(inds)
    s.put(row, 1, "")
    s.put(row, 2, "合计", to=(row, 8), center=True, bold=True)
    s.put(row, 9, _cell_number(_weights_total(form)))
    s.put(row, 10, _cell_number(form.total) if form.total is not None else "")
    s.put(row, 11, "")
    for label in ("评价结论", "存在问题", "改进措施"):
        row += 1
        s.put(row, 1, label, to=(row, 2), center=True)
        s.put(row, 3, "—", to=(row, 11))


_FIXED_TIME = "2024-01-01T00:00:00Z"


def _deterministic(data: bytes) -> bytes:
    """The same workbook with fixed timestamps, so that the same form gives the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            content = zin.read(info.filename)
            if info.filename == "docProps/core.xml":
                text = content.decode("utf-8")
                for tag in ("created", "modified"):
                    text = re.sub(
                        rf"(<dcterms:{tag}[^>]*>)[^<]*(</dcterms:{tag}>)",
                        rf"\g<1>{_FIXED_TIME}\g<2>",
                        text,
                    )
                content = text.encode("utf-8")
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            zout.writestr(fixed, content)
    return out.getvalue()


def write_xlsx(
    form: Form | Iterable[Form],
    path: str | os.PathLike[str],
    *,
    layout: Layout = "standard",
    sheet_names: Sequence[str] | None = None,
) -> None:
    """Write forms as a workbook, one form per sheet, in the standard 项目支出绩效自评表 layout
    (merged 一级/二级 cells) or the split-column layout (指标性质 / 指标值 / 度量单位, 权重).

    The bytes depend only on the forms (and the openpyxl version): timestamps are fixed.
    """
    openpyxl = _openpyxl(str(path))
    forms = [form] if isinstance(form, Form) else list(form)
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    for i, f in enumerate(forms):
        if sheet_names is not None:
            name = sheet_names[i]
        elif len(forms) == 1:
            name = "绩效自评表"
        else:
            name = f.project or f"表{i + 1}"
        ws = wb.create_sheet(unique_sheet_name(name, used))
        sheet = _Sheet(openpyxl, ws)
        if layout == "split":
            _write_split(sheet, f)
        else:
            _write_standard(sheet, f)
    wb.calculation.fullCalcOnLoad = False  # no formulas: nothing to recalculate
    buffer = io.BytesIO()
    wb.save(buffer)
    atomic_write_bytes(path, _deterministic(buffer.getvalue()))
