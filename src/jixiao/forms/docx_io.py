"""Reading forms from Word documents (.docx) through python-docx (the ``docx`` extra).

A 自评报告 carries its 自评表 as one table or as several (项目资金, 年度总体目标, 绩效指标), with
paragraphs such as ``项目名称：……`` between them. The document body is read in order into one
:class:`~jixiao.forms._grid.Grid`: each table row is a grid row (cells at their grid columns,
``gridSpan`` merged across, ``vMerge`` merged down), each non-empty paragraph a row of one cell.
The same layout finder as for Excel then finds the forms. Locations read ``表2 第5行 第4列``
(the second table of the document, its fifth row, fourth grid column) or ``第3段`` for a paragraph.
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

__all__ = ["read_docx_forms"]

_INSTALL = Msg(
    "读取 .docx 需要 python-docx，请安装：pip install 'jixiao[docx]'",
    "reading .docx needs python-docx: pip install 'jixiao[docx]'",
)
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _docx(source: str) -> Any:
    try:
        import docx
    except ImportError:
        raise FormError(_INSTALL, source=source) from None
    return docx


def _open(docx: Any, data: bytes, source: str) -> Any:
    if data.startswith(_OLE_MAGIC):
        raise FormError(
            Msg(
                "这是旧版 .doc 文件或加密的文档，请在 Word 或 WPS 中另存为未加密的 .docx",
                "an old .doc file or a password-protected document: save it as an unencrypted "
                ".docx",
            ),
            source=source,
        )
    if not data.startswith(_ZIP_MAGIC):
        raise FormError(Msg("不是有效的 .docx 文件", "not a valid .docx document"), source=source)
    try:
        return docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many types for a damaged file
        raise FormError(
            Msg(
                "不是有效的 .docx 文件",
                f"not a valid .docx document ({type(exc).__name__}: {exc})",
            ),
            source=source,
        ) from None


class _Places:
    """Grid row → (table number, row in table) or paragraph number, for locations."""

    def __init__(self) -> None:
        self.rows: dict[int, tuple[int, int]] = {}
        self.paragraphs: dict[int, int] = {}
        self.tables = 0

    def cell(self, row: int, col: int) -> str:
        if row in self.paragraphs:
            return f"第{self.paragraphs[row]}段"
        table, r = self.rows.get(row, (0, row))
        return f"表{table} 第{r}行 第{col}列"


def read_docx_forms(path: Path, source: str, *, include_hidden: bool = False) -> list[Form]:
    """Every form in a Word document's tables (see the module doc)."""
    docx = _docx(source)
    document = _open(docx, path.read_bytes(), source)
    from docx.oxml.ns import qn
    from docx.table import Table, _Cell
    from docx.text.paragraph import Paragraph

    cells: dict[tuple[int, int], GridCell] = {}
    merges: list[tuple[tuple[int, int], tuple[int, int]]] = []
    places = _Places()
    row = 0
    paragraph_no = 0
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            paragraph_no += 1
            text = Paragraph(child, document).text.strip()
            if text:
                row += 1
                places.paragraphs[row] = paragraph_no
                cells[(row, 1)] = GridCell(text, (row, 1), (row, 1))
            continue
        if child.tag != qn("w:tbl"):
            continue
        places.tables += 1
        table = Table(child, document)
        first = row + 1
        for r_in_table, tr in enumerate(child.tr_lst, start=1):
            row += 1
            places.rows[row] = (places.tables, r_in_table)
            col = 1 + int(tr.grid_before or 0)
            for tc in tr.tc_lst:
                span = max(1, int(tc.grid_span or 1))
                if tc.vMerge != "continue":
                    text = _Cell(tc, table).text
                    if text.strip():
                        cells[(row, col)] = GridCell(text, (row, col), (row, col))
                col += span
        merges.extend(_merges(child, first))
    grid = build_grid(source, None, cells, _dedupe(merges))
    grid.locator = places.cell
    grid.place = f"表1-表{places.tables}" if places.tables else "（文档中没有表格 no tables）"
    if places.tables == 0:
        raise FormError(
            Msg(
                "文档中没有表格，找不到绩效自评表",
                "the document has no table: no form to read",
            ),
            source=source,
        )
    return collect_forms(source, [(grid, find_forms(grid))], what="表格", what_en="table")


def _merges(tbl: Any, first_row: int) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """The merged ranges of one table: ``gridSpan`` across, ``vMerge`` runs down a column."""
    out: list[tuple[tuple[int, int], tuple[int, int]]] = []
    running: dict[int, list[int]] = {}  # start column → [top, left, bottom, right]
    for offset, tr in enumerate(tbl.tr_lst):
        row = first_row + offset
        col = 1 + int(tr.grid_before or 0)
        touched: set[int] = set()
        for tc in tr.tc_lst:
            span = max(1, int(tc.grid_span or 1))
            merge = tc.vMerge
            if merge == "continue" and col in running:
                running[col][2] = row
            else:
                if col in running:
                    out.append(_box(running.pop(col)))
                if merge == "restart":
                    running[col] = [row, col, row, col + span - 1]
                elif span > 1:
                    out.append(((row, col), (row, col + span - 1)))
            touched.add(col)
            col += span
        for start in [c for c in running if c not in touched]:
            out.append(_box(running.pop(start)))
    out.extend(_box(box) for box in running.values())
    return out


def _box(box: list[int]) -> tuple[tuple[int, int], tuple[int, int]]:
    return (box[0], box[1]), (box[2], box[3])


def _dedupe(
    merges: list[tuple[tuple[int, int], tuple[int, int]]],
) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """Each anchor once, the widest range kept."""
    best: dict[tuple[int, int], tuple[int, int]] = {}
    for anchor, last in merges:
        old = best.get(anchor)
        if old is None or (last[0] >= old[0] and last[1] >= old[1]):
            best[anchor] = last
    return sorted(best.items())
