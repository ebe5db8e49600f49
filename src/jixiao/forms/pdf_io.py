"""Reading forms from text PDFs (published 部门决算 and 自评报告) through pdfplumber (the ``pdf``
extra).

Every ruled table on every page is read, in page order, into one
:class:`~jixiao.forms._grid.Grid`: a table's columns are the distinct left edges of its cells, its
rows the distinct top edges, and a cell spanning several of them is a merged range. Text lines
outside the tables (the title, ``项目名称：……``) become rows of one cell, so the same layout
finder as for Excel finds the forms; a table continued on the next page (with or without its header
repeated) reads as one. Locations read ``第2页 表1 第5行 第4列`` (page, table on that page, row and
column in that table) or ``第1页 第3行文字`` for a line outside the tables.

A scanned PDF has no text layer: it is refused with an error saying so (no OCR here).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from jixiao.errors import FormError
from jixiao.forms._book import build_grid, collect_forms
from jixiao.forms._grid import GridCell
from jixiao.forms._layout import find_forms
from jixiao.forms.model import Form
from jixiao.i18n import Msg

__all__ = ["read_pdf_forms"]

_INSTALL = Msg(
    "读取 PDF 需要 pdfplumber，请安装：pip install 'jixiao[pdf]'",
    "reading PDF needs pdfplumber: pip install 'jixiao[pdf]'",
)
_TOL = 1.0  # points: edges closer than this are the same edge


def _pdfplumber(source: str) -> Any:
    try:
        import pdfplumber
    except ImportError:
        raise FormError(_INSTALL, source=source) from None
    return pdfplumber


def _edges(values: list[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > _TOL:
            out.append(v)
    return out


def _index(edges: list[float], value: float) -> int:
    """The 0-based index of the edge nearest *value*."""
    return min(range(len(edges)), key=lambda i: abs(edges[i] - value))


class _Places:
    def __init__(self) -> None:
        self.rows: dict[int, tuple[int, int, int]] = {}  # grid row → (page, table, row)
        self.lines: dict[int, tuple[int, int]] = {}  # grid row → (page, line)
        self.pages = 0

    def cell(self, row: int, col: int) -> str:
        if row in self.lines:
            page, line = self.lines[row]
            return f"第{page}页 第{line}行文字"
        page, table, r = self.rows.get(row, (0, 0, row))
        return f"第{page}页 表{table} 第{r}行 第{col}列"


def read_pdf_forms(path: Path, source: str, *, include_hidden: bool = False) -> list[Form]:
    """Every form in the ruled tables of a text PDF (see the module doc)."""
    pdfplumber = _pdfplumber(source)
    data = path.read_bytes()
    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise FormError(Msg("不是有效的 PDF 文件", "not a valid PDF file"), source=source)
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as exc:  # pdfminer raises many types for a damaged or encrypted file
        raise FormError(
            Msg(
                "无法打开 PDF，文件可能已加密或损坏",
                f"cannot open the PDF ({type(exc).__name__}: {exc}); encrypted or damaged",
            ),
            source=source,
        ) from None
    with pdf:
        return _read(pdf, source)


def _read(pdf: Any, source: str) -> list[Form]:
    cells: dict[tuple[int, int], GridCell] = {}
    merges: list[tuple[tuple[int, int], tuple[int, int]]] = []
    places = _Places()
    row = 0
    any_text = False
    tables_found = 0
    for page_no, page in enumerate(pdf.pages, start=1):
        places.pages = page_no
        if page.chars:
            any_text = True
        tables = page.find_tables()
        boxes = [t.bbox for t in tables]

        def outside(obj: dict[str, Any], boxes: list[Any] = boxes) -> bool:
            x = (obj["x0"] + obj["x1"]) / 2
            y = (obj["top"] + obj["bottom"]) / 2
            return not any(b[0] <= x <= b[2] and b[1] <= y <= b[3] for b in boxes)

        items: list[tuple[float, str, Any]] = []
        if page.chars:
            lines = page.filter(lambda o: o.get("object_type") != "char" or outside(o))
            for line in lines.extract_text_lines():
                text = str(line.get("text", "")).strip()
                if text:
                    items.append((float(line["top"]), "line", text))
        items.extend((float(t.bbox[1]), "table", t) for t in tables)
        items.sort(key=lambda item: item[0])
        line_no = table_no = 0
        for _top, kind, item in items:
            if kind == "line":
                line_no += 1
                row += 1
                places.lines[row] = (page_no, line_no)
                cells[(row, 1)] = GridCell(item, (row, 1), (row, 1))
                continue
            table_no += 1
            tables_found += 1
            row = _table(item, row, page_no, table_no, cells, merges, places)
    if not any_text:
        raise FormError(
            Msg(
                "这是扫描件 PDF：没有文字层，无法读取（本工具不做文字识别）；请使用原始的 Excel、"
                "Word 文件或带文字的 PDF",
                "a scanned PDF without a text layer cannot be read (no OCR): use the original "
                "workbook or document, or a text PDF",
            ),
            source=source,
            where=f"第1-{places.pages}页",
        )
    if tables_found == 0:
        raise FormError(
            Msg(
                "PDF 中没有找到带表格线的表格，找不到绩效自评表",
                "no ruled table found in the PDF: no form to read",
            ),
            source=source,
            where=f"第1-{places.pages}页",
        )
    grid = build_grid(source, None, cells, merges)
    grid.locator = places.cell
    grid.place = f"第1-{places.pages}页"
    return collect_forms(source, [(grid, find_forms(grid))], what="表格", what_en="table")


def _table(
    table: Any,
    row: int,
    page_no: int,
    table_no: int,
    cells: dict[tuple[int, int], GridCell],
    merges: list[tuple[tuple[int, int], tuple[int, int]]],
    places: _Places,
) -> int:
    """Add one table's rows below *row*; returns the last grid row used."""
    boxes = [c for r in table.rows for c in r.cells if c is not None]
    if not boxes:
        return row
    xs = _edges([b[0] for b in boxes] + [b[2] for b in boxes])
    ys = _edges([b[1] for b in boxes] + [b[3] for b in boxes])
    texts = table.extract()
    page = table.page
    first = row + 1
    for i in range(len(ys) - 1):
        places.rows[first + i] = (page_no, table_no, i + 1)
    for r_cells, r_texts in zip(table.rows, texts, strict=False):
        for box, text in zip(r_cells.cells, r_texts, strict=False):
            if box is None:
                continue
            top, left = _index(ys, box[1]), _index(xs, box[0])
            bottom, right = _index(ys, box[3]) - 1, _index(xs, box[2]) - 1
            anchor = (first + top, left + 1)
            if text and "\n" in str(text):
                text = _unwrap(page, box) or text
            if text and str(text).strip():
                cells[anchor] = GridCell(str(text), anchor, anchor)
            if bottom > top or right > left:
                merges.append((anchor, (first + max(bottom, top), max(right, left) + 1)))
    return row + len(ys) - 1


def _unwrap(page: Any, box: tuple[float, float, float, float]) -> str:
    """A cell's text with the soft wraps the PDF made to fit the column joined back: a line that
    runs to the cell's right edge continues on the next line (``51092324T00001026`` /
    ``3357-2023年…``), a shorter line ends where its writer broke it."""
    try:
        lines = page.crop(box).extract_text_lines()
    except ValueError:  # a box outside the page
        return ""
    if not lines:
        return ""
    # the text area: the cell less the padding seen on the left, taken as the same on the right
    padding = max(0.0, min(float(line["x0"]) for line in lines) - box[0])
    right = box[2] - padding
    out = ""
    for i, line in enumerate(lines):
        text = str(line.get("text", "")).strip()
        if not text:
            continue
        if out:
            previous = lines[i - 1]
            chars = previous.get("chars") or []
            width = (float(previous["x1"]) - float(previous["x0"])) / max(len(chars), 1)
            soft = float(previous["x1"]) >= right - 1.5 * width
            out += "" if soft else "\n"
        out += text
    return out
