"""Reading forms from old Excel workbooks (.xls, BIFF8) through xlrd (the ``xls`` extra), WPS
spreadsheets (.et) and OpenDocument spreadsheets (.ods, through python-calamine).

Every sheet becomes the same :class:`~jixiao.forms._grid.Grid` the .xlsx reader builds — values,
merged ranges and number formats — so the same layout finder reads every layout in every format.
A .xls file stores each formula's last result, which is what is read. xlrd is imported inside
the functions, never at module level.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import iterparse

from jixiao.errors import FormError
from jixiao.forms._book import build_grid, collect_forms, hidden_note
from jixiao.forms._grid import Grid, GridCell
from jixiao.forms._layout import find_forms
from jixiao.forms.model import Form, ReadNote
from jixiao.forms.xlsx_io import read_xlsx_forms
from jixiao.i18n import Msg

__all__ = ["read_et_forms", "read_ods_forms", "read_xls_forms"]

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_XLS_INSTALL = Msg(
    "读取 .xls 需要 xlrd，请安装：pip install 'jixiao[xls]'",
    "reading .xls needs xlrd: pip install 'jixiao[xls]'",
)
_ODS_INSTALL = Msg(
    "读取 .ods 需要 python-calamine，请安装：pip install 'jixiao[xls]'",
    "reading .ods needs python-calamine: pip install 'jixiao[xls]'",
)
_VISIBILITY = {1: "hidden", 2: "veryHidden"}


def _xlrd(source: str) -> Any:
    try:
        import xlrd
    except ImportError:
        raise FormError(_XLS_INSTALL, source=source) from None
    return xlrd


def _open_xls(xlrd: Any, data: bytes, source: str) -> Any:
    if not data.startswith(_OLE_MAGIC):
        if data.startswith(_ZIP_MAGIC):
            why = Msg(
                "文件扩展名是 .xls，但内容是 .xlsx 工作簿，请把扩展名改为 .xlsx",
                "the file is named .xls but holds an .xlsx workbook: rename it to .xlsx",
            )
        else:
            why = Msg("不是有效的 .xls 文件", "not a valid .xls workbook")
        raise FormError(why, source=source)
    try:
        return xlrd.open_workbook(
            file_contents=data, formatting_info=True, on_demand=False, logfile=_Quiet()
        )
    except Exception as exc:  # xlrd raises many types for a damaged or encrypted file
        text = str(exc)
        if "encrypt" in text.lower() or "password" in text.lower():
            why = Msg(
                "工作簿已加密，请在 Excel 或 WPS 中去掉密码后再读取",
                "the workbook is password-protected: remove the password first",
            )
        else:
            why = Msg(
                "不是有效的 .xls 文件",
                f"not a valid .xls workbook ({type(exc).__name__}: {text})",
            )
        raise FormError(why, source=source) from None


class _Quiet:
    """xlrd writes warnings to a log file; they are not the user's business."""

    def write(self, text: str) -> int:
        return len(text)


def _xls_grid(xlrd: Any, book: Any, sheet: Any, source: str) -> Grid:
    cells: dict[tuple[int, int], GridCell] = {}
    for r in range(sheet.nrows):
        for c in range(sheet.ncols):
            kind = sheet.cell_type(r, c)
            if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                continue
            raw = sheet.cell_value(r, c)
            fmt: str | None = None
            value: object = raw
            if kind == xlrd.XL_CELL_NUMBER:
                fmt = _format(book, sheet, r, c)
                value = _whole(raw)
            elif kind == xlrd.XL_CELL_DATE:
                try:
                    value = xlrd.xldate_as_datetime(raw, book.datemode)
                except Exception:  # a serial no date has: keep the number as shown
                    fmt = _format(book, sheet, r, c)
                    value = _whole(raw)
            elif kind == xlrd.XL_CELL_BOOLEAN:
                value = bool(raw)
            elif kind == xlrd.XL_CELL_ERROR:
                value = xlrd.error_text_from_code.get(raw, "#ERROR")
            elif isinstance(raw, str) and not raw.strip():
                continue
            coord = (r + 1, c + 1)
            cells[coord] = GridCell(value, coord, coord, False, None, fmt)
    merges = [((rlo + 1, clo + 1), (rhi, chi)) for rlo, rhi, clo, chi in sheet.merged_cells]
    return build_grid(source, str(sheet.name), cells, merges)


def _whole(value: float) -> int | float:
    """BIFF stores every number as a float: 5.0 is the 5 a person typed (as .xlsx stores it)."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _format(book: Any, sheet: Any, r: int, c: int) -> str | None:
    try:
        xf = book.xf_list[sheet.cell_xf_index(r, c)]
        code = book.format_map[xf.format_key].format_str
    except (IndexError, KeyError, AttributeError):
        return None
    return None if not code or code == "General" else str(code)


def _read_biff(data: bytes, source: str, include_hidden: bool) -> list[Form]:
    xlrd = _xlrd(source)
    book = _open_xls(xlrd, data, source)
    per_sheet: list[tuple[Grid, list[Form]]] = []
    skipped: list[ReadNote] = []
    for sheet in book.sheets():
        state = _VISIBILITY.get(getattr(sheet, "visibility", 0))
        if state is not None and not include_hidden:
            skipped.append(hidden_note(str(sheet.name), state))
            continue
        grid = _xls_grid(xlrd, book, sheet, source)
        per_sheet.append((grid, find_forms(grid)))
    return collect_forms(source, per_sheet, skipped)


def read_xls_forms(path: Path, source: str, *, include_hidden: bool = False) -> list[Form]:
    """Every form on every visible sheet of an old .xls workbook (BIFF8)."""
    return _read_biff(path.read_bytes(), source, include_hidden)


def read_et_forms(path: Path, source: str, *, include_hidden: bool = False) -> list[Form]:
    """A WPS spreadsheet (.et): the old binary kind is read like .xls, the new one like .xlsx."""
    data = path.read_bytes()
    if data.startswith(_ZIP_MAGIC):
        return read_xlsx_forms(path, source, include_hidden=include_hidden)
    return _read_biff(data, source, include_hidden)


def read_ods_forms(path: Path, source: str, *, include_hidden: bool = False) -> list[Form]:
    """Every form on every visible sheet of an OpenDocument spreadsheet (.ods): values through
    calamine; percentages and merged ranges from the file's content.xml. Other number formats
    (decimal places shown) are not available: numbers are read as stored."""
    try:
        import python_calamine
    except ImportError:
        raise FormError(_ODS_INSTALL, source=source) from None
    data = path.read_bytes()
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # calamine raises its own types for a damaged file
        raise FormError(
            Msg(
                "不是有效的 .ods 文件",
                f"not a valid .ods file ({type(exc).__name__}: {exc})",
            ),
            source=source,
        ) from None
    percent, spans = _ods_layout(data, source)
    per_sheet: list[tuple[Grid, list[Form]]] = []
    skipped: list[ReadNote] = []
    for meta in book.sheets_metadata:
        visible = str(getattr(meta, "visible", "")).lower()
        if "hidden" in visible and not include_hidden:
            state = "veryHidden" if "very" in visible else "hidden"
            skipped.append(hidden_note(str(meta.name), state))
            continue
        sheet = book.get_sheet_by_name(meta.name)
        cells: dict[tuple[int, int], GridCell] = {}
        shown_as_percent = percent.get(str(meta.name), set())
        for r, row in enumerate(sheet.to_python(skip_empty_area=False)):
            for c, value in enumerate(row):
                if value is None or (isinstance(value, str) and not value.strip()):
                    continue
                coord = (r + 1, c + 1)  # skip_empty_area=False: the rows start at A1
                if isinstance(value, float):
                    value = _whole(value)
                cells[coord] = GridCell(value, coord, coord, coord in shown_as_percent)
        grid = build_grid(source, str(meta.name), cells, spans.get(str(meta.name), []))
        per_sheet.append((grid, find_forms(grid)))
    return collect_forms(source, per_sheet, skipped)


_ODS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_ODS_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_MAX_PERCENT_CELLS = 100_000


Box = tuple[tuple[int, int], tuple[int, int]]


def _ods_layout(
    data: bytes, source: str
) -> tuple[dict[str, set[tuple[int, int]]], dict[str, list[Box]]]:
    """What calamine does not give for an .ods file, by sheet: the cells stored as percentages
    (``office:value-type="percentage"``: 0.9706 shown as 97.06%) and the merged ranges
    (``number-rows-spanned`` / ``number-columns-spanned``)."""
    out: dict[str, set[tuple[int, int]]] = {}
    merges: dict[str, list[Box]] = {}
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z, z.open("content.xml") as fh:
            sheet = ""
            row = col = 0
            row_repeat = 1
            count = 0
            for event, el in iterparse(fh, events=("start", "end")):
                tag = el.tag
                if event == "end":
                    if tag == f"{_ODS_TABLE}table-row":
                        row += row_repeat
                    el.clear()
                    continue
                if tag == f"{_ODS_TABLE}table":
                    sheet, row = el.get(f"{_ODS_TABLE}name", ""), 0
                elif tag == f"{_ODS_TABLE}table-row":
                    col = 0
                    row_repeat = int(el.get(f"{_ODS_TABLE}number-rows-repeated", "1"))
                elif tag in (f"{_ODS_TABLE}table-cell", f"{_ODS_TABLE}covered-table-cell"):
                    repeat = int(el.get(f"{_ODS_TABLE}number-columns-repeated", "1"))
                    down = int(el.get(f"{_ODS_TABLE}number-rows-spanned", "1"))
                    across = int(el.get(f"{_ODS_TABLE}number-columns-spanned", "1"))
                    if down > 1 or across > 1:
                        anchor = (row + 1, col + 1)
                        last = (row + down, col + across)
                        merges.setdefault(sheet, []).append((anchor, last))
                    if el.get(f"{_ODS_OFFICE}value-type") == "percentage":
                        for r in range(row, row + min(row_repeat, 1000)):
                            for c in range(col, col + min(repeat, 1000)):
                                out.setdefault(sheet, set()).add((r + 1, c + 1))
                                count += 1
                        if count > _MAX_PERCENT_CELLS:
                            break
                    col += repeat
    except (KeyError, ValueError, zipfile.BadZipFile, SyntaxError) as exc:
        raise FormError(
            Msg(
                "不是有效的 .ods 文件",
                f"not a valid .ods file ({type(exc).__name__})",
            ),
            source=source,
        ) from None
    return out, merges
